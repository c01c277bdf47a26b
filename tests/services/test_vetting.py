"""Vetting services: built-in templates, versions, screens, decisions, conditions and the approval gate."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from csrdesk.domain.vetting import NA, Question, template_to_dict
from csrdesk.domain.vetting_editing import add_question
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.errors import UserError
from csrdesk.services.history import history_for
from csrdesk.services.settings import load_preferences, save_preferences
from csrdesk.services.suppliers import approval_gate, change_status, supplier_detail
from csrdesk.services.builtin_checklists import ensure_checklists
from csrdesk.services.checklists import checklist_versions, get_template, list_checklists, save_template
from csrdesk.services.vetting import (
    AnswerInput, ConditionInput, decide_screen, delete_screen, list_conditions, list_screens, reopen_screen,
    save_and_decide, save_answers, screen_detail, screen_summary, set_condition_status, set_conditions_status,
    start_screen, vetting_letter_context,
)
from csrdesk.storage.models import ChecklistTemplate

SCREENING = "new_supplier_screening"


def good_answers(template) -> dict[str, AnswerInput]:
    """The answer a fully compliant supplier gives to every question of a template."""
    out = {}
    for q in template.questions():
        if q.type == "yesno":
            value = q.expected
        elif q.type == "choice":
            value = max(q.options, key=lambda o: o.score).value
        elif q.type == "number":
            value = q.good_min if q.good_min is not None else (q.good_max if q.good_max is not None else 10)
        elif q.type == "date":
            low = q.good_min if q.good_min is not None else -10
            high = q.good_max if q.good_max is not None else low + 10
            value = date.today() + timedelta(days=int((low + high) / 2) if q.good_max is not None else int(low) + 5)
        else:
            value = "Filled in"
        out[q.id] = AnswerInput(value, evidence="evidence.pdf" if q.evidence else "")
    return out


def approved_screen(db, code="CN-0001", decision="approve", reviewer="Mei Chen", **kwargs):
    screen = start_screen(db, SCREENING, supplier_code=code)
    save_answers(db, screen.id, good_answers(screen.template))
    return decide_screen(db, screen.id, decision, reviewer, **kwargs)


def pre_production(db, severity=None, code="CN-0001"):
    findings = [FindingInput("Overtime above limit", severity)] if severity else []
    return record_assessment(db, AssessmentInput(supplier_code=code, date=date.today(),
                                                 assessment_type="pre-production", findings=findings))


def test_builtin_templates_are_loaded_once_and_cheaply(db):
    """The four shipped checklists are there after opening a workspace; a second start loads nothing."""
    keys = {t.key: t for t in list_checklists(db)}
    assert set(keys) == {SCREENING, "pre_production_readiness", "consultant_vetting", "responsible_exit"}
    assert all(t.version == 1 and t.builtin for t in keys.values())
    assert keys["consultant_vetting"].kind == "consultant" and keys["responsible_exit"].kind == "exit"
    assert ensure_checklists(db) is False
    with db.reading() as s:
        assert s.scalar(select(func.count(ChecklistTemplate.id))) == 4


def test_saving_a_template_makes_a_new_version_and_old_screens_keep_theirs(db, supplier):
    """An edit is stored as version 2; a screen filled against version 1 still shows version 1's questions."""
    old_screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    t = get_template(db, SCREENING)
    edited = add_question(t, "policies", Question(id="anti_bribery", type="yesno", text="Anti-bribery policy?",
                                                  text_zh="是否有反贿赂政策？", weight=2))
    info = save_template(db, edited)
    assert info.version == 2 and not info.builtin
    assert [v.version for v in checklist_versions(db, SCREENING)] == [2, 1]
    new_screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    assert new_screen.template.version == 2 and "anti_bribery" in {q.id for q in new_screen.template.questions()}
    kept = screen_detail(db, old_screen.id)
    assert kept.template.version == 1 and kept.latest_version == 2
    assert "anti_bribery" not in {q.id for q in kept.template.questions()}
    with pytest.raises(UserError, match="Nothing changed since version 2"):
        save_template(db, edited)
    # A restart with the same shipped files does not put the built-in back on top of the user's version.
    with db.transaction() as s:
        from csrdesk.storage.models import Setting
        s.delete(s.get(Setting, "checklists_hash"))
    ensure_checklists(db)
    assert get_template(db, SCREENING).version == 2


def test_a_broken_template_is_refused_and_nothing_saved(db):
    """Saving a template with an unknown question type names the problem and stores no new version."""
    data = template_to_dict(get_template(db, SCREENING))
    data["sections"][0]["questions"][0]["type"] = "slider"
    with pytest.raises(UserError, match="type 'slider' is unknown"):
        save_template(db, data)
    assert [v.version for v in checklist_versions(db, SCREENING)] == [1]


def test_answers_give_a_live_score_and_a_suggested_decision(db, supplier):
    """Answers are scored as they are saved; a knock-out answer turns the suggestion to reject with its reason."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    assert screen.evaluation.score == 0 and screen.evaluation.suggested.value == "reject"
    detail = save_answers(db, screen.id, good_answers(screen.template))
    assert detail.evaluation.score == 100.0 and detail.evaluation.suggested.value == "approve"
    assert list_screens(db, "CN-0001")[0].score == 100.0
    detail = save_answers(db, screen.id, {"documents_held": AnswerInput("Yes / 是")})
    assert detail.evaluation.suggested.value == "reject"
    assert [k.question_id for k in detail.evaluation.knockouts] == ["documents_held"]
    assert any("passports" in r for r in detail.evaluation.reasons)
    changes = [h for h in history_for(db, "vetting_screen", screen.id) if h.field == "answer documents_held"]
    assert changes and changes[0].old == "No" and changes[0].new == "Yes"


def test_a_bad_answer_saves_nothing(db, supplier):
    """One answer that does not fit its question refuses the whole save, naming the question."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    with pytest.raises(UserError, match=r"Question 7.1 .*not a number"):
        save_answers(db, screen.id, {"code_signed": AnswerInput("yes"), "peak_hours": AnswerInput("a lot")})
    assert screen_detail(db, screen.id).answers == {}


def test_decision_with_conditions_creates_tracked_action_items(db, supplier):
    """Approving with conditions stores each condition with its due date; they show as overdue once late."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    answers = good_answers(screen.template) | {"peak_hours": AnswerInput(72), "day_off": AnswerInput("no")}
    save_answers(db, screen.id, answers)
    decided_on = date.today() - timedelta(days=40)
    detail = decide_screen(db, screen.id, "approve with conditions", "Mei Chen", decided_on=decided_on)
    assert detail.decision == "approve with conditions" and detail.decision_date == decided_on
    texts = {c.text: c for c in detail.conditions}
    assert "Give every worker one day off in seven." in texts
    assert texts["Give every worker one day off in seven."].due_date == decided_on + timedelta(days=30)
    assert texts["Give every worker one day off in seven."].overdue
    open_items = list_conditions(db, supplier_code="CN-0001", open_only=True)
    assert len(open_items) == 2 and open_items[0].supplier_code == "CN-0001"
    closed = set_condition_status(db, open_items[0].id, "closed")
    assert closed.status == "closed" and closed.closed_date == date.today() and not closed.overdue
    assert len(list_conditions(db, open_only=True)) == 1
    fields = {h.field for h in history_for(db, "vetting_screen", screen.id)}
    assert {"decision", "reviewer", "decision_date"} <= fields


def test_explicit_conditions_and_decision_checks(db, supplier):
    """Reviewer-written conditions are kept as given; positive decisions need complete answers and no knock-out."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    with pytest.raises(UserError, match="required question"):
        decide_screen(db, screen.id, "approve", "Mei Chen")
    save_answers(db, screen.id, good_answers(screen.template) | {"deposits": AnswerInput("yes")})
    with pytest.raises(UserError, match="rejects on its own"):
        decide_screen(db, screen.id, "approve", "Mei Chen")
    with pytest.raises(UserError, match="reviewer"):
        decide_screen(db, screen.id, "reject", "  ")
    with pytest.raises(UserError, match="Unknown decision .maybe."):
        decide_screen(db, screen.id, "maybe", "Mei Chen")
    save_answers(db, screen.id, {"deposits": AnswerInput("no")})
    due = date.today() + timedelta(days=10)
    detail = decide_screen(db, screen.id, "approve with conditions", "Mei Chen",
                           conditions=[ConditionInput("Post the grievance box notice in Burmese", due)])
    assert [(c.text, c.due_date) for c in detail.conditions] == [("Post the grievance box notice in Burmese", due)]
    with pytest.raises(UserError, match="reopen it"):
        save_answers(db, screen.id, {"deposits": AnswerInput("yes")})


def test_a_refused_decision_leaves_the_answers_unsaved_too(db, supplier):
    """Saving the form's answers and deciding is one step: when the decision is refused (a knock-out typed with an
    approval), the answers typed with it are not saved either; when it is accepted, both are."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, good_answers(screen.template))
    with pytest.raises(UserError, match="rejects on its own"):
        save_and_decide(db, screen.id, {"deposits": AnswerInput("yes")}, "approve", "Mei Chen")
    detail = screen_detail(db, screen.id)
    assert detail.answers["deposits"].value == "no" and detail.decision is None
    detail = save_and_decide(db, screen.id, {"deposits": AnswerInput("yes")}, "reject", "Mei Chen", notes="deposits")
    assert detail.answers["deposits"].value == "yes" and detail.decision == "reject" and detail.notes == "deposits"


def test_conditions_change_status_together_or_not_at_all(db, supplier):
    """Marking several conditions met is all or nothing: one already met leaves the others open."""
    detail = approved_screen(db, decision="approve with conditions", conditions=[
        ConditionInput("Send fire drill record", date.today() + timedelta(days=5)),
        ConditionInput("Post the grievance notice", date.today() + timedelta(days=9))])
    first, second = (c.id for c in detail.conditions)
    set_condition_status(db, first, "closed")
    with pytest.raises(UserError, match="already closed"):
        set_conditions_status(db, [second, first], "closed")
    assert [c.status for c in screen_detail(db, detail.id).conditions] == ["closed", "open"]
    set_conditions_status(db, [second], "met")
    assert [c.status for c in screen_detail(db, detail.id).conditions] == ["closed", "closed"]


def test_reopening_withdraws_open_conditions(db, supplier):
    """Taking back a decision clears it, withdraws its open conditions and allows answers again."""
    detail = approved_screen(db, decision="approve with conditions",
                             conditions=[ConditionInput("Send fire drill record", date.today() + timedelta(days=5))])
    detail = reopen_screen(db, detail.id, note="new information from the auditor")
    assert detail.decision is None and detail.status == "draft"
    assert [c.status for c in detail.conditions] == ["withdrawn"]
    save_answers(db, detail.id, {"deposits": AnswerInput("yes")})
    assert screen_detail(db, detail.id).evaluation.suggested.value == "reject"


def test_consultant_screen_is_for_a_named_firm(db):
    """A consultant or audit firm is vetted by name, without a supplier; a supplier checklist needs a supplier."""
    detail = start_screen(db, "consultant_vetting", subject="Clearview Social Audits Ltd")
    assert detail.supplier_id is None and detail.name == "Clearview Social Audits Ltd"
    with pytest.raises(UserError, match="choose the supplier"):
        start_screen(db, SCREENING, subject="Someone")
    with pytest.raises(UserError, match="No checklist template 'nope'"):
        start_screen(db, "nope", subject="x")
    assert [r.subject for r in list_screens(db)] == ["Clearview Social Audits Ltd"]


def test_undecided_screens_can_be_deleted_decided_ones_cannot(db, supplier):
    """A draft screen can be thrown away; a decided one is a record."""
    draft = start_screen(db, SCREENING, supplier_code="CN-0001")
    delete_screen(db, draft.id)
    assert list_screens(db, "CN-0001") == []
    decided = approved_screen(db)
    with pytest.raises(UserError, match="kept as a record"):
        delete_screen(db, decided.id)


def test_summary_keys_and_letter_context(db, supplier):
    """The summary carries the contract keys; the letter context has the decision, conditions and sender."""
    prefs = load_preferences(db)
    prefs.user_name, prefs.company = "Mei Chen", "Northwind Apparel"
    save_preferences(db, prefs)
    detail = approved_screen(db, decision="approve with conditions",
                             conditions=[ConditionInput("Send the fire drill record", date.today() + timedelta(days=14))])
    summary = screen_summary(detail)
    assert summary["screen_id"] == detail.id and summary["score"] == 100.0
    assert summary["decision"] == "approve with conditions" and summary["knockouts"] == []
    ctx = vetting_letter_context(db, detail.id)
    assert ctx["decision"] == "approve with conditions" and ctx["decision_zh"] == "有条件批准"
    assert ctx["conditions"][0][0] == "Send the fire drill record"
    assert ctx["supplier"]["code"] == "CN-0001" and ctx["supplier"]["contact_email"] == "li.wei@example.cn"
    assert ctx["sender"]["company"] == "Northwind Apparel" and ctx["checklist_version"] == 1
    undecided = start_screen(db, SCREENING, supplier_code="CN-0001")
    with pytest.raises(UserError, match="no decision yet"):
        vetting_letter_context(db, undecided.id)


# -- the approval gate, end to end ---------------------------------------------------------------------------------

def test_gate_names_both_missing_parts(db, supplier):
    """With neither a vetting decision nor a pre-production assessment, approval is refused naming both."""
    with pytest.raises(UserError) as info:
        change_status(db, "CN-0001", "approved")
    message = str(info.value)
    assert "no pre-production assessment has been recorded" in message
    assert "no vetting screen has a decision yet" in message
    assert supplier_detail(db, "CN-0001").row.status == "vetting"


def test_gate_with_vetting_only_asks_for_the_pre_production_assessment(db, supplier):
    """A positive vetting decision alone is not enough: the message names the missing assessment only."""
    approved_screen(db)
    with pytest.raises(UserError) as info:
        change_status(db, "CN-0001", "approved")
    assert "pre-production assessment" in str(info.value) and "vetting" not in str(info.value).split(":", 1)[1]


def test_gate_with_assessment_only_asks_for_the_vetting_decision(db, supplier):
    """A Satisfactory pre-production assessment alone is not enough: the message names the missing vetting."""
    pre_production(db)
    with pytest.raises(UserError, match="no vetting screen has a decision yet") as info:
        change_status(db, "CN-0001", "approved")
    assert "pre-production" not in str(info.value)
    assert approval_gate(db, "CN-0001") == [str(info.value)]


def test_gate_refuses_an_unsatisfactory_pre_production_assessment(db, supplier):
    """An Unsatisfactory pre-production assessment blocks approval even with a positive vetting decision."""
    approved_screen(db)
    pre_production(db, "critical")
    with pytest.raises(UserError, match="rated Unsatisfactory"):
        change_status(db, "CN-0001", "approved")


def test_gate_refuses_a_rejected_screening(db, supplier):
    """A rejected screening blocks approval and the message says so."""
    pre_production(db)
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    decide_screen(db, screen.id, "reject", "Mei Chen")
    with pytest.raises(UserError, match="the vetting decision is reject"):
        change_status(db, "CN-0001", "approved")


def test_gate_opens_with_both_parts(db, supplier):
    """A positive vetting decision and a Needs Improvement pre-production assessment let the supplier be approved."""
    approved_screen(db)
    pre_production(db, "major")
    assert approval_gate(db, "CN-0001") == []
    assert change_status(db, "CN-0001", "approved").row.status == "approved"


def test_gate_with_conditions_allows_conditional_approval_only(db, supplier):
    """Approval with conditions leads to 'conditionally approved', and plain approval says to choose it."""
    approved_screen(db, decision="approve with conditions",
                    conditions=[ConditionInput("Send the fire drill record", date.today() + timedelta(days=14))])
    pre_production(db)
    with pytest.raises(UserError, match="choose conditionally approved"):
        change_status(db, "CN-0001", "approved")
    assert change_status(db, "CN-0001", "conditionally approved").row.status == "conditionally approved"


def test_full_approval_waits_for_the_conditions(db, supplier):
    """A conditionally approved supplier becomes approved only once every condition of the decision is met."""
    screen = approved_screen(db, decision="approve with conditions",
                             conditions=[ConditionInput("Send the fire drill record", date.today() + timedelta(days=14))])
    pre_production(db)
    change_status(db, "CN-0001", "conditionally approved")
    with pytest.raises(UserError, match="1 condition"):
        change_status(db, "CN-0001", "approved")
    set_condition_status(db, screen.conditions[0].id, "met")
    assert change_status(db, "CN-0001", "approved").row.status == "approved"


def test_an_exit_checklist_does_not_count_as_vetting(db, supplier):
    """An approved responsible-exit plan is no vetting decision: the gate still asks for a screening."""
    pre_production(db)
    exit_screen = start_screen(db, "responsible_exit", supplier_code="CN-0001")
    save_answers(db, exit_screen.id, good_answers(exit_screen.template))
    decide_screen(db, exit_screen.id, "approve", "Mei Chen")
    with pytest.raises(UserError, match="no vetting screen has a decision yet"):
        change_status(db, "CN-0001", "approved")


def test_latest_screening_decision_counts(db, supplier):
    """A later rejection overrides an earlier approval."""
    pre_production(db)
    approved_screen(db)
    later = start_screen(db, SCREENING, supplier_code="CN-0001")
    decide_screen(db, later.id, "reject", "Mei Chen")
    with pytest.raises(UserError, match="the vetting decision is reject"):
        change_status(db, "CN-0001", "approved")


def test_not_applicable_answers_are_saved(db, supplier):
    """'n/a' on a question that allows it is stored as not applicable and leaves the score alone."""
    screen = start_screen(db, SCREENING, supplier_code="CN-0001")
    save_answers(db, screen.id, good_answers(screen.template) | {"dorm_conditions": AnswerInput("不适用")})
    detail = screen_detail(db, screen.id)
    assert detail.answers["dorm_conditions"].value == NA and detail.evaluation.score == 100.0


def test_approval_gate_judges_the_next_move(db, supplier):
    """The gate shown on the vetting page matches what a status change would do, conditions included."""
    from csrdesk.services.suppliers import approval_gate

    screen = approved_screen(db, decision="approve with conditions",
                             conditions=[ConditionInput("Send the fire drill record", date.today() + timedelta(days=14))])
    assert approval_gate(db, "CN-0001") == [
        "The supplier cannot be approved: no pre-production assessment has been recorded (or a valid WRAP, SA8000, "
        "ICTI or amfori BSCI certificate with its expiry date)."]
    pre_production(db)
    assert approval_gate(db, "CN-0001") == []  # vetting -> conditionally approved is open
    change_status(db, "CN-0001", "conditionally approved")
    assert "1 condition" in approval_gate(db, "CN-0001")[0]
    set_condition_status(db, screen.conditions[0].id, "met")
    assert approval_gate(db, "CN-0001") == []
