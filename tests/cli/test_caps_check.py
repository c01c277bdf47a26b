"""`csrdesk caps check/update/override/review/plan`: the JSON keys scripts rely on, and one-line errors."""
import json
from datetime import date

import pytest

from csrdesk.cli import main


@pytest.fixture
def dbfile(tmp_path):
    return str(tmp_path / "cli.sqlite3")


@pytest.fixture
def cap(dbfile):
    """A CAP sent on 10 March 2026 whose response came back: (cap id, [overtime item, fire exit item])."""
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    db = open_workspace(dbfile)
    create_supplier(db, SupplierInput(name="Dongguan Bright Toys", code="CN-0042", country="China"))
    d = record_assessment(db, AssessmentInput("CN-0042", date(2026, 3, 2), "periodic", findings=[
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002"),
        FindingInput("Fire exit blocked by cartons", "critical", category="health-safety")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    caps_service.change_cap_status(db, d.cap_id, "response received")
    items = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    db.dispose()
    return d.cap_id, items


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def update(capsys, dbfile, cap_id, item, root_cause, action, leader, *extra):
    return run(capsys, "--db", dbfile, "caps", "update", str(cap_id), "--item", str(item), "--root-cause", root_cause,
               "--preventive-action", action, "--project-leader", leader, *extra)


def test_check_json_keys(capsys, dbfile, cap):
    """caps check --json prints id, quality (0-100) and items with id and warnings (code, message)."""
    cap_id, items = cap
    code, out, err = run(capsys, "--db", dbfile, "caps", "check", str(cap_id), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["id"] == cap_id and data["quality"] == 0
    assert [i["id"] for i in data["items"]] == items
    first = data["items"][0]
    assert {"id", "warnings"} <= set(first)
    assert {w["code"] for w in first["warnings"]} == {"root_cause_missing", "preventive_action_missing",
                                                      "no_project_leader"}
    assert all(set(w) == {"code", "message"} and w["message"] for w in first["warnings"])


def test_update_records_answer_and_prints_warnings(capsys, dbfile, cap):
    """caps update records the factory's answer and prints the item with its warnings; quality goes up."""
    cap_id, items = cap
    code, out, err = update(capsys, dbfile, cap_id, items[0], "工人加班", "已支付加班费", "Li Wei", "--planned-date",
                            "2026-06-30", "--json")
    assert code == 0, err
    item = json.loads(out)
    assert item["id"] == items[0] and item["root_cause"] == "工人加班" and item["planned_date"] == "2026-06-30"
    assert {w["code"] for w in item["warnings"]} == {"root_cause_restates_finding", "no_system_element",
                                                     "planned_after_due"}
    code, out, err = update(capsys, dbfile, cap_id, items[1],
                            "No one is responsible for checking the exits every day",
                            "1. Safety officer checks every exit each morning and signs the checklist",
                            "Chen Jie", "--planned-date", "2026-03-30", "--json")
    assert code == 0 and json.loads(out)["warnings"] == []
    code, out, _ = run(capsys, "--db", dbfile, "caps", "check", str(cap_id), "--json")
    assert json.loads(out)["quality"] == 50


def test_update_refuses_item_of_another_cap(capsys, dbfile, cap):
    """An item that is not in the CAP is refused with one line, exit 2, and nothing changes."""
    cap_id, items = cap
    code, out, err = update(capsys, dbfile, cap_id + 1, items[0], "x y z", "a b", "Li")
    assert code == 2 and out == "" and err.count("\n") == 1 and "does not belong to CAP" in err
    code, out, err = update(capsys, dbfile, cap_id, items[0], "  ", "Weekly hours report", "Li")
    assert code == 2 and "root cause is empty" in err
    code, out, _ = run(capsys, "--db", dbfile, "caps", "show", str(cap_id), "--json")
    assert json.loads(out)["items"][0]["root_cause"] == ""


def test_bad_planned_date_exits_2(capsys, dbfile, cap):
    """A planned date not in YYYY-MM-DD form is an argument error."""
    cap_id, items = cap
    with pytest.raises(SystemExit) as exc:
        update(capsys, dbfile, cap_id, items[0], "x", "y", "z", "--planned-date", "30/06/2026")
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def test_override_then_review_approve(capsys, dbfile, cap):
    """Approval is refused while warnings are open; after an override it passes and the JSON says so."""
    cap_id, items = cap
    update(capsys, dbfile, cap_id, items[0], "No capacity planning before orders are accepted",
           "Capacity check procedure before every order", "Li Wei", "--planned-date", "2026-04-30")
    update(capsys, dbfile, cap_id, items[1], "Cartons blocked the exit", "Daily exit checks by the safety officer",
           "Chen Jie")
    code, out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--approve")
    assert code == 2 and "open warnings" in err
    code, out, err = run(capsys, "--db", dbfile, "caps", "override", str(cap_id), "--item", str(items[1]), "--code",
                         "root_cause_restates_finding", "--reason", "Discussed at the CAP meeting", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["warnings"] == [] and shown["overridden"][0]["reason"] == "Discussed at the CAP meeting"
    code, out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--approve", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["decision"] == "approved" and data["status"] == "approved" and data["quality"] == 100


def test_review_return_with_comments(capsys, dbfile, cap):
    """caps review --return --comment ITEM=TEXT sends the CAP back with the comment on the item."""
    cap_id, items = cap
    code, out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--return", "--comment",
                         f"{items[0]}=Give the planning procedure, not the overtime hours", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "sent"
    code, out, _ = run(capsys, "--db", dbfile, "caps", "show", str(cap_id), "--json")
    assert json.loads(out)["status"] == "sent"
    with pytest.raises(SystemExit):
        run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--return", "--comment", "no-equals-sign")
    assert "ITEM=COMMENT" in capsys.readouterr().err


def test_review_accepts_one_item_and_returns_the_other(capsys, dbfile, cap):
    """caps review --return --accept ITEM --return-item ITEM --comment ...: the accepted item becomes action
    planned, the returned one keeps its comment; the JSON keeps its keys and adds the per-item lists; a returned
    item without a comment is refused with exit 2 and nothing changes."""
    cap_id, items = cap
    for item, cause in ((items[0], "Orders accepted beyond capacity without an hours check"),
                        (items[1], "No one checks the exits daily and the warehouse is too small")):
        code, _out, err = update(capsys, dbfile, cap_id, item, cause,
                                 "1. Capacity and exit checks written into the weekly procedure", "Zhang Min")
        assert code == 0, err
    code, out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--return", "--accept", str(items[0]),
                         "--return-item", str(items[1]), "--json")
    assert code == 2 and f"Item {items[1]} is returned without a comment" in err
    code, out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--return", "--accept", str(items[0]),
                         "--return-item", str(items[1]), "--comment", f"{items[1]}=Name who checks the exits",
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"decision", "status", "items_planned"} <= set(data)
    assert (data["items_accepted"], data["items_returned"], data["items_planned"]) == ([items[0]], [items[1]],
                                                                                      [items[0]])
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id[items[1]]["review_decision"] == "returned"
    assert by_id[items[1]]["review_comment"] == "Name who checks the exits"
    assert by_id[items[0]]["review_decision"] == "accepted"


def test_plan_json(capsys, dbfile, cap):
    """caps plan --json gives the groups by cause category with risk sources, for letters and scripts."""
    cap_id, items = cap
    update(capsys, dbfile, cap_id, items[0], "No capacity planning before orders are accepted",
           "Capacity check procedure before every order", "Li Wei")
    code, out, err = run(capsys, "--db", dbfile, "caps", "plan", str(cap_id), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["cap_id"] == cap_id and plan["groups"][0]["key"] == "procedure"
    assert plan["groups"][0]["risk_sources"] == ["business process"]
    assert plan["groups"][-1]["key"] == "not-analysed"
    code, out, _ = run(capsys, "--db", dbfile, "caps", "plan", str(cap_id))
    assert "Systems-improvement plan" in out and "Procedure (business process)" in out


@pytest.fixture
def four_findings(dbfile):
    """A CAP whose response came back, with findings of four different types: (cap id, item ids)."""
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    db = open_workspace(dbfile)
    create_supplier(db, SupplierInput(name="Ningbo Harbour Garments", code="CN-0077", country="China"))
    d = record_assessment(db, AssessmentInput("CN-0077", date(2026, 3, 2), "periodic", findings=[
        FindingInput("Fire extinguishers not inspected, expired or not accessible", "minor", violation_type="HSF-014"),
        FindingInput("Evacuation routes and aisles obstructed", "major", violation_type="HSF-010"),
        FindingInput("Personal protective equipment not provided or not used", "major", violation_type="HSF-018"),
        FindingInput("Payslips missing or not itemised", "minor", violation_type="WAG-008")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    caps_service.change_cap_status(db, d.cap_id, "response received")
    items = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    db.dispose()
    return d.cap_id, items


def test_check_json_flags_an_answer_pasted_across_items(capsys, dbfile, four_findings):
    """caps check --json shows same_answer_across_items (saying how many items share it) on pasted answers only,
    and the quality counts them; an override with a reason closes it."""
    cap_id, items = four_findings
    pasted = ("Nobody is assigned to check the workshops every day",
              "1. Safety officer appointed to check every workshop daily and sign the checklist")
    for n, item in enumerate(items[:3]):
        code, out, err = update(capsys, dbfile, cap_id, item, pasted[0] + ("." if n else ""), pasted[1], "Chen Jie",
                                "--json")
        assert code == 0, err
    assert "3 items" in next(w["message"] for w in json.loads(out)["warnings"]
                             if w["code"] == "same_answer_across_items")
    update(capsys, dbfile, cap_id, items[3], "Payslip template has no field for overtime hours",
           "1. New payslip template checked monthly by the finance manager", "Liu Yang")
    code, out, err = run(capsys, "--db", dbfile, "caps", "check", str(cap_id), "--json")
    assert code == 0, err
    data = json.loads(out)
    warned = {i["id"]: [w for w in i["warnings"] if w["code"] == "same_answer_across_items"] for i in data["items"]}
    assert [bool(warned[i]) for i in items] == [True, True, True, False]
    assert "3 items" in warned[items[0]][0]["message"] and "3 different types" in warned[items[0]][0]["message"]
    assert data["quality"] == 25
    code, out, err = run(capsys, "--db", dbfile, "caps", "override", str(cap_id), "--item", str(items[0]), "--code",
                         "same_answer_across_items", "--reason", "The same daily check covers all three", "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", dbfile, "caps", "check", str(cap_id), "--json")
    assert json.loads(out)["quality"] == 50


def test_check_json_flags_chinese_awareness_only_root_cause(capsys, dbfile, four_findings):
    """A Chinese root cause that only blames the workers' awareness is flagged; a specific one is not."""
    cap_id, items = four_findings
    code, out, err = update(capsys, dbfile, cap_id, items[0], "员工不了解消防规定", "1. 安全主任每月检查灭火器并签字记录",
                            "陈洁", "--json")
    assert code == 0, err
    assert [w["code"] for w in json.loads(out)["warnings"]] == ["root_cause_restates_finding"]
    code, out, err = update(capsys, dbfile, cap_id, items[1], "没有指定专人每天检查通道，仓库面积不足",
                            "1. 任命仓库主管负责通道畅通，写入岗位职责\n2. 安全主任每天巡查通道并签字记录", "陈洁", "--json")
    assert code == 0 and json.loads(out)["warnings"] == []


def test_returned_letter_and_email_from_the_command_line(capsys, dbfile, cap, tmp_path):
    """caps returned-letter writes the letter and the e-mail draft once an item was returned; before any return it
    exits 2 with the reason."""
    cap_id, items = cap
    out = tmp_path / "returned.docx"
    code, _out, err = run(capsys, "--db", dbfile, "caps", "returned-letter", str(cap_id), "-o", str(out))
    assert code == 2 and "nothing to send back" in err and not out.exists()
    code, _out, err = run(capsys, "--db", dbfile, "caps", "review", str(cap_id), "--return", "--comment",
                          f"{items[0]}=Give the planning procedure, not the overtime hours")
    assert code == 0, err
    code, text, err = run(capsys, "--db", dbfile, "caps", "returned-letter", str(cap_id), "-o", str(out), "--json")
    assert code == 0, err
    data = json.loads(text)
    assert data["cap_id"] == cap_id and data["email"] is None and out.is_file()
    import docx

    assert "Give the planning procedure, not the overtime hours" in "\n".join(
        c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells)
