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
    known = dbmod._known_revisions() | {"9000_pretend"}
    monkeypatch.setattr(dbmod, "SCHEMA_HEAD", "9000_pretend")
    monkeypatch.setattr(dbmod, "_known_revisions", lambda: known)
    from alembic import command

    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: None)
    engine = dbmod.make_engine(dbmod.database_url(str(path)))
    backup = dbmod.migrate(engine, dbmod.database_url(str(path)))
    engine.dispose()
    assert backup is not None and backup.parent == paths.backups_dir() and backup.stat().st_size > 0


DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


def test_real_version_1_workspace_upgrades_with_a_backup_first(tmp_path):
    """A workspace written by csrdesk's first schema opens: it is backed up, migrated, and every row is still there."""
    import shutil

    from csrdesk import paths
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import list_suppliers

    path = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "workspace-0001.sqlite3", path)
    before = sqlite3.connect(path)
    counts = {t: before.execute(f"select count(*) from {t}").fetchone()[0] for t in ("suppliers", "findings", "cap_items")}
    before.close()
    db = open_workspace(str(path))
    assert current_revision(db.engine) == SCHEMA_HEAD
    backups = list(paths.backups_dir().glob("*before-migration-0001_initial*"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("select version_num from alembic_version").fetchone() == ("0001_initial",)
    old.close()
    rows = list_suppliers(db)
    assert len(rows) == counts["suppliers"] == 3 and all(r.rating for r in rows)
    with db.engine.connect() as c:
        for table, n in counts.items():
            assert c.exec_driver_sql(f"select count(*) from {table}").scalar() == n
        names = {r[1] for r in c.exec_driver_sql("PRAGMA index_list('cap_items')")}
    assert "ix_cap_items_status_due_cap" in names and "ix_cap_items_status_due" not in names
    db.dispose()


def test_models_and_migrations_agree(tmp_path):
    """The migrations build exactly the schema the models describe (no model change without a migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from csrdesk.storage.models import Base

    db = open_database(str(tmp_path / "fresh.sqlite3"))
    with db.engine.connect() as c:
        diffs = compare_metadata(MigrationContext.configure(c), Base.metadata)
    db.dispose()
    assert diffs == []
