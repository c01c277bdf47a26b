"""The verification and escalation commands end to end: the --json keys the issue names, refusals on one line."""
import json
from datetime import date, timedelta

import openpyxl
import pytest

from csrdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(tmp_path):
    """A workspace with one active supplier and a CAP of three items sent to it; returns (db file, CAP, item ids)."""
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier

    path = str(tmp_path / "cli.sqlite3")
    db = open_workspace(path)
    create_supplier(db, SupplierInput(name="Golden Thread", code="CN-0001", country="China",
                                      sourcing_owner="Tom Buyer", sourcing_owner_email="tom@northwind.example",
                                      contacts=[ContactInput(email="li@example.cn", name="Li Wei", language="zh")]),
                    status="active")
    day = date.today() - timedelta(days=120)
    d = record_assessment(db, AssessmentInput("CN-0001", day, findings=[
        FindingInput("Fire exit locked", "critical"), FindingInput("Overtime above limit", "major"),
        FindingInput("First aid kit incomplete", "minor")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=day)
    ids = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    db.dispose()
    return path, d.cap_id, ids


def test_the_whole_process_from_the_command_line(capsys, tmp_path, setup):
    """Meeting, plan, sheet, record from the sheet, show, confirm, report, trends, escalation and its letter."""
    dbfile, cap, ids = setup
    meeting = (date.today() - timedelta(days=60)).isoformat()
    code, out, err = run(capsys, "--db", dbfile, "caps", "meeting", str(cap), "--date", meeting, "--json")
    assert code == 0, err
    assert json.loads(out)["visit_due"] == (date.fromisoformat(meeting) + timedelta(days=42)).isoformat()
    code, out, _ = run(capsys, "--db", dbfile, "verify", "plan", "--json")
    plan = json.loads(out)
    assert set(plan[0]) >= {"cap_id", "supplier", "meeting_date", "visit_due", "items_due", "evidence_received"}
    assert plan[0]["cap_id"] == cap and plan[0]["supplier"] == "CN-0001" and plan[0]["items_due"] == 3

    code, out, err = run(capsys, "--db", dbfile, "verify", "request", str(cap), "-o", str(tmp_path / "r.docx"),
                         "--email", str(tmp_path / "r.eml"), "--json")
    assert code == 0, err and json.loads(out)["to"] == "li@example.cn"

    sheet = tmp_path / "visit.xlsx"
    assert run(capsys, "--db", dbfile, "verify", "sheet", str(cap), "-o", str(sheet))[0] == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Visit 核查"]
    ws.cell(6, 9).value, ws.cell(6, 10).value = "done correctly / 已正确完成", "出口已清理"
    ws.cell(7, 9).value, ws.cell(7, 10).value = "done with errors", "Still 66 hours"
    wb.save(sheet)
    today = date.today().isoformat()
    code, out, err = run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--sheet", str(sheet),
                         "--json")
    assert code == 0, err
    preview = json.loads(out)
    assert preview["applied"] is False and len(preview["changes"]) == 2
    code, out, err = run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--sheet", str(sheet),
                         "--apply", "--json")
    assert code == 0, err
    visit = json.loads(out)
    assert set(visit) >= {"id", "cap_id", "supplier", "date", "verdicts", "progress_rate", "suggested_category",
                          "category", "items_verified", "items_reopened"}
    assert visit["verdicts"][0] == {**visit["verdicts"][0], "item_id": ids[0], "verdict": "done_correctly",
                                    "note": "出口已清理"}
    assert visit["progress_rate"] == 33.3 and visit["items_verified"] == 1 and visit["items_reopened"] == 1
    code, out, _ = run(capsys, "--db", dbfile, "verify", "confirm", str(visit["id"]), "--category", "3", "--json")
    assert json.loads(out)["category"] == 3
    code, out, _ = run(capsys, "--db", dbfile, "verify", "show", str(visit["id"]), "--json")
    assert json.loads(out)["category"] == 3 and json.loads(out)["cap_id"] == cap
    code, out, err = run(capsys, "--db", dbfile, "verify", "report", str(visit["id"]), "-o",
                         str(tmp_path / "report.docx"), "--lang", "zh-en")
    assert code == 0, err and (tmp_path / "report.docx").is_file()
    code, out, _ = run(capsys, "--db", dbfile, "verify", "trends", "--json")
    assert set(json.loads(out)) == {"failing_types", "time_to_verified", "categories_over_time"}

    code, out, _ = run(capsys, "--db", dbfile, "escalations", "list", "--json")
    rows = json.loads(out)
    assert rows and set(rows[0]) >= {"supplier", "step", "reasons", "since"}
    code, out, err = run(capsys, "--db", dbfile, "escalations", "step", "CN-0001", "--to", "reminder", "--reason",
                         "two thirds of the items overdue", "--json")
    assert code == 0, err and json.loads(out)["step"] == "reminder"
    code, out, err = run(capsys, "--db", dbfile, "escalations", "step", "CN-0001", "--to", "warning_letter",
                         "--reason", "no answer to the reminder", "--json")
    assert code == 0, err
    code, out, err = run(capsys, "--db", dbfile, "escalations", "letter", "CN-0001", "-o",
                         str(tmp_path / "w.docx"), "--email", str(tmp_path / "w.eml"), "--json")
    assert code == 0, err and json.loads(out)["cc"] == "tom@northwind.example"


def test_refusals_are_one_line_and_change_nothing(capsys, setup):
    """An unknown verdict, an item of another CAP, a skipped rung: exit 2, one line, nothing recorded."""
    dbfile, cap, ids = setup
    today = date.today().isoformat()
    code, out, err = run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--verdict",
                         f"{ids[0]}=finished", "--apply")
    assert code == 2 and "unknown verdict 'finished'" in err and err.count("\n") == 1
    code, out, err = run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--verdict",
                         "999999=done_correctly", "--apply")
    assert code == 2 and "not in CAP" in err
    with pytest.raises(SystemExit) as stop:  # argparse refuses it before any command runs
        run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--verdict", "oops", "--apply")
    assert stop.value.code == 2 and "ITEM=VERDICT" in capsys.readouterr().err
    code, out, err = run(capsys, "--db", dbfile, "escalations", "step", "CN-0001", "--to", "suspension", "--reason",
                         "x")
    assert code == 2 and "step by step" in err
    code, out, _ = run(capsys, "--db", dbfile, "verify", "list", "--json")
    assert json.loads(out) == []
    code, out, err = run(capsys, "--db", dbfile, "verify", "record", str(cap), "--date", today, "--verdict",
                         f"{ids[1]}=not_checked:机器停机", "--verdict", f"{ids[0]}=done_correctly:ok", "--apply", "--json")
    assert code == 0, err
    assert [v["verdict"] for v in json.loads(out)["verdicts"]] == ["done_correctly", "not_checked"]
