"""Migrations: a new database is made at the head; a newer one is refused untouched; a file is backed up first."""
import sqlite3

import pytest

from csrdesk.storage.db import SCHEMA_HEAD, DatabaseError, NewerDatabaseError, current_revision, open_database, _known_revisions


def test_schema_head_matches_scripts():
    """The code's SCHEMA_HEAD is the newest Alembic revision shipped."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from csrdesk.storage.db import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_new_database_is_created_at_head_with_pragmas(tmp_path):
    """A new file gets every table, WAL and foreign keys on."""
    db = open_database(str(tmp_path / "new.sqlite3"))
    assert current_revision(db.engine) == SCHEMA_HEAD
    with db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


def test_newer_database_refused_and_untouched(tmp_path):
    """A database stamped by a newer csrdesk is refused with a clear message and its bytes stay the same."""
    path = tmp_path / "newer.sqlite3"
    db = open_database(str(path))
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of csrdesk"):
        open_database(str(path))
    assert path.read_bytes() == before


def test_not_a_database_refused(tmp_path):
    """A text file named .sqlite3 is refused with a message, not a traceback."""
    path = tmp_path / "notes.sqlite3"
    path.write_text("hello")
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_database(str(path))
    assert path.read_text() == "hello"


def test_foreign_sqlite_refused(tmp_path):
    """Some other program's SQLite file is not taken over."""
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("create table x(a)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a csrdesk database"):
        open_database(str(path))


def test_backup_before_migration(tmp_path, monkeypatch):
    """An older schema is copied to the backups folder before it is migrated."""
    from csrdesk import paths
    import csrdesk.storage.db as dbmod

    path = tmp_path / "old.sqlite3"
    db = open_database(str(path))
    db.dispose()
    # Pretend the code knows a newer head than the file has.
    monkeypatch.setattr(dbmod, "SCHEMA_HEAD", "0002_pretend")
    monkeypatch.setattr(dbmod, "_known_revisions", lambda: {"0001_initial", "0002_pretend"})
    from alembic import command

    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: None)
    engine = dbmod.make_engine(dbmod.database_url(str(path)))
    backup = dbmod.migrate(engine, dbmod.database_url(str(path)))
    engine.dispose()
    assert backup is not None and backup.parent == paths.backups_dir() and backup.stat().st_size > 0
