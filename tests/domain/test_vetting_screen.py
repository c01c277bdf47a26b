"""The vetting screen as the reviewer edits it, without Qt: edits, the live score, the decision and its conditions."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from csrdesk.domain.vetting import Answer, parse_template
from csrdesk.domain.vetting_screen import AnswerInput, ConditionInput, ScreenState, read_conditions
from csrdesk.errors import UserError

TODAY = date(2026, 3, 2)


@pytest.fixture
def template():
    return parse_template({
        "key": "small_screen", "version": 1, "kind": "supplier", "title": "Small screen",
        "thresholds": {"approve": 80, "conditional": 50},
        "sections": [{"id": "s1", "title": "Labour", "questions": [
            {"id": "code_signed", "type": "yesno", "text": "Is the code signed?", "weight": 2,
             "condition": "Sign the code", "condition_days": 14},
            {"id": "passports_held", "type": "yesno", "text": "Are passports held?", "expected": "no",
             "knockout": "yes"},
            {"id": "peak_hours", "type": "number", "text": "Peak weekly hours", "good": {"max": 60}, "unit": "h"},
            {"id": "notes", "type": "text", "text": "Anything else?", "required": False, "weight": 0},
        ]}],
    })


@pytest.fixture
def state(template):
    saved = {"code_signed": Answer("yes"), "passports_held": Answer("no"), "peak_hours": Answer(58.0)}
    return ScreenState(template, saved, today=TODAY)


def test_an_opened_screen_is_clean_and_scored_as_saved(state):
    """Opening a screen shows its saved score and suggestion, with nothing to save or revert."""
    assert state.evaluation.score == 100 and state.decision.value == "approve"
    assert not state.dirty and not state.can_save and not state.can_revert and state.can_change
    assert state.mark("code_signed").kind == "met" and state.mark("notes").kind == "unanswered"


def test_typing_an_answer_moves_the_score_and_the_suggestion_before_saving(state):
    """A knock-out answer typed in the form rejects at once; only the changed answer is to be saved."""
    state.edit("passports_held", AnswerInput("Yes / 是"))
    assert state.evaluation.suggested.value == "reject" and state.decision.value == "reject"
    assert state.mark("passports_held").kind == "knockout"
    assert state.answers_to_save() == {"passports_held": AnswerInput("Yes / 是")}
    assert state.dirty and state.can_save


def test_an_answer_that_does_not_fit_is_flagged_at_its_question_and_kept_to_save(state):
    """A number question answered 'a lot' shows why at the question; the service refuses it on saving."""
    state.edit("peak_hours", AnswerInput("a lot"))
    assert state.mark("peak_hours").kind == "error" and "not a number" in state.mark("peak_hours").text
    assert "1 answer not readable" in state.progress_text()
    assert "peak_hours" in state.answers_to_save()


def test_typing_back_the_saved_answer_leaves_nothing_to_save(state):
    """Changing an answer and changing it back is no change: the form is clean again."""
    state.edit("peak_hours", AnswerInput("70"))
    assert state.dirty and state.mark("peak_hours").kind == "short"
    state.edit("peak_hours", AnswerInput("58 h"))
    assert not state.dirty


def test_the_decision_follows_the_suggestion_until_the_reviewer_picks_one(state):
    """Once the reviewer chose a decision, new answers no longer change it."""
    state.choose_decision("approve with conditions")
    state.edit("passports_held", AnswerInput("yes"))
    assert state.evaluation.suggested.value == "reject"
    assert state.decision.value == "approve with conditions" and state.takes_conditions


def test_conditions_are_proposed_for_answers_that_fell_short_once(state):
    """'Propose from answers' adds the checklist's condition, due its days after the decision date, not twice."""
    state.edit("code_signed", AnswerInput("no"))
    start = TODAY
    assert state.proposed_conditions(start) == [("Sign the code", start + timedelta(days=14))]
    assert state.proposed_conditions(start, have=["Sign the code"]) == []


def test_the_decision_request_carries_unsaved_answers_and_the_conditions(state):
    """Recording a decision sends the answers still edited and the conditions typed, in one request."""
    state.edit("code_signed", AnswerInput("no", comment="signing next week"))
    state.choose_decision("approve with conditions")
    request = state.decision_request("Mei Chen", TODAY, "ok", [("Sign the code", "2026-03-20"), ("", "")])
    assert request.answers == {"code_signed": AnswerInput("no", "", "signing next week")}
    assert request.conditions == [ConditionInput("Sign the code", date(2026, 3, 20))]
    assert request.decision == "approve with conditions" and request.reviewer == "Mei Chen"


def test_an_empty_conditions_table_asks_for_the_checklists_proposals(state):
    """With no condition typed, the request leaves them to the checklist (None), and sends no answers if none
    changed."""
    state.choose_decision("approve with conditions")
    request = state.decision_request("Mei Chen", TODAY, "", [])
    assert request.conditions is None and request.answers is None


def test_a_due_date_that_is_not_a_date_is_refused_with_its_condition():
    """A condition due '20 March' is refused, naming the condition."""
    with pytest.raises(UserError, match="Sign the code"):
        read_conditions([("Sign the code", "20 March")])


def test_a_decided_screen_keeps_its_decision_and_allows_no_change(template):
    """A decided screen is scored as on its decision day and offers no save, export, import or delete."""
    state = ScreenState(template, {"code_signed": Answer("yes")}, decided=True, decision_date=TODAY)
    assert state.when == TODAY and not state.can_change and not state.can_save
