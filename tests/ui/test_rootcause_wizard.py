"""The guided root-cause wizard driven with qtbot: every page, suggestions, warnings with override, saving."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from csrdesk.domain.rootcause_flow import Step
from csrdesk.services import caps as caps_service
from csrdesk.services import review
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.history import history_for
from csrdesk.ui.wizards.rootcause import RootCauseWizard, open_root_cause_wizard


def make_cap(db, findings):
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=findings))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    caps_service.change_cap_status(db, d.cap_id, "response received")
    return d.cap_id, [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]


@pytest.fixture
def overtime_item(db, supplier):
    cap_id, items = make_cap(db, [FindingInput("Monthly overtime exceeds the legal limit", "major",
                                               violation_type="HRS-002")])
    return items[0]


def open_wizard(qtbot, ctx, db, item_id, reasons=None):
    asked = []

    def ask(message):
        asked.append(message)
        return reasons.pop(0) if reasons else None

    wizard = RootCauseWizard(ctx, review.guided_context(db, item_id), ask_reason=ask, user="Anna")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.asked = asked
    return wizard


def type_text(qtbot, widget, text):
    """Types into a field: keys for ASCII, an input-method commit for Chinese (as a Pinyin IME sends it)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click(qtbot, button):
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_drive_every_page_and_save(qtbot, ctx, db, overtime_item):
    """Finding, whys (stopped early), categories, actions from a suggestion and typed, leader and a late date,
    review with a warning overridden, save: the item holds the answer and the history the override."""
    w = open_wizard(qtbot, ctx, db, overtime_item, reasons=["Brand agreed a later date at the CAP meeting"])
    assert w.flow.step is Step.FINDING and "Monthly overtime exceeds the legal limit" in w.pages[Step.FINDING]\
        .findChildren(type(w.header))[0].text()
    assert not w.back_button.isEnabled() and not w.save_button.isVisible()
    click(qtbot, w.next_button)

    whys = w.pages[Step.WHYS]
    assert w.stack.currentWidget() is whys
    click(qtbot, w.next_button)  # nothing answered yet: refused with the reason
    assert "first why" in w.problems.text() and w.flow.step is Step.WHYS
    assert not whys.answers[1].isVisible() and not whys.stop_button.isEnabled()
    qtbot.keyClicks(whys.answers[0], "Overtime is planned into every week")
    assert w.problems.text() == ""
    click(qtbot, whys.ask_button)
    assert whys.answers[1].isVisible() and "Overtime is planned into every week" in whys.questions[1].text()
    qtbot.keyClicks(whys.answers[1], "Orders are accepted without a capacity check")
    assert "Saved as the root cause: Orders are accepted without a capacity check" in whys.root_cause_note.text()
    click(qtbot, whys.stop_button)

    cats = w.pages[Step.CATEGORIES]
    assert w.stack.currentWidget() is cats
    assert "(suggested)" in cats.boxes["procedure"].text() or "(suggested)" in cats.boxes["resources"].text()
    click(qtbot, w.next_button)
    assert "at least one cause category" in w.problems.text()
    cats.boxes["procedure"].click()
    cats.boxes["purchasing"].click()
    assert w.flow.data.categories == ["procedure", "purchasing"] and "business process" in cats.risk_note.text()
    click(qtbot, w.next_button)

    actions = w.pages[Step.ACTIONS]
    assert not actions.victim_group.isVisible()
    library_actions = actions.suggestions.texts()
    assert "Monthly overtime dashboard for management with red flags" in library_actions
    actions.suggestions.use(library_actions.index("Monthly overtime dashboard for management with red flags"))
    assert len(actions.rows) == 1 and actions.rows[0].what.text().startswith("Monthly overtime dashboard")
    assert actions.rows[0].element.currentData() == "monitoring"
    click(qtbot, actions.add_button)
    row = actions.rows[1]
    qtbot.keyClicks(row.what, "Order acceptance procedure with a capacity check")
    assert row.element.currentData() == "procedure"
    qtbot.keyClicks(row.who, "Planning manager")
    row.by_when.setDate(QDate(2026, 4, 15))
    qtbot.keyClicks(row.verification, "Signed capacity checks for three months")
    assert w.flow.actions[1].by_when == date(2026, 4, 15) and w.flow.actions[1].who == "Planning manager"
    click(qtbot, w.next_button)

    leader = w.pages[Step.LEADER_AND_DATE]
    assert leader.due.text() == "2026-05-09"
    qtbot.keyClicks(leader.leader, "Zhang Min")
    leader.planned.setDate(QDate(2026, 5, 20))
    assert "11 days past the due date" in leader.note.text()
    click(qtbot, w.next_button)

    page = w.pages[Step.REVIEW]
    assert w.save_button.isVisible() and not w.next_button.isVisible()
    assert [b.code for b in page.warning_boxes] == ["planned_after_due"]
    assert "1 open warning" in page.verdict.text()
    click(qtbot, page.warning_boxes[0].button)
    assert w.asked and "past the due date" in w.asked[0]
    assert page.warning_boxes[0].button.text() == "Withdraw" and "No open warnings" in page.verdict.text()
    click(qtbot, w.save_button)
    qtbot.waitUntil(lambda: w.saved is not None, timeout=5000)
    assert w.saved.ok and w.result() == w.DialogCode.Accepted

    item = caps_service.item_detail(db, overtime_item)
    assert item.row.root_cause == "Orders are accepted without a capacity check"
    assert item.row.project_leader == "Zhang Min" and item.row.planned_date == date(2026, 5, 20)
    assert item.analysis["whys"][0] == "Overtime is planned into every week"
    assert item.analysis["overrides"]["planned_after_due"]["by"] == "Anna"
    assert any(h.field == "override planned_after_due" for h in history_for(db, "cap_item", overtime_item))


def test_back_and_change_links_keep_answers(qtbot, ctx, db, overtime_item):
    """Back retraces the steps with answers kept; a Change link on the review reopens the step to fix it."""
    w = open_wizard(qtbot, ctx, db, overtime_item)
    w.flow.next()
    qtbot.keyClicks(w.pages[Step.WHYS].answers[0], "No tracking of cumulative overtime per worker")
    click(qtbot, w.next_button)
    w.pages[Step.CATEGORIES].boxes["monitoring"].click()
    click(qtbot, w.back_button)
    assert w.pages[Step.WHYS].answers[0].text() == "No tracking of cumulative overtime per worker"
    click(qtbot, w.next_button)
    assert w.pages[Step.CATEGORIES].boxes["monitoring"].isChecked()
    click(qtbot, w.next_button)
    w.pages[Step.ACTIONS].suggestions.use(0)
    click(qtbot, w.next_button)
    click(qtbot, w.next_button)
    review_page = w.pages[Step.REVIEW]
    assert {b.code for b in review_page.warning_boxes} == {"no_project_leader"}
    leader_link = review_page.change_buttons[5]  # "Project leader"
    click(qtbot, leader_link)
    assert w.flow.step is Step.LEADER_AND_DATE
    qtbot.keyClicks(w.pages[Step.LEADER_AND_DATE].leader, "Wang Fang")
    click(qtbot, w.next_button)
    assert review_page.warning_boxes == [] and "No open warnings" in review_page.verdict.text()


def test_restatement_warned_and_cancel_saves_nothing(qtbot, ctx, db, overtime_item):
    """A Chinese restatement ("工人加班") is warned about on the review; Cancel leaves the item unchanged."""
    w = open_wizard(qtbot, ctx, db, overtime_item)
    w.flow.next()
    type_text(qtbot, w.pages[Step.WHYS].answers[0], "工人加班")
    click(qtbot, w.next_button)
    w.pages[Step.CATEGORIES].boxes["training"].click()
    click(qtbot, w.next_button)
    w.flow.add_action("给主管培训加班法规", element="training")
    click(qtbot, w.next_button)
    type_text(qtbot, w.pages[Step.LEADER_AND_DATE].leader, "李伟")
    click(qtbot, w.next_button)
    assert w.flow.data.whys == ["工人加班"] and w.flow.data.project_leader == "李伟"
    codes = [b.code for b in w.pages[Step.REVIEW].warning_boxes]
    assert codes == ["root_cause_restates_finding", "training_only"]
    click(qtbot, w.cancel_button)
    assert caps_service.item_detail(db, overtime_item).row.root_cause == ""


def test_victim_protection_fields_for_forced_labour(qtbot, ctx, db, supplier):
    """A recruitment-fee finding shows the victim-protection fields and warns until they are filled."""
    cap_id, items = make_cap(db, [FindingInput("Workers paid recruitment fees or related costs", "zero tolerance",
                                               violation_type="FRC-001")])
    w = open_wizard(qtbot, ctx, db, items[0])
    w.flow.next()
    qtbot.keyClicks(w.pages[Step.WHYS].answers[0], "Agency contracts do not ban fees charged to workers")
    w.flow.next()
    w.pages[Step.CATEGORIES].boxes["policy"].click()
    w.flow.next()
    page = w.pages[Step.ACTIONS]
    assert page.victim_group.isVisible()
    w.flow.add_action("Employer-pays policy written into every agency contract")
    qtbot.keyClicks(page.victim["remedy"], "All fees repaid within 30 days")
    w.flow.next()
    qtbot.keyClicks(w.pages[Step.LEADER_AND_DATE].leader, "Chen Jie")
    w.flow.next()
    [box] = w.pages[Step.REVIEW].warning_boxes
    assert box.code == "victim_protection_missing"
    w.flow.go_to(Step.ACTIONS)
    for key, text in (("protection", "No worker dismissed; safe housing"), ("return", "Paid return home if wanted"),
                      ("victim_services", "Migrant workers' NGO consulted")):
        qtbot.keyClicks(page.victim[key], text)
    w.flow.next()
    w.flow.next()
    assert w.pages[Step.REVIEW].warning_boxes == []
    click(qtbot, w.save_button)
    qtbot.waitUntil(lambda: w.saved is not None, timeout=5000)
    assert "Victim protection:" in caps_service.item_detail(db, items[0]).row.preventive_action


def test_open_from_an_item_loads_on_the_worker(qtbot, ctx, db, overtime_item):
    """open_root_cause_wizard reads the item on the worker and opens the wizard with the saved entry."""
    review.record_answer(db, overtime_item, root_cause="No tracking of cumulative overtime per worker",
                         preventive_action="Monthly overtime dashboard", project_leader="Li Wei")
    task = open_root_cause_wizard(ctx, overtime_item)
    qtbot.waitUntil(lambda: getattr(task, "wizard", None) is not None, timeout=5000)
    wizard = task.wizard  # deletes itself on close
    assert wizard.isVisible() and wizard.flow.data.whys == ["No tracking of cumulative overtime per worker"]
    assert wizard.flow.data.project_leader == "Li Wei"
    wizard.reject()


def test_caps_page_opens_the_wizard_and_the_review(qtbot, ctx, db, overtime_item):
    """On the CAPs page, "Guided root cause…" opens the wizard for the shown item; "Review CAP…" its CAP review."""
    from csrdesk.ui.pages.cap_review import CapReviewDialog
    from csrdesk.ui.pages.caps import CapsPage

    page = CapsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1500, 900)
    page.show()
    qtbot.waitUntil(lambda: not page._loading, timeout=5000)
    assert page.table.select_id(overtime_item)
    qtbot.waitUntil(lambda: page.panel.detail is not None, timeout=5000)
    click(qtbot, page.guided_button)
    qtbot.waitUntil(lambda: page.findChild(RootCauseWizard) is not None
                    and page.findChild(RootCauseWizard).isVisible(), timeout=5000)
    wizard = page.findChild(RootCauseWizard)
    assert wizard.item_id == overtime_item
    wizard.reject()
    click(qtbot, page.review_button)
    qtbot.waitUntil(lambda: page.findChild(CapReviewDialog) is not None
                    and page.findChild(CapReviewDialog).loads >= 1, timeout=5000)
    dialog = page.findChild(CapReviewDialog)
    assert dialog.cap_id == caps_service.item_detail(db, overtime_item).row.cap_id
    dialog.reject()
    ctx.wait_idle()


def test_an_action_planned_after_the_due_date_is_marked_and_warned(qtbot, ctx, db, overtime_item):
    """An action dated after the item's due date turns its date red with the days late, and the review lists the
    'planned past the due date' warning for it."""
    w = open_wizard(qtbot, ctx, db, overtime_item)
    due = w.flow.due_date
    w.flow.next()
    qtbot.keyClicks(w.pages[Step.WHYS].answers[0], "Orders accepted beyond capacity without an hours check")
    w.flow.next()
    w.pages[Step.CATEGORIES].boxes["procedure"].click()
    w.flow.next()
    w.flow.add_action("Order acceptance procedure with a capacity check", who="Planning manager",
                      by_when=date.fromordinal(due.toordinal() + 21), element="procedure")
    row = w.pages[Step.ACTIONS].rows[0]
    assert "21 days past the item's due date" in row.by_when.toolTip()
    w.flow.next()
    qtbot.keyClicks(w.pages[Step.LEADER_AND_DATE].leader, "Zhang Min")
    w.flow.next()
    assert [b.code for b in w.pages[Step.REVIEW].warning_boxes] == ["action_after_due"]
