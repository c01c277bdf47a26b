"""Backups of the database file: on demand, before a migration and before any bulk change; old ones pruned."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.storage.db import Database, backup_path, backup_sqlite

AUTOMATIC_PREFIX = "csrdesk-"


def backup_database(db: Database, target: Optional[Path] = None, reason: str = "manual") -> Optional[Path]:
    """Copies the SQLite file (online, consistent); for PostgreSQL, says to use pg_dump. Returns the copy."""
    source = db.path
    if source is None:
        raise UserError("This is a shared PostgreSQL database: back it up with pg_dump on the server.")
    if target is None:
        target = backup_path(reason)
    else:
        target = Path(target)
        if target.is_dir():
            target = backup_path(reason, target)
        if target.resolve() == source.resolve():
            raise UserError("The backup cannot overwrite the database itself.")
    result = backup_sqlite(source, target)
    if target.parent == paths.backups_dir():
        from csrdesk.services.settings import load_preferences

        prune_backups(load_preferences(db).backup_retention)
    return result


def before_bulk_change(db: Database, what: str) -> Optional[Path]:
    """The automatic backup taken before an import or any bulk change (none for PostgreSQL)."""
    if db.path is None:
        return None
    return backup_database(db, reason=f"before-{what}")


@contextmanager
def bulk_change(db: Database, what: str) -> Iterator[Optional[Path]]:
    """The backup before a bulk change, kept when the change is made and removed when it fails: a refused or
    failed import leaves the database as it was, and no stray copy in the backups folder."""
    backup = before_bulk_change(db, what)
    try:
        yield backup
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise


def prune_backups(keep: Optional[int] = None) -> int:
    if keep is None:
        keep = 20
    folder = paths.backups_dir()
    files = sorted(folder.glob(f"{AUTOMATIC_PREFIX}*.sqlite3"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = 0
    for old in files[keep:]:
        old.unlink(missing_ok=True)
        removed += 1
    return removed
