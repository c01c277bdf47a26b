"""`csrdesk partners`, `caps partner/partners/share`, `caps update --cause-category`, `brand-actions` and
`shared-brands`: the JSON keys scripts rely on, and one-line errors with exit 2."""
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from csrdesk.cli import main


@pytest.fixture
def dbfile(tmp_path):
    return str(tmp_path / "cli.sqlite3")


@pytest.fixture
def cap(dbfile):
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    db = open_workspace(dbfile)
    create_supplier(db, SupplierInput(name="Dongguan Bright Toys", code="CN-0042", country="China",
                                      sourcing_owner="Maria Rossi", other_brands="Acme (30%), Brandy"))
    d = record_assessment(db, AssessmentInput("CN-0042", date(2026, 3, 2), "periodic", findings=[
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    caps_service.change_cap_status(db, d.cap_id, "response received")
    items = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    db.dispose()
    return d.cap_id, items


def run(capsys, dbfile, *argv):
    code = main(["--db", dbfile, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_partners_add_and_list_json(capsys, dbfile, cap):
    """partners add --json gives the id; partners list --json gives id, kind, name, country, topics and
    vetting_decision, filtered by kind, country and topic."""
    code, out, err = run(capsys, dbfile, "partners", "add", "--kind", "consultant", "--name", "Pearl River Remediation",
                         "--country", "China", "--topics", "hours,health-safety", "--contact", "lin@prr.example",
                         "--json")
    assert code == 0, err
    pid = json.loads(out)["id"]
    run(capsys, dbfile, "partners", "add", "--kind", "cso", "--name", "Safe Return", "--country", "Thailand",
        "--cso-type", "victim-service organisation", "--topics", "forced-labour")
    code, out, err = run(capsys, dbfile, "partners", "list", "--kind", "consultant", "--json")
    [row] = json.loads(out)
    assert {"id", "kind", "name", "country", "topics", "vetting_decision"} <= set(row)
    assert (row["id"], row["kind"], row["topics"], row["vetting_decision"]) == (
        pid, "consultant", ["hours", "health-safety"], None)
    assert [r["name"] for r in json.loads(run(capsys, dbfile, "partners", "list", "--topic", "forced-labour",
                                              "--json")[1])] == ["Safe Return"]
    assert json.loads(run(capsys, dbfile, "partners", "list", "--country", "Vietnam", "--json")[1]) == []
    code, out, err = run(capsys, dbfile, "partners", "add", "--kind", "consultant", "--name", "X", "--topics", "tarot")
    assert code == 2 and "not a finding category" in err and len(err.strip().splitlines()) == 1


def test_caps_partner_warns_about_an_unvetted_consultant(capsys, dbfile, cap):
    """caps partner records the consultant on an item and warns on stderr that they are not vetted."""
    cap_id, items = cap
    pid = json.loads(run(capsys, dbfile, "partners", "add", "--kind", "consultant", "--name", "Quick Fix",
                         "--json")[1])["id"]
    code, out, err = run(capsys, dbfile, "caps", "partner", str(cap_id), "--partner", str(pid), "--role", "consultant",
                         "--item", str(items[0]), "--json")
    assert code == 0 and "not vetted" in err
    data = json.loads(out)
    assert (data["cap_item_id"], data["role"], data["partner"]) == (items[0], "consultant", "Quick Fix")
    rows = json.loads(run(capsys, dbfile, "caps", "partners", str(cap_id), "--json")[1])
    assert [r["partner_id"] for r in rows] == [pid]
    code, _out, err = run(capsys, dbfile, "caps", "partner", str(cap_id), "--partner", "999", "--role", "consultant")
    assert code == 2 and "No partner 999" in err


def test_cause_category_purchasing_opens_a_brand_action(capsys, dbfile, cap):
    """caps update --cause-category purchasing opens a brand action for the sourcing owner; brand-actions list
    --json gives id, supplier, cap_item, cause, owner, due and status; update and close track it."""
    cap_id, items = cap
    base = ["caps", "update", str(cap_id), "--item", str(items[0]), "--root-cause",
            "The buyer made a late order change with no extra lead time, so planning had no capacity.",
            "--preventive-action", "1. Procedure: capacity check of order changes.", "--project-leader", "Mr Zhao"]
    code, out, err = run(capsys, dbfile, *base, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["brand_action"] is None and data["brand_action_suggested"] is True
    code, out, err = run(capsys, dbfile, *base, "--cause-category", "purchasing")
    assert code == 0 and "brand action" in out
    [a] = json.loads(run(capsys, dbfile, "brand-actions", "list", "--json")[1])
    assert {"id", "supplier", "cap_item", "cause", "owner", "due", "status"} <= set(a)
    assert (a["supplier"], a["cap_item"], a["owner"], a["status"]) == ("CN-0042", items[0], "Maria Rossi", "open")
    code, out, err = run(capsys, dbfile, "brand-actions", "update", str(a["id"]), "--status", "in progress", "--json")
    assert json.loads(out)["status"] == "in progress"
    code, out, err = run(capsys, dbfile, "brand-actions", "close", str(a["id"]), "--date", "2026-05-01", "--json")
    assert json.loads(out)["status"] == "closed" and json.loads(out)["closed_date"] == "2026-05-01"
    assert json.loads(run(capsys, dbfile, "brand-actions", "list", "--open", "--json")[1]) == []
    code, _out, err = run(capsys, dbfile, *base, "--cause-category", "weather")
    assert code == 2 and "not a cause category" in err


def test_shared_brands_and_the_shared_pack(capsys, dbfile, cap, tmp_path):
    """The supplier's brands came in as records; shared-brands set adds details; caps share writes the pack."""
    cap_id, _items = cap
    rows = json.loads(run(capsys, dbfile, "shared-brands", "list", "CN-0042", "--json")[1])
    assert [(r["brand"], r["share"]) for r in rows] == [("Acme", 30.0), ("Brandy", None)]
    code, out, err = run(capsys, dbfile, "shared-brands", "set", "CN-0042", "--brand", "Brandy", "--share", "15%",
                         "--shared-audit", "yes", "--contact", "csr@brandy.example", "--json")
    assert code == 0 and json.loads(out)["accepts_shared_audit"] is True
    out_path = tmp_path / "pack.xlsx"
    code, out, err = run(capsys, dbfile, "caps", "share", str(cap_id), "-o", str(out_path), "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(out_path.resolve())
    assert load_workbook(out_path)["Findings"]["B2"].value == "Monthly overtime exceeds the legal limit"
    code, _out, err = run(capsys, dbfile, "caps", "share", str(cap_id), "-o", str(tmp_path / "pack.csv"))
    assert code == 2 and ".xlsx" in err
