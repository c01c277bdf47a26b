"""Connecting to a shared database: the server is tested before anything opens (empty, ready, newer refused), the
password is kept in the OS keyring or for the session only, never in the URL csrdesk remembers nor in the log;
without a keyring the person is told plainly."""
from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from csrdesk.errors import DatabaseError, UserError

PG_URL = os.environ.get("CSRDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL test server (set CSRDESK_TEST_PG_URL; CI sets it)")


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, standing in for the system's password store."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture
def ring():
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


SECRET = "Ohm7-keyring-secret"


@pytest.fixture
def no_password_url(pg_db):
    """A member's URL into the suite schema without its password, as the dialog builds it (the member is an
    editor whose password, SECRET, appears nowhere else)."""
    from csrdesk.services import team_connect
    from csrdesk.storage.roles import grant

    role = f"csrdesk_conn_{os.getpid()}"
    admin = create_engine(make_url(pg_db.url)._replace(query={}))
    with admin.begin() as c:
        if c.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            c.execute(text(f"DROP OWNED BY {role}"))
            c.execute(text(f"DROP ROLE {role}"))
        c.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'"))
    grant(pg_db.engine, role, read_only=False)
    team_connect._this_session.clear()
    yield make_url(pg_db.url)._replace(username=role, password=None).render_as_string(hide_password=False)
    team_connect._this_session.clear()
    with admin.begin() as c:
        c.execute(text(f"DROP OWNED BY {role}"))
        c.execute(text(f"DROP ROLE IF EXISTS {role}"))
    admin.dispose()


def test_the_server_is_checked_before_opening(pg_db, no_password_url, tmp_path):
    """A wrong password is refused in one line; the right one shows the server and that the database is ready;
    a database of a newer csrdesk is refused as for a file."""
    from csrdesk.services.team_connect import check_server

    with pytest.raises(DatabaseError, match="password authentication failed"):
        check_server(no_password_url, "not-the-password")
    check = check_server(no_password_url, SECRET)
    assert check.state == "ready" and check.can_open and check.server.startswith("PostgreSQL ")
    assert SECRET not in check.url
    with pg_db.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9000_future'"))
    check = check_server(no_password_url, SECRET)
    assert check.state == "newer" and not check.can_open and "9000_future" in check.message


def test_an_empty_database_is_offered_set_up():
    """An empty database (no tables) is offered to be set up."""
    from pg_suite import suite_url

    from csrdesk.services.team_connect import check_server

    schema = f"csrdesk_empty_{os.getpid()}"
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        check = check_server(suite_url(PG_URL, schema))
        assert check.state == "empty" and check.can_open and "sets up" in check.message
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def test_password_remembered_in_the_keyring_never_in_url_or_log(pg_db, no_password_url, ring, tmp_path):
    """With "remember", the password goes to the keyring under the URL without it; a later open (a new session)
    finds it there; the opened database's URL and the log never contain it."""
    from csrdesk.logsetup import log_file
    from csrdesk.services import team_connect
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import list_suppliers

    password = SECRET
    told = team_connect.use_password(no_password_url, password, remember=True)
    assert "keyring" in told and list(ring.kept.values()) == [password]
    team_connect._this_session.clear()  # a new session: only the keyring knows it
    db = open_workspace(no_password_url)
    try:
        assert list_suppliers(db) == [] and password not in db.url and password not in db.display_name
    finally:
        db.dispose()
    path = log_file()
    assert not path.exists() or password not in path.read_text(encoding="utf-8", errors="replace")


def test_without_a_keyring_the_password_works_for_the_session_and_says_so(pg_db, no_password_url):
    """On a computer with no working keyring, remembering is refused with what to do instead (~/.pgpass), and the
    password still opens the database for this session."""
    from csrdesk.services import team_connect
    from csrdesk.services.startup import open_workspace

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        told = team_connect.use_password(no_password_url, SECRET, remember=True)
        assert "no working keyring" in told and ".pgpass" in told
        db = open_workspace(no_password_url)
        db.dispose()
    finally:
        keyring.set_keyring(before)


def test_dialog_fields_make_a_url_without_password():
    """The dialog's fields become a psycopg URL; missing fields and a bad port are refused."""
    from csrdesk.services.team_connect import server_url

    assert server_url(" db.example.com ", "csrdesk", "li_na", 5433) == \
        "postgresql+psycopg://li_na@db.example.com:5433/csrdesk"
    with pytest.raises(UserError, match="server, the database and your user name"):
        server_url("db.example.com", "", "li_na")
    with pytest.raises(UserError, match="port"):
        server_url("db.example.com", "csrdesk", "li_na", 70000)
