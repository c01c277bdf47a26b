"""The same validation on every path: what the tracker refuses, the command line and the window refuse too;
lengths are checked against the columns; control characters never reach the database."""
from __future__ import annotations

from datetime import date

import pytest

from csrdesk.cli import main
from csrdesk.errors import UserError


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cap_item(db, supplier):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.caps import cap_detail

    d = record_assessment(db, AssessmentInput(supplier.row.code, date(2026, 2, 2), "periodic", findings=[
        FindingInput("No fire drill in 12 months", "major", category="health-safety")]))
    return d.cap_id, cap_detail(db, d.cap_id).items[0].row.id


@pytest.mark.parametrize("planned", ["1999-12-31", "1900-01-01", "2101-01-01"])
def test_caps_update_refuses_dates_the_tracker_refuses(capsys, db, cap_item, planned):
    """caps update --planned-date before 2000 (or after 2100) is refused as the tracker refuses it."""
    cap_id, item_id = cap_item
    code, out, err = run(capsys, "--db", db.url, "caps", "update", str(cap_id), "--item", str(item_id),
                         "--root-cause", "No fire drill plan; the EHS officer post was vacant for a year.",
                         "--preventive-action", "Hire an EHS officer; quarterly drills on the safety calendar.",
                         "--project-leader", "Ms Chen, EHS manager", "--planned-date", planned)
    assert code == 2 and err.count("\n") == 1 and "cannot be right" in err


def test_update_item_refuses_old_dates_from_any_caller(db, cap_item):
    from csrdesk.services.caps import update_item

    with pytest.raises(UserError, match="cannot be right"):
        update_item(db, cap_item[1], planned_date=date(1999, 1, 1))
    with pytest.raises(UserError, match="cannot be right"):
        update_item(db, cap_item[1], due_date=date(1899, 1, 1))


def test_supplier_code_longer_than_its_column_is_refused(capsys, db):
    """`suppliers add --code` of 59 characters: one line naming the field and its limit (SQLite stored it)."""
    code, out, err = run(capsys, "--db", db.url, "suppliers", "add", "Golden Thread", "--code", "C" * 59)
    assert code == 2 and err.count("\n") == 1 and "supplier code is too long (59 characters; at most 40)" in err
    code, out, _ = run(capsys, "--db", db.url, "suppliers", "list")
    assert "0 suppliers" in out


def test_unknown_language_is_refused_and_names_are_understood(capsys, db, supplier):
    """--language klingon is refused; 'Chinese' or zh-CN are stored as zh."""
    code, _, err = run(capsys, "--db", db.url, "suppliers", "contact", supplier.row.code, "--name", "Li Wei",
                       "--language", "klingon")
    assert code == 2 and "not a language" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--db", db.url, "suppliers", "contact", supplier.row.code, "--name", "Li Wei",
                       "--language", "zh-CN")
    assert code == 0, err
    from csrdesk.services.suppliers import supplier_detail

    contact = next(c for c in supplier_detail(db, supplier.row.code).contacts if c.name == "Li Wei")
    assert contact.language == "zh"


def test_control_characters_never_reach_the_database(db, cap_item):
    """A pasted NUL, an escape sequence or a lone surrogate is removed from typed text on every path; line
    breaks stay."""
    from csrdesk.services.caps import item_detail, update_item
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    d = create_supplier(db, SupplierInput(name="Saigon\x00 Stitch\x1b[31m", code="VN-0009", country="Vietnam",
                                          notes="line one\r\nline two\x07\ud800"))
    assert d.row.name == "Saigon Stitch[31m"
    update_item(db, cap_item[1], project_leader="Ms\x0b Chen\x00")
    assert item_detail(db, cap_item[1]).row.project_leader == "Ms Chen"
    with db.reading() as s:
        from csrdesk.storage.models import Supplier

        notes = s.query(Supplier.notes).filter(Supplier.code == "VN-0009").scalar()
    assert notes == "line one\nline two"
