"""Moving a local workspace into a shared PostgreSQL database: the first-time set-up of a team.

The shared database gets csrdesk's schema (an empty database is set up; a newer csrdesk's is refused as for a
file), then every row of the workspace, checked table by table; the local file is left as it was, to keep."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.exchange import report_template
from csrdesk.exchange.letters import kind_of as letter_kind
from csrdesk.services.history import who
from csrdesk.services.letters import TEMPLATE_SUFFIXES
from csrdesk.services.shared_files import file_digest
from csrdesk.storage.copying import copy_everything
from csrdesk.storage.db import Database, checked_url, open_database, sqlite_path
from csrdesk.storage.models import Assessment, EvidenceFile, SharedTemplate, StoredFile


@dataclass(frozen=True)
class MoveResult:
    """A local workspace moved into a shared database: the rows and files copied, the templates now shared."""

    target: str  # the shared database, without its password
    tables: dict[str, int]
    rows: int
    kept_file: str  # the local workspace, unchanged
    files: int = 0  # evidence files and audit reports now kept in the shared database
    files_missing: tuple[str, ...] = ()  # named by records but not in this computer's data folder
    templates: tuple[str, ...] = field(default=())  # this computer's templates, now the team's


def _local_files(local: Database) -> tuple[dict[str, Path], list[str]]:
    """The files the workspace's records name, found in the data folder by content: {sha256: file}, and the names
    of those missing (or changed) there."""
    with local.reading() as s:
        named = [(sha, stored, name) for sha, stored, name in s.execute(
            select(EvidenceFile.sha256, EvidenceFile.stored_name, EvidenceFile.original_name))]
        named += [(Path(stored).name.split(".")[0], stored, name) for stored, name in s.execute(
            select(Assessment.report_stored_name, Assessment.report_name).where(Assessment.report_stored_name != ""))]
    found: dict[str, Path] = {}
    missing: list[str] = []
    for sha, stored, name in named:
        if sha in found:
            continue
        path = paths.evidence_dir() / stored
        if path.is_file() and file_digest(path) == sha:
            found[sha] = path
        else:
            missing.append(name)
    return found, sorted(set(missing))


def _local_templates() -> list[Path]:
    folder = paths.user_templates_dir()
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                  and p.suffix.lower() in TEMPLATE_SUFFIXES
                  and (letter_kind(p.name) or report_template.kind_of(p.name))) if folder.is_dir() else []


def move_workspace(local: Database, target_url: str,
                   progress: Optional[Callable[[str, int], None]] = None) -> MoveResult:
    """Copies everything of the local SQLite workspace into the empty shared database at target_url."""
    if local.path is None:
        raise UserError("Only a local workspace file can be moved into a shared database; this one is already on "
                        "a server.")
    if "://" not in target_url or sqlite_path(checked_url(target_url)) is not None:
        raise UserError("Give the URL of the shared PostgreSQL database, such as "
                        "postgresql+psycopg://li.na@db.example.com/csrdesk.")
    files, missing = _local_files(local)
    templates = _local_templates()
    with local.reading() as s:
        person = who(s)
    now = datetime.now().replace(microsecond=0)

    def add_files(conn: Connection) -> None:
        # The files move with the records that name them (the shared database keeps them for every member).
        for sha, path in files.items():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                raise UserError(f"{path} changed while the workspace was being moved; nothing was kept.")
            conn.execute(insert(StoredFile), {"sha256": sha, "size": len(data), "content": data, "added_at": now,
                                              "added_by": person})
            if progress:
                progress("stored_files", len(files))
        for path in templates:
            data = path.read_bytes()
            conn.execute(insert(SharedTemplate), {"name": path.name, "sha256": hashlib.sha256(data).hexdigest(),
                                                  "size": len(data), "content": data, "shared_at": now,
                                                  "shared_by": person})

    shared = open_database(target_url)  # creates the schema on an empty database; refuses a newer one
    try:
        counts = copy_everything(local.engine, shared.engine, progress, also=add_files)
        return MoveResult(shared.display_name, counts.tables, counts.rows, str(local.path), len(files),
                          tuple(missing), tuple(p.name for p in templates))
    finally:
        shared.dispose()
