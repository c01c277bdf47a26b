"""The vetting page: filling a screen as a form with a live score, knock-outs, the decision, and the template editor."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from csrdesk.services.assessments import AssessmentInput, record_assessment
from csrdesk.services.checklists import checklist_versions, get_template
from csrdesk.services.vetting import AnswerInput, list_screens, save_answers, screen_detail, start_screen
from csrdesk.ui.pages.vetting import VettingPage

SCREENING = "new_supplier_screening"


@pytest.fixture
def page(qtbot, ctx, supplier):
    widget = VettingPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading and not ctx.busy)
    return widget


def _open(qtbot, page, screen_id):
    page.open_item("vetting_screen", screen_id)
    qtbot.waitUntil(lambda: page.form.detail is not None and page.form.detail.id == screen_id and not page.ctx.busy)


def _good(template) -> dict[str, AnswerInput]:
    out = {}
    for q in template.questions():
        if q.type == "yesno":
            value = q.expected
        elif q.type == "choice":
            value = max(q.options, key=lambda o: o.score).value
        elif q.type == "number":
            value = q.good_min if q.good_min is not None else (q.good_max if q.good_max is not None else 5)
        elif q.type == "date":
            value = (date.today() + timedelta(days=120 if (q.good_min or 0) > 0 else -30)).isoformat()
        else:
            value = "on file"
        out[q.id] = AnswerInput(value, evidence="proof.pdf" if q.evidence else "")
    return out


def test_filling_the_form_moves_the_score_and_shows_knockouts_live(qtbot, page, db):
    """Answers typed in the form change the score, suggestion and knock-out list before anything is saved."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, {qid: a for qid, a in _good(screen.template).items() if qid != "code_signed"})
    _open(qtbot, page, screen.id)
    form = page.form
    before = float(form.score_label.text())
    assert before < 100 and "No knock-out" in form.knockout_label.text()

    form.rows["code_signed"].set_value("yes")
    form.rows["code_signed"].evidence.setText("signed-code.pdf")
    form.rows["code_signed"].evidence.textEdited.emit("signed-code.pdf")
    assert float(form.score_label.text()) == 100.0
    assert "approve" in form.suggestion_label.text() and form.decision_combo.currentData() == "approve"
    assert form.save_button.isEnabled()

    form.rows["documents_held"].set_value("yes")  # passports kept: a knock-out
    assert "Knock-outs (1)" in form.knockout_label.text()
    assert "passports" in form.knockout_label.text()
    assert "reject" in form.suggestion_label.text()
    assert "knock-out" in form.rows["documents_held"].mark.text()

    form.rows["peak_hours"].set_value("a lot")  # not a number: flagged at the question, not saved
    assert "not a number" in form.rows["peak_hours"].mark.text()
    assert screen_detail(db, screen.id).answers.get("documents_held").value == "no"  # nothing saved yet

    form.rows["peak_hours"].set_value("58")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not form.dirty and not page.ctx.busy)
    saved = screen_detail(db, screen.id)
    assert saved.answers["documents_held"].value == "yes" and saved.answers["code_signed"].evidence == "signed-code.pdf"
    assert saved.evaluation.suggested.value == "reject"
    assert list_screens(db, "CN-0001")[0].suggested_decision == "reject"


def test_recording_a_decision_with_conditions_from_the_form(qtbot, page, db):
    """The reviewer approves with conditions; the conditions become action items and the gate shows what is missing."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, _good(screen.template))
    _open(qtbot, page, screen.id)
    form = page.form
    assert "no pre-production assessment" in form.gate_label.text()
    form.decision_combo.setCurrentIndex(form.decision_combo.findData("approve with conditions"))
    assert form.conditions_widget.isVisibleTo(form)
    form.reviewer_edit.setText("Mei Chen")
    form._add_condition("Send the fire drill record", date.today() + timedelta(days=21))
    qtbot.mouseClick(form.decide_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.detail is not None and form.detail.decided and not page.ctx.busy)
    detail = screen_detail(db, screen.id)
    assert detail.decision == "approve with conditions" and detail.reviewer == "Mei Chen"
    assert [(c.text, c.due_date) for c in detail.conditions] == [
        ("Send the fire drill record", date.today() + timedelta(days=21))]
    assert form.decided_box.isVisibleTo(form) and not form.decision_box.isVisibleTo(form)
    assert "Mei Chen" in form.decided_label.text()
    assert not form.rows["code_signed"].input.isEnabled()  # a decided screen is read-only
    qtbot.waitUntil(lambda: page.conditions_model.total_count == 1)
    # The pre-production assessment is the one part still missing at the gate.
    assert "no pre-production assessment" in form.gate_label.text()
    record_assessment(db, AssessmentInput(supplier_code="CN-0001", date=date.today(),
                                          assessment_type="pre-production"))
    page.ctx.notify("assessments")
    qtbot.waitUntil(lambda: "pre-production" not in form.gate_label.text())
    assert "nothing missing" in form.gate_label.text()  # conditionally approved is open; the conditions come next


def test_a_knockout_refuses_approval_with_the_reason(qtbot, page, db, monkeypatch):
    """Trying to approve a screen with a knock-out answer shows the reason and records nothing."""
    shown = []
    monkeypatch.setattr(page.ctx, "show_error", lambda parent, exc: shown.append(str(exc)))
    from csrdesk.ui import context as context_module

    monkeypatch.setattr(context_module, "show_error", lambda parent, exc: shown.append(str(exc)))
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, _good(screen.template) | {"wages_owed": AnswerInput("yes")})
    _open(qtbot, page, screen.id)
    form = page.form
    form.decision_combo.setCurrentIndex(form.decision_combo.findData("approve"))
    form.reviewer_edit.setText("Mei Chen")
    qtbot.mouseClick(form.decide_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown) and not page.ctx.busy)
    assert "rejects on its own" in shown[0]
    assert screen_detail(db, screen.id).decision is None


def test_template_editor_adds_moves_and_saves_a_new_version(qtbot, page, db):
    """A question added, edited and moved in the editor is saved as version 2; the open screen keeps version 1."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    page.tabs.setCurrentIndex(2)
    editor = page.editor
    editor.reload(SCREENING)
    qtbot.waitUntil(lambda: editor.template is not None and editor.template.key == SCREENING and not page.ctx.busy)
    first = editor.tree.topLevelItem(0).child(0)
    editor.tree.setCurrentItem(first)
    qid = editor.add_question("Is there an anti-bribery policy?")
    assert qid and editor._current_qid == qid
    editor.editor.text_zh_edit.setText("是否有反贿赂政策？")
    editor.editor.text_zh_edit.textEdited.emit("是否有反贿赂政策？")
    editor.editor.weight_spin.setValue(2)
    editor.editor.knockout_combo.setCurrentIndex(editor.editor.knockout_combo.findData("no"))
    assert editor.apply_question()
    editor.move(-1)
    ids = [q.id for q in editor.template.sections[0].questions]
    assert ids[:2] == [qid, "code_signed"]
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "version 2" in editor.status.text() and not page.ctx.busy)
    assert [v.version for v in checklist_versions(db, SCREENING)] == [2, 1]
    saved = get_template(db, SCREENING)
    q = saved.question(qid)
    assert (q.text_zh, q.weight, q.knockout_answer) == ("是否有反贿赂政策？", 2, "no")
    assert [x.id for x in saved.sections[0].questions][0] == qid
    assert screen_detail(db, screen.id).template.version == 1


def test_editor_refuses_a_broken_question(qtbot, page, db):
    """A choice question left with one option is refused with the reason and the template is unchanged."""
    page.tabs.setCurrentIndex(2)
    editor = page.editor
    editor.reload(SCREENING)
    qtbot.waitUntil(lambda: editor.template is not None and not page.ctx.busy)
    editor.tree.setCurrentItem(editor.tree.topLevelItem(1).child(0))  # cert_scheme, a choice
    assert editor._current_qid == "cert_scheme"
    editor.editor.options_table.setRowCount(1)
    editor.editor.edited.emit()
    assert not editor.apply_question()
    assert "at least two options" in editor.editor_error.text()
    assert len(editor.template.question("cert_scheme").options) == 8


def test_open_item_filters_one_suppliers_screens(qtbot, page, db, supplier):
    """Opening the page for a supplier lists that supplier's screens only."""
    start_screen(db, SCREENING, supplier_code="CN-0001")
    start_screen(db, "consultant_vetting", subject="Clearview Social Audits Ltd")
    page.ctx.notify("vetting")
    qtbot.waitUntil(lambda: page.model.total_count == 2 and not page.ctx.busy)
    page.open_item("supplier", supplier.row.id)
    assert page.model.visible_count == 1 and page.model.visible_rows()[0].supplier_code == "CN-0001"
    assert page.supplier_chip.isVisible()
    page.show_supplier(None)
    assert page.model.visible_count == 2


def test_leaving_a_screen_with_unsaved_answers_saves_them_first(qtbot, page, db, monkeypatch):
    """Opening another screen with answers typed and not saved asks; Save stores them through the worker and then
    opens the other screen; Cancel stays with the answers typed."""
    from PySide6.QtWidgets import QMessageBox

    first = start_screen(db, SCREENING, supplier_code="CN-0001")
    second = start_screen(db, SCREENING, supplier_code="CN-0001")
    page.ctx.notify("vetting")
    _open(qtbot, page, first.id)
    page.form.rows["code_signed"].set_value("yes")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    monkeypatch.setattr(page, "ask_unsaved", lambda: answers.pop(0))
    page.open_item("vetting_screen", second.id)
    assert page.form.detail.id == first.id and page.form.dirty
    page.open_item("vetting_screen", second.id)
    qtbot.waitUntil(lambda: page.form.detail.id == second.id and not page.ctx.busy)
    assert screen_detail(db, first.id).answers["code_signed"].value == "yes"
    assert not page.form.dirty


def test_import_answers_button_asks_for_the_file(qtbot, page, db, monkeypatch):
    """Clicking "Import answers..." on an open screen asks which questionnaire to read (it crashed with a TypeError
    when the button's clicked(bool) became the file path); cancelling the file dialog changes nothing."""
    from csrdesk.ui.pages.vetting import screen_form

    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    _open(qtbot, page, screen.id)
    asked = []
    monkeypatch.setattr(screen_form.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (asked.append(a[1]), ("", ""))[1]))
    qtbot.mouseClick(page.form.import_button, Qt.MouseButton.LeftButton)
    assert asked == ["Import answers"]
    assert page.form.status.text() == ""


def test_add_question_button_adds_a_new_question(qtbot, page, db):
    """The editor's "Add question" button adds a question titled "New question" (its clicked(bool) used to become
    the question's text)."""
    editor = page.editor
    editor.reload(SCREENING)
    qtbot.waitUntil(lambda: editor.template is not None and editor.template.key == SCREENING and not page.ctx.busy)
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0).child(0))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qid = editor._current_qid
    assert editor.template.question(qid).text == "New question"


def test_a_decided_screen_offers_no_file_to_choose(qtbot, page, db, monkeypatch):
    """On a decided screen every answer is read-only, the file questions' Choose… too (it stayed active: choosing
    a file put its name into the answer of the decided screen and marked the form edited, with nothing to save)."""
    from PySide6.QtWidgets import QFileDialog

    from csrdesk.services.vetting import decide_screen

    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, _good(screen.template))
    decide_screen(db, screen.id, "approve", "Mei Chen")
    _open(qtbot, page, screen.id)
    form = page.form
    files = [row for row in form.rows.values() if row.q.type == "file"]
    assert files, "the screening checklist asks for a file"
    row = files[0]
    before = row.input.text()
    assert not row.browse.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("/tmp/other.pdf", "")))
    qtbot.mouseClick(row.browse, Qt.MouseButton.LeftButton)
    assert row.input.text() == before and not form.dirty
