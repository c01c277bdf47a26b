"""Row counting and long cells in supplier lists and findings files: blank rows are not rows; a long cell is
read (or refused naming its real cause), never 'no rows'."""
from __future__ import annotations

import openpyxl
from openpyxl.styles import PatternFill

from csrdesk.exchange.tables import read_table
from csrdesk.services.supplier_import import SUPPLIER_COLUMNS, import_suppliers


def test_a_formatted_empty_cell_far_down_does_not_make_a_huge_list(db, tmp_path):
    """A 2-row supplier list with one formatted empty cell at A150000 imports its 2 rows (it was 'more than
    100,000 rows')."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Facility name", "Country"])
    ws.append(["Golden Thread Garments", "China"])
    ws.append(["Saigon Stitch Co.", "Vietnam"])
    ws["A150000"].fill = PatternFill("solid", fgColor="FFFF00")
    path = tmp_path / "list.xlsx"
    wb.save(path)
    report = import_suppliers(db, path)
    assert [c.name for c in report.created] == ["Golden Thread Garments", "Saigon Stitch Co."]


def test_blank_csv_lines_do_not_count_as_rows(tmp_path, monkeypatch):
    """Blank lines between rows of a CSV are dropped before the row limit is applied."""
    import csrdesk.exchange.tables as tables

    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    path = tmp_path / "list.csv"
    path.write_text("Facility name,Country\n" + "Alpha,China\n" + ",\n" * 1500 + "Beta,China\n",
                    encoding="utf-8")
    table = read_table(path, SUPPLIER_COLUMNS, required_any=("name",))
    assert [r.get("name") for r in table.rows] == ["Alpha", "Beta"]


def test_a_csv_cell_over_131072_characters_is_read_and_judged_by_its_field(db, tmp_path):
    """A notes cell of 200,000 characters no longer makes the file 'have no rows': the list is read; the
    over-long name of another row is reported as that row's problem."""
    path = tmp_path / "list.csv"
    notes = "audit history " * 15_000
    path.write_text("Facility name,Country,Notes\n"
                    f'Golden Thread Garments,China,"{notes}"\n'
                    f"{'X' * 200_000},China,\n", encoding="utf-8")
    table = read_table(path, SUPPLIER_COLUMNS, required_any=("name",), multiline=("notes",))
    assert len(table.rows) == 2 and len(table.rows[0].get("notes")) > 131_072
    report = import_suppliers(db, path, dry_run=True)
    assert [c.name for c in report.created] == ["Golden Thread Garments"]
    assert any(s.row == 3 and "long" in s.reason for s in report.skipped)
