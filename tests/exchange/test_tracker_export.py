"""The CAP tracker as the factory receives it: sheets, locks, dropdown, highlighting, print set-up, hidden data."""
from __future__ import annotations

import csv
import json
import uuid
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from csrdesk.cli import main
from csrdesk.exchange.tracker import (
    COLUMN_INDEX, COLUMNS, DATA_SHEET, FACTORY_STATUSES, FIRST_ITEM_ROW, FORMAT_VERSION, HEADER_ROW,
    INSTRUCTIONS_SHEET, ITEMS_SHEET, status_label,
)
from csrdesk.services.caps import update_item
from csrdesk.errors import UserError
from csrdesk.services.trackers import export_tracker
from tracker_support import SOFFICE, data_sheet_rows, find_row, item_ids, make_cap, soffice_convert

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture
def exported(db, supplier, tmp_path):
    cap_id = make_cap(db)
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    return cap_id, path


def test_sheets_and_instructions(exported):
    """The factory gets an instructions sheet in English and Chinese with the 5 Whys, and opens on the items."""
    _cap_id, path = exported
    wb = load_workbook(path)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, ITEMS_SHEET, DATA_SHEET]
    assert wb.active.title == ITEMS_SHEET
    text = "\n".join(str(c.value) for row in wb[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    for words in ("5 Whys", "五问法", "root cause", "根本原因", "preventive action", "预防措施", "YYYY-MM-DD",
                  "Buyer practices", "victims", "action planned"):
        assert words in text, words
    assert wb[INSTRUCTIONS_SHEET].protection.sheet


def test_items_sheet_locks_brand_columns_and_opens_factory_columns(db, exported):
    """Brand columns are locked, factory columns open, on a protected sheet the factory can still filter and sort."""
    cap_id, path = exported
    ws = load_workbook(path)[ITEMS_SHEET]
    ids = item_ids(db, cap_id)
    assert [ws.cell(FIRST_ITEM_ROW + i, 1).value for i in range(len(ids))] == ids
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.autoFilter is False and ws.protection.sort is False and ws.protection.insertRows is False
    for col in COLUMNS:
        cell = ws.cell(FIRST_ITEM_ROW, COLUMN_INDEX[col.key])
        assert cell.protection.locked is (not col.factory), col.key
        assert ws.cell(HEADER_ROW, COLUMN_INDEX[col.key]).value.startswith(col.en)
    headers = [ws.cell(HEADER_ROW, i).value.split("\n")[0] for i in range(1, len(COLUMNS) + 1)]
    assert headers[:8] == ["Item ID", "Category", "Severity", "(a) Finding", "(a) Legal and code requirements",
                           "(b) Suggested remediation", "(c) Due date", "Brand's comment"]
    assert headers[8:] == ["(d) Root cause analysis", "(e) Preventive action plan", "(f) Project leader",
                           "Planned date", "Status", "Evidence notes"]


def test_dropdown_highlight_freeze_filter_and_print(db, exported):
    """Status is a dropdown, overdue rows are highlighted, the header is frozen, filters on, printing set up."""
    cap_id, path = exported
    ws = load_workbook(path)[ITEMS_SHEET]
    last = FIRST_ITEM_ROW + len(item_ids(db, cap_id)) - 1
    status_col = get_column_letter(COLUMN_INDEX["status"])
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1.strip('"').split(",") == [status_label(s) for s in FACTORY_STATUSES]
    assert f"{status_col}{FIRST_ITEM_ROW}" in str(lists[0].sqref)
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any("TODAY()" in r.formula[0] and r.dxf.fill is not None for r in rules)
    assert ws.freeze_panes == f"B{FIRST_ITEM_ROW}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:N{last}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW - 1}:${HEADER_ROW}"
    assert ws.cell(FIRST_ITEM_ROW, COLUMN_INDEX["finding"]).alignment.wrap_text
    assert ws.column_dimensions["D"].width >= 30 and ws.column_dimensions["A"].width < 12
    assert ws.cell(FIRST_ITEM_ROW, COLUMN_INDEX["due_date"]).number_format == "yyyy-mm-dd"


def test_hidden_sheet_carries_what_the_import_needs(db, supplier, exported):
    """A very hidden sheet keeps export ID, supplier, CAP, format version, values as exported and a checksum."""
    cap_id, path = exported
    first = item_ids(db, cap_id)[0]
    update_item(db, first, root_cause="No capacity planning", planned_date=date(2026, 3, 1))
    second = export_tracker(db, cap_id, path.with_name("again.xlsx"))
    wb = load_workbook(second)
    assert wb[DATA_SHEET].sheet_state == "veryHidden"
    rows = data_sheet_rows(second)
    uuid.UUID(find_row(rows, "export_id")[1])
    assert find_row(rows, "supplier_code")[1] == "CN-0001"
    assert find_row(rows, "cap_id")[1] == cap_id
    assert find_row(rows, "format_version")[1] == FORMAT_VERSION
    assert len(find_row(rows, "checksum")[1]) == 64
    table = rows[rows.index(find_row(rows, "item_id")):]
    row = find_row(table, first)
    assert row[1:7] == ("No capacity planning", None, None, "2026-03-01", "open", None)
    assert find_row(data_sheet_rows(path), "export_id")[1] != find_row(rows, "export_id")[1]


def test_outside_text_is_never_a_formula(db, supplier, exported):
    """Finding titles '=HYPERLINK(...)' and '+cmd' and a root cause '=1+1' are string cells, shown as typed."""
    cap_id, path = exported
    ids = item_ids(db, cap_id)
    update_item(db, ids[0], root_cause="=1+1", project_leader="-Wang")
    path = export_tracker(db, cap_id, path)
    ws = load_workbook(path)[ITEMS_SHEET]
    cells = {ws.cell(r, COLUMN_INDEX["finding"]).value: ws.cell(r, COLUMN_INDEX["finding"])
             for r in range(FIRST_ITEM_ROW, FIRST_ITEM_ROW + len(ids))}
    for text in ('=HYPERLINK("http://x","y")', "+cmd"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    rc = ws.cell(FIRST_ITEM_ROW, COLUMN_INDEX["root_cause"])
    assert rc.value == "=1+1" and rc.data_type == "s"
    assert ws.cell(FIRST_ITEM_ROW, COLUMN_INDEX["project_leader"]).data_type == "s"
    every = [c for row in ws.iter_rows() for c in row] + [c for row in load_workbook(path)[DATA_SHEET].iter_rows()
                                                           for c in row]
    assert not [c.coordinate for c in every if c.data_type == "f"]


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_shows_formula_like_text_literally(db, supplier, exported, tmp_path):
    """LibreOffice converting the tracker to CSV shows '=HYPERLINK(...)' and '+cmd' as text, not results."""
    _cap_id, path = exported
    control = Workbook()
    control.active["A1"] = "=1+1"  # a real formula, to show the conversion does evaluate formulas
    control.save(tmp_path / "control.xlsx")
    out = tmp_path / "csv"
    out.mkdir()
    fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    for source in (path, tmp_path / "control.xlsx"):
        result = soffice_convert(source, fmt, out, tmp_path / "lo-profile")
        assert result.returncode == 0, result.stderr
    items_csv = next(out.glob("tracker-CAP items*.csv"))
    with open(items_csv, encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert '=HYPERLINK("http://x","y")' in cells and "+cmd" in cells
    assert "y" not in cells and "@SUM(A1)" in cells
    control_csv = next(out.glob("control*.csv")).read_text(encoding="utf-8")
    assert control_csv.strip() == "2"


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_opens_the_tracker(exported, tmp_path):
    """LibreOffice opens the tracker and prints it to PDF (instructions and items), Chinese included."""
    _cap_id, path = exported
    result = soffice_convert(path, "pdf", tmp_path, tmp_path / "lo-profile")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "tracker.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Corrective Action Plan tracker" in text and "Fire exit on second floor" in text
        assert "五问法" in text


def test_export_refuses_unknown_cap_and_empty_cap(db, supplier, tmp_path):
    """Exporting a CAP that does not exist says so in one line and writes no file."""
    with pytest.raises(UserError, match="No CAP #999"):
        export_tracker(db, 999, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_export(db, supplier, tmp_path, capsys):
    """`csrdesk tracker export CAP_ID -o FILE.xlsx` writes the tracker; a wrong CAP is a one-line error, exit 2."""
    cap_id = make_cap(db)
    out = tmp_path / "cli.xlsx"
    assert main(["--db", db.url, "tracker", "export", str(cap_id), "-o", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["cap_id"] == cap_id and load_workbook(out)[ITEMS_SHEET].cell(FIRST_ITEM_ROW, 1).value
    assert main(["--db", db.url, "tracker", "export", "4242", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No CAP #4242" in err


def test_returned_items_carry_the_brands_comment_beside_them(db, supplier, tmp_path):
    """After a CAP review returns one item and accepts another, the tracker shows "Returned: <comment>" in the
    brand's comment column of that item's row (text, never a formula), "Accepted" on the other, and the factory's
    columns stay where the import looks for them."""
    from csrdesk.services import review
    from csrdesk.services.caps import change_cap_status

    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    change_cap_status(db, cap_id, "response received")
    review.review_cap(db, cap_id, approve=False, decisions={ids[0]: "return", ids[1]: "accept"},
                      comments={ids[0]: "=1+1 Name the planning procedure, not the hours worked"})
    path = export_tracker(db, cap_id, tmp_path / "returned.xlsx")
    ws = load_workbook(path)[ITEMS_SHEET]
    column = COLUMN_INDEX["review_comment"]
    assert column == COLUMN_INDEX["due_date"] + 1  # beside the item, in the brand's half
    by_id = {ws.cell(FIRST_ITEM_ROW + i, 1).value: ws.cell(FIRST_ITEM_ROW + i, column) for i in range(len(ids))}
    returned = by_id[ids[0]]
    assert returned.value == "Returned · 退回: =1+1 Name the planning procedure, not the hours worked"
    assert returned.data_type == "s" and returned.protection.locked
    assert by_id[ids[1]].value.startswith("Accepted")
