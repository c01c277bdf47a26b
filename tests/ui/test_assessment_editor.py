"""The assessment editor: findings from the library or free text, the live rating and why, saving, undo, leaving."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from csrdesk.services.assessment_list import list_assessments
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import cap_detail
from csrdesk.ui.pages.assessments import AssessmentsPage
from csrdesk.ui.widgets.findings_grid import COL_CATEGORY, COL_POINTS, COL_REPEAT, COL_SEVERITY


@pytest.fixture
def page(qtbot, ctx, supplier):
    widget = AssessmentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    qtbot.waitUntil(lambda: not widget._loading_list)
    return widget


def _settle(qtbot, page):
    """Asks for the live rating and waits for the worker's answer."""
    page.editor.refresh_rating()
    qtbot.waitUntil(lambda: not page.editor.rating_pending and not page.ctx.busy)


def test_rating_and_reasons_change_live_as_findings_are_added(qtbot, page):
    """Each of three findings moves the score, the rating badge and the explanation before anything is saved."""
    editor = page.editor
    assert page.new_assessment("CN-0001")
    _settle(qtbot, page)
    assert editor.reasons.badge.rating == "Satisfactory"
    assert "No findings: score 0." in editor.reasons.reason_lines()

    editor.add_library_finding("MGT-001")  # minor, 1 point
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 1)
    assert editor.reasons.badge.rating == "Satisfactory"

    editor.add_library_finding("HRS-001")  # major, 8 points
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 9)
    assert editor.reasons.badge.rating == "Needs Improvement"
    assert any("Needs Improvement is a score of 8 to 29" in r for r in editor.reasons.reason_lines())

    editor.add_library_finding("WAG-001")  # critical, 30 points
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 39)
    assert editor.reasons.badge.rating == "Unsatisfactory"
    reasons = " ".join(editor.reasons.reason_lines())
    assert "Wages below the legal minimum wage (critical, 30 points)" in reasons
    assert "follow-up assessment" in reasons
    assert "#ef6c00" in editor.reasons.badge.styleSheet()  # the Unsatisfactory colour
    assert editor.is_dirty() and editor.save_button.isEnabled()


def test_saving_records_the_assessment_and_its_draft_cap(qtbot, page, ctx):
    """Ctrl+S saves the assessment; its draft CAP has one item per finding and the list shows the new row."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.firm_edit.setText("Bureau Veritas")
    editor.standard_edit.setText("SMETA 6.1")
    for key in ("MGT-001", "HRS-001", "WAG-001"):
        editor.add_library_finding(key)
    notices = []
    ctx.changed.connect(notices.append)
    editor.setFocus()
    qtbot.keyClick(editor.grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.assessment_id is not None, timeout=30000)
    assert not editor.is_dirty()
    assert editor.cap_id is not None
    cap = cap_detail(ctx.db, editor.cap_id)
    assert cap.status == "draft"
    assert [i.row.finding for i in cap.items] == [
        "No written social compliance policy", "Weekly working hours exceed the legal limit",
        "Wages below the legal minimum wage",
    ]
    assert "Unsatisfactory, 39 points" in editor.message.text()
    assert "caps" in notices and "assessments" in notices
    qtbot.waitUntil(lambda: page.list_model.total_count == 1)
    row = page.list_model.row_at(0)
    assert (row.rating, row.score, row.findings, row.cap_status) == ("Unsatisfactory", 39, 3, "draft")
    assert editor.cap_button.isVisible()


def test_points_typed_override_the_matrix_and_undo_restores_them(qtbot, page):
    """Typing points marks them as overridden and moves the score; clearing goes back to the matrix; undo works."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("HRS-001")
    model = editor.model
    points = model.index(0, COL_POINTS)
    assert model.data(points) == "8"
    assert model.setData(points, "25")
    assert model.data(points) == "25 ✎"
    assert "matrix gives 8" in model.data(points, Qt.ItemDataRole.ToolTipRole)
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 25)

    assert model.setData(model.index(0, COL_SEVERITY), "critical")
    assert model.data(points) == "25 ✎"  # typed points stay when the severity changes
    assert model.setData(points, "")
    assert model.data(points) == "30"  # back to the matrix, for the new severity
    qtbot.waitUntil(lambda: editor.reasons.badge.rating == "Unsatisfactory")

    editor.undo_stack.undo()  # back to 25 typed points
    assert model.data(points) == "25 ✎"
    editor.undo_stack.undo()  # back to major
    assert model.draft(0).severity == "major"
    assert not model.setData(points, "-3")  # refused, nothing changes
    assert model.data(points) == "25 ✎"


def test_delete_removes_the_finding_and_undo_brings_it_back(qtbot, page):
    """Delete on the grid removes the selected finding; Ctrl+Z puts it back in its place."""
    editor = page.editor
    page.new_assessment("CN-0001")
    for key in ("MGT-001", "HRS-001", "WAG-001"):
        editor.add_library_finding(key)
    editor.grid.setFocus()
    editor.select_finding(1)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Delete)
    assert [d.violation_type for d in editor.model.drafts()] == ["MGT-001", "WAG-001"]
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 31)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [d.violation_type for d in editor.model.drafts()] == ["MGT-001", "HRS-001", "WAG-001"]
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 39)


def test_type_ahead_finds_library_entries_in_english_chinese_and_by_key(qtbot, page):
    """The picker completes on a key, English words or Chinese; Enter on other text adds a free-text finding."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    assert any(c.startswith("HRS-001") for c in picker.completions("hrs-00"))
    assert any("HRS-001" in c for c in picker.completions("legal limit"))
    assert any("WAG-001" in c for c in picker.completions("最低工资"))

    qtbot.keyClicks(picker, "Weekly working hours exceed the legal limit")
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert editor.model.draft(0).violation_type == "HRS-001"

    editor.free_severity.setCurrentText("critical")
    qtbot.keyClicks(picker, "Blocked emergency exit on the second floor")
    assert picker.matches(picker.text()) == []  # "second" and "floor" are in no library title...
    assert picker.offering_close_matches() and picker.highlighted() is None  # ...close ones shown, none chosen
    qtbot.keyClick(picker, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    free = editor.model.draft(1)
    assert (free.title, free.violation_type, free.severity) == ("Blocked emergency exit on the second floor", None, "critical")
    assert editor.model.rowCount() == 2  # Ctrl+Enter added it once
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 38)


def test_denied_access_rates_denied_whatever_the_findings(qtbot, page):
    """Ticking 'denied access' turns the live rating to Denied and says why."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    editor.denied_box.setChecked(True)
    qtbot.waitUntil(lambda: editor.reasons.badge.rating == "Denied")
    assert any("refused access" in r for r in editor.reasons.reason_lines())


def test_a_failed_save_keeps_the_editor_and_says_why(qtbot, page, ctx):
    """A date more than a year ahead is refused: nothing is saved, the findings stay and the reason is shown."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    editor.add_free_finding("No first-aid training records")
    assert editor.model.setData(editor.model.index(1, COL_SEVERITY), "minor")
    far = date.today() + timedelta(days=800)
    editor.date_edit.setDate(QDate(far.year, far.month, far.day))
    editor.save()
    qtbot.waitUntil(lambda: editor.last_error is not None, timeout=5000)
    assert "more than a year in the future" in editor.message.text()
    assert editor.assessment_id is None
    assert len(editor.model.drafts()) == 2 and editor.is_dirty()
    assert list_assessments(ctx.db) == []

    editor.supplier_box.setEditText("")
    editor.save()
    assert "Choose the supplier" in editor.message.text()


def test_repeat_findings_are_marked_before_saving(qtbot, page, ctx):
    """A finding of a type that an earlier assessment of the supplier had is marked as a repeat."""
    record_assessment(ctx.db, AssessmentInput(
        supplier_code="CN-0001", date=date.today() - timedelta(days=200), assessment_type="periodic",
        findings=[FindingInput(title="Weekly working hours exceed the legal limit", severity="major",
                               violation_type="HRS-001")],
    ))
    ctx.notify("assessments")
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("HRS-001")
    editor.add_library_finding("MGT-001")
    model = editor.model
    qtbot.waitUntil(lambda: model.data(model.index(0, COL_REPEAT)) == "↻ repeat")
    assert model.data(model.index(1, COL_REPEAT)) == ""


def test_leaving_with_unsaved_changes_asks_first(qtbot, page, ctx, monkeypatch):
    """Opening another assessment with unsaved edits asks: Cancel stays, Discard leaves, Save saves then leaves."""
    saved = record_assessment(ctx.db, AssessmentInput(supplier_code="CN-0001", date=date.today(),
                                                      findings=[FindingInput(title="Blocked exit", severity="critical")]))
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    answers = []
    monkeypatch.setattr(page, "ask_unsaved", lambda: answers.pop(0))

    answers.append(QMessageBox.StandardButton.Cancel)
    assert not page.open_item("assessment", saved.id)
    assert editor.assessment_id is None and editor.model.rowCount() == 1

    answers.append(QMessageBox.StandardButton.Save)
    assert page.open_item("assessment", saved.id)
    qtbot.waitUntil(lambda: editor.assessment_id == saved.id)
    assert len(list_assessments(ctx.db)) == 2

    editor.add_free_finding("Second thoughts")
    answers.append(QMessageBox.StandardButton.Discard)
    assert page.new_assessment()
    assert len(list_assessments(ctx.db)) == 2
    assert [r.findings for r in list_assessments(ctx.db)] == [1, 1]


def test_editing_a_saved_assessment_updates_it(qtbot, page, ctx):
    """Opening a saved assessment, removing a finding and saving updates its score, rating and CAP."""
    saved = record_assessment(ctx.db, AssessmentInput(
        supplier_code="CN-0001", date=date.today(), findings=[
            FindingInput(title="Blocked exit", severity="critical"),
            FindingInput(title="No policy", severity="minor"),
        ]))
    ctx.notify("assessments")
    assert page.open_item("assessment", saved.id)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.assessment_id == saved.id)
    assert not editor.supplier_box.isEnabled()
    _settle(qtbot, page)
    assert editor.reasons.badge.rating == "Unsatisfactory"
    editor.select_finding(0)
    editor.remove_selected()
    editor.save()
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=5000)
    cap = cap_detail(ctx.db, saved.cap_id)
    assert [i.row.finding for i in cap.items] == ["No policy"]
    assert cap.score == 1 and cap.rating == "Satisfactory"


def _picker_keys(qtbot, picker, text):
    """Types into the picker: Latin text key by key, Chinese as an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    picker.setFocus()
    if text.isascii():
        qtbot.keyClicks(picker, text)
    else:
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(picker, event)


def test_one_pick_from_the_suggestions_adds_one_finding(qtbot, page, ctx):
    """Typing 'exits locked', Down and Enter on the one suggestion adds HSF-007 once, and it is saved once."""
    editor = page.editor
    page.new_assessment("CN-0001")
    _picker_keys(qtbot, editor.picker, "exits locked")
    assert editor.picker.suggestions() == ["HSF-007"]
    qtbot.keyClick(editor.picker, Qt.Key.Key_Down)
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return)
    qtbot.wait(20)  # anything queued behind the key press has run
    assert [d.violation_type for d in editor.model.drafts()] == ["HSF-007"]
    assert editor.picker.text() == "" and not editor.picker.suggestions_visible()
    editor.save()
    qtbot.waitUntil(lambda: editor.assessment_id is not None, timeout=30000)
    saved = list_assessments(ctx.db)[0]
    assert (saved.findings, saved.score) == (1, 800)


def test_enter_takes_the_first_suggestion_in_any_word_order_and_chinese(qtbot, page):
    """'locked exits' finds 'Emergency exits locked'; '童工' with the list open adds the zero-tolerance child labour
    entry on Enter, not an ungraded free-text finding."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    assert "HSF-007" in picker.matches("locked exits")
    assert "HSF-007" in picker.matches("上锁 出口")  # Chinese words in another order
    assert picker.matches("exits") and "HRS-001" not in picker.matches("exits locked")
    _picker_keys(qtbot, picker, "童工")
    assert picker.suggestions() and picker.suggestions()[0] == "CHL-001"
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # zero tolerance listed first: the first Enter chooses it...
    assert editor.model.rowCount() == 0 and picker.highlighted() == "CHL-001"
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # ...the second adds it
    first = editor.model.draft(0)
    assert (first.violation_type, first.severity) == ("CHL-001", "zero tolerance")
    assert editor.model.rowCount() == 1
    qtbot.waitUntil(lambda: editor.reasons.badge.rating == "Zero Tolerance")


def test_every_suggestion_says_its_severity_before_enter_adds_it(qtbot, page):
    """Typing 'overtime' lists a zero-tolerance entry (forced overtime) among ordinary overtime findings: each row
    names its severity, so a new user sees 'zero tolerance' before Enter records a finding that blocks production."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "overtime")
    lst = picker._ensure_panel().list
    rows = [lst.item(i).text() for i in range(lst.count())]
    assert rows and all(any(s in row for s in ("minor", "major", "critical", "zero tolerance")) for row in rows)
    assert any("FRC-006" in row and "zero tolerance" in row for row in rows)


def test_free_text_needs_a_severity_chosen_by_the_user(qtbot, page, ctx):
    """Text no library entry matches (nor comes close to) becomes a finding with no severity: the keyboard stays in
    the box, Enter in the empty box asks for the category, the rating waits, and Save is refused naming the finding
    until a severity is chosen."""
    editor = page.editor
    page.new_assessment("CN-0001")
    _picker_keys(qtbot, editor.picker, "Dormitory roof leaking")
    assert editor.picker.suggestions() == []
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return)
    draft = editor.model.draft(0)
    assert (draft.title, draft.violation_type, draft.severity, draft.category) == (
        "Dormitory roof leaking", None, "", "health-safety")  # never without a category: the closest entries'
    assert editor.model.data(editor.model.index(0, COL_SEVERITY)) == "choose…"
    # No choice opens by itself (it would take the keys typed for the next finding)...
    assert editor.grid.state() != editor.grid.State.EditingState
    assert "Choose its severity" in editor.picker_note.text() and "Health and safety" in editor.picker_note.text()
    # ...Enter in the empty box opens the category choice in the grid.
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return)
    assert editor.grid.state() == editor.grid.State.EditingState
    assert editor.grid.currentIndex().column() == COL_CATEGORY
    qtbot.waitUntil(lambda: "Choose a severity for “Dormitory roof leaking”" in " ".join(
        [editor.reasons.reasons.toPlainText()]))
    assert editor.reasons.badge.rating is None
    editor.grid.setFocus()  # closes the category choice without choosing
    editor.save()
    assert "Choose a severity for “Dormitory roof leaking” (finding 1)" in editor.message.text()
    assert list_assessments(ctx.db) == []

    assert editor.model.setData(editor.model.index(0, COL_SEVERITY), "critical")
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 30)
    editor.save()
    qtbot.waitUntil(lambda: editor.assessment_id is not None, timeout=30000)
    assert list_assessments(ctx.db)[0].score == 30


def test_severity_chosen_beside_the_box_is_used_once(qtbot, page):
    """A severity chosen beside the box grades the next free-text finding only; the box then asks again."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.free_severity.setCurrentText("minor")
    editor.add_free_finding("Notice board out of date")
    editor.add_free_finding("Second note")
    assert [d.severity for d in editor.model.drafts()] == ["minor", ""]
    assert editor.free_severity.currentData() == ""


def test_detail_pane_follows_the_selected_finding(qtbot, page):
    """The library text shown under the finding is the selected finding's own, also after moving back to row 1;
    an undone description edit leaves the box too."""
    editor = page.editor
    page.new_assessment("CN-0001")
    for key in ("HRS-001", "HSF-007", "HSF-007"):
        editor.add_library_finding(key)
    library = editor._library
    editor.select_finding(2)
    assert library["HSF-007"].description in editor.library_hint.full_text()
    editor.select_finding(0)
    assert editor.detail_title.text().startswith("1. Weekly working hours")
    assert library["HRS-001"].description in editor.library_hint.full_text()
    assert library["HSF-007"].description not in editor.library_hint.full_text()
    editor.description_edit.setPlainText("Timesheets show 72 hours in week 12")
    assert editor.model.draft(0).description == "Timesheets show 72 hours in week 12"
    editor.undo_stack.undo()
    assert editor.model.draft(0).description == ""
    assert editor.description_edit.toPlainText() == ""
    editor.remove_selected()  # row 1 goes; the HSF-007 now first is shown
    assert library["HSF-007"].description in editor.library_hint.full_text()


def test_focus_stays_in_the_editor_after_saving(qtbot, page):
    """Clicking Save keeps the keyboard in the editor (it used to jump to another box with its text selected)."""
    from PySide6.QtWidgets import QApplication

    editor = page.editor
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    page.filter_box.setText("old text")
    editor.save_button.setFocus()
    qtbot.waitUntil(editor.save_button.hasFocus)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.assessment_id is not None, timeout=30000)
    qtbot.wait(20)
    focus = QApplication.focusWidget()
    assert focus is not None and editor.isAncestorOf(focus), focus


def test_free_text_prompts_for_category_then_severity_by_keyboard(qtbot, page):
    """After a free-text finding, Enter in the empty box opens the category choice, then the severity choice; Enter
    on each grades it and the keyboard goes back to the box for the next finding."""
    from PySide6.QtWidgets import QApplication, QComboBox

    editor = page.editor
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.new_assessment("CN-0001")
    _picker_keys(qtbot, editor.picker, "Dormitory roof leaking")
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return)
    assert editor.picker.hasFocus() and editor.model.rowCount() == 1
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox) and combo.findData("health-safety") >= 0
    combo.setCurrentIndex(combo.findData("health-safety"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QComboBox)
                    and QApplication.focusWidget() is not combo)
    severity = QApplication.focusWidget()
    assert severity.currentText() == ""  # nothing chosen for the user
    severity.setCurrentText("major")
    qtbot.keyClick(severity, Qt.Key.Key_Return)
    qtbot.waitUntil(editor.picker.hasFocus)
    d = editor.model.draft(0)
    assert (d.category, d.severity) == ("health-safety", "major")
    qtbot.waitUntil(lambda: editor.reasons.badge.score == 8)


def test_live_rating_and_opening_read_off_the_gui_thread(qtbot, page, ctx, monkeypatch):
    """The live preview, the earlier findings and opening an assessment run on the database worker; a preview
    answer overtaken by newer input is not shown."""
    import threading

    from csrdesk.services import assessment_list as list_service
    from csrdesk.services import assessments as service

    threads = []

    def spy(fn):
        return lambda *a, **k: threads.append((fn.__name__, threading.current_thread())) or fn(*a, **k)

    for module, name in ((service, "preview_rating"), (service, "assessment_detail"),
                         (list_service, "past_findings")):
        monkeypatch.setattr(module, name, spy(getattr(module, name)))
    editor = page.editor
    page.new_assessment("CN-0001")
    shown = []
    real_show = editor.reasons.show_result
    monkeypatch.setattr(editor.reasons, "show_result", lambda r: shown.append(r.score) or real_show(r))
    editor.add_library_finding("MGT-001")
    editor.refresh_rating()
    editor.add_library_finding("HRS-001")
    editor.refresh_rating()
    qtbot.waitUntil(lambda: not ctx.busy)
    assert shown == [9]  # the answer for one finding came after two were typed: dropped
    editor.save()
    qtbot.waitUntil(lambda: editor.assessment_id is not None, timeout=30000)
    saved_id = editor.assessment_id
    page.new_assessment("CN-0001")
    assert page.open_item("assessment", saved_id)
    qtbot.waitUntil(lambda: editor.assessment_id == saved_id)
    names = {name for name, _t in threads}
    assert {"preview_rating", "assessment_detail", "past_findings"} <= names
    assert all(t is not threading.main_thread() for _n, t in threads)


def test_add_button_takes_the_highlighted_suggestion(qtbot, page):
    """Clicking Add while suggestions are shown adds the highlighted library entry, not the typed words."""
    editor = page.editor
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.new_assessment("CN-0001")
    _picker_keys(qtbot, editor.picker, "exits locked")
    qtbot.mousePress(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)  # a slow click
    qtbot.mouseRelease(editor.add_button, Qt.MouseButton.LeftButton)
    assert [d.violation_type for d in editor.model.drafts()] == ["HSF-007"]


def test_a_save_that_fails_on_leaving_keeps_the_editor_with_the_reason(qtbot, page, ctx, monkeypatch):
    """Leaving with Save when the save is refused stays on the edited assessment, saves nothing, and says why."""
    from csrdesk.errors import UserError
    from csrdesk.services import assessments as assessments_service

    def refused(*_args, **_kwargs):
        raise UserError("The database is read-only just now.")

    saved = record_assessment(ctx.db, AssessmentInput(supplier_code="CN-0001", date=date.today(),
                                                      findings=[FindingInput(title="Blocked exit", severity="critical")]))
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    monkeypatch.setattr(assessments_service, "record_assessment", refused)
    monkeypatch.setattr(page, "ask_unsaved", lambda: QMessageBox.StandardButton.Save)
    assert page.open_item("assessment", saved.id)  # the move waits for the save
    qtbot.waitUntil(lambda: editor.last_error is not None and not ctx.busy)
    assert editor.assessment_id is None and editor.model.rowCount() == 1 and editor.is_dirty()
    assert "read-only" in editor.message.text()
    assert len(list_assessments(ctx.db)) == 1


def test_close_library_matches_are_offered_before_free_text(qtbot, page):
    """"fire exit" matches no entry in full: while typing, the list already offers "did you mean HSF-007 Emergency
    exits locked or blocked, zero tolerance?" (and the other exit entries) with none chosen; the first Enter chooses
    HSF-007, the second adds that library finding, not an ungraded free-text one."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "fire exit")
    assert picker.offering_close_matches()  # shown as the words are typed, before any Enter
    assert picker.suggestions()[:1] == ["HSF-007"] and {"HSF-009", "HSF-012"} <= set(picker.suggestions())
    assert picker.highlighted() is None and "Did you mean" in picker._panel.note.text()
    lst = picker._panel.list  # as tall as its rows: no blank band between the last row and the note
    assert 0 <= lst.viewport().height() - lst.count() * lst.sizeHintForRow(0) < lst.sizeHintForRow(0)
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert editor.model.rowCount() == 0 and picker.offering_close_matches()
    assert picker.suggestions()[0] == "HSF-007" and picker.highlighted() == "HSF-007"
    first = picker._panel.list.item(0).text()
    assert first.startswith("HSF-007 — Emergency exits locked or blocked, zero tolerance")
    last = picker._panel.list.item(picker._panel.list.count() - 1).text()
    assert last.startswith("Add “fire exit” as your own finding")
    assert "Did you mean" in picker._panel.note.text()
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert editor.model.rowCount() == 1
    d = editor.model.draft(0)
    assert (d.violation_type, d.severity) == ("HSF-007", "zero tolerance")


def test_own_text_from_the_close_matches_and_no_keys_lost_after_it(qtbot, page):
    """Choosing "add as your own finding" in the close matches adds the free text; the findings typed right after
    go into the box and are added too (the category and severity choices no longer take those keys)."""
    editor = page.editor
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "fire exit")
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    rows = picker._panel.list.count()
    for _ in range(rows - 1):
        qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [d.title for d in editor.model.drafts()] == ["fire exit"]
    assert editor.model.draft(0).violation_type is None
    qtbot.keyClicks(picker, "exits locked")
    assert picker.hasFocus() and picker.suggestions() == ["HSF-007"]
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [d.violation_type for d in editor.model.drafts()] == [None, "HSF-007"]


def test_audit_report_attached_to_a_saved_assessment_and_opened_again(qtbot, page, ctx, tmp_path, monkeypatch):
    """A new assessment offers no attaching until saved; after saving, "Attach report…" keeps the auditor's PDF,
    the line names it, "Open report" opens the kept copy, and opening the assessment again shows it; a file that is
    no PDF is refused on the line with the reason."""
    from csrdesk.ui.widgets import audit_report_bar

    editor = page.editor
    page.new_assessment("CN-0001")
    bar = editor.report_bar
    assert not bar.attach_button.isEnabled() and "save the assessment first" in bar.label.full_text()
    editor.add_library_finding("MGT-001")
    editor.save()
    qtbot.waitUntil(lambda: editor.assessment_id is not None and bar.attach_button.isEnabled(), timeout=5000)
    fake = tmp_path / "notes.pdf"
    fake.write_text("not a pdf")
    monkeypatch.setattr(audit_report_bar.QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(fake), "")))
    qtbot.mouseClick(bar.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is not a PDF" in bar.label.full_text(), timeout=5000)
    report = tmp_path / "BV audit 2026.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr(audit_report_bar.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(report), "")))
    qtbot.mouseClick(bar.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "BV audit 2026.pdf" in bar.label.full_text(), timeout=5000)
    assert bar.open_button.isEnabled() and bar.attach_button.text() == "Replace report…"
    opened = []
    bar.opener = opened.append
    qtbot.mouseClick(bar.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].read_bytes() == b"%PDF-1.4\n%%EOF\n" and opened[0] != report
    saved = editor.assessment_id
    page.new_assessment("CN-0001")
    assert not bar.open_button.isEnabled()
    editor.load(saved)
    qtbot.waitUntil(lambda: "BV audit 2026.pdf" in bar.label.full_text(), timeout=5000)


def test_word_search_ranks_the_best_match_first_not_library_order(qtbot, page):
    """'overtime' lists the plain excessive-overtime entries (HRS-006, HRS-002) before the forced-labour entry that
    only mentions overtime (FRC-006, listed earlier in the library); Enter adds the first one."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "overtime")
    shown = picker.suggestions()
    assert shown[0] in ("HRS-002", "HRS-006"), shown
    assert shown.index("HRS-002") < shown.index("FRC-006") and shown.index("HRS-006") < shown.index("FRC-006")
    assert picker.matches("hrs-00")[0] == "HRS-001"  # a typed key still comes first
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # a zero-tolerance entry first is chosen first, then added
    assert editor.model.draft(0).violation_type == shown[0]


def test_overtime_and_enter_never_adds_a_zero_tolerance_finding_unseen(qtbot, page):
    """'overtime' lists 'Overtime not voluntary, zero tolerance' first among ordinary overtime entries: nothing is
    chosen while typing and the list says why, so Enter chooses rather than adds (two new users pressed Enter and
    got a Zero Tolerance rating, 800 points); ↓ then Enter adds the ordinary entry the user meant."""
    editor = page.editor
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "overtime")
    assert picker.suggestions()[0] == "HRS-006" and picker.highlighted() is None
    assert "zero tolerance" in picker._panel.note.text()
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert editor.model.rowCount() == 0 and picker.highlighted() == "HRS-006"
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    chosen = picker.highlighted()
    assert chosen != "HRS-006"
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [d.violation_type for d in editor.model.drafts()] == [chosen]
    assert editor.model.draft(0).severity != "zero tolerance"
    # A query whose every match is zero tolerance is taken at once, as before.
    _picker_keys(qtbot, picker, "exits locked")
    assert picker.highlighted() == "HSF-007"


def test_reference_data_is_read_on_the_worker_and_a_new_assessment_waits_for_it(qtbot, ctx, supplier, monkeypatch):
    """The library, categories, matrix and suppliers the editor offers are read on the database worker, not on the
    GUI thread; a new assessment asked for before they arrive starts with its supplier chosen once they are there."""
    import threading

    from csrdesk.services import assessment_list as list_service
    from csrdesk.services import library as library_service

    threads = []
    for module, name in ((library_service, "list_violation_types"), (library_service, "list_categories"),
                         (library_service, "get_matrix"), (list_service, "supplier_choices")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: threads.append(
            (_name, threading.current_thread())) or _real(*a, **k))
    widget = AssessmentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 840)
    assert widget.new_assessment("CN-0001")  # before the page was ever shown: nothing read yet
    widget.show()
    qtbot.waitUntil(lambda: widget.editor.reference_loaded and not ctx.busy)
    assert {n for n, _t in threads} == {"list_violation_types", "list_categories", "get_matrix", "supplier_choices"}
    assert all(t is not threading.main_thread() for _n, t in threads)
    editor = widget.editor
    assert editor.supplier_code() == "CN-0001"
    assert editor.picker.matches("exits locked") == ["HSF-007"]
    # A supplier added meanwhile: the new assessment waits for the suppliers read again, not the old list.
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    create_supplier(ctx.db, SupplierInput(name="Late Arrival Knit", code="CN-0099", country="China"))
    ctx.notify("suppliers")
    assert widget.new_assessment("CN-0099")
    qtbot.waitUntil(lambda: not ctx.busy)
    assert editor.supplier_code() == "CN-0099"


def test_saved_at_message_goes_when_the_user_edits_again_or_opens_another_assessment(qtbot, page, ctx):
    """'Saved at 14:02' is true only of the assessment as saved: a new edit clears it, and so does opening another
    assessment (it used to stay under both)."""
    other = record_assessment(ctx.db, AssessmentInput(supplier_code="CN-0001", date=date.today() - timedelta(days=30),
                                                      findings=[FindingInput(title="Blocked exit", severity="critical")]))
    ctx.notify("assessments")
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.add_library_finding("MGT-001")
    editor.save()
    qtbot.waitUntil(lambda: editor.assessment_id is not None and not ctx.busy, timeout=30000)
    assert editor.message.text().startswith("Saved at")
    editor.add_library_finding("HRS-001")
    assert "Saved at" not in editor.message.text() and editor.is_dirty()
    editor.save()
    qtbot.waitUntil(lambda: not editor.is_dirty() and not ctx.busy, timeout=30000)
    assert editor.message.text().startswith("Saved at")
    assert page.open_item("assessment", other.id)
    qtbot.waitUntil(lambda: editor.assessment_id == other.id)
    assert "Saved at" not in editor.message.text()


def test_add_button_does_what_enter_does_and_says_so_by_the_box(qtbot, page):
    """'fire exit' then a click on Add (the keyboard having gone to the grid meanwhile) offers the close library
    matches with their severity, keeps the keyboard in the box so ↑↓ and Enter choose, and says so by the box; Add
    in the empty box says what to type."""
    from csrdesk.ui.widgets.finding_picker import FREE_TEXT_ROLE  # noqa: F401  (the last row adds own text)

    editor = page.editor
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.new_assessment("CN-0001")
    picker = editor.picker
    _picker_keys(qtbot, picker, "fire exit")
    editor.grid.setFocus()
    qtbot.waitUntil(lambda: not picker.hasFocus())
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)  # the box's focus-out timer has run
    assert picker.offering_close_matches() and picker.suggestions()[0] == "HSF-007"
    assert "zero tolerance" in picker._panel.list.item(0).text()
    assert picker.hasFocus()
    assert "did you mean" in editor.picker_note.text() and editor.picker_note.isVisible()
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [d.violation_type for d in editor.model.drafts()] == ["HSF-007"]
    assert not editor.picker_note.isVisible()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert "Type a finding first" in editor.picker_note.text() and editor.model.rowCount() == 1


def test_a_free_text_finding_always_has_a_category_and_save_needs_one(qtbot, page, ctx):
    """A free-text finding gets the category of the closest library entries ('Wages paid late' under Wages and
    benefits), said by the box and changeable; one whose category the user cleared is not saved, and the message
    names it."""
    editor = page.editor
    page.new_assessment("CN-0001")
    editor.free_severity.setCurrentText("major")
    _picker_keys(qtbot, editor.picker, "Piece rates paid two weeks late")
    qtbot.keyClick(editor.picker, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    d = editor.model.draft(0)
    assert (d.violation_type, d.severity, d.category) == (None, "major", "wages")
    assert "Wages and benefits" in editor.picker_note.text()
    assert editor.model.data(editor.model.index(0, COL_CATEGORY)) == "Wages and benefits"
    editor.add_free_finding("Zzyzx qwerty")  # no word in the library: the category of the finding above
    assert editor.model.draft(1).category == "wages"
    assert editor.model.setData(editor.model.index(1, COL_CATEGORY), "")
    assert editor.model.setData(editor.model.index(1, COL_SEVERITY), "minor")
    editor.save()
    assert "Choose a category for “Zzyzx qwerty” (finding 2)" in editor.message.text()
    assert list_assessments(ctx.db) == []


def test_editor_shortcuts_act_only_where_they_belong(qtbot, page):
    """The editor's Ctrl+S and Ctrl+Enter act within the editor, Delete, Ctrl+Z and Ctrl+Y within the findings grid:
    none is window-wide (PySide6 ignores QShortcut's context keyword, so they all were: Delete in any other part of
    the window removed the selected finding)."""
    from PySide6.QtGui import QShortcut

    editor = page.editor
    contexts = {sc.key().toString(): sc.context() for sc in editor.findChildren(QShortcut)}
    assert contexts and Qt.ShortcutContext.WindowShortcut not in contexts.values()
    grid = {sc.key().toString() for sc in editor.grid.findChildren(QShortcut)}
    assert all(contexts[k] == Qt.ShortcutContext.WidgetShortcut for k in grid) and len(grid) >= 3
