"""The bundle carries the licence text of every component it ships, LGPL ones included."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))

import licences  # noqa: E402


def test_every_runtime_component_has_its_licence(tmp_path):
    """Qt/PySide6 and docxtpl get their LGPL texts; SQLAlchemy, openpyxl and matplotlib their own files."""
    out = licences.collect(ROOT / "pyproject.toml", tmp_path / "licenses")
    notices = (out / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    folders = {p.name.rsplit("-", 1)[0].lower(): p for p in out.iterdir() if p.is_dir()}
    for name in ("pyside6_essentials", "shiboken6", "docxtpl", "sqlalchemy", "openpyxl", "matplotlib", "alembic"):
        assert name in folders, f"{name} missing from {sorted(folders)}"
        assert any(folders[name].iterdir()), f"no licence file for {name}"
    assert (folders["pyside6_essentials"] / "LGPL-3.0.txt").read_text().startswith("                   GNU LESSER")
    assert (folders["docxtpl"] / "LGPL-2.1.txt").exists()
    assert "LGPL" in notices and "replace the Qt and PySide6" in notices
