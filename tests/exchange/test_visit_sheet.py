"""The on-site sheet: written locked with a dropdown, filled like a verifier does, read back; wrong sheets refused
with nothing changed."""
from datetime import date

import openpyxl
import pytest

from csrdesk.errors import UserError
from csrdesk.services import caps as caps_service
from csrdesk.services.verification import (
    export_visit_sheet, list_visits, preview_visit_sheet, record_visit_from_sheet, visit_detail,
)
from tests.exchange.letter_support import add_supplier, brand_settings, make_cap

TODAY = date(2026, 6, 1)
ITEM, VERDICT, NOTE, FIRST = 1, 9, 10, 6


@pytest.fixture
def cap(db):
    brand_settings(db)
    add_supplier(db, "CN-0001", language="zh")
    return make_cap(db)


def write(db, cap_id, tmp_path, name="visit.xlsx"):
    return export_visit_sheet(db, cap_id, tmp_path / name)


def fill(path, rows: dict[int, tuple[str, str]], *, change=None) -> None:
    """Fills verdict and note by row offset (0 = first item), as a verifier does in Excel; change edits any cell."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Visit 核查"]
    for offset, (verdict, note) in rows.items():
        ws.cell(FIRST + offset, VERDICT).value = verdict
        ws.cell(FIRST + offset, NOTE).value = note
    if change:
        change(wb)
    wb.save(path)


def statuses(db, cap_id):
    return [i.row.status for i in caps_service.cap_detail(db, cap_id).items]


def test_the_sheet_is_locked_except_the_verifier_columns_with_a_dropdown(db, cap, tmp_path):
    """Item columns locked, verdict and note open, the verdict a list of the four bilingual verdicts, data hidden."""
    path = write(db, cap, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Visit 核查"]
    assert ws.protection.sheet and wb["csrdesk"].sheet_state == "veryHidden"
    assert ws.cell(FIRST, ITEM).protection.locked and not ws.cell(FIRST, VERDICT).protection.locked
    assert not ws.cell(FIRST, NOTE).protection.locked
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("done correctly / 已正确完成" in f and "not checked / 未核查" in f for f in lists)
    ids = [ws.cell(FIRST + r, ITEM).value for r in range(3)]
    assert ids == [i.row.id for i in caps_service.cap_detail(db, cap).items]


def test_round_trip_with_a_verifiers_edits(db, cap, tmp_path):
    """Dropdown labels, Chinese words and the key numbers all read; Chinese notes kept; a note that looks like a
    formula stays text; the CAP is updated and the visit recorded after a backup."""
    path = write(db, cap, tmp_path)
    fill(path, {0: ("done correctly / 已正确完成", "押金已全部退还，工人确认"),
                1: ("未完成", "=still 70 hours a week"),
                2: ("4", "Cutting floor closed for stock-taking")})
    preview = preview_visit_sheet(db, cap, date(2026, 5, 20), path, today=TODAY)
    assert [c.verdict for c in preview.changes] == ["done_correctly", "not_done", "not_checked"]
    assert preview.changes[1].note == "=still 70 hours a week"
    assert statuses(db, cap) == ["open", "open", "open"]  # the preview changed nothing
    visit = record_visit_from_sheet(db, cap, date(2026, 5, 20), path, verifier="B. Verifier", today=TODAY)
    assert visit.items_verified == 1 and visit.items_reopened == 1
    assert statuses(db, cap)[0] == "verified"
    assert visit_detail(db, visit.id).verdicts[0].note == "押金已全部退还，工人确认"
    from csrdesk import paths

    assert list(paths.backups_dir().glob("*before-visit-sheet*"))


def _tamper_id(wb):
    wb["Visit 核查"].cell(FIRST, ITEM).value = 999999


def _tamper_data(wb):
    ws = wb["csrdesk"]
    for row in ws.iter_rows():
        if row[0].value == "item_count":
            row[1].value = "2"


@pytest.mark.parametrize("rows, change, problem", [
    ({0: ("done correctly", "")}, _tamper_id, "Item ID '999999', which is not in this sheet"),
    ({0: ("finished", "")}, None, "unknown verdict 'finished'"),
    ({0: ("not checked / 未核查", "")}, None, "needs a note saying why"),
    ({0: ("", "a note without a verdict")}, None, "a note but no verdict"),
    ({0: ("done correctly", "")}, _tamper_data, "check data does not match"),
])
def test_a_wrong_or_tampered_sheet_is_refused_and_nothing_changes(db, cap, tmp_path, rows, change, problem):
    path = write(db, cap, tmp_path)
    fill(path, rows, change=change)
    with pytest.raises(UserError, match=problem):
        record_visit_from_sheet(db, cap, date(2026, 5, 20), path, today=TODAY)
    assert statuses(db, cap) == ["open", "open", "open"] and list_visits(db, cap_id=cap) == []


def test_a_sheet_of_another_cap_or_a_tracker_is_refused(db, cap, tmp_path):
    """The sheet of another CAP, and a CAP tracker passed as a visit sheet, are refused by name."""
    from csrdesk.services.trackers import export_tracker

    other = make_cap(db, on=date(2026, 2, 10))
    path = write(db, other, tmp_path, "other.xlsx")
    fill(path, {0: ("done correctly", "")})
    with pytest.raises(UserError, match=f"sheet of CAP #{other}.*not of CAP #{cap}"):
        record_visit_from_sheet(db, cap, date(2026, 5, 20), path, today=TODAY)
    tracker = export_tracker(db, cap, tmp_path / "tracker.xlsx")
    with pytest.raises(UserError, match="not a csrdesk verification visit sheet"):
        record_visit_from_sheet(db, cap, date(2026, 5, 20), tracker, today=TODAY)
    assert list_visits(db) == []
