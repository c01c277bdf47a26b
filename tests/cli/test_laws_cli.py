"""`csrdesk laws`: the JSON keys scripts rely on, export and import, and a refused import's one line."""
import json

from openpyxl import load_workbook

from csrdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_laws_list_json_keys_and_country_filter(capsys, tmp_path):
    """laws list --country gives that country's references with the documented keys."""
    db = str(tmp_path / "cli.sqlite3")
    code, out, err = run(capsys, "--db", db, "laws", "list", "--country", "BD", "--json")
    rows = json.loads(out)
    assert code == 0, err
    assert rows and {r["country"] for r in rows} == {"Bangladesh"}
    assert set(rows[0]) >= {"country", "region", "topic", "requirement", "value", "unit", "effective", "source",
                            "checked", "id", "link", "currency", "notes", "stale"}
    code, out, _ = run(capsys, "--db", db, "laws", "stale", "--json")
    assert code == 0 and isinstance(json.loads(out), list)


def test_laws_export_import_and_refusal(capsys, tmp_path):
    """An exported workbook imports back with nothing to change; a broken row exits 2 with one line, and
    --apply of a good edit saves it."""
    db = str(tmp_path / "cli.sqlite3")
    path = tmp_path / "laws.xlsx"
    code, out, err = run(capsys, "--db", db, "laws", "export", "-o", str(path), "--country", "Mexico")
    assert code == 0 and path.exists(), err
    code, out, _ = run(capsys, "--db", db, "laws", "import", str(path), "--json")
    report = json.loads(out)
    assert code == 0 and (report["added"], report["updated"], report["applied"]) == (0, 0, False)

    book = load_workbook(path)
    ws = book["Laws"]
    ws.cell(2, 6).value = "lots"
    book.save(path)
    code, out, err = run(capsys, "--db", db, "laws", "import", str(path), "--apply")
    assert code == 2 and out == "" and err.count("\n") == 1 and "row 2: the value 'lots' is not a number" in err

    ws.cell(2, 6).value = 20
    ws.cell(2, 12).value = "2026-11-30"
    book.save(path)
    code, out, err = run(capsys, "--db", db, "laws", "import", str(path), "--apply", "--json")
    report = json.loads(out)
    assert code == 0 and report["applied"] and report["updated"] == 1 and report["backup"]
    changed = {c["field"] for c in report["rows"][0]["changes"]}
    assert "value" in changed and "checked" in changed


def test_json_of_assessments_and_suppliers(capsys, tmp_path):
    """assessments show --json gives each finding's legal requirement; suppliers add/update take --region."""
    from datetime import date

    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace

    dbfile = str(tmp_path / "cli.sqlite3")
    assert main(["--db", dbfile, "suppliers", "add", "Karachi Denim", "--code", "PK-0001", "--country", "Pakistan",
                 "--address", "SITE Area, Karachi", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "Sindh"
    assert main(["--db", dbfile, "suppliers", "update", "PK-0001", "--region", "Punjab", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "Punjab"
    assert main(["--db", dbfile, "suppliers", "update", "PK-0001", "--address", "Lahore", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "Punjab"
    db = open_workspace(dbfile)
    d = record_assessment(db, AssessmentInput("PK-0001", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    db.dispose()
    assert main(["--db", dbfile, "assessments", "show", str(d.id), "--json"]) == 0
    finding = json.loads(capsys.readouterr().out)["findings"][0]
    assert "Rs 40,000" in finding["legal_requirement"] and finding["law_reference_id"]


def test_report_risk_json_and_png_from_the_demo(capsys, tmp_path):
    """report risk --json gives countries, categories and cells with the documented keys, from the demo data, and
    -o draws the PNG; a country note shows in the report."""
    db = str(tmp_path / "cli.sqlite3")
    assert main(["--db", db, "demo", "--suppliers", "12", "--findings-per-assessment", "6", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "report", "risk-note", "CN", "Peak season overtime in Q4"]) == 0
    capsys.readouterr()
    png = tmp_path / "risk.png"
    code, out, err = run(capsys, "--db", db, "report", "risk", "--json", "-o", str(png))
    report = json.loads(out)
    assert code == 0, err
    assert report["countries"] and report["categories"][0] == "management"
    cell = report["cells"][0]
    assert set(cell) >= {"country", "category", "assessments", "share", "weighted"}
    assert 0 <= cell["weighted"] <= cell["share"] <= 1
    assert len(report["cells"]) == len(report["countries"]) * len(report["categories"])
    assert report["notes"] == {"China": "Peak season overtime in Q4"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = run(capsys, "--db", db, "report", "risk", "-o", str(tmp_path / "risk.pdf"))
    assert code == 2 and "PNG" in err
