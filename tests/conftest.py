"""Shared fixtures: every test gets its own data folder and database; Qt runs offscreen."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def csrdesk_home(tmp_path, monkeypatch):
    """Keeps data, logs, backups and evidence of each test in its own folder, never the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("CSRDESK_HOME", str(home))
    monkeypatch.setenv("MPLCONFIGDIR", str(home / "mpl"))
    monkeypatch.delenv("CSRDESK_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def pristine_database(tmp_path_factory):
    """A new workspace migrated and loaded once per session; each test gets a copy (0.02 s instead of 0.4 s)."""
    from csrdesk.services.startup import open_workspace

    folder = tmp_path_factory.mktemp("pristine")
    with _home(folder / "home"):
        database = open_workspace(str(folder / "pristine.sqlite3"))
        database.dispose()  # the last connection folds the WAL back into the file
    return folder / "pristine.sqlite3"


@contextmanager
def _home(folder: Path):
    """CSRDESK_HOME set to folder for a while, then put back as it was (the test's own home, set before)."""
    before = os.environ.get("CSRDESK_HOME")
    os.environ["CSRDESK_HOME"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CSRDESK_HOME", None)
        else:
            os.environ["CSRDESK_HOME"] = before


PG_URL = os.environ.get("CSRDESK_TEST_PG_URL")
# The folders whose tests run on both engines (the services and the file exchange).
BOTH_ENGINES = ("services", "exchange")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about the SQLite file itself (its copy, its path, its "
                                       "locks); runs on SQLite only")


def pytest_generate_tests(metafunc):
    """The `db` fixture: SQLite always; PostgreSQL too for the services and exchange tests where
    CSRDESK_TEST_PG_URL names a server, unless the test is marked sqlite_only."""
    if "db" not in metafunc.fixturenames:
        return
    engines = ["sqlite"]
    folder = Path(str(metafunc.definition.fspath)).parent.name
    if PG_URL and folder in BOTH_ENGINES and metafunc.definition.get_closest_marker("sqlite_only") is None:
        engines.append("postgresql")
    metafunc.parametrize("db", engines, indirect=True)


@pytest.fixture(scope="session")
def pristine_postgres(tmp_path_factory):
    """The suite's schema on the test server, migrated and loaded once; a snapshot of its rows kept beside it.
    Returns (URL of the suite schema, SQL that puts the schema back to the snapshot)."""
    from pg_suite import drop_suite_schema, prepare_suite_schema

    folder = tmp_path_factory.mktemp("pristine-pg")
    with _home(folder / "home"):
        prepared = prepare_suite_schema(PG_URL)
    yield prepared
    drop_suite_schema(PG_URL)


@pytest.fixture
def db(request, tmp_path, pristine_database, csrdesk_home):
    """A fresh, migrated workspace with the built-in library, private to the test: a copy of a SQLite file, or the
    suite's PostgreSQL schema put back to its snapshot (a truncate and a copy, a few tens of milliseconds)."""
    import shutil

    from csrdesk.services.startup import open_workspace

    if getattr(request, "param", "sqlite") == "postgresql":
        from pg_suite import reset_suite_schema

        url, reset_sql = request.getfixturevalue("pristine_postgres")
        reset_suite_schema(url, reset_sql)
        database = open_workspace(url)
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copy(pristine_database, path)
        database = open_workspace(str(path))
    yield database
    database.dispose()


@pytest.fixture
def pg_db(request, csrdesk_home):
    """The suite's PostgreSQL schema, fresh, for tests of what only a server database has (pg_dump, roles)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL test server (set CSRDESK_TEST_PG_URL; CI sets it)")
    from pg_suite import reset_suite_schema

    from csrdesk.services.startup import open_workspace

    url, reset_sql = request.getfixturevalue("pristine_postgres")
    reset_suite_schema(url, reset_sql)
    database = open_workspace(url)
    yield database
    database.dispose()


@pytest.fixture
def supplier(db):
    """One supplier in vetting, with a compliance contact."""
    from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier

    return create_supplier(db, SupplierInput(
        name="Golden Thread Garments Co., Ltd", code="CN-0001", local_name="金线服装有限公司", country="China",
        contacts=[ContactInput(role="compliance contact", name="Li Wei", email="li.wei@example.cn", language="zh")],
    ), status="vetting")


@pytest.fixture
def reference_data():
    """The real files tests read (tests/data: each set with its source and licence beside it)."""
    return TEST_DATA
