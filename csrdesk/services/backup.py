"""Backups of the database file: on demand, before a migration and before any bulk change; old ones pruned."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.storage.db import Database, backup_path, backup_sqlite

AUTOMATIC_PREFIX = "csrdesk-"
log = logging.getLogger(__name__)


def backup_database(db: Database, target: Optional[Path] = None, reason: str = "manual") -> Optional[Path]:
    """Copies the SQLite file (online, consistent), or dumps a shared PostgreSQL database with pg_dump (refused
    with what to install where pg_dump is missing). Returns the copy."""
    source = db.path
    if source is None:
        return _dump_server(db, target, reason)
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


def _dump_server(db: Database, target: Optional[Path], reason: str) -> Path:
    from csrdesk.storage import pg_backup

    if target is None:
        target = backup_path(reason).with_suffix(".pgdump")
    else:
        target = Path(target)
        if target.is_dir():
            target = backup_path(reason, target).with_suffix(".pgdump")
    result = pg_backup.dump(db.url, target)
    if result.parent == paths.backups_dir():
        from csrdesk.services.settings import load_preferences

        prune_backups(load_preferences(db).backup_retention)
    return result


def restore_server_backup(db: Database, source: Path) -> None:
    """Puts a `csrdesk backup` dump of a shared PostgreSQL database back into it (pg_restore, all or nothing).
    A SQLite file is restored by copying the backup file over it while csrdesk is closed."""
    if db.path is not None:
        raise UserError(f"This database is the file {db.path}: to restore it, close csrdesk and copy the backup "
                        "file over it (keep the current file aside until you have checked the restored one).")
    from csrdesk.storage import pg_backup

    pg_backup.restore(db.url, Path(source))


def before_bulk_change(db: Database, what: str) -> Optional[Path]:
    """The automatic backup taken before an import or any bulk change: a copy of the file, or a pg_dump of a
    shared database (none where pg_dump is not installed: the change goes ahead, the log says so)."""
    if db.path is None:
        from csrdesk.storage import pg_backup

        if pg_backup.tool("pg_dump") is None:
            log.warning("no backup before %s: pg_dump is not installed on this computer", what)
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
    removed = 0
    for pattern in ("*.sqlite3", "*.pgdump"):  # file copies and server dumps are kept apart, `keep` of each
        files = sorted(folder.glob(f"{AUTOMATIC_PREFIX}{pattern}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
            removed += 1
    return removed
