"""The CAP review dialog: quality figure, warnings with override, comments per item, approve and return, the plan."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from csrdesk.services import caps as caps_service
from csrdesk.services import review
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.ui.pages.cap_review import CapReviewDialog


@pytest.fixture
def answered_cap(db, supplier):
    """A CAP back from the factory: a good answer on the overtime item, a restatement on the fire exit item."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=[
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002"),
        FindingInput("Fire exit blocked by cartons", "critical", category="health-safety")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    caps_service.change_cap_status(db, d.cap_id, "response received")
    items = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    review.record_answer(db, items[0], root_cause="Orders accepted beyond capacity without an hours check",
                         preventive_action="1. Capacity check procedure before every order\n"
                                           "2. Weekly hours report to the general manager",
                         project_leader="Zhang Min", planned_date=date(2026, 4, 20))
    review.record_answer(db, items[1], root_cause="Cartons blocked the fire exit",
                         preventive_action="Safety officer checks every exit each morning", project_leader="Chen Jie",
                         planned_date=date(2026, 3, 30))
    return d.cap_id, items


def open_dialog(qtbot, ctx, cap_id, reasons=()):
    reasons = list(reasons)
    dialog = CapReviewDialog(ctx, cap_id, ask_reason=lambda message: reasons.pop(0) if reasons else None,
                             confirm=lambda message: True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=5000)
    return dialog


def test_review_shows_quality_warnings_and_plan(qtbot, ctx, answered_cap):
    """The dialog shows quality 50%, refuses approval while a warning is open, and the plan by cause category."""
    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id)
    assert dialog.quality.text() == "Quality 50%"
    assert not dialog.approve_button.isEnabled() and dialog.return_button.isEnabled()
    assert "1 open warning" in dialog.message.text()
    assert dialog.model.visible_count == 2
    dialog.select_item(items[1])
    assert "Cartons blocked the fire exit" in dialog.answer.text()
    assert set(dialog.warning_buttons) == {"root_cause_restates_finding"}
    text = dialog.plan_view.toPlainText()
    assert "Systems-improvement plan" in text and "Monitoring and internal audit (business process)" in text
    assert "Cause category not given" in text and "1 open warning" in text


def test_override_then_approve_with_comment(qtbot, ctx, db, answered_cap):
    """After an override with a reason the quality is 100%; approving records the comment and the decision."""
    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id, reasons=["The daily exit check addresses the missing supervision"])
    dialog.select_item(items[1])
    qtbot.mouseClick(dialog.warning_buttons["root_cause_restates_finding"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=5000)
    assert dialog.quality.text() == "Quality 100%" and dialog.approve_button.isEnabled()
    assert dialog.warning_buttons["root_cause_restates_finding"].text() == "Withdraw"
    dialog.select_item(items[0])
    qtbot.keyClicks(dialog.comment, "Good analysis")
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=5000)
    assert dialog.decision.decision == "approved"
    assert caps_service.cap_detail(db, cap_id).status == "approved"
    assert caps_service.item_detail(db, items[0]).review_comment == "Good analysis"
    qtbot.waitUntil(lambda: dialog.loads >= 3, timeout=5000)
    assert not dialog.approve_button.isEnabled() and "approved" in dialog.message.text()


def test_return_to_factory(qtbot, ctx, db, answered_cap):
    """Returning sends the CAP back; the item with a warning gets the warning as its comment."""
    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id)
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=5000)
    assert caps_service.cap_detail(db, cap_id).status == "sent"
    assert caps_service.item_detail(db, items[1]).review_comment.startswith("Please revise")
    assert caps_service.item_detail(db, items[0]).review_comment == ""
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=5000)  # the reload after the decision
    assert not dialog.return_button.isEnabled() and "returned to the factory" in dialog.message.text()


def test_guided_entry_saved_from_the_review_plans_the_item_and_says_so(qtbot, ctx, db, answered_cap):
    """Saving the guided root cause from the review moves the open item to action planned, and the review says so,
    with the late preventive action among the warnings still open."""
    from datetime import date as _date

    from csrdesk.domain.rootcause import PreventiveAction
    from csrdesk.domain.rootcause_flow import Step

    cap_id, items = answered_cap
    due = caps_service.item_detail(db, items[0]).row.due_date
    dialog = open_dialog(qtbot, ctx, cap_id)
    dialog.select_item(items[0])
    qtbot.mouseClick(dialog.guided_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(dialog.wizard_task, "wizard", None) is not None, timeout=5000)
    wizard = dialog.wizard_task.wizard
    flow = wizard.flow
    flow.data.whys = ["Orders accepted beyond capacity without an hours check"]
    flow.data.categories = ["procedure"]
    flow.data.actions = [PreventiveAction("Capacity check procedure before every order", "Planning manager",
                                          _date.fromordinal(due.toordinal() + 21), "Signed checks", "procedure")]
    flow.data.project_leader = "Zhang Min"
    flow.data.planned_date = due
    while flow.step is not Step.REVIEW:
        flow.next()
    assert "action_after_due" in [b.code for b in wizard.pages[Step.REVIEW].warning_boxes]
    assert wizard.save_button.isEnabled()
    qtbot.mouseClick(wizard.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved and is now action planned" in dialog.message.text(), timeout=5000)
    assert "preventive action planned past the due date" in dialog.message.text()
    assert caps_service.item_detail(db, items[0]).row.status == "action planned"
    qtbot.waitUntil(lambda: not ctx.busy, timeout=5000)
    assert "now action planned" in dialog.message.text()  # the reload after the save does not wipe it


def test_accept_one_item_return_the_other_then_write_the_letter(qtbot, ctx, db, answered_cap, tmp_path,
                                                                monkeypatch):
    """In the review, the overtime item is accepted and the fire exit item returned with a comment; the return
    records both, the accepted item becomes action planned, and the letter button writes the "CAP returned" letter
    with the comment and its e-mail draft to the compliance contact beside it."""
    import docx

    from csrdesk.ui.pages import cap_review

    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id)
    assert not dialog.letter_button.isEnabled()
    dialog.select_item(items[0])
    qtbot.mouseClick(dialog.accept_item, Qt.MouseButton.LeftButton)
    dialog.select_item(items[1])
    assert not dialog.accept_item.isChecked() and "goes back to the factory too" in dialog.decision_note.text()
    qtbot.mouseClick(dialog.return_item, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.comment, "Say why nobody checks the exits, not that cartons blocked them")
    dialog.select_item(items[0])
    assert dialog.accept_item.isChecked()
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=5000)
    assert dialog.decision.items_returned == (items[1],) and dialog.decision.items_accepted == (items[0],)
    assert caps_service.item_detail(db, items[0]).row.status == "action planned"
    qtbot.waitUntil(lambda: dialog.loads >= 2 and dialog.letter_button.isEnabled(), timeout=5000)
    assert "1 item to revise" in dialog.message.text()

    target = tmp_path / "returned.docx"
    suggested = []

    def ask(parent, title, start, kinds):
        suggested.append(start)
        return str(target), ""

    monkeypatch.setattr(cap_review.QFileDialog, "getSaveFileName", staticmethod(ask))
    qtbot.mouseClick(dialog.letter_button, Qt.MouseButton.LeftButton)
    # The save dialog opens in the home folder, as every other letter's does, not wherever csrdesk was started.
    assert Path(suggested[0]) == Path.home() / "CAP returned CN-0001.docx"
    qtbot.waitUntil(lambda: getattr(dialog, "letter_written", None) is not None, timeout=20000)
    cells = "\n".join(c.text for t in docx.Document(str(target)).tables for r in t.rows for c in r.cells)
    assert "Say why nobody checks the exits" in cells and "Fire exit blocked by cartons" in cells
    assert (tmp_path / "returned.eml").is_file()
    assert "e-mail draft returned.eml (to li.wei@example.cn)" in dialog.message.text()


def _left_edge_colour(button):
    """The colour of the button's face beside its text (what the eye takes as selected/default or not)."""
    image = button.grab().toImage()
    return image.pixelColor(5, image.height() // 2).name()


def test_a_disabled_approve_neither_is_nor_looks_the_default(qtbot, ctx, answered_cap):
    """With an open warning Approve is disabled: it is not the default button and does not wear the primary colour;
    Return to factory is the default (Enter returns) and looks it; why Approve is off is said on the dialog's line
    and in Approve's tooltip. Once the warning is overridden, Approve is the default and looks it."""
    from csrdesk.ui import theme

    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id, reasons=["The daily exit check addresses the missing supervision"])
    qtbot.waitUntil(lambda: not ctx.busy)
    approve, back = dialog.approve_button, dialog.return_button
    assert not approve.isEnabled() and not approve.isDefault()
    assert back.isEnabled() and back.isDefault()
    assert _left_edge_colour(back) == theme.ACCENT.lower()
    face = approve.grab().toImage().pixelColor(5, approve.height() // 2)
    assert face.name() not in (theme.ACCENT.lower(), "#9db5d3", "#b9c9dc")  # none of the primary blues
    assert face.hsvSaturation() < 40  # a plain greyed face
    assert "open warning" in dialog.message.text() and "open warning" in approve.toolTip()

    dialog.select_item(items[1])
    qtbot.mouseClick(dialog.warning_buttons["root_cause_restates_finding"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=5000)
    assert approve.isEnabled() and approve.isDefault() and not back.isDefault()
    assert _left_edge_colour(approve) == theme.ACCENT.lower() and _left_edge_colour(back) != theme.ACCENT.lower()


def test_the_finding_column_is_readable_and_the_items_fit_without_sideways_scroll(qtbot, ctx, answered_cap):
    """At its size in the 1360x840 window, the review's table needs no sideways scroll; the finding takes the room
    (about 30 characters of the table's own font, or its whole text) with the whole text in its tooltip; severity,
    status and planned date show whole and no column title is cut. Measured with the fonts this machine has."""
    from PySide6.QtCore import Qt as _Qt

    from tests.ui.layout_check import problems

    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id)
    dialog.resize(1200, 760)
    qtbot.waitUntil(lambda: not ctx.busy)
    qtbot.wait(30)
    table, model = dialog.table, dialog.model
    metrics = table.fontMetrics()
    header = table.horizontalHeader()
    titles = [c.title for c in model.columns]
    assert not table.horizontalScrollBar().isVisible() and header.length() <= table.viewport().width() + 1
    finding = titles.index("Finding")
    longest = max(metrics.horizontalAdvance(r.finding) for r in model.all_rows())
    assert table.columnWidth(finding) >= min(longest, metrics.averageCharWidth() * 30)
    assert model.data(model.index(0, finding), _Qt.ItemDataRole.ToolTipRole) == model.row_at(0).finding
    for title in ("Severity", "Status", "Planned"):
        column = titles.index(title)
        widest = max(metrics.horizontalAdvance(model.data(model.index(r, column)) or "") for r in range(2))
        assert table.columnWidth(column) >= widest + 8, title
    assert not problems(table, "review table")


def test_after_a_return_enter_writes_the_letter_then_closes(qtbot, ctx, answered_cap, tmp_path, monkeypatch):
    """Once the CAP is returned, the line under the table says to write the letter next, and the letter button is
    the default (Enter writes it; Close was the default, so Enter closed the review with the letter unwritten); once
    written, Close is the default again."""
    from csrdesk.ui.pages import cap_review

    cap_id, items = answered_cap
    dialog = open_dialog(qtbot, ctx, cap_id)
    dialog.select_item(items[1])
    qtbot.mouseClick(dialog.return_item, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.comment, "Say why nobody checks the exits")
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None and dialog.letter_button.isEnabled() and not ctx.busy,
                    timeout=5000)
    assert "write the letter and e-mail next" in dialog.message.text()
    assert dialog.letter_button.isDefault() and not dialog.close_button.isDefault()
    monkeypatch.setattr(cap_review.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "returned.docx"), "")))
    dialog.letter_button.setFocus()
    qtbot.keyClick(dialog.letter_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(dialog, "letter_written", None) is not None, timeout=20000)
    assert (tmp_path / "returned.docx").is_file()
    assert dialog.close_button.isDefault() and not dialog.letter_button.isDefault()
