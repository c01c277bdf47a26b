"""Zip bombs inside the size limit: refused on compression ratio and on counts of strings and cells, before
openpyxl parses the workbook (a 764 KB tracker with 290 MB of shared strings took 159 s and 1.8 GB)."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from csrdesk.exchange import files
from csrdesk.exchange.tables import TableError, read_table

COLUMNS = {"name": ["factory name"], "country": ["country"]}


def _supplier_list(path: Path, rows: int = 2, width: int = 2) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Factory name", "Country"] + [f"Note {i}" for i in range(width - 2)])
    for i in range(rows):
        ws.append([f"Factory {i}", "China"] + [f"n{i}-{j}" for j in range(width - 2)])
    wb.save(path)
    return path


def _rewrite(path: Path, part: str, data: bytes) -> None:
    """The workbook with one part replaced (or added), everything else as it was."""
    with zipfile.ZipFile(path) as source:
        parts = [(i, source.read(i)) for i in source.infolist() if i.filename != part]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, content in parts:
            target.writestr(info.filename, content)
        target.writestr(part, data)


def test_shared_strings_bomb_is_refused_on_its_compression_ratio(tmp_path):
    """60 MB of shared strings packed into about 60 KB: refused at once, naming the part, before any parsing."""
    path = _supplier_list(tmp_path / "list.xlsx")
    bomb = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<si><t>" + b"A" * (60 << 20) + b"</t></si></sst>")
    _rewrite(path, "xl/sharedStrings.xml", bomb)
    assert path.stat().st_size < 1 << 20
    started = time.monotonic()
    with pytest.raises(TableError, match=r"sharedStrings.xml unpacks to [\d,]+ times its packed size"):
        read_table(path, COLUMNS, required_any=["name"])
    assert time.monotonic() - started < 5


def test_millions_of_tiny_shared_strings_are_refused_by_count(tmp_path, monkeypatch):
    """Too many different texts are refused by counting them in the packed part, not by parsing them."""
    monkeypatch.setattr(files, "MAX_SHARED_STRINGS", 500)
    path = _supplier_list(tmp_path / "list.xlsx")
    _rewrite(path, "xl/sharedStrings.xml",
             b"<sst>" + b"".join(b"<si><t>factory %d</t></si>" % i for i in range(600)) + b"</sst>")
    with pytest.raises(TableError, match="more than 500 different texts"):
        read_table(path, COLUMNS, required_any=["name"])


def test_too_many_cells_are_refused_by_count(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_CELLS", 1_000)
    path = _supplier_list(tmp_path / "list.xlsx", rows=100, width=12)
    with pytest.raises(TableError, match="more than 1,000 cells"):
        read_table(path, COLUMNS, required_any=["name"])


def test_a_real_workbook_is_well_within_every_bound(tmp_path):
    """A 2,000-row list with ten columns passes the ratio and count checks and reads whole."""
    path = _supplier_list(tmp_path / "list.xlsx", rows=2_000, width=10)
    table = read_table(path, COLUMNS, required_any=["name"])
    assert len(table.rows) == 2_000


def test_a_tracker_with_a_shared_strings_bomb_is_refused_and_nothing_changes(db, supplier, tmp_path):
    """The factory's returned tracker goes through the same checks: one line, the database unchanged."""
    from tracker_support import dump, make_cap

    from csrdesk.errors import UserError
    from csrdesk.services.trackers import export_tracker, preview_tracker_import

    cap_id = make_cap(db)
    path = tmp_path / "tracker.xlsx"
    export_tracker(db, cap_id, path)
    with zipfile.ZipFile(path) as archive:
        strings = next((n for n in archive.namelist() if n.startswith("xl/sharedStrings")), "xl/sharedStrings.xml")
    _rewrite(path, strings, b"<sst><si><t>" + b"A" * (60 << 20) + b"</t></si></sst>")
    before = dump(db)
    with pytest.raises(UserError, match="zip bomb"):
        preview_tracker_import(db, path)
    assert dump(db) == before


def test_damaged_content_types_are_a_damaged_file_not_a_bug(tmp_path, caplog):
    """Found by the fuzz test: a workbook whose [Content_Types].xml names no workbook part made openpyxl raise
    OSError, reported as a bug (exit 1); it is the file's fault and refused as damaged."""
    path = _supplier_list(tmp_path / "list.xlsx")
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
    _rewrite(path, "[Content_Types].xml", types.replace(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.nothing"))
    with pytest.raises(TableError, match="damaged"):
        read_table(path, COLUMNS, required_any=["name"])
