"""Templates the team shares: a letter, e-mail or report template one member made is kept in the shared database,
and every member's csrdesk uses it (unless that computer has its own copy of the same name, which it is editing).

Sharing checks the template exactly as a letter or report checks it before use (a template that would be refused is
never shared) and holds it to a size limit; the database keeps it, so it is in the server's backups and reaches
members wherever they sit. Each computer keeps a copy of the team's templates in its cache, brought in step when
the database is opened and before templates are listed or used."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy import select

from csrdesk import paths
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import who
from csrdesk.services.shared_files import file_digest, files_in_database, human_size
from csrdesk.services.team_folder import set_team_templates_folder
from csrdesk.storage.db import Database
from csrdesk.storage.models import SharedTemplate

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # a letterhead with a logo is a few hundred KB; more is not a template
# The template renderers (docxtpl, python-docx) are imported where a template is checked, not when the database
# opens and the team's templates are brought in step (the window's start stays light).


@dataclass(frozen=True)
class SharedTemplateInfo:
    """A template shared with the team in the database: its name, size, and who shared it when."""

    name: str
    size: int
    shared_at: datetime
    shared_by: str


def team_cache_folder(db: Database) -> Path:
    """This computer's copy of one shared database's templates (one folder per database, so two teams' templates
    never mix)."""
    key = hashlib.sha256(db.display_name.encode("utf-8")).hexdigest()[:16]
    folder = paths.cache_dir() / "team-templates" / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sync_team_templates(db: Database) -> Optional[Path]:
    """Brings this computer's copy of the team's templates in step with the shared database (what changed only) and
    makes letters and reports use it; a local workspace has none (returns None)."""
    if not files_in_database(db):
        set_team_templates_folder(None)
        return None
    folder = team_cache_folder(db)
    with db.reading() as s:
        wanted = dict(s.execute(select(SharedTemplate.name, SharedTemplate.sha256)).all())
        for old in folder.iterdir():
            if old.is_file() and old.name not in wanted:
                old.unlink(missing_ok=True)
        stale = [n for n, sha in wanted.items() if not (folder / n).is_file() or file_digest(folder / n) != sha]
        if stale:
            for name, content in s.execute(select(SharedTemplate.name, SharedTemplate.content)
                                           .where(SharedTemplate.name.in_(stale))):
                tmp = folder / (name + ".part")
                tmp.write_bytes(content)
                tmp.replace(folder / name)
    set_team_templates_folder(folder)
    return folder


def _own_copy(name: str) -> Path:
    """The template of this computer's templates folder a member means by name (with or without its extension)."""
    from csrdesk.services.letters import TEMPLATE_SUFFIXES

    text = (name or "").strip()
    if not text or Path(text).name != text or text.startswith("."):
        raise UserError("Give the name of a template in your templates folder (see `csrdesk templates list`).")
    folder = paths.user_templates_dir()
    names = [text] if Path(text).suffix.lower() in TEMPLATE_SUFFIXES else [text + s for s in TEMPLATE_SUFFIXES]
    for n in names:
        if (folder / n).is_file():
            return folder / n
    raise UserError(f"There is no template {text!r} in your templates folder ({folder}); copy a default there "
                    "first (`csrdesk templates copy`), edit it, then share it.")


def _check(path: Path) -> None:
    """The checks a letter or report makes before it uses the template; a refused template is never shared."""
    from csrdesk.exchange import report_template
    from csrdesk.exchange.letters import kind_of as letter_kind
    from csrdesk.services.letters import check_template_file

    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path.name} is empty; nothing was shared.")
    if size > MAX_TEMPLATE_BYTES:
        raise UserError(f"{path.name} is {human_size(size)}, more than the {human_size(MAX_TEMPLATE_BYTES)} a template "
                        "may have (make its pictures smaller); nothing was shared.")
    if letter_kind(path.name):
        check_template_file(str(path))
        return
    kind = report_template.kind_of(path.name)
    if kind is None or path.suffix.lower() != ".docx":
        raise UserError(f"{path.name} is neither a letter, e-mail nor report template: its name must start with the "
                        "kind it is for (cap_letter_..., email_cap_..., program_report_...).")
    sample = {name: f"[{name}]" for name in report_template.CONTEXT_NAMES}
    report_template.open_report_template(path.read_bytes(), sample, path.name)


def share_template(db: Database, name: str) -> SharedTemplateInfo:
    """Shares a template of this computer's templates folder with the team (replacing the team's of the same name),
    after checking it as its letters or reports would."""
    if not files_in_database(db):
        raise UserError("Templates are shared through a shared team database; this is a local workspace, whose "
                        "templates folder is already the only one.")
    path = _own_copy(name)
    _check(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with db.transaction() as s:
        person = who(s)
        row = s.get(SharedTemplate, path.name)
        if row is None:
            row = SharedTemplate(name=path.name)
            s.add(row)
        row.sha256, row.size, row.content = sha, len(data), data
        row.shared_at, row.shared_by = datetime.now().replace(microsecond=0), person
        s.flush()
        info = SharedTemplateInfo(row.name, row.size, row.shared_at, row.shared_by)
    sync_team_templates(db)
    return info


def unshare_template(db: Database, name: str) -> str:
    """Takes a template out of the team's shared ones; members' letters fall back to the default of its name."""
    from csrdesk.services.letters import TEMPLATE_SUFFIXES

    text = (name or "").strip()
    with db.transaction() as s:
        names = [text] if Path(text).suffix.lower() in TEMPLATE_SUFFIXES else [text + x for x in TEMPLATE_SUFFIXES]
        row = next((r for r in (s.get(SharedTemplate, n) for n in names) if r is not None), None)
        if row is None:
            shared = ", ".join(t.name for t in shared_templates(db, session=s)) or "none"
            raise NotFound(f"The team shares no template {text!r}. Shared: {shared}.")
        gone = row.name
        s.delete(row)
    sync_team_templates(db)
    return gone


def shared_templates(db: Database, session=None) -> list[SharedTemplateInfo]:
    """The templates the team shares, by name (none for a local workspace)."""
    if not files_in_database(db):
        return []
    query = select(SharedTemplate.name, SharedTemplate.size, SharedTemplate.shared_at, SharedTemplate.shared_by) \
        .order_by(SharedTemplate.name)
    if session is not None:
        return [SharedTemplateInfo(*r) for r in session.execute(query)]
    with db.reading() as s:
        return [SharedTemplateInfo(*r) for r in s.execute(query)]
