"""The guided root-cause flow without a GUI: next and back, stopping the whys early, validation, the review."""
from datetime import date

import pytest

from csrdesk.domain.rootcause import EarlierAnswer, FindingFacts, RootCauseAnalysis
from csrdesk.domain.rootcause_flow import FlowContext, RootCauseFlow, Step, StepInvalid, Suggestions

FINDING = FindingFacts(title="Monthly overtime exceeds the legal limit", title_zh="每月加班时间超过法定上限",
                       category="hours", violation_type="HRS-002", severity="major", due_date=date(2026, 4, 30))
SUGGESTIONS = Suggestions(
    root_causes=("Overtime used as a standing part of capacity rather than for exceptional peaks",
                 "No tracking of cumulative overtime per worker"),
    actions=("Overtime approval form checked against the worker's cumulative hours",
             "Monthly overtime dashboard for management with red flags"),
    earlier=(EarlierAnswer(4, 40, date(2025, 3, 2), "Monthly overtime exceeds the legal limit",
                           "Supervisors unaware of the limit", "Train supervisors"),),
)


@pytest.fixture
def flow():
    return RootCauseFlow(FlowContext(FINDING, code_requirement="Overtime within legal limits",
                                     suggestions=SUGGESTIONS))


def fill_whys(flow, *answers):
    for n, text in enumerate(answers):
        if n:
            flow.ask_another_why()
        flow.set_why(n, text)


def walk_to(flow, step):
    """Fills each step with a good answer until `step` is reached."""
    while flow.step is not step:
        if flow.step is Step.WHYS:
            fill_whys(flow, "Overtime is planned in every week", "Orders accepted beyond capacity")
        elif flow.step is Step.CATEGORIES:
            flow.set_category("procedure")
        elif flow.step is Step.ACTIONS:
            flow.add_action("Order acceptance procedure with a capacity check", "Planning manager", date(2026, 4, 1),
                            "Signed capacity checks for 3 months")
        elif flow.step is Step.LEADER_AND_DATE:
            flow.set_project_leader("Zhang Min")
            flow.set_planned_date(date(2026, 4, 20))
        flow.next()


def test_steps_in_order_and_back(flow):
    """Next walks finding -> whys -> categories -> actions -> leader and date -> review; back retraces it."""
    seen = [flow.step]
    walk_to(flow, Step.REVIEW)
    seen = list(flow.visited)
    assert seen == [Step.FINDING, Step.WHYS, Step.CATEGORIES, Step.ACTIONS, Step.LEADER_AND_DATE, Step.REVIEW]
    assert flow.position == (6, 6) and flow.is_last and not flow.can_next()
    for expected in reversed(seen[:-1]):
        assert flow.back() is expected
    assert not flow.can_back()
    with pytest.raises(StepInvalid, match="first step"):
        flow.back()


def test_back_keeps_what_was_entered(flow):
    """Going back and forth keeps the answers of every step."""
    walk_to(flow, Step.LEADER_AND_DATE)
    flow.back()
    flow.back()
    assert flow.step is Step.CATEGORIES and flow.data.categories == ["procedure"]
    flow.next()
    flow.next()
    assert flow.data.project_leader == "" and flow.data.actions[0].who == "Planning manager"


def test_whys_must_be_answered(flow):
    """The whys step cannot be left with no answer; the reason is given."""
    flow.next()
    assert flow.step is Step.WHYS and not flow.can_next()
    with pytest.raises(StepInvalid) as exc:
        flow.next()
    assert exc.value.step is Step.WHYS and "first why" in exc.value.problems[0]


def test_chain_of_whys_each_asks_about_the_last_answer(flow):
    """Each new why asks about the previous answer; five at most."""
    flow.next()
    assert "Monthly overtime exceeds" in flow.why_question(0)
    fill_whys(flow, "Planned overtime every week", "Orders above capacity", "No capacity check", "No procedure",
              "Nobody owns planning")
    assert "No capacity check" in flow.why_question(3)
    assert not flow.can_ask_another_why() and not flow.can_stop_early
    with pytest.raises(StepInvalid, match="Five whys"):
        flow.set_why(5, "too many")
    assert flow.root_cause == "Nobody owns planning"


def test_stop_early(flow):
    """After two whys the chain may stop: the last answer is the root cause and the flow goes on to categories."""
    flow.next()
    fill_whys(flow, "Planned overtime every week", "Orders accepted beyond capacity")
    flow.ask_another_why()  # opened but left blank
    assert flow.can_stop_early
    assert flow.stop_early() is Step.CATEGORIES
    assert flow.data.whys == ["Planned overtime every week", "Orders accepted beyond capacity"]
    assert flow.root_cause == "Orders accepted beyond capacity"
    assert any("stopped after 2" in text for _, _, text in flow.summary())


def test_gap_in_the_chain_is_refused(flow):
    """A blank why between answers keeps the step from being left."""
    flow.next()
    flow.set_why(0, "first")
    flow.ask_another_why()  # the second why is opened and left blank
    flow.set_why(2, "third")
    with pytest.raises(StepInvalid, match="middle"):
        flow.next()


def test_root_cause_statement_and_suggestion(flow):
    """A library example taken as the root cause fills the statement and the first why."""
    flow.next()
    flow.use_root_cause_suggestion(SUGGESTIONS.root_causes[0])
    assert flow.root_cause == SUGGESTIONS.root_causes[0] and flow.data.whys == [SUGGESTIONS.root_causes[0]]
    flow.set_root_cause("Overtime planned as capacity; no per-worker tracking")
    assert flow.root_cause == "Overtime planned as capacity; no per-worker tracking"
    flow.next()
    assert flow.step is Step.CATEGORIES


def test_categories_validation_and_suggestions(flow):
    """At least one category is needed; the ones the root cause names are suggested; the risk source follows."""
    flow.next()
    flow.set_why(0, "客户临时改单，没有根据产能制定生产计划")
    flow.next()
    assert flow.suggested_categories() == ["procedure", "resources", "purchasing"]
    with pytest.raises(StepInvalid, match="at least one cause category"):
        flow.next()
    with pytest.raises(StepInvalid, match="Unknown cause category"):
        flow.set_category("luck")
    flow.set_category("purchasing")
    assert flow.risk_source == "business process"
    flow.set_risk_source("structural gap")
    assert flow.risk_source == "structural gap"
    flow.set_category("purchasing", False)
    assert flow.problems() == ["Choose at least one cause category."]


def test_actions_step(flow):
    """Actions need a what; elements are guessed from the text; suggestions add actions."""
    walk_to(flow, Step.ACTIONS)
    with pytest.raises(StepInvalid, match="at least one preventive action"):
        flow.next()
    i = flow.use_action_suggestion(SUGGESTIONS.actions[1])
    assert flow.actions[i].element == "monitoring"
    j = flow.add_action("", who="Li")
    assert any("not what" in p for p in flow.problems())
    flow.update_action(j, what="每周把加班统计报给总经理")
    assert flow.can_next()
    flow.remove_action(j)
    with pytest.raises(StepInvalid, match="element"):
        flow.update_action(i, element="astrology")
    flow.next()
    assert flow.step is Step.LEADER_AND_DATE


def test_leader_and_date_validation(flow):
    """A project leader's name longer than the field allows is refused; a blank one only warns at review."""
    walk_to(flow, Step.LEADER_AND_DATE)
    flow.set_project_leader("x" * 201)
    assert not flow.can_next()
    flow.set_project_leader("")
    flow.next()
    assert "no_project_leader" in {w.code for w in flow.open_warnings()}


def test_review_lists_warnings_and_overrides(flow):
    """The review lists the warnings of the entry as it stands; an override with a reason closes one."""
    flow.next()
    flow.set_why(0, "工人加班")
    flow.next()
    flow.set_category("training")
    flow.next()
    flow.add_action("Train supervisors on overtime limits", element="training")
    flow.next()
    flow.set_planned_date(date(2026, 5, 30))
    flow.next()
    codes = {w.code for w in flow.open_warnings()}
    assert codes == {"root_cause_restates_finding", "training_only", "no_project_leader", "planned_after_due"}
    with pytest.raises(StepInvalid, match="reason"):
        flow.override("planned_after_due", "")
    with pytest.raises(StepInvalid, match="no warning"):
        flow.override("victim_protection_missing", "not relevant here")
    flow.override("planned_after_due", "Brand agreed a later date on 3 March", by="Anna")
    assert "planned_after_due" not in {w.code for w in flow.open_warnings()}
    flow.clear_override("planned_after_due")
    assert "planned_after_due" in {w.code for w in flow.open_warnings()}


def test_go_back_from_review_to_fix(flow):
    """From the review, a step already passed can be reopened, fixed, and the warning goes."""
    walk_to(flow, Step.REVIEW)
    flow.go_to(Step.LEADER_AND_DATE)
    flow.set_planned_date(date(2026, 6, 1))
    flow.next()
    assert "planned_after_due" in {w.code for w in flow.open_warnings()}
    flow.go_to(Step.LEADER_AND_DATE)
    flow.set_planned_date(date(2026, 4, 1))
    flow.next()
    assert flow.open_warnings() == []


def test_go_to_unvisited_step_is_refused(flow):
    """Jumping ahead past steps not completed is refused."""
    with pytest.raises(StepInvalid):
        flow.go_to(Step.REVIEW)


def test_result_is_the_saved_entry(flow):
    """The result drops blank whys and actions and is a copy the flow no longer changes."""
    walk_to(flow, Step.REVIEW)
    flow.go_to(Step.WHYS)
    flow.ask_another_why()
    flow.next()
    flow.next()
    flow.next()
    flow.next()
    assert flow.can_finish()
    result = flow.result()
    assert result.whys == ["Overtime is planned in every week", "Orders accepted beyond capacity"]
    assert result.guided and result.project_leader == "Zhang Min"
    flow.set_project_leader("Somebody else")
    assert result.project_leader == "Zhang Min"


def test_result_refused_while_incomplete(flow):
    """An incomplete entry cannot be saved; the first incomplete step is named."""
    with pytest.raises(StepInvalid) as exc:
        flow.result()
    assert exc.value.step is Step.WHYS


def test_victim_protection_fields(flow):
    """A forced labour finding asks for victim-protection measures, and the warning lists what is missing."""
    fees = FindingFacts(title="Workers paid recruitment fees", category="forced-labour", severity="zero tolerance",
                        victim_protection=True)
    f = RootCauseFlow(FlowContext(fees))
    assert f.needs_victim_protection and not flow.needs_victim_protection
    walk_to(f, Step.ACTIONS)
    f.set_victim_measure("remedy", "All fees repaid within 30 days")
    f.set_victim_measure("protection", "No worker dismissed")
    with pytest.raises(StepInvalid):
        f.set_victim_measure("nonsense", "x")
    walk_to(f, Step.REVIEW)
    w = next(w for w in f.warnings() if w.code == "victim_protection_missing")
    assert "remedy" not in w.message and "victim-service organisations consulted" in w.message


def test_free_text_answer_opens_as_first_why():
    """An answer that came by e-mail opens with its root cause as the first why, ready for another 'why?'."""
    f = RootCauseFlow(FlowContext(FINDING), RootCauseAnalysis(root_cause="Orders above capacity", guided=False))
    assert f.data.whys == ["Orders above capacity"] and f.data.guided and f.can_ask_another_why()


def test_listeners_hear_every_change(flow):
    """A subscribed view is told about data and step changes (the wizard redraws)."""
    calls = []
    flow.subscribe(lambda: calls.append(flow.step))
    flow.next()
    flow.set_why(0, "x y")
    flow.back()
    assert calls == [Step.WHYS, Step.WHYS, Step.FINDING]
