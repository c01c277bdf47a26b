"""Connecting the window to a shared PostgreSQL database: the URL without its password, the password in the OS
keyring (or only in memory for this session), a test of the server before anything is opened.

The password never goes into the settings file, the URL csrdesk remembers, or the log: those hold the URL without
it, and storage asks password_for() when it connects.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from csrdesk.errors import DatabaseError, UserError
from csrdesk.storage import db as storage_db
from csrdesk.storage.db import SCHEMA_HEAD, checked_url, database_trouble

log = logging.getLogger(__name__)

KEYRING_SERVICE = "csrdesk database"
NO_KEYRING = ("This computer has no working keyring (the system's password store), so csrdesk cannot remember the "
              "password. It is used for this session only. To be asked no more, put it in PostgreSQL's own password "
              "file instead: ~/.pgpass (%APPDATA%\\postgresql\\pgpass.conf on Windows), one line "
              "host:port:database:user:password, readable only by you.")
_this_session: dict[str, str] = {}


@dataclass(frozen=True)
class ServerCheck:
    """What a test of a shared database server found, and whether csrdesk can open it."""

    url: str  # without the password
    server: str  # "PostgreSQL 15.4"
    state: str  # empty, ready, older, newer, foreign
    message: str

    @property
    def can_open(self) -> bool:
        return self.state in ("empty", "ready", "older")


def server_url(host: str, database: str, user: str, port: Optional[int] = None) -> str:
    """The URL of a server database, without a password, from the dialog's fields."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host or not database or not user:
        raise UserError("Give the server, the database and your user name.")
    if port is not None and not 1 <= int(port) <= 65535:
        raise UserError("The port is a number from 1 to 65535 (PostgreSQL's usual one is 5432).")
    url = URL.create("postgresql+psycopg", username=user, host=host, port=port or None, database=database)
    return checked_url(url.render_as_string(hide_password=False))


def _key(url: str) -> str:
    # (URL.set ignores None: _replace is what drops the password.)
    return make_url(url)._replace(password=None, query={}).render_as_string(hide_password=True)


def _keyring():
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # no keyring package or a backend that fails to load
        log.debug("no keyring backend", exc_info=True)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    return backend


def password_for(url: str) -> Optional[str]:
    """The password of a server URL: this session's, else the keyring's, else None (libpq's ~/.pgpass then)."""
    key = _key(url)
    if key in _this_session:
        return _this_session[key]
    backend = _keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(KEYRING_SERVICE, key)
    except Exception:
        log.warning("the OS keyring could not be read", exc_info=True)
        return None


def use_password(url: str, password: str, *, remember: bool) -> str:
    """Keeps the password for this session and, asked to, in the OS keyring. Returns what was done, for the user;
    a missing keyring is told plainly (the password still works for this session)."""
    key = _key(url)
    _this_session[key] = password
    storage_db.password_lookup = password_for
    if not remember:
        return "The password is kept for this session only."
    backend = _keyring()
    if backend is None:
        return NO_KEYRING
    try:
        backend.set_password(KEYRING_SERVICE, key, password)
    except Exception as exc:
        log.warning("the OS keyring refused the password: %s", type(exc).__name__)
        return NO_KEYRING
    return f"The password is kept in this computer's keyring ({type(backend).__name__})."


def install_password_lookup() -> None:
    """Lets storage find a remembered password when it opens a server URL (called when the window starts)."""
    storage_db.password_lookup = password_for


def check_server(url: str, password: Optional[str] = None) -> ServerCheck:
    """Connects once and says what opening the database would do: set it up, use it, upgrade it, or refuse it."""
    url = checked_url(url)
    shown = make_url(url).render_as_string(hide_password=True)
    if make_url(url).get_backend_name() != "postgresql":
        raise UserError("Give a PostgreSQL server database here; a SQLite file opens with Open database.")
    password = password if password is not None else password_for(url)
    engine = create_engine(url, connect_args={"password": password} if password else {},
                           pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            server = str(conn.execute(text("SHOW server_version")).scalar()).split(" ")[0]
            tables = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:
        trouble = database_trouble(exc)
        first = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise (trouble or DatabaseError(f"Cannot connect to {shown}: {first[0] if first else exc}")) from None
    finally:
        engine.dispose()
    others = tables - {"alembic_version"}
    from csrdesk.storage.db import _known_revisions

    if revision is None and not others:
        state, message = "empty", ("The database is empty: opening it sets up csrdesk's tables and library; you can "
                                   "then move your workspace into it (csrdesk team move-to).")
    elif revision is None:
        state, message = "foreign", "This database holds another program's tables; csrdesk will not touch it."
    elif revision == SCHEMA_HEAD:
        state, message = "ready", "A csrdesk database of this version: ready to open."
    elif revision in _known_revisions():
        state, message = "older", ("An older csrdesk's database: opening it upgrades it for everyone; back it up "
                                   "first (csrdesk backup) and make sure every member installs this version.")
    else:
        state, message = "newer", (f"A newer csrdesk's database (schema {revision}): install that version to open "
                                   "it; it was left untouched.")
    return ServerCheck(shown, f"PostgreSQL {server}", state, message)
