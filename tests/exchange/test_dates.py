"""One date parser for every import: what a factory types in a returned CAP tracker and what a supplier types in a
returned vetting questionnaire are read the same way (30/06/2027, 2027/06/30, 30.06.2027, 2027年6月30日,
Jun 30 2027, an Excel serial...)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from csrdesk.exchange import dates, questionnaire, tracker_import
from csrdesk.exchange.questionnaire import COL, MAIN_SHEET
from csrdesk.errors import UserError
from csrdesk.services.trackers import apply_tracker_import, export_tracker
from csrdesk.services.caps import item_detail
from csrdesk.services.vetting import export_for_supplier, import_questionnaire, screen_detail
from tracker_support import FactoryEdit, item_ids, make_cap

SCREENING = "new_supplier_screening"
JUNE_30 = date(2027, 6, 30)

# What people type for 30 June 2027; each must be read as that day by both imports.
TYPED = ["30/06/2027", "30/6/2027", "2027/06/30", "2027-06-30", "2027.06.30", "30.06.2027", "30-06-2027",
         "2027年6月30日", "2027 年 06 月 30 日", "２０２７年６月３０日", "Jun 30 2027", "June 30th, 2027",
         "30 June 2027", "30-Jun-2027", "30-Jun-27", "6/30/2027", "46568", 46568, datetime(2027, 6, 30)]


def test_both_imports_use_the_one_parser():
    """The tracker import and the questionnaire import call the same function of exchange.dates."""
    assert tracker_import.parse_date_text is dates.parse_date_text
    assert questionnaire.parse_date_text is dates.parse_date_text


@pytest.mark.parametrize("typed", TYPED, ids=str)
def test_every_way_of_typing_30_june_2027(typed):
    """The parser reads each of the usual ways of writing a date as the same day."""
    assert dates.parse_date_text(typed)[0] == JUNE_30


@pytest.mark.parametrize("typed", ["soon", "31/02/2027", "2027-13-01", "13/13/2027", "12", True, "Jun 2027"])
def test_what_is_no_date_is_refused(typed):
    """Text that names no day, or a day that does not exist, is refused rather than guessed."""
    with pytest.raises(ValueError):
        dates.parse_date_text(typed)


# ---------------------------------------------------------------- the questionnaire import

def _answer_last_audit(path, value, target):
    wb = load_workbook(path)
    ws = wb[MAIN_SHEET]
    for row in ws.iter_rows(min_row=1):
        if row[COL["id"] - 1].value == "last_audit":
            ws.cell(row[0].row, COL["answer"]).value = value
    wb.save(target)
    return target


@pytest.fixture
def sent(db, supplier, tmp_path):
    return export_for_supplier(db, "CN-0001", SCREENING, tmp_path / "questionnaire.xlsx")


@pytest.mark.parametrize("typed", ["30/06/2027", "2027/06/30", "30.06.2027", "2027年6月30日", "Jun 30 2027", 46568],
                         ids=str)
def test_the_questionnaire_takes_the_dates_the_tracker_takes(db, sent, tmp_path, typed):
    """A date answer typed 30/06/2027 (and the other usual forms) is imported as 2027-06-30, no longer refused."""
    screen_id, path = sent
    returned = _answer_last_audit(path, typed, tmp_path / "returned.xlsx")
    preview = import_questionnaire(db, returned)
    assert preview.problems == ()
    assert [(c.question_id, c.new_answer) for c in preview.changes] == [("last_audit", "2027-06-30")]
    import_questionnaire(db, returned, apply=True)
    assert screen_detail(db, screen_id).answers["last_audit"].value == "2027-06-30"


def test_an_ambiguous_questionnaire_date_is_read_day_first_with_a_note(db, sent, tmp_path, capsys):
    """05/06/2027 is read as 5 June, as in a tracker, and the preview (and `vetting import`) says how it was read."""
    from csrdesk.cli import main

    _screen_id, path = sent
    returned = _answer_last_audit(path, "05/06/2027", tmp_path / "returned.xlsx")
    preview = import_questionnaire(db, returned)
    assert [c.new_answer for c in preview.changes] == ["2027-06-05"]
    assert len(preview.notes) == 1 and "read day first, as 2027-06-05" in preview.notes[0]
    assert main(["--db", db.url, "vetting", "import", str(returned)]) == 0
    assert "note: Question" in capsys.readouterr().out


def test_a_questionnaire_answer_that_is_no_date_is_still_refused(db, sent, tmp_path):
    """'next month' is still no date: the preview names the question and applying saves nothing."""
    screen_id, path = sent
    returned = _answer_last_audit(path, "next month", tmp_path / "returned.xlsx")
    preview = import_questionnaire(db, returned)
    assert len(preview.problems) == 1 and "is not a date" in preview.problems[0]
    with pytest.raises(UserError, match="nothing was changed"):
        import_questionnaire(db, returned, apply=True)
    assert "last_audit" not in screen_detail(db, screen_id).answers


# ---------------------------------------------------------------- the tracker import, the same forms

@pytest.mark.parametrize("typed", ["2026/12/31", "31.12.2026", "2026年12月31日", "Dec 31 2026", "31/12/2026",
                                   "31-Dec-26", 46387], ids=str)
def test_the_tracker_takes_the_same_forms(db, supplier, tmp_path, typed):
    """A planned date typed in any of these forms in a returned tracker is saved as 31 December 2026."""
    cap_id = make_cap(db)
    first = item_ids(db, cap_id)[0]
    f = FactoryEdit(export_tracker(db, cap_id, tmp_path / "tracker.xlsx"))
    f.set(first, "planned_date", typed)
    apply_tracker_import(db, f.save(tmp_path / "returned.xlsx"))
    assert item_detail(db, first).row.planned_date == date(2026, 12, 31)
