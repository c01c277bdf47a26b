"""Opening the database: the URL, the engine and its pragmas, migrations at start, and backups."""
from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from csrdesk import paths
from csrdesk.errors import DatabaseError, NewerDatabaseError  # noqa: F401  (raised here, caught above)

log = logging.getLogger(__name__)

DB_ENV = "CSRDESK_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest schema this version of csrdesk knows; a test checks it against the Alembic scripts.
SCHEMA_HEAD = "0006_laws"


def database_url(explicit: Optional[str] = None) -> str:
    """The URL to open: --db, then CSRDESK_DB, then the SQLite file in the user's data folder.

    A plain file path is taken as a SQLite file.
    """
    value = explicit or os.environ.get(DB_ENV) or str(paths.default_database_path())
    if "://" not in value:
        value = "sqlite:///" + str(Path(value).expanduser().resolve())
    return value


def sqlite_path(url: str) -> Optional[Path]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


def has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool([t for t in inspect(conn).get_table_names() if t != "alembic_version"])


def backup_sqlite(source: Path, target: Path) -> Path:
    """An online copy of a SQLite file (safe while it is open), via SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
        finally:
            dst.close()
        os.replace(partial, target)  # a backup is whole or absent, never half written
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    return target


def backup_path(reason: str, folder: Optional[Path] = None) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reason)
    return (folder or paths.backups_dir()) / f"csrdesk-{stamp}-{safe}.sqlite3"


def migrate(engine: Engine, url: str) -> Optional[Path]:
    """Brings the schema to SCHEMA_HEAD; returns the backup made first, if any.

    A database written by a newer csrdesk is refused and left untouched.
    """
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return None
    if revision is not None and revision not in _known_revisions():
        raise NewerDatabaseError(
            f"This database was written by a newer version of csrdesk (schema {revision}). "
            "Install the newer csrdesk to open it; the file was left untouched."
        )
    if revision is None and has_user_tables(engine):
        raise DatabaseError("This file is not a csrdesk database (it has tables but no csrdesk schema version).")
    backup = None
    path = sqlite_path(url)
    if revision is not None and path is not None and path.exists():
        backup = backup_sqlite(path, backup_path(f"before-migration-{revision}"))
        log.info("backed up %s to %s before migrating from %s", path, backup, revision)
    from alembic import command

    command.upgrade(_alembic_config(engine), "head")
    return backup


@dataclass
class Database:
    """An open csrdesk database: the engine and a session factory, one transaction per service call."""

    url: str
    engine: Engine
    sessions: sessionmaker

    @property
    def path(self) -> Optional[Path]:
        return sqlite_path(self.url)

    @property
    def display_name(self) -> str:
        path = self.path
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session: Session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session: Session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        if self.path is not None:
            # Keeps SQLite's query plans good as the data grows (statistics of the tables that need them).
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must never fail over statistics
                log.debug("PRAGMA optimize failed", exc_info=True)
        self.engine.dispose()


def open_database(url: Optional[str] = None, *, migrate_schema: bool = True) -> Database:
    """Opens (and creates, and migrates) the database at url, or the default one."""
    resolved = database_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder; give the path of a database file, such as {path / 'csrdesk.sqlite3'}.")
        try:
            if path.exists() and path.stat().st_size > 0:
                with open(path, "rb") as handle:
                    if handle.read(16) != b"SQLite format 3\x00":
                        raise DatabaseError(f"{path} is not a SQLite database file.")
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Cannot open the database {path}: {exc.strerror or exc}.") from exc
    engine = make_engine(resolved)
    try:
        if migrate_schema:
            migrate(engine, resolved)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        if exc.__class__.__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
            raise DatabaseError(f"Could not open the database {resolved}: {exc}") from exc
        raise
    return Database(url=resolved, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
