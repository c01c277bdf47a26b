"""`csrdesk backup` of a shared PostgreSQL database: a pg_dump file, restored whole with `csrdesk restore`; a
computer without pg_dump is told what to install."""
from __future__ import annotations

import json

import pytest

from csrdesk.cli import main
from csrdesk.errors import UserError


def _add(db, code, name):
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    return create_supplier(db, SupplierInput(name=name, code=code, country="Bangladesh"))


def test_backup_then_restore_brings_the_server_database_back(pg_db, tmp_path):
    """A backup is a pg_dump file; after more work, restoring it brings back exactly what was there, and the
    database still opens at the current schema."""
    from csrdesk.services.backup import backup_database, restore_server_backup
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import list_suppliers, supplier_detail, update_supplier, supplier_input_from_detail

    _add(pg_db, "BD-0001", "Padma Knit Composite Ltd")
    path = backup_database(pg_db, tmp_path / "team.pgdump")
    assert path.read_bytes()[:5] == b"PGDMP"
    _add(pg_db, "BD-0002", "Meghna Denim Ltd")
    data = supplier_input_from_detail(supplier_detail(pg_db, "BD-0001"))
    data.notes = "changed after the backup"
    update_supplier(pg_db, "BD-0001", data)
    restore_server_backup(pg_db, path)
    pg_db.dispose()
    again = open_workspace(pg_db.url)
    try:
        assert [r.code for r in list_suppliers(again)] == ["BD-0001"]
        assert supplier_detail(again, "BD-0001").notes == ""
        _add(again, "BD-0003", "Jamuna Sweaters Ltd")  # ids carry on after the restore
    finally:
        again.dispose()


def test_backup_and_restore_from_the_command_line(pg_db, tmp_path, capsys):
    """`csrdesk backup PATH --json` names the dump; `csrdesk restore` asks for --yes (exit 2) and then restores."""
    _add(pg_db, "BD-0001", "Padma Knit Composite Ltd")
    path = tmp_path / "team.pgdump"
    assert main(["--db", pg_db.url, "backup", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backup"] == str(path)
    _add(pg_db, "BD-0002", "Meghna Denim Ltd")
    assert main(["--db", pg_db.url, "restore", str(path)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["--db", pg_db.url, "restore", str(path), "--yes"]) == 0
    from csrdesk.services.suppliers import list_suppliers

    assert [r.code for r in list_suppliers(pg_db)] == ["BD-0001"]


def test_without_pg_dump_the_backup_says_what_to_install(pg_db, tmp_path, monkeypatch):
    """Where PostgreSQL's tools are not installed, the backup is refused in one clear line, nothing written."""
    from csrdesk.services.backup import backup_database

    monkeypatch.setenv("CSRDESK_PG_BIN", str(tmp_path / "no-tools"))
    with pytest.raises(UserError, match="pg_dump is not installed"):
        backup_database(pg_db, tmp_path / "team.pgdump")
    assert not (tmp_path / "team.pgdump").exists()


def test_restore_refuses_a_file_that_is_not_a_dump(pg_db, tmp_path):
    """A wrong file (a SQLite backup, a spreadsheet) is refused before anything is dropped."""
    from csrdesk.services.backup import restore_server_backup
    from csrdesk.services.suppliers import list_suppliers

    _add(pg_db, "BD-0001", "Padma Knit Composite Ltd")
    wrong = tmp_path / "csrdesk.sqlite3"
    wrong.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(UserError, match="not a backup made by csrdesk backup"):
        restore_server_backup(pg_db, wrong)
    assert [r.code for r in list_suppliers(pg_db)] == ["BD-0001"]
