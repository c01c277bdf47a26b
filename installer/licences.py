"""Collects the licence texts of every component the bundle ships, for installer/csrdesk.spec.

Walks the runtime dependencies of pyproject.toml through their own requirements, copies each distribution's
licence files, and adds the LGPL/GPL texts for the packages whose wheels carry none (PySide6, shiboken6, docxtpl).
"""
from __future__ import annotations

import importlib.metadata as md
import re
import shutil
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "licenses"
# Wheels that ship no licence file: the licence they are distributed under, by the file in installer/licenses.
MISSING_TEXTS = {
    "pyside6-essentials": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    "shiboken6": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    "docxtpl": ["LGPL-2.1.txt"],
}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(pyproject: Path) -> list[md.Distribution]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    todo = [_NAME.match(req).group(1) for req in project["dependencies"]]
    seen: dict[str, md.Distribution] = {}
    while todo:
        name = _norm(todo.pop())
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[name] = dist
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            match = _NAME.match(req)
            if match:
                todo.append(match.group(1))
    return sorted(seen.values(), key=lambda d: _norm(d.metadata["Name"]))


def collect(pyproject: Path, out: Path) -> Path:
    """Writes out/<distribution>/<licence files> and out/THIRD-PARTY-NOTICES.txt; returns out."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lines = ["csrdesk bundles the following components. Their licence texts are in the folders beside this file.", ""]
    for dist in runtime_distributions(pyproject):
        name, version = dist.metadata["Name"], dist.version
        licence = dist.metadata.get("License-Expression") or (dist.metadata.get("License") or "").splitlines()[0:1]
        licence = licence if isinstance(licence, str) else (licence[0] if licence else "see licence file")
        folder = out / f"{name}-{version}"
        folder.mkdir()
        copied = 0
        for f in dist.files or []:
            if re.search(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", f.name, re.I) and ".dist-info" in str(f):
                src = Path(dist.locate_file(f))
                if src.is_file():
                    shutil.copy(src, folder / f.name)
                    copied += 1
        for text in MISSING_TEXTS.get(_norm(name), []):
            shutil.copy(TEXTS / text, folder / text)
            copied += 1
        home = dist.metadata.get("Home-page") or next(
            (u.split(",", 1)[1].strip() for u in dist.metadata.get_all("Project-URL") or [] if "," in u), "")
        lines.append(f"{name} {version}: {licence}  {home}".rstrip())
        if not copied:
            lines.append("    (its distribution carries no separate licence file)")
    lines += ["", "Qt is used under the GNU LGPL version 3 through PySide6; you may replace the Qt and PySide6 "
              "libraries in this folder with your own builds of the same versions."]
    (out / "THIRD-PARTY-NOTICES.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
