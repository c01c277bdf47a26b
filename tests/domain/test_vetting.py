"""Vetting checklists in the domain: templates, answers, scoring, knock-outs, thresholds and versioning."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date

import pytest

from csrdesk import paths
from csrdesk.domain.vetting import (
    NA, Answer, AnswerError, Decision, Question, StoredVersion, TemplateError, answer_label,
    builtin_version_to_store, check_decision, content_of, evaluate, next_version, parse_answer, parse_template,
    template_to_dict,
)
from csrdesk.domain.vetting_editing import (
    add_question, move_question, new_question_id, remove_question, replace_question, validate,
)

TODAY = date(2024, 6, 1)


def small() -> dict:
    return {
        "key": "small", "version": 1, "kind": "supplier", "title": "Small screen", "title_zh": "小型筛查",
        "thresholds": {"approve": 80, "conditional": 50},
        "sections": [
            {"id": "a", "title": "Policies", "questions": [
                {"id": "policy", "type": "yesno", "text": "Written policy?", "weight": 4, "evidence": True,
                 "condition": "Write a policy."},
                {"id": "passports", "type": "yesno", "text": "Passports kept?", "weight": 2, "expected": "no",
                 "knockout": "yes"},
            ]},
            {"id": "b", "title": "Workers", "questions": [
                {"id": "hours", "type": "number", "text": "Peak weekly hours", "weight": 2, "good": {"max": 60},
                 "unit": "hours", "condition": "Cut hours to 60."},
                {"id": "children", "type": "number", "text": "Workers under age", "weight": 0,
                 "knockout": {"above": 0}},
                {"id": "fees", "type": "choice", "text": "Who pays fees?", "weight": 2, "options": [
                    {"value": "employer", "label": "Employer", "label_zh": "雇主", "score": 1},
                    {"value": "part", "label": "Partly workers", "label_zh": "部分由员工", "score": 0.5},
                    {"value": "bonded", "label": "Workers, repaid from wages", "score": 0, "knockout": True},
                ]},
                {"id": "audit", "type": "date", "text": "Last audit", "weight": 0, "required": False,
                 "good": {"min": -365, "max": 0}},
                {"id": "dorm", "type": "yesno", "text": "Dorm separate?", "weight": 2, "allow_na": True},
                {"id": "note", "type": "text", "text": "Anything else", "weight": 0, "required": False},
            ]},
        ],
    }


def good_answers() -> dict[str, Answer]:
    return {
        "policy": Answer("yes", evidence="policy.pdf"), "passports": Answer("no"), "hours": Answer(55),
        "children": Answer(0), "fees": Answer("employer"), "dorm": Answer("yes"),
    }


def test_shipped_templates_are_valid_bilingual_and_round_trip():
    """Every built-in checklist loads, has Chinese for every question, and survives writing and reading back."""
    files = sorted(paths.resource("checklists").glob("*.json"))
    keys, types = set(), set()
    for f in files:
        t = parse_template(json.loads(f.read_text(encoding="utf-8")))
        keys.add(t.key)
        assert t.title_zh and all(q.text_zh for q in t.questions()), t.key
        assert any(q.has_knockout for q in t.questions()), f"{t.key} has no knock-out question"
        types |= {q.type for q in t.questions()}
        assert parse_template(template_to_dict(t)) == t
    assert types == {"yesno", "choice", "number", "date", "text", "file"}
    assert keys == {"new_supplier_screening", "pre_production_readiness", "consultant_vetting", "responsible_exit"}


def test_all_good_answers_approve_with_full_score():
    """A screen with every answer as hoped scores 100 and is suggested for approval."""
    t = parse_template(small())
    e = evaluate(t, good_answers(), TODAY)
    assert e.score == 100.0
    assert e.suggested is Decision.APPROVE
    assert not e.knockouts and e.complete
    assert "reaches 80" in e.reasons[0]


def test_knockout_rejects_whatever_the_score():
    """One knock-out answer (passports kept) rejects even though everything else is perfect."""
    t = parse_template(small())
    answers = good_answers() | {"passports": Answer("yes")}
    e = evaluate(t, answers, TODAY)
    assert e.suggested is Decision.REJECT
    assert [k.text for k in e.knockouts] == ["Passports kept?"]
    assert "Knock-out" in e.reasons[0] and "Passports kept?" in e.reasons[0]


def test_number_and_choice_knockouts():
    """A weightless number over its knock-out limit and a knock-out option both reject."""
    t = parse_template(small())
    e = evaluate(t, good_answers() | {"children": Answer(1)}, TODAY)
    assert e.suggested is Decision.REJECT and e.knockouts[0].question_id == "children"
    e = evaluate(t, good_answers() | {"fees": Answer("bonded")}, TODAY)
    assert e.suggested is Decision.REJECT and e.knockouts[0].answer == "Workers, repaid from wages"


def test_thresholds_decide_between_approve_conditions_and_reject():
    """Scores at and around the thresholds land in the right band, with the figures in the reason."""
    t = parse_template(small())
    # weights: policy 4, passports 2, hours 2, fees 2, dorm 2 = 12
    e = evaluate(t, good_answers() | {"hours": Answer(70)}, TODAY)  # 10/12 = 83.3
    assert e.score == 83.3
    assert e.suggested is Decision.CONDITIONS  # above approve, but the hours answer carries a condition
    assert [c.text for c in e.conditions] == ["Cut hours to 60."]
    e = evaluate(t, good_answers() | {"fees": Answer("part"), "dorm": Answer("no")}, TODAY)  # 9/12 = 75
    assert e.score == 75.0 and e.suggested is Decision.CONDITIONS
    assert "not 80" in e.reasons[0]
    e = evaluate(t, good_answers() | {"policy": Answer("no"), "hours": Answer(80)}, TODAY)  # 6/12 = 50
    assert e.score == 50.0 and e.suggested is Decision.CONDITIONS  # exactly at the conditional threshold
    e = evaluate(t, good_answers() | {"policy": Answer("no"), "hours": Answer(80), "dorm": Answer("no")}, TODAY)
    assert e.score == pytest.approx(33.3) and e.suggested is Decision.REJECT
    assert "below 50" in e.reasons[0]


def test_not_applicable_leaves_the_score_and_unanswered_counts_as_not_met():
    """n/a takes a question out of the score; an unanswered required question earns nothing and is named."""
    t = parse_template(small())
    e = evaluate(t, good_answers() | {"dorm": Answer(NA)}, TODAY)
    assert e.score == 100.0 and e.possible == 10
    answers = good_answers()
    del answers["fees"]
    e = evaluate(t, answers, TODAY)
    assert e.unanswered_required == ("fees",) and not e.complete
    assert e.score == pytest.approx(83.3)
    assert "unanswered" in e.reasons[0]


def test_missing_evidence_becomes_a_condition():
    """A 'yes' that needs evidence but has none suggests approval with a condition to send it."""
    t = parse_template(small())
    e = evaluate(t, good_answers() | {"policy": Answer("yes")}, TODAY)
    assert e.evidence_missing == ("policy",)
    assert e.suggested is Decision.CONDITIONS
    assert e.conditions[0].text == "Send evidence for: Written policy?"


def test_dates_are_judged_against_the_day_of_the_screen():
    """An audit within the last year earns its weight; an older one falls short with the date range named."""
    data = small()
    data["sections"][1]["questions"][3]["weight"] = 2
    t = parse_template(data)
    ok = evaluate(t, good_answers() | {"audit": Answer("2024-01-10")}, TODAY)
    old = evaluate(t, good_answers() | {"audit": Answer("2022-01-10")}, TODAY)
    assert ok.score == 100.0 and old.score < 100.0
    assert "2023-06-02" in old.results["audit"].note


def test_parse_answer_reads_english_chinese_and_dropdown_forms():
    """Answers typed as 'Yes', '否', 'Yes / 是', '1,200', '2024年3月5日' or a Chinese option label are understood."""
    t = parse_template(small())
    assert parse_answer(t.question("policy"), "Yes / 是") == "yes"
    assert parse_answer(t.question("policy"), "否") == "no"
    assert parse_answer(t.question("policy"), True) == "yes"
    assert parse_answer(t.question("dorm"), "N/A / 不适用") == NA
    assert parse_answer(t.question("hours"), "1,200") == 1200
    assert parse_answer(t.question("hours"), "58 hours") == 58
    assert parse_answer(t.question("audit"), "2024年3月5日") == "2024-03-05"
    assert parse_answer(t.question("audit"), date(2024, 3, 5)) == "2024-03-05"
    assert parse_answer(t.question("fees"), "部分由员工") == "part"
    assert parse_answer(t.question("fees"), "Employer / 雇主") == "employer"
    assert parse_answer(t.question("policy"), "  ") is None
    assert answer_label(t.question("fees"), "part", "zh") == "部分由员工"


@pytest.mark.parametrize("qid, raw, words", [
    ("policy", "maybe", "yes or no"),
    ("policy", "n/a", "yes or no"),  # n/a is not allowed on this question
    ("hours", "sixty", "not a number"),
    ("fees", "the agent", "not one of the choices"),
    ("audit", "next week", "YYYY-MM-DD"),
])
def test_parse_answer_refuses_what_does_not_fit(qid, raw, words):
    """Answers that do not fit their question are refused with a message saying what fits."""
    t = parse_template(small())
    with pytest.raises(AnswerError, match=words):
        parse_answer(t.question(qid), raw)


def _broken(mutate) -> dict:
    data = copy.deepcopy(small())
    mutate(data)
    return data


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.pop("sections"), "at least one section"),
    (lambda d: d.update(key="Bad Key"), "lower-case"),
    (lambda d: d.update(version=0), "version"),
    (lambda d: d.update(kind="vendor"), "kind 'vendor' is unknown"),
    (lambda d: d.update(thresholds={"approve": 50, "conditional": 70}), "conditional"),
    (lambda d: d["sections"][0]["questions"][0].update(type="radio"), "type 'radio' is unknown"),
    (lambda d: d["sections"][0]["questions"][0].update(weight=-1), "weight cannot be negative"),
    (lambda d: d["sections"][0]["questions"][0].update(weight="heavy"), "weight must be a number"),
    (lambda d: d["sections"][0]["questions"][1].update(id="policy"), "two questions share the id 'policy'"),
    (lambda d: d["sections"][0]["questions"][1].update(knockout="no"), "cannot be the expected answer"),
    (lambda d: d["sections"][1]["questions"][2].update(options=[{"label": "Only"}]), "at least two options"),
    (lambda d: d["sections"][1]["questions"][2]["options"][0].update(score=2), "from 0 to 1"),
    (lambda d: d["sections"][1]["questions"][0].update(good={"min": 70, "max": 60}), "above good max"),
    (lambda d: d["sections"][1]["questions"][5].update(knockout="yes"), "cannot be a knock-out"),
    (lambda d: d["sections"][1].update(questions=[]), "at least one question"),
    (lambda d: d["sections"][0]["questions"][0].pop("text"), "question text is missing"),
])
def test_broken_templates_are_refused_with_the_reason(mutate, words):
    """A broken template is refused with a one-line message that names the part that is wrong."""
    with pytest.raises(TemplateError, match=words) as info:
        parse_template(_broken(mutate))
    assert "\n" not in str(info.value)


def test_versioning_rules():
    """Saving always goes one above the highest version; shipped updates never override the user's own version."""
    t = parse_template(small())
    assert next_version([]) == 1 and next_version([1, 3, 2]) == 4
    assert builtin_version_to_store(t, []) == 1
    same = StoredVersion(1, True, content_of(t), 1)
    assert builtin_version_to_store(t, [same]) is None
    shipped_v2 = parse_template(small() | {"version": 2, "title": "Small screen, revised"})
    assert builtin_version_to_store(shipped_v2, [same]) == 2
    user_edit = StoredVersion(2, False, content_of(parse_template(small() | {"title": "Ours"})))
    assert builtin_version_to_store(shipped_v2, [same, user_edit]) is None


def test_editing_moves_adds_and_removes_questions():
    """Editor operations keep the template valid: reorder within and across sections, add with a fresh id, remove."""
    t = parse_template(small())
    moved = move_question(t, "passports", -1)
    assert [q.id for q in moved.sections[0].questions] == ["passports", "policy"]
    across = move_question(t, "passports", +1)
    assert [q.id for q in across.sections[1].questions][0] == "passports"
    assert move_question(t, "note", +1) == t  # nothing below the last question
    qid = new_question_id(t, "policy")
    assert qid == "policy_2"
    added = add_question(t, "a", Question(id=qid, type="yesno", text="Policy posted?"), position=1)
    assert [q.id for q in added.sections[0].questions] == ["policy", "policy_2", "passports"]
    changed = replace_question(added, "policy_2", Question(id="policy_2", type="yesno", text="Policy posted?",
                                                           weight=3))
    assert changed.question("policy_2").weight == 3
    assert validate(remove_question(changed, "policy_2")) == t
    with pytest.raises(TemplateError, match="exists already"):
        add_question(t, "a", Question(id="policy", type="yesno", text="Again"))
    single = parse_template(small() | {"sections": [small()["sections"][0] | {"questions": [small()["sections"][0]["questions"][0]]}]})
    with pytest.raises(TemplateError, match="at least one question"):
        remove_question(single, "policy")


def test_reviewer_decisions_are_checked():
    """A positive decision is refused with knock-outs or unanswered questions; conditions need a condition."""
    t = parse_template(small())
    complete = evaluate(t, good_answers(), TODAY)
    check_decision(Decision.CONDITIONS, complete, ["Send the fire drill record"])
    with pytest.raises(ValueError, match="at least one condition"):
        check_decision(Decision.CONDITIONS, complete, ["  "])
    knocked = evaluate(t, good_answers() | {"passports": Answer("yes")}, TODAY)
    with pytest.raises(ValueError, match="rejects on its own"):
        check_decision(Decision.APPROVE, knocked, [])
    check_decision(Decision.REJECT, knocked, [])
    assert Decision.parse("Approve with conditions") is Decision.CONDITIONS
    assert Decision.parse("rejected") is Decision.REJECT


def test_domain_imports_neither_qt_nor_sqlalchemy():
    """The vetting rules load without Qt or SQLAlchemy, so any front end can use them."""
    code = ("import sys, csrdesk.domain.vetting; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
