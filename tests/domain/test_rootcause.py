"""The root-cause quality checks on many good and bad answers, in English and Chinese, and the entry's JSON form."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csrdesk.domain import rootcause as rc
from csrdesk.domain.rootcause import (
    Check, EarlierAnswer, FindingFacts, PreventiveAction, RootCauseAnalysis, check_answer, restatement,
)

OVERTIME = FindingFacts(
    title="Monthly overtime exceeds the legal limit",
    description="Workers in sewing worked 80 to 96 overtime hours a month from March to May.",
    title_zh="每月加班时间超过法定上限", category="hours", violation_type="HRS-002", severity="major",
    due_date=date(2026, 4, 30),
)
WEEKLY_HOURS = FindingFacts(
    title="Weekly working hours exceed the legal limit",
    description="Workers worked up to 72 hours a week during the peak season.",
    title_zh="每周工作时间超过法定上限", category="hours", severity="major", due_date=date(2026, 4, 30),
)
FIRE_EXIT = FindingFacts(title="Fire exit blocked by cartons", description="The east exit of the cutting room was "
                         "blocked by finished goods cartons.", title_zh="消防通道被纸箱堵塞", category="health-safety",
                         severity="critical", due_date=date(2026, 3, 15))
NO_POLICY = FindingFacts(title="No written social compliance policy", title_zh="未制定书面社会责任合规政策",
                         category="management", severity="minor")
FEES = FindingFacts(title="Workers paid recruitment fees or related costs", title_zh="工人支付了招聘费用或相关费用",
                    category="forced-labour", violation_type="FRC-001", severity="zero tolerance",
                    victim_protection=True, due_date=date(2026, 3, 1))
CHILD = FindingFacts(title="Child below the legal minimum working age found working", category="child-labour",
                     severity="zero tolerance")
# An auditor's own wording with no library type: the words alone must mark it.
TRAFFICKED = FindingFacts(title="Migrant workers recruited through trafficking networks", category="",
                          severity="zero tolerance")

GOOD_ACTIONS = [
    PreventiveAction("Capacity planning procedure that checks hours before orders are confirmed", "Production manager",
                     date(2026, 4, 15), "Signed order reviews seen at the follow-up", "procedure"),
    PreventiveAction("Weekly hours report to the general manager with alerts above 60 hours", "HR manager",
                     date(2026, 4, 1), "Reports for 8 weeks", "monitoring"),
]


def answer(root_cause="No production planning against capacity; late order changes accepted",
           actions=None, leader="Zhang Min", planned=date(2026, 4, 20), categories=("procedure", "purchasing"),
           **extra) -> RootCauseAnalysis:
    return RootCauseAnalysis(whys=[root_cause], root_cause=root_cause, categories=list(categories),
                             actions=list(GOOD_ACTIONS if actions is None else actions), project_leader=leader,
                             planned_date=planned, **extra)


def codes(warnings):
    return {w.code for w in warnings if w.is_open}


# --- the root cause restates the finding ---------------------------------------------------------------------------

RESTATEMENTS = [
    (OVERTIME, "Workers did overtime"),
    (OVERTIME, "workers worked overtime"),
    (OVERTIME, "The workers wanted overtime to earn more"),
    (OVERTIME, "Employees asked for more hours"),
    (OVERTIME, "Overtime exceeded the legal limit"),
    (OVERTIME, "Monthly overtime was over the limit"),
    (OVERTIME, "Overtime exceeded because of urgent orders"),
    (OVERTIME, "Peak season"),
    (OVERTIME, "Busy season and urgent shipments"),
    (OVERTIME, "工人加班"),
    (OVERTIME, "员工自愿加班，想多挣钱"),
    (OVERTIME, "工人自己要求加班"),
    (OVERTIME, "加班时间超过法定上限"),
    (OVERTIME, "旺季赶货"),
    (OVERTIME, "由于订单多"),
    (WEEKLY_HOURS, "Working hours exceeded the legal limit due to peak season"),
    (WEEKLY_HOURS, "The weekly hours exceeded the limit"),
    (WEEKLY_HOURS, "每周工作时间超过了法定上限"),
    (FIRE_EXIT, "The fire exit was blocked by cartons"),
    (FIRE_EXIT, "Cartons blocked the exit"),
    (FIRE_EXIT, "Worker carelessness"),
    (FIRE_EXIT, "员工疏忽，把纸箱放在通道"),
    (FIRE_EXIT, "消防通道被堵塞"),
    (FIRE_EXIT, "Human error"),
    (NO_POLICY, "No written policy"),
    (NO_POLICY, "没有书面社会责任政策"),
    (OVERTIME, "N/A"),
    (OVERTIME, "无"),
    (OVERTIME, "Negligence"),
    # the whole cause put on the workers' awareness or attitude, the rule they did not know being no system failure
    (FIRE_EXIT, "员工不了解消防规定"),
    (FIRE_EXIT, "员工不了解消防规定。"),
    (FIRE_EXIT, "工人意识不强"),
    (FIRE_EXIT, "员工安全意识淡薄"),
    (FIRE_EXIT, "员工对消防规定不了解"),
    (FIRE_EXIT, "部分员工消防意识薄弱，不遵守公司规定"),
    (FIRE_EXIT, "员工不了解消防规定，导致通道堵塞"),
    (FIRE_EXIT, "主要原因是工人不配合"),
    (FIRE_EXIT, "员工缺乏安全意识"),
    (OVERTIME, "工人不清楚加班法规"),
    (OVERTIME, "员工疏忽，不了解公司制度"),
    (FIRE_EXIT, "Workers are not aware of the fire rules"),
    (FIRE_EXIT, "Workers lack safety awareness"),
    (FIRE_EXIT, "Lack of safety awareness among workers"),
    (FIRE_EXIT, "Low worker awareness"),
    (FIRE_EXIT, "The root cause is that workers do not know the fire safety rules"),
    (FIRE_EXIT, "Workers' safety awareness is weak, and they did not follow the procedure"),
    (OVERTIME, "Employees are unaware of the legal limit"),
]

SYSTEM_CAUSES = [
    (OVERTIME, "No production planning against capacity, and late order changes"),
    (OVERTIME, "没有根据产能制定生产计划，客户临时改单"),
    (OVERTIME, "Overtime used as a standing part of capacity rather than for exceptional peaks"),
    (OVERTIME, "No tracking of cumulative overtime per worker"),
    (OVERTIME, "员工自愿加班，因为底薪低，公司没有加班审批制度"),
    (OVERTIME, "生产主管不了解每月加班上限，公司也没有每月加班统计"),
    (OVERTIME, "The legal limit was not known to the production manager"),
    (OVERTIME, "Buyer lead times too short and peaks not smoothed"),
    (WEEKLY_HOURS, "Orders accepted beyond capacity without checking the hours required"),
    (WEEKLY_HOURS, "客户交期太短，接单时没有评估产能"),
    (FIRE_EXIT, "No one is responsible for checking the exits every day, and the warehouse has too little space"),
    (FIRE_EXIT, "安全主任没有每天检查消防通道，仓库面积不足"),
    (FIRE_EXIT, "Workers did not follow the rule because supervisors never check the exits"),
    (NO_POLICY, "Nobody in the organisation is assigned to own labour compliance"),
    (NO_POLICY, "管理层认为合规只是客户审核的要求，没有指定负责人"),
    (FEES, "Recruitment outsourced to agents with no contract term banning fees to workers"),
    (FEES, "招聘外包给中介，合同中没有禁止向工人收费的条款"),
    # workers' unawareness with the system failure behind it is a real cause
    (FIRE_EXIT, "员工不了解消防规定，公司没有组织消防培训"),
    (FIRE_EXIT, "工人意识不强，主管没有每天检查消防通道"),
    (FIRE_EXIT, "员工不了解消防规定，仓库管理员没有被指定负责通道"),
    (FIRE_EXIT, "Workers are not aware of the rules because there is no induction training on fire safety"),
    (FIRE_EXIT, "Workers lack awareness since nobody is assigned to brief new workers"),
    (FIRE_EXIT, "No awareness training for new workers, and no one checks the exits"),
    (OVERTIME, "生产主管不了解加班上限，也没有人负责跟踪每月工时"),
]


@pytest.mark.parametrize("finding,text", RESTATEMENTS)
def test_restatements_are_flagged(finding, text):
    """An answer that restates the finding, blames the workers or names only a circumstance is flagged."""
    assert restatement(text, finding.texts()), text
    warnings = check_answer(finding, answer(root_cause=text))
    assert Check.ROOT_CAUSE_RESTATES_FINDING.value in codes(warnings)


@pytest.mark.parametrize("finding,text", SYSTEM_CAUSES)
def test_system_failures_pass(finding, text):
    """An answer that names a management-system failure is not called a restatement."""
    assert restatement(text, finding.texts()) is None, text


def test_restatement_message_explains():
    """The warning tells the user what is wrong and what to do next."""
    w = next(w for w in check_answer(OVERTIME, answer(root_cause="工人加班"))
             if w.code == Check.ROOT_CAUSE_RESTATES_FINDING.value)
    assert "restates the finding" in w.message and "why" in w.message.lower()


def test_chinese_answer_to_an_english_finding_uses_the_library_title():
    """A Chinese answer that copies the library's Chinese title of an English finding is still caught."""
    finding = FindingFacts(title="Monthly overtime exceeds the legal limit", title_zh="每月加班时间超过法定上限")
    assert restatement("每月加班时间超过法定上限", finding.texts())
    bare = FindingFacts(title="Monthly overtime exceeds the legal limit")
    assert restatement("每月加班时间超过法定上限", bare.texts()) is None  # nothing to compare with, no pattern


def test_tokens_use_bigrams_for_chinese_and_stems_for_english():
    """Chinese text is compared by character pairs, English by word stems without stop words."""
    assert {"产能", "计划", "客户", "改单"} <= rc.tokens("没有根据产能制定生产计划，客户临时改单")
    assert rc.tokens("The hours exceeded") == rc.tokens("hour exceeds")
    assert rc.tokens("of the and") == set()


# --- preventive actions ---------------------------------------------------------------------------------------------

def test_good_answer_has_no_warnings():
    """A complete answer naming a system failure and system changes, on time, gets no warning."""
    assert check_answer(OVERTIME, answer()) == []


def test_no_root_cause_and_no_action():
    """An empty answer says what is missing, without piling up follow-on warnings."""
    found = codes(check_answer(OVERTIME, answer(root_cause="", actions=[], leader="", planned=None)))
    assert found == {"root_cause_missing", "preventive_action_missing", "no_project_leader"}


@pytest.mark.parametrize("actions", [
    [PreventiveAction("Removed the cartons from the exit")],
    [PreventiveAction("Paid the overtime premium owed for March")],
    [PreventiveAction("已将纸箱移走")],
    [PreventiveAction("Repaired the extinguisher", element="")],
])
def test_one_off_corrections_have_no_system_element(actions):
    """Corrections that fix this case only (English or Chinese) are flagged: nothing in the system changes."""
    assert "no_system_element" in codes(check_answer(FIRE_EXIT, answer(actions=actions)))


@pytest.mark.parametrize("what", [
    "Safety officer checks all exits every morning and signs the checklist",
    "Warehouse procedure marks no-storage zones in front of exits",
    "安全主任每天巡查消防通道并签字记录",
    "任命仓库主管负责通道畅通，写入岗位职责",
    "Budget approved for a second warehouse to add storage capacity",
])
def test_system_changes_are_recognised_from_text(what):
    """A preventive action in free text that changes a system element is recognised without a chosen element."""
    assert "no_system_element" not in codes(check_answer(FIRE_EXIT, answer(actions=[PreventiveAction(what)])))


def test_training_alone_for_a_systemic_issue():
    """Training alone is flagged when the issue is systemic, and the message says why it is systemic."""
    training = [PreventiveAction("Train supervisors on overtime limits", element="training"),
                PreventiveAction("给工人培训加班法规")]
    warnings = check_answer(OVERTIME, answer(actions=training))
    w = next(w for w in warnings if w.code == "training_only")
    assert "major" in w.message and "procedure" in w.message


def test_training_alone_is_fine_for_a_minor_awareness_gap():
    """For a minor, one-off awareness gap, training is an adequate preventive action."""
    minor = FindingFacts(title="Workers unaware of the grievance box", severity="minor", category="freedom-of-association")
    a = answer(root_cause="New workers since January were never told about the box at induction briefings",
               actions=[PreventiveAction("Add the grievance box to the induction training", element="training")],
               categories=("training",))
    assert "training_only" not in codes(check_answer(minor, a))


def test_training_plus_monitoring_is_not_training_alone():
    """Adding a monitoring step to the training clears the warning."""
    actions = [PreventiveAction("Train supervisors on overtime limits", element="training"),
               PreventiveAction("Monthly overtime dashboard reviewed by the general manager")]
    assert "training_only" not in codes(check_answer(OVERTIME, answer(actions=actions)))


# --- leader and dates ------------------------------------------------------------------------------------------------

def test_no_project_leader():
    """A blank or whitespace project leader is flagged."""
    assert "no_project_leader" in codes(check_answer(OVERTIME, answer(leader="  ")))


def test_planned_date_past_due():
    """A planned date after the due date is flagged with both dates and the days between."""
    w = next(w for w in check_answer(OVERTIME, answer(planned=date(2026, 5, 10))) if w.code == "planned_after_due")
    assert "2026-05-10" in w.message and "2026-04-30" in w.message and "10 day" in w.message
    assert "planned_after_due" not in codes(check_answer(OVERTIME, answer(planned=date(2026, 4, 30))))
    no_due = FindingFacts(title=OVERTIME.title)
    assert "planned_after_due" not in codes(check_answer(no_due, answer(planned=date(2030, 1, 1))))


def test_preventive_action_planned_after_due():
    """A preventive action planned for 2027-01-22 on an item due 2027-01-01 is a warning that names the action and
    the 21 days, even when the item's own planned date is in time; an action on the due date passes."""
    due = FindingFacts(title=OVERTIME.title, category="hours", severity="major", due_date=date(2027, 1, 1))
    late = [GOOD_ACTIONS[0], PreventiveAction("Weekly hours report to the general manager", "HR manager",
                                              date(2027, 1, 22), "Reports for 8 weeks", "monitoring")]
    warnings = check_answer(due, answer(actions=late, planned=date(2026, 12, 20)))
    w = next(w for w in warnings if w.code == "action_after_due")
    assert "2027-01-22" in w.message and "2027-01-01" in w.message and "21 day" in w.message
    assert "Weekly hours report" in w.message and w.title == "Preventive action planned past the due date"
    on_time = [GOOD_ACTIONS[0], PreventiveAction("Weekly hours report", by_when=date(2027, 1, 1), element="monitoring")]
    assert "action_after_due" not in codes(check_answer(due, answer(actions=on_time, planned=date(2026, 12, 20))))
    accepted = rc.with_override(answer(actions=late, planned=date(2026, 12, 20)), "action_after_due",
                                "Extension agreed with the brand on 3 December")
    assert "action_after_due" not in codes(check_answer(due, accepted))


# --- victim protection ----------------------------------------------------------------------------------------------

def test_forced_labour_needs_victim_protection():
    """A recruitment-fee finding without victim-protection measures lists the four that are missing."""
    a = answer(root_cause="Recruitment outsourced to agents with no contract term banning fees",
               actions=[PreventiveAction("Employer-pays policy written into every agency contract")],
               categories=("policy",), planned=date(2026, 2, 20))
    w = next(w for w in check_answer(FEES, a) if w.code == "victim_protection_missing")
    for words in ("protection", "remedy", "repatriation", "victim-service"):
        assert words in w.message


def test_victim_measures_entered_clear_the_warning():
    """With the four measures given (structured), the warning goes."""
    a = answer(root_cause="Recruitment outsourced to agents with no contract term banning fees",
               actions=[PreventiveAction("Employer-pays policy written into every agency contract")],
               categories=("policy",), planned=date(2026, 2, 20),
               victim_measures={"protection": "No worker dismissed; safe housing", "remedy": "Fees repaid in full",
                                "return": "Paid return home for those who want it",
                                "victim_services": "Local migrant NGO consulted"})
    assert "victim_protection_missing" not in codes(check_answer(FEES, a))


def test_victim_measures_found_in_chinese_text():
    """Victim-protection measures written in Chinese free text are recognised; one missing is named."""
    a = rc.analysis_from_text("招聘外包给中介，合同中没有禁止收费条款",
                              "1. 全额退还工人支付的招聘费用\n2. 保护相关工人不受报复\n3. 咨询当地公益组织", "王芳")
    w = next(w for w in check_answer(FEES, a) if w.code == "victim_protection_missing")
    assert w.message.endswith("repatriation if wanted, or reintegration.")


@pytest.mark.parametrize("finding", [CHILD, TRAFFICKED, FEES])
def test_which_findings_need_victim_protection(finding):
    """Child labour, trafficking (by category, flag or wording) need victim protection; overtime does not."""
    assert rc.needs_victim_protection(finding)
    assert not rc.needs_victim_protection(OVERTIME)


# --- repeat findings ------------------------------------------------------------------------------------------------

def test_repeat_with_same_root_cause():
    """A repeat finding whose earlier CAP gave the same root cause (in other words) is flagged with that CAP."""
    earlier = [EarlierAnswer(7, 70, date(2025, 3, 1), OVERTIME.title,
                             "No production planning against the capacity; late order changes accepted")]
    repeat = FindingFacts(**{**OVERTIME.__dict__, "repeat": True})
    w = next(w for w in check_answer(repeat, answer(), earlier) if w.code == "same_root_cause_as_before")
    assert "CAP #7" in w.message and "2025-03-01" in w.message and "did not hold" in w.message


def test_repeat_with_new_root_cause_passes():
    """A repeat finding with a different, deeper root cause is not flagged."""
    earlier = [EarlierAnswer(7, 70, date(2025, 3, 1), OVERTIME.title, "Supervisors did not know the limit")]
    repeat = FindingFacts(**{**OVERTIME.__dict__, "repeat": True})
    assert "same_root_cause_as_before" not in codes(check_answer(repeat, answer(), earlier))


def test_repeat_same_root_cause_in_chinese():
    """Chinese answers are compared by character pairs."""
    earlier = [EarlierAnswer(3, 30, date(2025, 1, 5), OVERTIME.title, "没有根据产能制定生产计划")]
    repeat = FindingFacts(**{**OVERTIME.__dict__, "repeat": True})
    a = answer(root_cause="没有根据产能制定生产计划，客户改单")
    assert "same_root_cause_as_before" in codes(check_answer(repeat, a, earlier))


# --- overrides and quality ------------------------------------------------------------------------------------------

def test_override_with_reason_and_its_lapse():
    """An override closes the warning with its reason, and lapses when the part of the answer it covered changes."""
    a = rc.with_override(answer(planned=date(2026, 5, 10)), "planned_after_due", "Brand agreed 10 more days",
                         by="Anna")
    w = next(w for w in check_answer(OVERTIME, a) if w.code == "planned_after_due")
    assert w.overridden and w.override_reason == "Brand agreed 10 more days" and w.overridden_by == "Anna"
    assert codes(check_answer(OVERTIME, a)) == set()
    a.root_cause = "Supervisors never told about the new limit"  # another part changes: the override holds
    assert next(w for w in check_answer(OVERTIME, a) if w.code == "planned_after_due").overridden
    a.planned_date = date(2026, 7, 1)  # the factory moves the date again: the reviewer must judge it again
    assert "planned_after_due" in codes(check_answer(OVERTIME, a))
    with pytest.raises(ValueError, match="reason"):
        rc.with_override(a, "planned_after_due", "  ")
    with pytest.raises(ValueError, match="Unknown check"):
        rc.with_override(a, "made_up", "because I say so")


def test_override_lapses_when_root_cause_changes():
    """An accepted restatement is flagged again once the factory sends a new (still poor) root cause."""
    a = rc.with_override(answer(root_cause="工人加班"), "root_cause_restates_finding", "Agreed at the CAP meeting")
    assert "root_cause_restates_finding" not in codes(check_answer(OVERTIME, a))
    a.root_cause = a.whys[0] = "员工自愿加班"
    assert "root_cause_restates_finding" in codes(check_answer(OVERTIME, a))


def test_cap_quality():
    """Quality is the share of items without open warnings; overridden warnings count as resolved."""
    good = check_answer(OVERTIME, answer())
    bad = check_answer(OVERTIME, answer(root_cause="工人加班"))
    accepted = check_answer(OVERTIME, rc.with_override(answer(leader=""), "no_project_leader", "named later by mail"))
    assert rc.cap_quality([good, bad, accepted]) == 67
    assert rc.cap_quality([bad]) == 0
    assert rc.cap_quality([]) == 100


# --- JSON ------------------------------------------------------------------------------------------------------------

def test_json_round_trip():
    """An entry survives CapItem.analysis: whys, categories, actions with dates and elements, overrides."""
    a = rc.with_override(answer(victim_measures={"remedy": "Fees repaid"}, risk_source="business process"),
                         "planned_after_due", "Brand agreed an extension by mail")
    data = rc.to_json(a)
    back = rc.from_json(data)
    assert back.whys == a.whys and back.categories == a.categories and back.actions == a.actions
    assert back.planned_date == a.planned_date and back.victim_measures == {"remedy": "Fees repaid"}
    assert back.overrides["planned_after_due"].reason == "Brand agreed an extension by mail"
    assert back.effective_risk_source() is rc.RiskSource.BUSINESS_PROCESS
    assert data["text"]["preventive_action"].startswith("1. Capacity planning procedure")


def test_json_tolerates_damage():
    """A hand-edited or old analysis with bad parts loads what it can instead of failing."""
    back = rc.from_json({"whys": ["a", 3, "b"], "categories": ["procedure", "nonsense"],
                         "actions": [{"what": "Weekly review", "by_when": "not a date", "element": "magic"}, "x"],
                         "overrides": {"no_project_leader": {"reason": ""}, "bogus": {"reason": "x"}},
                         "planned_date": "2026-13-40"})
    assert back.whys == ["a", "b"] and back.categories == ["procedure"]
    assert back.actions == [PreventiveAction("Weekly review")] and back.overrides == {} and back.planned_date is None
    assert rc.from_json(None) is None and rc.from_json("junk") is None


def test_rendered_text_is_read_back():
    """The preventive-action text written to the item is read back into the same actions."""
    a = answer(victim_measures={"remedy": "Fees repaid"})
    actions, victim = rc.parse_preventive_action(rc.render_preventive_action(a))
    assert actions == a.actions and victim == {"remedy": "Fees repaid"}


def test_current_analysis_follows_edited_text():
    """When the item's text was changed elsewhere (a tracker), the entry is rebuilt from the new text."""
    a = answer()
    stored = rc.to_json(a)
    same = rc.current_analysis(a.root_cause_text(), a.preventive_action_text(), "Zhang Min", None, stored)
    assert same.whys == a.whys and same.actions == a.actions and same.guided
    edited = rc.current_analysis("客户临时改单，没有产能评估", "1. 接单前评估产能\n2. 每周工时报告给总经理", "Zhang Min", None,
                                 stored)
    assert edited.whys == [] and not edited.guided and len(edited.actions) == 2
    assert "purchasing" in edited.categories and "procedure" in edited.elements()


def test_free_text_paragraph_splits_into_actions():
    """A one-paragraph answer is split into actions per sentence or semicolon."""
    actions, _ = rc.parse_preventive_action("Capacity check before orders; weekly hours report. Train planners")
    assert [x.what for x in actions] == ["Capacity check before orders", "weekly hours report", "Train planners"]


def test_validation_messages():
    """Saving is refused with a clear message for a gap in the whys, no category, or an action without a what."""
    a = answer()
    a.whys = ["first", "", "third"]
    assert any("middle" in p for p in rc.validate(a))
    assert rc.validate(answer(categories=())) == ["Choose at least one cause category."]
    assert any("not what" in p for p in rc.validate(answer(actions=[PreventiveAction("", who="Li")])))
    assert rc.validate(answer()) == []
    assert rc.validate_text_answer("", "x", "y", None) == ["The root cause is empty."]


def test_awareness_only_message_explains():
    """Blaming the workers' awareness gets a message that says which system failures to look for."""
    w = next(w for w in check_answer(FIRE_EXIT, answer(root_cause="员工不了解消防规定"))
             if w.code == Check.ROOT_CAUSE_RESTATES_FINDING.value)
    assert "awareness" in w.message and "training" in w.message and "supervision" in w.message


@pytest.mark.parametrize("text", ["没有根据产能制定生产计划，客户临时改单", "客户交期太短，接单时没有评估产能"])
def test_chinese_good_examples_have_no_warning(text):
    """A specific Chinese root cause with system changes gets no warning at all."""
    assert check_answer(OVERTIME, answer(root_cause=text)) == []


# --- the same answer pasted across the items of a CAP ----------------------------------------------------------------

BOILERPLATE_ZH = "员工不了解消防规定"
SPECIFIC = [
    "No production planning against capacity; late order changes accepted",
    "没有根据产能制定生产计划，客户临时改单",
    "Nobody is assigned to check the exits daily and the warehouse is too small",
    "招聘外包给中介，合同中没有禁止向工人收费的条款",
    "Payroll clerk not trained on the new minimum wage and no second check of the payroll",
    "Chemical store built without a procedure for labels or safety data sheets",
]
PLAN = "1. Capacity check procedure before orders are accepted\n2. Monthly hours report to the general manager"


def items(*answers, kinds=None, plan=PLAN):
    """ItemAnswers for the given root causes, each of its own violation type unless kinds are given."""
    kinds = kinds or [f"type:T-{n:03d}" for n in range(len(answers))]
    return [rc.ItemAnswer(kind, text, plan if isinstance(plan, str) else plan[n])
            for n, (kind, text) in enumerate(zip(kinds, answers))]


def distinct_plans(n):
    return [f"{n}. " + text for n, text in enumerate([
        "Safety officer checks every exit weekly and signs the checklist", "Employer-pays clause in agency contracts",
        "Second payroll check by the finance manager", "Procedure for labels and safety data sheets at the chemical store",
        "Order acceptance reviewed against the capacity plan", "Grievance hotline posted in every workshop",
        "Leave rights added to the induction procedure", "Annual legal register review", "Budget for a second warehouse",
        "Age check procedure at hiring", "Night-shift safeguards written into the HR procedure",
        "Worker committee meets the general manager monthly"] * 10, start=1)][:n]


def test_answer_normalisation_ignores_case_punctuation_spacing_and_width():
    """Answers that differ only in case, punctuation, spacing or full/half-width characters are the same."""
    assert rc.normalise_answer("员工不了解消防规定。") == rc.normalise_answer("＂员工 不了解 消防规定＂")
    assert rc.normalise_answer("Workers are NOT aware of the rules!") == rc.normalise_answer("ｗｏｒｋｅｒｓ are not aware of the rules")
    assert rc.answer_similarity("员工不了解消防规定。", "员工，不了解消防规定") == 1.0
    assert rc.answer_similarity("Workers are not aware of the rules", "Workers are not aware of the fire rules") >= 0.85
    assert rc.answer_similarity(SPECIFIC[0], SPECIFIC[2]) < 0.5
    assert rc.answer_similarity("", "") == 0.0 and rc.answer_similarity("。", "，") == 0.0


def test_twenty_pasted_chinese_items_are_flagged():
    """The QA case: one boilerplate root cause pasted into 20 findings of different types flags all 20."""
    shared = rc.shared_answers(items(*[BOILERPLATE_ZH + ("。" if n % 2 else "") for n in range(20)],
                                     plan=distinct_plans(20)))
    assert all(len(s) == 1 and s[0].part == "root_cause" and s[0].items == 20 and s[0].kinds == 20 for s in shared)
    w = next(w for w in check_answer(FIRE_EXIT, answer(root_cause=BOILERPLATE_ZH), shared=shared[0])
             if w.code == "same_answer_across_items")
    assert "20 items" in w.message and BOILERPLATE_ZH in w.message and "20 different types" in w.message
    assert "boilerplate" in w.message and w.is_open


def test_twenty_pasted_english_items_with_small_differences_are_flagged():
    """English boilerplate with changed case, punctuation, spacing, width or one extra word is still the same."""
    variants = ["Workers are not aware of the rules.", "workers are not aware of the rules",
                "Workers  are not aware of the  RULES!", "Ｗorkers are not aware of the rules",
                "Workers are not aware of the fire rules"]
    shared = rc.shared_answers(items(*[variants[n % 5] for n in range(20)], plan=distinct_plans(20)))
    assert {s[0].items for s in shared} == {20}


def test_two_identical_items_are_below_the_threshold():
    """Two items with the same answer are not flagged: it takes three kinds of finding to call it boilerplate."""
    shared = rc.shared_answers(items(BOILERPLATE_ZH, BOILERPLATE_ZH, SPECIFIC[0], plan=distinct_plans(3)))
    assert shared == [(), (), ()]


def test_identical_answers_for_one_violation_type_are_not_flagged():
    """Five items of the same violation type (one violation in five departments) may share their answer."""
    shared = rc.shared_answers(items(*[SPECIFIC[1]] * 5, kinds=["type:HRS-002"] * 5))
    assert shared == [()] * 5


def test_three_items_need_three_kinds_of_finding():
    """Three items sharing an answer are flagged only when their findings are of three different kinds."""
    two_kinds = rc.shared_answers(items(*[SPECIFIC[1]] * 3, kinds=["type:A", "type:A", "type:B"],
                                        plan=distinct_plans(3)))
    assert two_kinds == [()] * 3
    three_kinds = rc.shared_answers(items(*[SPECIFIC[1]] * 3, kinds=["type:A", "type:B", "title:blocked exit"],
                                          plan=distinct_plans(3)))
    assert [s[0].items for s in three_kinds] == [3, 3, 3]


def test_specific_answers_are_not_flagged():
    """Items with their own root causes and actions get no across-items warning, however many there are."""
    shared = rc.shared_answers(items(*SPECIFIC, plan=distinct_plans(len(SPECIFIC))))
    assert shared == [()] * len(SPECIFIC)
    assert not any(rc.shared_answers(items("", "", "", "", plan=distinct_plans(4))))  # no answer yet: no warning


def test_pasted_preventive_action_is_flagged_too():
    """The same preventive action for many kinds of finding is flagged, in one warning with the root cause."""
    only_plan = rc.shared_answers(items(*SPECIFIC[:4], plan="加强员工培训"))
    assert [s[0].part for s in only_plan] == ["preventive_action"] * 4
    w = next(w for w in check_answer(OVERTIME, answer(), shared=only_plan[0])
             if w.code == "same_answer_across_items")
    assert "preventive action" in w.message and "4 items" in w.message
    both = rc.shared_answers(items(*[SPECIFIC[0]] * 4, plan="加强员工培训"))
    ws = [w for w in check_answer(OVERTIME, answer(), shared=both[0]) if w.code == "same_answer_across_items"]
    assert len(ws) == 1 and "root cause" in ws[0].message and "preventive action" in ws[0].message


def test_pasted_answer_override_and_quality():
    """The warning closes with an override and a reason, lapses when the answer changes, and counts in quality."""
    answers = items(*([SPECIFIC[0]] * 3 + SPECIFIC[1:3]), plan=distinct_plans(5))
    shared = rc.shared_answers(answers)
    entries = [answer(root_cause=a.root_cause, actions=rc.parse_preventive_action(a.preventive_action)[0])
               for a in answers]
    before = [check_answer(OVERTIME, e) for e in entries]
    assert rc.cap_quality(before) == 100
    after = [check_answer(OVERTIME, e, shared=s) for e, s in zip(entries, shared)]
    assert rc.cap_quality(after) == 40  # 3 of 5 items are pasted
    accepted = rc.with_override(entries[0], "same_answer_across_items", "One planning failure behind all three")
    assert codes(check_answer(OVERTIME, accepted, shared=shared[0])) == set()
    accepted.root_cause = accepted.whys[0] = SPECIFIC[0] + " again"
    assert "same_answer_across_items" in codes(check_answer(OVERTIME, accepted, shared=shared[0]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab 员工不了解。ＡB,", max_size=12), max_size=25),
       st.sampled_from([0.5, 0.85, 1.0]))
def test_grouping_matches_comparing_every_pair(texts, threshold):
    """The filtered pair search groups exactly as comparing every pair of answers would."""
    parent = list(range(len(texts)))

    def root(n):
        while parent[n] != n:
            n = parent[n]
        return n

    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if rc.answer_similarity(texts[i], texts[j]) >= threshold - 1e-9:
                parent[root(i)] = root(j)
    expected = {}
    for i, t in enumerate(texts):
        if rc.normalise_answer(t):
            expected.setdefault(root(i), []).append(i)
    assert sorted(rc.near_identical_groups(texts, threshold)) == sorted(g for g in expected.values() if len(g) > 1)


def test_120_items_worst_case_groups_every_answer():
    """A CAP of 120 long answers drawn from the same few words (the worst case for the pair search) is compared
    to the end and gives an answer for every item (its speed is measured by python -m csrdesk.bench)."""
    import random

    rng = random.Random(4)
    words = ("no procedure for checking capacity before orders supervisors never review the weekly hours report "
             "nobody responsible buyer changes budget equipment grievance").split()
    zh = "没有根据产能制定生产计划客户临时改单主管未检查消防通道仓库面积不足员工代表申诉渠道预算设备"
    answers = [rc.ItemAnswer(f"type:{n}", " ".join(rng.choice(words) for _ in range(60)),
                             "".join(rng.choice(zh) for _ in range(150))) for n in range(120)]
    shared = rc.shared_answers(answers)
    assert len(shared) == 120 and all(isinstance(parts, tuple) for parts in shared)
