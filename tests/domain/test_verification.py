"""Verification rules: what a verdict does to a CAP item, the progress rate, the category suggestion, escalation."""
from datetime import date

import pytest

from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.domain.verification import (
    LADDER, EscalationRefused, EscalationStep, LagFacts, PlanState, Verdict, VerdictError, check_category, check_step,
    evidence_before_visit, fast_and_motivated, lag_reasons, lag_since, next_step, parse_step, parse_verdict,
    plan_state, ready_for_final_inspection, share_failed, suggest_category, verdict_move, verification_note,
    visit_due, visit_progress_rate,
)

VISIT = date(2026, 3, 10)
D, E, N, X = Verdict.DONE_CORRECTLY, Verdict.DONE_WITH_ERRORS, Verdict.NOT_DONE, Verdict.NOT_CHECKED


def test_done_correctly_verifies_the_item_dated_the_visit_from_any_open_status():
    """A verifier who sees the work done marks it verified on the visit day, even before evidence was filed."""
    for status in (ItemStatus.OPEN, ItemStatus.ACTION_PLANNED, ItemStatus.EVIDENCE_SUBMITTED):
        move = verdict_move(D, status, has_plan=True, visit_date=VISIT)
        assert move.status is ItemStatus.VERIFIED and move.verification_date == VISIT and move.due_date is None
    assert verdict_move(D, "verified", has_plan=True, visit_date=VISIT).status is None


def test_done_with_errors_and_not_done_go_back_to_the_factory_with_a_new_due_date():
    """The item returns to the factory (its plan kept) and is due again 30 days (the setting) after the visit."""
    move = verdict_move(E, "evidence submitted", has_plan=True, visit_date=VISIT, note="Only one exit cleared")
    assert move.status is ItemStatus.ACTION_PLANNED and move.due_date == date(2026, 4, 9)
    assert move.note == "Only one exit cleared"
    move = verdict_move(N, "open", has_plan=False, visit_date=VISIT, reopen_days=14)
    assert move.status is None and move.due_date == date(2026, 3, 24)  # already open: only the date moves
    assert verdict_move(N, "verified", has_plan=True, visit_date=VISIT).status is ItemStatus.ACTION_PLANNED
    assert verdict_move(N, "closed", has_plan=False, visit_date=VISIT).status is ItemStatus.OPEN


def test_not_checked_changes_nothing_but_needs_the_reason():
    """Not checked leaves the item alone; without a note saying why it is refused."""
    move = verdict_move(X, "action planned", has_plan=True, visit_date=VISIT, note="机器停机，无法检查")
    assert move.status is None and move.due_date is None and move.note == "机器停机，无法检查"
    with pytest.raises(VerdictError, match="why"):
        verdict_move(X, "open", has_plan=False, visit_date=VISIT)


def test_verdicts_are_read_in_any_form_and_unknown_ones_refused():
    """snake_case, words, Chinese, the sheet's bilingual label and the keys 1-4 all name a verdict."""
    assert parse_verdict("done_correctly") is D
    assert parse_verdict("Done with errors") is E
    assert parse_verdict("未完成") is N
    assert parse_verdict("not checked / 未核查") is X
    assert parse_verdict("2") is E
    assert parse_verdict("  ") is None
    with pytest.raises(VerdictError, match="unknown verdict 'finished'"):
        parse_verdict("finished")


def test_progress_rate_is_the_share_of_original_items_done():
    """26% of the CAP's items completed, as the users say it; no items gives no rate."""
    assert visit_progress_rate(87, 23) == 26.4
    assert visit_progress_rate(0, 0) is None


@pytest.mark.parametrize("evidence, verdicts, category", [
    (False, [N] * 9 + [E], 1),
    (False, [D] * 2 + [E] * 2 + [N] * 6, 2),
    (True, [D] * 5 + [E] * 3 + [N] * 2, 3),
    (True, [D] * 8 + [N] * 2 + [X] * 5, 4),
])
def test_each_of_the_four_categories_is_suggested(evidence, verdicts, category):
    """Evidence before the visit and the verdicts lead to each of the four progress categories, with a reason."""
    suggestion = suggest_category(evidence, verdicts)
    assert suggestion.category == category
    assert "items checked" in suggestion.reason


def test_no_category_without_an_item_checked():
    """A visit where nothing could be checked suggests no category; the person decides."""
    assert suggest_category(True, [X, X]) is None
    assert check_category("3") == 3
    with pytest.raises(VerdictError):
        check_category(5)


def test_evidence_before_visit_is_half_the_items_judged():
    assert evidence_before_visit(5, 10) and not evidence_before_visit(4, 10) and not evidence_before_visit(0, 0)


def test_the_visit_falls_due_six_weeks_after_the_meeting_and_the_plan_state_follows():
    """Due 42 days after the CAP meeting; overdue, due, booked and done as the user plans visits."""
    due = visit_due(date(2026, 1, 1))
    assert due == date(2026, 2, 12) and visit_due(None) is None
    assert plan_state(due, None, None, date(2026, 2, 13)) is PlanState.OVERDUE
    assert plan_state(due, None, None, date(2026, 2, 1)) is PlanState.DUE
    assert plan_state(due, date(2026, 2, 20), None, date(2026, 2, 13)) is PlanState.BOOKED
    assert plan_state(due, None, date(2026, 2, 10), date(2026, 2, 13)) is PlanState.DONE
    assert plan_state(None, None, None, date(2026, 2, 13)) is None


def test_the_escalation_ladder_goes_step_by_step():
    """Reminder, warning letter, senior management, orders at risk, suspension, responsible exit: no rung skipped,
    any earlier rung or resolved allowed, and always with a reason."""
    assert [s.value for s in LADDER] == ["reminder", "warning_letter", "senior_management_meeting", "orders_at_risk",
                                         "suspension", "responsible_exit"]
    check_step(None, EscalationStep.REMINDER, "category 1")
    check_step(EscalationStep.REMINDER, EscalationStep.WARNING_LETTER, "no answer")
    with pytest.raises(EscalationRefused, match="next step is warning_letter"):
        check_step(EscalationStep.REMINDER, EscalationStep.SUSPENSION, "fed up")
    with pytest.raises(EscalationRefused, match="reason"):
        check_step(None, EscalationStep.REMINDER, " ")
    check_step(EscalationStep.ORDERS_AT_RISK, EscalationStep.REMINDER, "good progress since")
    check_step(EscalationStep.ORDERS_AT_RISK, EscalationStep.RESOLVED, "all items verified")
    with pytest.raises(EscalationRefused, match="nothing to resolve"):
        check_step(None, EscalationStep.RESOLVED, "x")
    assert next_step(EscalationStep.RESPONSIBLE_EXIT) is None
    assert next_step(EscalationStep.RESOLVED) is EscalationStep.REMINDER
    assert parse_step("warning letter") is EscalationStep.WARNING_LETTER and parse_step("exit").rank == 6


def test_lagging_factories_are_found_with_their_reasons():
    """Category 1 or 2, half the open items overdue, no evidence before the visit, a visit overdue: each a reason."""
    facts = LagFacts(open_items=10, overdue_items=6, latest_category=1, latest_visit=date(2026, 3, 1),
                     evidence_before_latest_visit=False, visit_overdue_since=date(2026, 5, 1))
    reasons = lag_reasons(facts)
    assert len(reasons) == 4
    assert "progress category 1" in reasons[0] and "6 of 10 open CAP items overdue (60%)" in reasons[1]
    assert lag_since(facts, date(2026, 2, 1)) == date(2026, 2, 1)
    assert lag_reasons(LagFacts(open_items=10, overdue_items=2, latest_category=4, latest_visit=date(2026, 3, 1),
                                evidence_before_latest_visit=True)) == []


def test_good_news_ready_for_final_inspection_and_fast_factories():
    assert ready_for_final_inspection(12, 12) and not ready_for_final_inspection(12, 11)
    assert not ready_for_final_inspection(0, 0)
    assert fast_and_motivated(4, True, 80.0, 40)
    assert not fast_and_motivated(3, True, 90.0, 40) and not fast_and_motivated(4, True, 50.0, 40)
    assert share_failed([D, E, N, X]) == 66.7


def test_the_verification_note_says_when_and_what():
    assert verification_note(E, VISIT, "Exit 2 still blocked") == "Visit 2026-03-10: done with errors. Exit 2 still blocked"
