"""`csrdesk complaints` end to end: the JSON keys scripts rely on, identities "hidden" unless revealed with a reason,
refusals as one line and exit 2 with nothing changed, the report and the reviewed publishable list."""
import json
from datetime import date, timedelta

import openpyxl
import pytest

from csrdesk.cli import main

RECEIVED = (date.today() - timedelta(days=30)).isoformat()


def on(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def dbfile(tmp_path):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    path = str(tmp_path / "cli.sqlite3")
    db = open_workspace(path)
    create_supplier(db, SupplierInput(name="Dhaka Knit Ltd", code="BD-0001", country="Bangladesh"))
    record_assessment(db, AssessmentInput("BD-0001", date.today() - timedelta(days=90), "periodic", findings=[
        FindingInput("No fire drill in 12 months", "major", category="health-safety")]))
    db.dispose()
    return path


def run(capsys, dbfile, *argv):
    code = main(["--db", dbfile, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, dbfile, *extra):
    code, out, err = run(capsys, dbfile, "complaints", "add", "--supplier", "BD-0001", "--received", RECEIVED,
                         "--channel", "hotline", "--provision", "wages", "--summary", "Overtime paid at the normal rate",
                         *extra, "--json")
    assert code == 0, err
    return json.loads(out)["id"]


def test_add_list_show_keep_the_identity_hidden(capsys, dbfile):
    cid = add(capsys, dbfile, "--complainant", "Nasima Akter", "--contact", "+880 1711 000000",
              "--retaliation-risk", "high")
    anon = add(capsys, dbfile)
    code, out, _ = run(capsys, dbfile, "complaints", "list", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and rows[cid]["complainant"] == "hidden" and rows[anon]["complainant"] == "anonymous"
    assert {"id", "reference", "received", "supplier", "factory", "provision", "channel", "retaliation_risk",
            "status", "outcome", "summary", "complainant"} <= set(rows[cid])
    assert rows[cid]["retaliation_risk"] == "high" and rows[cid]["status"] == "received"
    code, out, _ = run(capsys, dbfile, "complaints", "show", str(cid), "--json")
    shown = json.loads(out)
    assert shown["complainant"] == "hidden" and shown["contact"] == "hidden" and "Nasima" not in out
    assert shown["timeline"][0]["kind"] == "received"


def test_reveal_needs_a_reason_and_is_recorded(capsys, dbfile):
    cid = add(capsys, dbfile, "--complainant", "Nasima Akter", "--contact", "+880 1711 000000")
    code, out, err = run(capsys, dbfile, "complaints", "show", str(cid), "--reveal")
    assert code == 2 and "--reason" in err and err.count("\n") == 1 and "Nasima" not in out
    code, out, err = run(capsys, dbfile, "complaints", "show", str(cid), "--reveal", "--reason",
                         "Worker asked for a call back", "--json")
    shown = json.loads(out)
    assert code == 0, err
    assert (shown["complainant"], shown["contact"]) == ("Nasima Akter", "+880 1711 000000")
    assert shown["revealed"]["reason"] == "Worker asked for a call back"
    assert shown["reveals"][0]["reason"] == "Worker asked for a call back"
    code, out, _ = run(capsys, dbfile, "complaints", "show", str(cid), "--json")
    again = json.loads(out)
    assert again["complainant"] == "hidden" and len(again["reveals"]) == 1


def test_steps_and_refusals(capsys, dbfile):
    cid = add(capsys, dbfile)
    code, _, err = run(capsys, dbfile, "complaints", "step", str(cid), "--resolve", "substantiated", "--remedy",
                       "Back pay", "--date", on(10))
    assert code == 2 and "Acknowledge the complaint before resolving" in err and err.count("\n") == 1
    code, _, err = run(capsys, dbfile, "complaints", "step", str(cid), "--acknowledged", on(31))
    assert code == 2 and "before the complaint was received" in err
    assert run(capsys, dbfile, "complaints", "step", str(cid), "--acknowledged", on(29))[0] == 0
    assert run(capsys, dbfile, "complaints", "step", str(cid), "--note", "Payroll checked", "--date", on(20))[0] == 0
    code, _, err = run(capsys, dbfile, "complaints", "step", str(cid), "--resolve", "proven", "--remedy", "x",
                       "--date", on(10))
    assert code == 2 and "Unknown outcome 'proven'" in err
    code, out, _ = run(capsys, dbfile, "complaints", "show", str(cid), "--json")
    assert json.loads(out)["status"] == "investigating" and json.loads(out)["outcome"] is None
    code, out, err = run(capsys, dbfile, "complaints", "step", str(cid), "--resolve", "substantiated", "--remedy",
                         "Back pay of the premium", "--date", on(10), "--json")
    assert code == 0, err and json.loads(out)["status"] == "resolved"
    code, out, err = run(capsys, dbfile, "complaints", "to-cap", str(cid), "--json")
    made = json.loads(out)
    assert code == 0, err
    assert made["supplier"] == "BD-0001" and made["placed"] == "open CAP" and made["item_id"]
    code, out, _ = run(capsys, dbfile, "caps", "show", str(made["cap_id"]), "--json")
    assert any(i["finding"].startswith("Worker complaint") for i in json.loads(out)["items"])
    assert run(capsys, dbfile, "complaints", "step", str(cid), "--compliance-checked", on(2))[0] == 0
    code, out, _ = run(capsys, dbfile, "complaints", "step", str(cid), "--close", "--date", on(1), "--json")
    assert json.loads(out)["status"] == "closed"


def test_report_json_and_workbook(capsys, dbfile, tmp_path):
    cid = add(capsys, dbfile, "--complainant", "Nasima Akter")
    run(capsys, dbfile, "complaints", "step", str(cid), "--acknowledged", on(28))
    run(capsys, dbfile, "complaints", "step", str(cid), "--resolve", "not_substantiated", "--date", on(20))
    out_file = tmp_path / "report.xlsx"
    code, out, err = run(capsys, dbfile, "complaints", "report", "--from", on(60), "--to", on(0), "-o",
                         str(out_file), "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["by_provision"] == {"wages": 1} and report["by_outcome"] == {"not_substantiated": 1}
    assert report["by_supplier"] == {"BD-0001": 1} and report["by_channel"] == {"hotline": 1}
    assert report["median_days_to_acknowledge"] == 2 and report["median_days_to_resolve"] == 10
    assert report["p90_days_to_resolve"] == 10
    ws = openpyxl.load_workbook(out_file).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Median days to resolve" in values and "Wages and benefits" in values
    assert not any("Nasima" in str(v) for v in values)


def test_publishable_list_leaves_only_after_review(capsys, dbfile, tmp_path):
    keep = add(capsys, dbfile)
    drop = add(capsys, dbfile)
    target = tmp_path / "public.xlsx"
    code, _, err = run(capsys, dbfile, "complaints", "public", "-o", str(target))
    assert code == 2 and "review" in err and not target.exists()
    code, out, err = run(capsys, dbfile, "complaints", "public", "--exclude", str(drop), "-o", str(target),
                         "--reviewed", "--json")
    assert code == 0, err
    assert [r["id"] for r in json.loads(out)["rows"]] == [keep]
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Reference", "Factory", "Date received", "Status", "Filed by", "Summary", "Outcome")
    assert len(rows) == 2 and rows[1][1] == "Dhaka Knit Ltd" and rows[1][4] == "Anonymous worker"


def test_key_export_status_import(capsys, dbfile, tmp_path):
    add(capsys, dbfile, "--complainant", "Nasima Akter")
    copy = tmp_path / "key-copy.json"
    code, out, err = run(capsys, dbfile, "complaints", "key", "export", str(copy), "--json")
    assert code == 0, err and copy.stat().st_mode & 0o077 == 0
    code, out, _ = run(capsys, dbfile, "complaints", "key", "status", "--json")
    status = json.loads(out)
    assert status["sealed"] == 1 and status["unavailable"] == 0 and status["missing_key_ids"] == []
    code, out, _ = run(capsys, dbfile, "complaints", "key", "import", str(copy), "--json")
    assert code == 0 and json.loads(out) == {"added": []}
