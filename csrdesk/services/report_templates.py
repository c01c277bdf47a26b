"""Report templates: the built-in ones, and the user's copies in the templates folder (beside the letters'), which
are used instead of a built-in one with the same name. Copy one, edit it in Word, and the next report uses it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.exchange.report_template import LANGUAGES, REPORT_KINDS, default_template, kind_of, template_name
from csrdesk.services.team_folder import team_templates_folder


@dataclass(frozen=True)
class ReportTemplateInfo:
    """A report template: built-in, the team's or the user's copy."""

    name: str
    kind: str
    source: str  # 'default', 'team' (shared by the team's database) or 'user' (this computer's templates folder)
    path: Optional[Path]  # None for a built-in template (made when used)


def _report_files(folder: Optional[Path]) -> dict[str, Path]:
    if folder is None or not folder.is_dir():
        return {}
    return {p.name: p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".docx"
            and not p.name.startswith((".", "~$")) and kind_of(p.name)}


def list_report_templates() -> list[ReportTemplateInfo]:
    """The built-in templates (unless a copy has their name), the team's shared ones (a shared database) unless this
    computer has a copy of the same name, and every copy of this computer's."""
    users = _report_files(paths.user_templates_dir())
    team = {n: p for n, p in _report_files(team_templates_folder()).items() if n not in users}
    out = [ReportTemplateInfo(name, kind_of(name), "user", path) for name, path in sorted(users.items())]
    out += [ReportTemplateInfo(name, kind_of(name), "team", path) for name, path in sorted(team.items())]
    for kind in REPORT_KINDS:
        for lang in LANGUAGES:
            name = template_name(kind, lang)
            if name not in users and name not in team:
                out.append(ReportTemplateInfo(name, kind, "default", None))
    return out


def _copy_named(name: str) -> Optional[Path]:
    """This computer's copy of a template name, else the team's."""
    for folder in (paths.user_templates_dir(), team_templates_folder()):
        if folder is not None and (folder / name).is_file():
            return folder / name
    return None


def template_for(kind: str, lang: str, name: Optional[str] = None) -> tuple[bytes, str]:
    """The template's bytes and name: the one named (a user copy or a file path), else the user's copy of the
    default name, else the built-in one."""
    if name:
        text = name.strip()
        candidate = Path(text).expanduser()
        if candidate.suffix.lower() != ".docx":
            candidate = candidate.with_name(candidate.name + ".docx")
        path = candidate if ("/" in text or "\\" in text) else _copy_named(candidate.name)
        if path is not None and path.is_file():
            if kind_of(path.name) not in (None, kind):
                raise UserError(f"The template {path.name} is for a {kind_of(path.name).replace('_', ' ')}, not a "
                                f"{kind.replace('_', ' ')}.")
            return path.read_bytes(), path.name
        if candidate.name in {template_name(kind, lg) for lg in LANGUAGES}:
            return default_template(kind, candidate.name[len(kind) + 1:-5]), candidate.name
        names = ", ".join(t.name for t in list_report_templates() if t.kind == kind)
        raise UserError(f"No report template named {text!r}. Available: {names}.")
    copy = _copy_named(template_name(kind, lang))
    if copy is not None:
        return copy.read_bytes(), copy.name
    return default_template(kind, lang), template_name(kind, lang)


def copy_report_template(name: str, new_name: Optional[str] = None) -> Path:
    """Writes a built-in report template into the user's templates folder, to edit in Word."""
    stem = name.strip().removesuffix(".docx")
    kind = kind_of(stem)
    lang = stem[len(kind) + 1:] if kind else ""
    if kind is None or lang not in LANGUAGES:
        names = ", ".join(template_name(k, lg) for k in REPORT_KINDS for lg in LANGUAGES)
        raise UserError(f"No built-in report template named {name!r}. Built-in: {names}.")
    target_name = (new_name or template_name(kind, lang)).strip()
    if not target_name.lower().endswith(".docx"):
        target_name += ".docx"
    if Path(target_name).name != target_name or target_name.startswith("."):
        raise UserError(f"{target_name!r} is not a plain file name.")
    if kind_of(target_name) != kind:
        raise UserError(f"The copy's name must start with {kind} so it is used for the same reports.")
    target = paths.user_templates_dir() / target_name
    if target.exists():
        raise UserError(f"There is already a template {target_name} in {target.parent}; edit that one.")
    target.write_bytes(default_template(kind, lang))
    return target
