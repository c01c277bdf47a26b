"""Opening the database: the URL, the engine and its pragmas, migrations at start, and backups."""
from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Optional
from urllib.parse import quote

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

# The default database's dialect, imported with this module rather than on the first connection: the window imports
# the database layer before Qt (see csrdesk/ui/app.py), and a module imported after Qt costs the start a reading of
# its source.
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: E402,F401  isort: skip

from csrdesk import paths
from csrdesk.errors import ConcurrentEdit, DatabaseError, NewerDatabaseError, UserError  # noqa: F401  (raised here, caught above)

log = logging.getLogger(__name__)

DB_ENV = "CSRDESK_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest schema this version of csrdesk knows; a test checks it against the Alembic scripts.
SCHEMA_HEAD = "0010_shared_files"


def database_url(explicit: Optional[str] = None) -> str:
    """The URL to open: --db, then CSRDESK_DB, then the SQLite file in the user's data folder.

    A plain file path is taken as a SQLite file. A URL of a kind csrdesk cannot use (another database system, a
    driver that is not installed, a misspelt scheme) is refused here, in one line, before anything is opened.
    """
    value = explicit or os.environ.get(DB_ENV) or str(paths.default_database_path())
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    return checked_url(value)


def checked_url(value: str) -> str:
    """A database URL csrdesk can open (SQLite, or PostgreSQL with an installed driver), or DatabaseError."""
    try:
        parsed = make_url(value)
    except Exception:  # SQLAlchemy's ArgumentError, or a ValueError from a malformed port
        raise DatabaseError(f"{value!r} is neither a database file nor a database URL such as "
                            "postgresql+psycopg://user@host/csrdesk.") from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend in ("postgres", "pgsql", "postgre"):
        raise DatabaseError(f"Write postgresql+psycopg://… instead of {parsed.drivername}://… ({shown}).")
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"csrdesk works with SQLite files and PostgreSQL databases; {shown} is neither.")
    if backend == "postgresql" and "+" not in parsed.drivername:
        # psycopg (version 3) is the driver csrdesk ships with; SQLAlchemy would otherwise reach for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        dialect = parsed.get_dialect()
    except Exception:  # NoSuchModuleError: an unknown driver name
        raise DatabaseError(f"{parsed.drivername} is not a database driver csrdesk knows ({shown}); use "
                            "postgresql+psycopg://.") from None
    if getattr(dialect, "is_async", False):
        raise DatabaseError(f"{parsed.drivername} is an asynchronous driver; use postgresql+psycopg:// ({shown}).")
    try:
        dialect.import_dbapi()
    except ImportError:
        raise DatabaseError(f"The database driver for {parsed.drivername} is not installed; install it with "
                            "pip install 'csrdesk[postgres]'.") from None
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Optional[Path]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


# How long a command waits for another csrdesk's write to finish before saying the database is busy.
BUSY_TIMEOUT_MS = 10_000
# The execution option that marks a session's transaction as one that writes (BEGIN IMMEDIATE on SQLite).
WRITES = "csrdesk_writes"
# The session.info key of the person's display name (see Database.person).
PERSON = "csrdesk_person"

BUSY_MESSAGE = "The database is busy in another csrdesk; try again in a moment."
CONFLICT_MESSAGE = ("Another csrdesk changed the same records at the same time; nothing was saved from this change; "
                    "try again.")


PRIVILEGE_MESSAGE = ("Your database role may not do this on the shared database (a read-only member reads everything "
                     "but complainants' identities and changes nothing); ask your team's manager.")


def role_read_only_message(role: str) -> str:
    return (f"You are a read-only member of this shared database (role {role}): csrdesk shows everything but "
            "complainants' identities and cannot change anything. Ask your team's manager for editing rights.")


def read_only_message(path: Optional[Path]) -> str:
    where = f" ({path})" if path is not None else ""
    return f"The database file is read-only{where}: csrdesk can show it but not change it."


def database_trouble(exc: BaseException, path: Optional[Path] = None) -> Optional[UserError]:
    """The user's one line for a database that is busy, read-only, full or gone; None when exc is not that."""
    from sqlalchemy.exc import DBAPIError

    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        # Another connection saved the same row between this one's read and write (the row version moved).
        return ConcurrentEdit("Someone else saved the same record at the same moment; nothing was saved from this "
                              "change: reload it and try again.")
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(original, Exception) or original.__class__.__module__.split(".")[0] not in (
            "sqlite3", "psycopg", "psycopg2"):
        return None
    text = str(original).lower()
    name = type(original).__name__
    if "database is locked" in text or "database table is locked" in text or "database is busy" in text:
        return DatabaseError(BUSY_MESSAGE)
    if "readonly database" in text or "read-only" in text and "transaction" in text:
        return DatabaseError(read_only_message(path))
    if name == "LockNotAvailable" or "lock timeout" in text:
        return DatabaseError(BUSY_MESSAGE)
    if name in ("SerializationFailure", "DeadlockDetected") or "could not serialize" in text:
        return DatabaseError(CONFLICT_MESSAGE)
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseError("The disk holding the database is full; nothing was saved. Free some space and try again.")
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        where = f" {path}" if path is not None else ""
        return DatabaseError(f"The database file{where} is damaged or cannot be read ({text.split(chr(10))[0]}); "
                             "restore it from a backup.")
    if "unable to open database file" in text:
        return DatabaseError(f"The database file {path or ''} cannot be opened: it was moved, or its folder "
                             "cannot be written.")
    if name in ("OperationalError", "InterfaceError") and original.__class__.__module__.startswith("psycopg"):
        first = str(original).strip().splitlines()[0] if str(original).strip() else name
        return DatabaseError(f"Cannot reach the database server ({first}).")
    return None


def _sqlite_uri(path: Path, **options: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in options.items())
    return f"file:{quote(str(path))}?{query}"


def _sqlite_connect_pragmas(read_only: bool):
    def on_connect(dbapi_connection, _record) -> None:
        # csrdesk begins transactions itself (see _begin): DDL then runs inside them (a migration is all or
        # nothing) and a read followed by a write sees what it changes (BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    return on_connect


def _begin(conn) -> None:
    # A transaction that will write takes the write lock at once, so what it reads (the "old value" its history
    # records) cannot be changed by another writer before it writes; reads stay deferred and never block.
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # maintenance that must run outside a transaction (VACUUM)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITES) else "BEGIN")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        if read_only:
            uri = _read_only_uri(path)
            timeout = BUSY_TIMEOUT_MS / 1000
            engine = create_engine(
                "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout))
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect_pragmas(read_only))
        event.listen(engine, "begin", _begin)
        return engine
    connect_args = {}
    parsed = make_url(url)
    if parsed.password is None and password_lookup is not None:
        # The password kept outside the URL (this session's memory, the OS keyring): never in a settings file
        # or the log, which see the URL only.
        password = password_lookup(parsed.render_as_string(hide_password=True))
        if password:
            connect_args["password"] = password
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


# Set by the services (team_connect): the password of a server URL without one, or None (then libpq's own
# ~/.pgpass and PGPASSWORD apply).
password_lookup: Optional[Callable[[str], Optional[str]]] = None


def _read_only_uri(path: Path) -> str:
    """SQLite's read-only way into a file csrdesk may not write. In a read-only folder a WAL database cannot get
    the shared-memory file SQLite needs, so with no pending log it is read as an unchanging file."""
    if _writable(path.parent) or _has_pending_log(path):
        return _sqlite_uri(path, mode="ro")
    return _sqlite_uri(path, mode="ro", immutable="1")


def _has_pending_log(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0 and path.with_name(path.name + "-shm").exists()
    except OSError:
        return False


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


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


def _refuse_revision(revision: Optional[str], has_tables: bool) -> None:
    """Refuses a database this csrdesk must not touch: one of a newer csrdesk, or some other program's."""
    if revision is not None and revision != SCHEMA_HEAD and revision not in _known_revisions():
        raise NewerDatabaseError(
            f"This database was written by a newer version of csrdesk (schema {revision}). "
            "Install the newer csrdesk to open it; the file was left untouched."
        )
    if revision is None and has_tables:
        raise DatabaseError("This file is not a csrdesk database (it has tables but no csrdesk schema version); "
                            "the file was left untouched.")


def inspect_sqlite_file(path: Path) -> tuple[Optional[str], bool]:
    """The schema revision of a SQLite file and whether it has tables, read through a read-only connection, so a
    file that is then refused has not been changed in any way (no journal mode switched, nothing created)."""
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise database_trouble(exc, path) or DatabaseError(f"Cannot open the database {path}: {exc}.") from None
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, bool(tables - {"alembic_version"})
    except sqlite3.Error as exc:
        raise database_trouble(exc, path) or DatabaseError(
            f"{path} is damaged or not a csrdesk database ({exc}); the file was left untouched.") from None
    finally:
        con.close()


def migrate(engine: Engine, url: str) -> Optional[Path]:
    """Brings the schema to SCHEMA_HEAD; returns the backup made first, if any.

    A database written by a newer csrdesk is refused and left untouched. Each migration runs in one transaction
    (SQLite and PostgreSQL both roll DDL back), so one that fails leaves the database at the revision before it;
    the backup taken for it is then removed again, as the database itself is still that copy.
    """
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return None
    _refuse_revision(revision, revision is None and has_user_tables(engine))
    backup = None
    path = sqlite_path(url)
    if revision is not None and path is not None and path.exists():
        backup = backup_sqlite(path, backup_path(f"before-migration-{revision}"))
        log.info("backed up %s to %s before migrating from %s", path, backup, revision)
    from alembic import command

    try:
        command.upgrade(_alembic_config(engine), "head")
    except BaseException:
        if backup is not None:
            _drop_needless_backup(engine, backup, revision)
        raise
    return backup


def _drop_needless_backup(engine: Engine, backup: Path, revision: Optional[str]) -> None:
    try:
        unchanged = current_revision(engine) == revision
    except Exception:
        unchanged = False
    if unchanged:
        backup.unlink(missing_ok=True)
    else:  # the database moved on part way: the copy from before is the one to go back to
        log.error("migration from %s failed part way; the copy from before it is %s", revision, backup)


@dataclass
class Database:
    """An open csrdesk database: the engine and a session factory, one transaction per service call.

    `read_only` is set when the file (or its folder) cannot be written: everything can be read, and a change is
    refused in one line. Errors of a busy, read-only or vanished database leave transaction() and reading() as
    DatabaseError, with a message for the user instead of SQL.
    """

    url: str
    engine: Engine
    sessions: sessionmaker
    read_only: bool = False
    # The person's display name for the change history (team mode: set on this computer); "" for the default.
    person: str = ""
    # Why a database that can only be read is so, when it is not the file (a read-only member's role).
    read_only_reason: str = ""

    @property
    def path(self) -> Optional[Path]:
        return sqlite_path(self.url)

    @property
    def display_name(self) -> str:
        path = self.path
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    def _translated(self, exc: BaseException) -> Optional[UserError]:
        if self.read_only and "readonly" in str(exc).lower():
            return DatabaseError(self.read_only_reason or read_only_message(self.path))
        if "insufficientprivilege" in type(getattr(exc, "orig", exc)).__name__.lower():
            return DatabaseError(self.read_only_reason or PRIVILEGE_MESSAGE)
        return database_trouble(exc, self.path)

    @contextmanager
    def _told_plainly(self) -> Iterator[None]:
        """A busy, read-only or vanished database leaves as DatabaseError with the user's one line."""
        try:
            yield
        except Exception as exc:
            trouble = self._translated(exc)
            if trouble is None:
                raise
            log.info("database trouble: %s", exc)
            raise trouble from None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._told_plainly():
            session: Session = self.sessions(info={PERSON: self.person})
            try:
                if self.read_only:
                    raise DatabaseError(self.read_only_reason or read_only_message(self.path))
                connection = session.connection(execution_options=self._write_options())
                if self.engine.dialect.name == "postgresql":
                    # One csrdesk writer at a time per database, as SQLite's BEGIN IMMEDIATE: what a change reads
                    # (the state it checks, the history's old value) cannot change under it before it writes, and
                    # two people's changes never fail each other half-way. Reads never wait for it.
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS)}")
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('csrdesk:' || current_schema()))")
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def _write_options(self) -> dict:
        if self.engine.dialect.name == "postgresql":
            # READ COMMITTED under the writer lock taken in transaction(): each statement sees every change committed
            # before the lock was granted (a snapshot taken before the wait would be stale).
            return {"isolation_level": "READ COMMITTED"}
        return {WRITES: True}

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._told_plainly():
            session: Session = self.sessions(info={PERSON: self.person})
            try:
                yield session
            finally:
                session.rollback()
                session.close()

    def dispose(self) -> None:
        if self.path is not None and not self.read_only:
            # Keeps SQLite's query plans good as the data grows (statistics of the tables that need them).
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must never fail over statistics
                log.debug("PRAGMA optimize failed", exc_info=True)
        self.engine.dispose()


_FIELD_NAMES = {"suppliers": "supplier", "cap_items": "CAP item", "caps": "CAP", "contacts": "contact",
                "findings": "finding", "assessments": "assessment", "certifications": "certification",
                "violation_types": "violation type", "finding_categories": "finding category",
                "vetting_answers": "vetting answer", "vetting_screens": "vetting screen",
                "evidence_files": "evidence file", "change_history": "history note"}
_text_columns: dict[type, list[tuple[str, Optional[int], str]]] = {}


def _text_columns_of(cls: type) -> list[tuple[str, Optional[int], str]]:
    """(attribute, maximum length or None, what the user calls it) for each text column of a mapped class."""
    found = _text_columns.get(cls)
    if found is None:
        from sqlalchemy import String, inspect as inspect_mapper

        found = []
        mapper = inspect_mapper(cls)
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if isinstance(column.type, String):  # Text is a String without a length
                table = _FIELD_NAMES.get(column.table.name, column.table.name.rstrip("s").replace("_", " "))
                found.append((attr.key, column.type.length, f"{table} {attr.key.replace('_', ' ')}"))
        _text_columns[cls] = found
    return found


def _guard_text(session: Session, _context, _instances) -> None:
    """Every text going into the database, whatever path it came by (window, command line, import, service):
    control characters removed, and a value longer than its column refused naming the field (SQLite would store
    it, PostgreSQL refuse it with SQL; the same rule on both)."""
    from csrdesk.domain.text import remove_controls

    for obj in list(session.new) + list(session.dirty):
        for key, length, what in _text_columns_of(type(obj)):
            value = obj.__dict__.get(key)
            if not isinstance(value, str):
                continue
            cleaned = remove_controls(value)
            if cleaned != value:
                setattr(obj, key, cleaned)
            if length is not None and len(cleaned) > length:
                raise UserError(f"The {what} is too long ({len(cleaned):,} characters; at most {length:,}).")


event.listen(Session, "before_flush", _guard_text)


def _prepare_sqlite_file(path: Path, *, create_folder: bool) -> bool:
    """Checks a SQLite path before anything opens it; returns whether it can only be read.

    A missing folder is refused unless create_folder (a mistyped --db must not leave a new, empty database
    somewhere); a file that is not SQLite is refused; a file or folder that cannot be written is opened read-only.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a database file, such as {path / 'csrdesk.sqlite3'}.")
    folder = path.parent
    try:
        if not folder.exists():
            if not create_folder:
                raise DatabaseError(f"The folder {folder} does not exist: check the path, or add --create-folder "
                                    "to make a new database there.")
            folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise DatabaseError(f"{folder} is not a folder, so {path.name} cannot be a database in it.")
        exists = path.exists()
        if exists and path.stat().st_size > 0:
            with open(path, "rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise DatabaseError(f"{path} is not a SQLite database file; it was left untouched.")
    except OSError as exc:
        raise DatabaseError(f"Cannot open the database {path}: {exc.strerror or exc}.") from None
    if not exists:
        if not _writable(folder):
            raise DatabaseError(f"Cannot create a database in {folder}: the folder is read-only.")
        return False
    return not (_writable(path) and _writable(folder))


def open_database(url: Optional[str] = None, *, migrate_schema: bool = True,
                  create_folder: bool = False) -> Database:
    """Opens (and creates, and migrates) the database at url, or the default one.

    A SQLite file is looked at read-only first: a newer csrdesk's database or another program's is refused before
    anything is written to it. The default database's folder is created on first start; another missing folder
    only with create_folder.
    """
    resolved = database_url(url)
    path = sqlite_path(resolved)
    read_only = False
    if path is not None:
        default = not (url or os.environ.get(DB_ENV))
        read_only = _prepare_sqlite_file(path, create_folder=create_folder or default)
        if path.exists() and path.stat().st_size > 0:
            revision, has_tables = inspect_sqlite_file(path)
            _refuse_revision(revision, has_tables)
            if read_only and revision != SCHEMA_HEAD:
                raise DatabaseError(f"{read_only_message(path)} It was written by an older csrdesk and must be "
                                    "upgraded first: make it writable and open it again.")
    engine = make_engine(resolved, read_only=read_only)
    try:
        if migrate_schema and not read_only:
            migrate(engine, resolved)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        trouble = database_trouble(exc, path)
        if trouble is not None:
            raise trouble from None
        if exc.__class__.__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
            log.error("could not open the database %s", resolved, exc_info=True)
            original = getattr(exc, "orig", None) or exc
            first = (str(original).strip().splitlines() or [type(original).__name__])[0]
            shown = str(path) if path is not None else make_url(resolved).render_as_string(hide_password=True)
            raise DatabaseError(f"Could not open the database {shown}: {first}.") from None
        raise
    database = Database(url=resolved, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False),
                        read_only=read_only)
    if path is None:
        from csrdesk.storage.roles import may_change, role_name

        if not may_change(engine):
            database.read_only = True
            database.read_only_reason = role_read_only_message(role_name(engine))
    return database
