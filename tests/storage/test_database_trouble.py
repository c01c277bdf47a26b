"""A database that is busy, read-only, refused or mid-migration: one line for the user, exit 2, nothing changed."""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

import csrdesk.storage.db as dbmod
from csrdesk import paths
from csrdesk.cli import main
from csrdesk.errors import DatabaseError
from csrdesk.storage.db import SCHEMA_HEAD, current_revision, open_database

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("csrdesk: "), err
    assert "Traceback" not in err and "Background on this error" not in err and "[SQL:" not in err, err
    return err


@pytest.fixture
def workspace(tmp_path, pristine_database):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "team.sqlite3"
    shutil.copy(pristine_database, path)
    return path


def _journal_mode_byte(path: Path) -> bytes:
    return path.read_bytes()[18:20]  # 1,1 for a rollback journal, 2,2 for WAL


def _rollback_journal_file(path: Path, version: str | None, extra_table: bool = False) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    if extra_table:
        con.execute("CREATE TABLE notes(x)")
    if version is not None:
        con.execute("CREATE TABLE alembic_version(version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES (?)", (version,))
    con.commit()
    con.close()


@pytest.mark.parametrize("version, extra, message", [
    ("9999_future", True, "newer version of csrdesk"),
    (None, True, "not a csrdesk database"),
])
def test_refused_database_is_not_written_at_all(tmp_path, version, extra, message):
    """A newer csrdesk's database or another program's is looked at read-only: refused, and not one byte of it
    changes (before, WAL mode was switched on first, rewriting the header of a file said to be 'left untouched')."""
    path = tmp_path / "other.sqlite3"
    _rollback_journal_file(path, version, extra)
    before = path.read_bytes()
    assert _journal_mode_byte(path) == b"\x01\x01"
    with pytest.raises(DatabaseError, match=message):
        open_database(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]


def test_a_locked_database_is_busy_in_one_line_and_reading_still_works(capsys, workspace, monkeypatch):
    """Another csrdesk in a write transaction: a change waits, then says the database is busy (exit 2, one
    line, no SQL); listing suppliers reads beside the writer."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 150)
    holder = sqlite3.connect(workspace, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run(capsys, "--db", str(workspace), "suppliers", "add", "Dhaka Knit Ltd", "--code", "BD-0009")
        assert code == 2 and out == ""
        assert "busy in another csrdesk; try again" in one_line(err)
        code, out, err = run(capsys, "--db", str(workspace), "suppliers", "list")
        assert code == 0 and "0 suppliers" in out, err
    finally:
        holder.rollback()
        holder.close()
    code, _, err = run(capsys, "--db", str(workspace), "suppliers", "add", "Dhaka Knit Ltd", "--code", "BD-0009")
    assert code == 0, err


@pytest.fixture
def read_only(monkeypatch):
    """Makes a database file and its folder read-only, as a read-only share or mount does. Root writes anyway,
    so there csrdesk's own check of the permission bits is what is tested."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        for target in (path, path.parent):
            mode = target.stat().st_mode
            target.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            made.append(target)
        return path

    if os.geteuid() == 0:
        monkeypatch.setattr(dbmod, "_writable", lambda p: bool(p.stat().st_mode & stat.S_IWUSR))
    yield make
    for target in reversed(made):
        target.chmod(target.stat().st_mode | stat.S_IWUSR)


def test_read_only_database_can_be_listed_and_refuses_changes_in_one_line(capsys, workspace, read_only):
    """On a read-only mount `suppliers list` works; a change says the file is read-only (exit 2) and nothing
    is written, not even the journal mode."""
    code, _, err = run(capsys, "--db", str(workspace), "suppliers", "add", "Saigon Stitch", "--code", "VN-0001")
    assert code == 0, err
    dbmod_path = workspace
    con = sqlite3.connect(dbmod_path)
    con.execute("PRAGMA journal_mode=DELETE")  # a file copied onto a share, no WAL files beside it
    con.close()
    read_only(workspace)
    before = workspace.read_bytes()
    code, out, err = run(capsys, "--db", str(workspace), "suppliers", "list", "--json")
    assert code == 0, err
    assert '"VN-0001"' in out
    code, out, err = run(capsys, "--db", str(workspace), "suppliers", "add", "Dhaka Knit", "--code", "BD-0001")
    assert code == 2 and "database file is read-only" in one_line(err)
    assert workspace.read_bytes() == before
    assert sorted(p.name for p in workspace.parent.iterdir()) == [workspace.name]


def test_read_only_database_of_an_older_csrdesk_is_refused_not_half_opened(tmp_path, read_only):
    """A read-only file that needs upgrading cannot be upgraded: one message saying so, nothing written."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "old.sqlite3"
    shutil.copy(DATA / "workspace-0001.sqlite3", path)
    read_only(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="read-only.*upgraded first"):
        open_database(str(path))
    assert path.read_bytes() == before


def test_mistyped_folder_is_refused_unless_asked_to_create_it(capsys, tmp_path, csrdesk_home):
    """--db in a folder that does not exist is refused (no folders or empty database appear); --create-folder
    makes it; the first start without --db still creates the database in the data folder."""
    target = tmp_path / "typo" / "sub" / "team.sqlite3"
    code, out, err = run(capsys, "--db", str(target), "suppliers", "list")
    assert code == 2 and "does not exist" in one_line(err) and "--create-folder" in err
    assert not (tmp_path / "typo").exists()
    code, out, err = run(capsys, "--db", str(target), "--create-folder", "suppliers", "list")
    assert code == 0 and target.is_file(), err
    code, out, err = run(capsys, "suppliers", "list")
    assert code == 0 and paths.default_database_path().is_file(), err


@pytest.mark.parametrize("url, says", [
    ("postgres://csr@db.example/csrdesk", "postgresql+psycopg://"),
    ("mysql://csr@db.example/csrdesk", "SQLite files and PostgreSQL"),
    ("foo://bar", "SQLite files and PostgreSQL"),
    ("postgresql+nosuchdriver://csr@db.example/csrdesk", "not a database driver"),
    ("postgresql+asyncpg://csr@db.example/csrdesk", "asynchronous"),
    ("postgresql+psycopg://csr:secret@127.0.0.1:1/csrdesk", "Cannot reach the database server"),
])
def test_database_urls_csrdesk_cannot_use_are_one_line(capsys, url, says):
    """Another database system, a misspelt scheme, a missing driver or an unreachable server: exit 2, one line
    (no module errors), and a password never shown."""
    code, out, err = run(capsys, "--db", url, "suppliers", "list")
    assert code == 2 and says in one_line(err)
    assert "secret" not in err


def _failing_migrations(tmp_path: Path) -> Path:
    """A copy of the migrations whose 0002 fails after its first step (the index is already dropped)."""
    folder = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    script = folder / "versions" / "0002_item_status_index.py"
    text = script.read_text()
    first_step = '    op.drop_index("ix_cap_items_status_due", table_name="cap_items")\n'
    assert first_step in text
    script.write_text(text.replace(first_step, first_step + '    raise RuntimeError("failed half-way")\n'))
    return folder


def test_a_migration_failing_half_way_leaves_the_old_revision_that_still_opens(tmp_path, monkeypatch):
    """Each migration is one transaction: 0002 failing after its DROP INDEX leaves the database at 0001 with its
    index (before, it never opened again), and no stray backup; the real migration then upgrades it."""
    path = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "workspace-0001.sqlite3", path)
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", _failing_migrations(tmp_path))
    with pytest.raises(RuntimeError, match="failed half-way"):
        open_database(str(path))
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001_initial",)]
    indexes = {row[1] for row in con.execute("PRAGMA index_list('cap_items')")}
    con.close()
    assert "ix_cap_items_status_due" in indexes
    assert list(paths.backups_dir().iterdir()) == []
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", Path(dbmod.__file__).resolve().parent / "migrations")
    db = open_database(str(path))
    assert current_revision(db.engine) == SCHEMA_HEAD
    db.dispose()
    assert len(list(paths.backups_dir().glob("*before-migration-0001_initial*"))) == 1


def test_history_old_value_is_read_inside_the_change(db, supplier, monkeypatch):
    """Two writers at once: each history row's old value is the value the other writer left, never one read
    before it wrote (reads and writes of a change share one write transaction: BEGIN IMMEDIATE)."""
    from datetime import date

    from csrdesk.services import caps as cap_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.history import history_for

    detail = record_assessment(db, AssessmentInput(supplier.row.code, date(2026, 2, 2), "periodic", findings=[
        FindingInput("No fire drill in 12 months", "major", category="health-safety")]))
    item_id = cap_service.cap_detail(db, detail.cap_id).items[0].row.id
    real = cap_service.record_change

    def slow_record(*args, **kwargs):
        time.sleep(0.05)  # widens the window between reading the old value and writing the new one
        return real(*args, **kwargs)

    monkeypatch.setattr(cap_service, "record_change", slow_record)
    errors: list[BaseException] = []

    def answer(n: int) -> None:
        try:
            cap_service.update_item(db, item_id, project_leader=f"Leader {n}", source="test")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    changes = sorted((r for r in history_for(db, "cap_item", item_id) if r.field == "project_leader"),
                     key=lambda r: r.id)
    assert len(changes) == 6
    assert changes[0].old in (None, "")
    for earlier, later in zip(changes, changes[1:]):
        assert later.old == earlier.new
