"""The Library page: browsing and editing finding types, and matrix changes previewed before they are saved."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from csrdesk.domain.scoring import Severity
from csrdesk.services.assessment_list import list_assessments
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.library import get_matrix, get_violation_type
from csrdesk.ui.pages.library import LibraryPage
from csrdesk.ui.pages.library_matrix import ImpactDialog


@pytest.fixture
def page(qtbot, ctx):
    widget = LibraryPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    qtbot.waitUntil(lambda: not widget._loading)
    return widget


@pytest.fixture
def assessment(db, supplier):
    """CN-0001 rated Needs Improvement with two major findings (16 points) and an open draft CAP."""
    return record_assessment(db, AssessmentInput(supplier_code="CN-0001", date=date.today(), findings=[
        FindingInput(title="Weekly working hours exceed the legal limit", severity="major", violation_type="HRS-001"),
        FindingInput(title="Monthly overtime exceeds the legal limit", severity="major", violation_type="HRS-002"),
    ]))


def test_the_library_filters_by_text_category_and_severity(qtbot, page):
    """Typing a Chinese word or choosing a category and severity narrows the finding types."""
    total = page.model.total_count
    assert total > 100 and f"{total:,} finding types" in page.count_label.text()
    page.filter_box.setText("最低工资")  # typed through an input method, not key by key
    assert "WAG-001" in [v.key for v in page.model.visible_rows()]
    page.filter_box.clear()
    page.category_filter.setCurrentIndex(page.category_filter.findData("hours"))
    page.severity_filter.setCurrentIndex(page.severity_filter.findData("critical"))
    rows = page.model.visible_rows()
    assert rows and all(v.category == "hours" and v.severity == "critical" for v in rows)


def test_editing_a_finding_type_saves_it_and_marks_it_edited(qtbot, page, ctx):
    """Changing a type's time allowed and examples saves them; the type is then marked as edited by the user."""
    assert page.open_item("violation_type", "HRS-001")
    qtbot.waitUntil(lambda: page.editor.info is not None and page.editor.info.key == "HRS-001")
    editor = page.editor
    assert not editor.save_button.isEnabled()
    editor.days.setValue(45)
    editor.root_causes.setPlainText("No capacity planning\n\nPiece rates push workers to stay late\n")
    assert editor.changes() == {"days_allowed": 45,
                                "root_cause_examples": ["No capacity planning", "Piece rates push workers to stay late"]}
    page.activateWindow()  # Ctrl+S in the box being edited: the editor's own shortcut
    qtbot.waitUntil(page.isActiveWindow)
    editor.days.setFocus()
    qtbot.keyClick(editor.days, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Saved" in editor.message.text())
    saved = get_violation_type(ctx.db, "HRS-001")
    assert saved.days_allowed == 45 and saved.user_modified
    assert saved.root_cause_examples == ("No capacity planning", "Piece rates push workers to stay late")
    row = page.model.row_at(page.model.position_of("HRS-001"))
    assert page.model.data(page.model.index(page.model.position_of("HRS-001"), 7)) == "edited"
    assert row.days_allowed == 45

    editor.title.setText("   ")
    editor.save_button.click()
    assert "needs a title" in editor.message.text()
    assert get_violation_type(ctx.db, "HRS-001").title == "Weekly working hours exceed the legal limit"


def test_a_new_finding_type_is_added_and_selected(qtbot, page, ctx, monkeypatch):
    """'New finding type' adds the user's own type to the library and opens it in the editor."""
    monkeypatch.setattr(page, "ask_new_type", lambda: ("hrs-101", {
        "title": "Overtime hours not shown on pay slips", "category": "hours", "severity": "minor",
        "days_allowed": 30}))
    page.new_button.click()
    qtbot.waitUntil(lambda: page.editor.info is not None and page.editor.info.key == "HRS-101")
    assert page.editor.source.text() == "Added by you."
    assert get_violation_type(ctx.db, "HRS-101").title == "Overtime hours not shown on pay slips"
    monkeypatch.setattr(page, "ask_new_type", lambda: ("HRS-101", {"title": "Twice", "category": "hours",
                                                                    "severity": "minor", "days_allowed": 30}))
    page.new_button.click()
    qtbot.waitUntil(lambda: page.last_error is not None)
    assert "already in use" in page.last_error


def test_a_matrix_change_shows_the_assessments_it_would_rerate_before_saving(qtbot, page, ctx, assessment):
    """Raising major to 15 points previews CN-0001 going from 16 to 30 points (Unsatisfactory); Cancel saves
    nothing; confirming saves the matrix and re-rates the assessment."""
    page.tabs.setCurrentIndex(1)
    matrix = page.matrix
    assert matrix.default_spins[Severity.MAJOR].value() == 8
    assert not page.matrix_save.isEnabled()
    matrix.default_spins[Severity.MAJOR].setValue(15)
    assert "Needs Improvement" in matrix.default_hints[Severity.MAJOR].text()
    assert page.matrix_save.isEnabled()

    seen = []
    page.confirm_impacts = lambda change, impacts: seen.append((change, impacts)) or False
    page.matrix_save.click()
    qtbot.waitUntil(lambda: bool(seen))
    change, impacts = seen[0]
    assert change.defaults == {"major": 15}
    assert [(i.supplier_code, i.old_score, i.new_score, i.old_rating, i.new_rating) for i in impacts] == [
        ("CN-0001", 16, 30, "Needs Improvement", "Unsatisfactory")]
    dialog = ImpactDialog(change, impacts, page)
    qtbot.addWidget(dialog)
    assert "1 open assessment would be re-scored; 1 would change rating" in dialog.summary.text()
    assert dialog.table.item(0, 3).text() == "16 → 30" and dialog.table.item(0, 5).text() == "Unsatisfactory"
    # Cancelled: nothing saved, the edit stays on screen.
    assert get_matrix(ctx.db).default_points[Severity.MAJOR] == 8
    assert list_assessments(ctx.db)[0].rating == "Needs Improvement"
    assert matrix.default_spins[Severity.MAJOR].value() == 15 and "Not saved" in page.matrix_message.text()

    notices = []
    ctx.changed.connect(notices.append)
    page.confirm_impacts = lambda change, impacts: True
    page.matrix_save.click()
    qtbot.waitUntil(lambda: "Saved" in page.matrix_message.text(), timeout=5000)
    assert get_matrix(ctx.db).default_points[Severity.MAJOR] == 15
    row = list_assessments(ctx.db)[0]
    assert (row.score, row.rating) == (30, "Unsatisfactory")
    assert "1 open assessment re-scored, 1 changed rating" in page.matrix_message.text()
    assert {"library", "assessments"} <= set(notices)
    assert not page.matrix_save.isEnabled()


def test_points_for_one_type_override_the_default(qtbot, page, ctx, assessment, monkeypatch):
    """Setting points for one finding type shows it in the overrides and re-rates only through that type."""
    monkeypatch.setattr(page, "confirm_impacts", lambda change, impacts: True)
    assert page.open_item("violation_type", "HRS-002")
    qtbot.waitUntil(lambda: page.editor.info is not None and page.editor.info.key == "HRS-002")
    page.editor.points_button.click()
    assert page.tabs.currentIndex() == 1
    matrix = page.matrix
    assert matrix._chosen_type() == "HRS-002"
    matrix.severity_box.setCurrentIndex(matrix.severity_box.findData("major"))
    matrix.points_spin.setValue(20)
    matrix.add_button.click()
    assert matrix.table.rowCount() == 1 and matrix.table.item(0, 0).text() == "HRS-002"
    assert page.matrix.change().per_type == {("HRS-002", "major"): 20}
    page.matrix_save.click()
    qtbot.waitUntil(lambda: "Saved" in page.matrix_message.text(), timeout=5000)
    assert get_matrix(ctx.db).points(Severity.MAJOR, "HRS-002") == 20
    assert get_matrix(ctx.db).points(Severity.MAJOR, "HRS-001") == 8
    assert list_assessments(ctx.db)[0].score == 28
    assert "<b>major 20</b>" in page.editor.points_label.text()


def test_a_search_hit_opens_its_type_even_before_the_library_is_read(qtbot, ctx):
    """The page reads nothing until shown; a finding type asked for at once is selected when the read is done."""
    widget = LibraryPage(ctx)
    qtbot.addWidget(widget)
    assert widget.model.total_count == 0  # nothing read while hidden
    widget.show()
    assert widget.open_item("violation_type", "FRC-002")
    qtbot.waitUntil(lambda: widget.editor.info is not None and widget.editor.info.key == "FRC-002")
    assert widget.table.current_row().key == "FRC-002"
