"""Moving a local workspace into a shared PostgreSQL database: the first-time set-up of a team.

The shared database gets csrdesk's schema (an empty database is set up; a newer csrdesk's is refused as for a
file), then every row of the workspace, checked table by table; the local file is left as it was, to keep."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from csrdesk.errors import UserError
from csrdesk.storage.copying import copy_everything
from csrdesk.storage.db import Database, checked_url, open_database, sqlite_path


@dataclass(frozen=True)
class MoveResult:
    target: str  # the shared database, without its password
    tables: dict[str, int]
    rows: int
    kept_file: str  # the local workspace, unchanged


def move_workspace(local: Database, target_url: str,
                   progress: Optional[Callable[[str, int], None]] = None) -> MoveResult:
    """Copies everything of the local SQLite workspace into the empty shared database at target_url."""
    if local.path is None:
        raise UserError("Only a local workspace file can be moved into a shared database; this one is already on "
                        "a server.")
    if "://" not in target_url or sqlite_path(checked_url(target_url)) is not None:
        raise UserError("Give the URL of the shared PostgreSQL database, such as "
                        "postgresql+psycopg://li.na@db.example.com/csrdesk.")
    shared = open_database(target_url)  # creates the schema on an empty database; refuses a newer one
    try:
        counts = copy_everything(local.engine, shared.engine, progress)
        return MoveResult(shared.display_name, counts.tables, counts.rows, str(local.path))
    finally:
        shared.dispose()
