"""The command line end to end: JSON keys scripts rely on, exit codes, one-line errors."""
import json
from datetime import date

import pytest

from csrdesk.cli import main


@pytest.fixture
def dbfile(tmp_path):
    return str(tmp_path / "cli.sqlite3")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assessed_workspace(dbfile: str):
    """BD-0001 Dhaka Knit Ltd with a periodic assessment of two findings (a major and a minor): its detail."""
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    db = open_workspace(dbfile)
    create_supplier(db, SupplierInput(name="Dhaka Knit Ltd", code="BD-0001", country="Bangladesh"))
    d = record_assessment(db, AssessmentInput("BD-0001", date(2026, 2, 2), "periodic", findings=[
        FindingInput("No fire drill in 12 months", "major", category="health-safety"),
        FindingInput("Payslips not given", "minor", category="wages")]))
    db.dispose()
    return d


def test_supplier_add_list_show_json(capsys, dbfile):
    """suppliers add/list/show print the documented keys."""
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "add", "Saigon Stitch Co.", "--code", "VN-0007",
                         "--country", "Vietnam", "--local-name", "Công ty May Sài Gòn")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 1
    assert set(rows[0]) >= {"code", "name", "country", "status", "rating", "score", "open_items", "overdue_items", "progress"}
    assert rows[0]["rating"] is None and rows[0]["progress"] is None and rows[0]["code"] == "VN-0007"
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "show", "VN-0007", "--json")
    shown = json.loads(out)
    assert shown["assessments"] == [] and shown["caps"] == [] and shown["name"] == "Saigon Stitch Co."


def test_assessment_and_cap_json(capsys, dbfile):
    """After recording an assessment, assessments show and caps show print rating, reasons, findings and items."""
    d = assessed_workspace(dbfile)
    code, out, err = run(capsys, "--db", dbfile, "assessments", "show", str(d.id), "--json")
    a = json.loads(out)
    assert code == 0, err
    assert a["rating"] == "Needs Improvement" and a["score"] == 9 and a["supplier"] == "BD-0001"
    assert a["type"] == "periodic" and a["date"] == "2026-02-02" and a["reasons"]
    assert {"id", "category", "title", "severity", "points", "repeat"} <= set(a["findings"][0])
    code, out, _ = run(capsys, "--db", dbfile, "caps", "show", str(a["cap_id"]), "--json")
    cap = json.loads(out)
    assert cap["status"] == "draft" and cap["supplier"] == "BD-0001" and len(cap["items"]) == 2
    assert {"id", "finding", "category", "severity", "due_date", "status", "root_cause", "preventive_action",
            "project_leader", "planned_date"} <= set(cap["items"][0])
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "show", "BD-0001", "--json")
    shown = json.loads(out)
    assert shown["assessments"][0]["rating"] == "Needs Improvement"
    assert shown["caps"][0]["items"] == 2 and shown["caps"][0]["open_items"] == 2


def test_user_error_exits_2_with_one_line(capsys, dbfile):
    """A user error prints one line on stderr, no traceback, and exits 2."""
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "show", "NOPE", "--json")
    assert code == 2 and out == ""
    assert err.startswith("csrdesk: ") and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run(capsys, "--db", dbfile, "caps", "status", "1", "teleported")
    assert code == 2 and ("Unknown CAP status" in err or "No CAP" in err)


def test_bad_arguments_exit_2(capsys, dbfile):
    """A malformed date is a user error too."""
    with pytest.raises(SystemExit) as exc:
        main(["--db", dbfile, "assessments", "import", "-", "--supplier", "X", "--date", "01/02/2026",
              "--type", "periodic", "--denied"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_newer_database_refused_from_cli(capsys, dbfile):
    """A database from a newer csrdesk gives a one-line refusal and exit 2."""
    import sqlite3

    run(capsys, "--db", dbfile, "suppliers", "list")
    con = sqlite3.connect(dbfile)
    con.execute("UPDATE alembic_version SET version_num='0099_future'")
    con.commit()
    con.close()
    code, _, err = run(capsys, "--db", dbfile, "suppliers", "list")
    assert code == 2 and "newer version of csrdesk" in err


def test_backup_command(capsys, dbfile, tmp_path):
    """csrdesk backup writes a usable copy of the database."""
    import sqlite3

    run(capsys, "--db", dbfile, "suppliers", "add", "Backup Test Factory")
    target = tmp_path / "copy.sqlite3"
    code, out, err = run(capsys, "--db", dbfile, "backup", str(target), "--json")
    assert code == 0, err
    assert json.loads(out)["backup"] == str(target)
    con = sqlite3.connect(target)
    assert con.execute("select name from suppliers").fetchall() == [("Backup Test Factory",)]
    con.close()


def test_csrdesk_db_environment_variable(capsys, tmp_path, monkeypatch):
    """CSRDESK_DB selects the database when --db is not given."""
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("CSRDESK_DB", str(path))
    assert run(capsys, "suppliers", "add", "Env Factory")[0] == 0
    assert path.exists()


def test_backup_retention_setting_prunes_old_backups(tmp_path):
    """Automatic backups beyond the retention set in Settings are removed, newest kept."""
    import time

    from csrdesk import paths
    from csrdesk.services.backup import backup_database
    from csrdesk.services.settings import load_preferences, save_preferences
    from csrdesk.services.startup import open_workspace

    db = open_workspace(str(tmp_path / "r.sqlite3"))
    prefs = load_preferences(db)
    prefs.backup_retention = 2
    save_preferences(db, prefs)
    made = []
    for i in range(4):
        made.append(backup_database(db, reason=f"test{i}"))
        time.sleep(0.01)
    left = sorted(p.name for p in paths.backups_dir().glob("*.sqlite3"))
    assert len(left) == 2 and made[-1].name in left
    db.dispose()


def test_suppliers_add_cleans_the_country_and_refuses_duplicates(capsys, dbfile):
    """'Viet Nam' is stored as Vietnam with a VN- code; the same factory twice is refused unless --allow-duplicate."""
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "add", "Golden Thread Garments", "--country", "VIET NAM", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert added["country"] == "Vietnam" and added["code"].startswith("VN-")
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "add", "Golden Thread Garments Co., Ltd.", "--country", "Vietnam")
    assert code == 2 and "looks like the same supplier" in err and added["code"] in err
    code, _, err = run(capsys, "--db", dbfile, "suppliers", "add", "Golden Thread Garments", "--country", "Vietnam",
                       "--allow-duplicate")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "add", "Narnia Knits", "--country", "Narnia", "--json")
    assert json.loads(out)["code"].startswith("SU-")


def test_suppliers_contact_makes_email_drafts_possible(capsys, dbfile):
    """A compliance contact added from the command line is the one CAP e-mails go to."""
    run(capsys, "--db", dbfile, "suppliers", "add", "Dhaka Knit Ltd", "--code", "BD-0009", "--country", "Bangladesh")
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "contact", "BD-0009", "--name", "Rahim Uddin",
                         "--email", "rahim@example.bd", "--json")
    assert code == 0, err
    contacts = json.loads(out)["contacts"]
    assert [(c["role"], c["email"]) for c in contacts] == [("compliance contact", "rahim@example.bd")]
    code, _, err = run(capsys, "--db", dbfile, "suppliers", "contact", "BD-0009", "--email", "not-an-address")
    assert code == 2 and "not an e-mail" in err


def test_backup_does_not_overwrite_without_force(capsys, dbfile, tmp_path):
    """An existing file is not replaced by a backup unless --force is given; a missing folder is named."""
    run(capsys, "--db", dbfile, "suppliers", "list")
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    code, _, err = run(capsys, "--db", dbfile, "backup", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "keep me"
    assert run(capsys, "--db", dbfile, "backup", str(target), "--force")[0] == 0
    code, _, err = run(capsys, "--db", dbfile, "backup", str(tmp_path / "nope" / "x.sqlite3"))
    assert code == 2 and "does not exist" in err


def test_status_names_with_underscores(capsys, dbfile):
    """action_planned, ACTION-PLANNED and 'action planned' name the same status."""
    from csrdesk.domain.lifecycle import status_words

    assert status_words("ACTION_planned") == status_words("Action-Planned") == "action planned"


def test_caps_list_gives_the_numbers_the_other_caps_commands_take(capsys, dbfile):
    """caps list: every CAP with its number, supplier, status and open items, filtered by supplier or status (there
    was no way to find a CAP's number from the command line but reading it out of `caps items`)."""
    d = assessed_workspace(dbfile)
    code, out, err = run(capsys, "--db", dbfile, "caps", "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["id"], r["supplier"], r["status"], r["items"], r["open_items"]) for r in rows] == [
        (d.cap_id, "BD-0001", "draft", 2, 2)]
    assert rows[0]["supplier_name"] == "Dhaka Knit Ltd" and rows[0]["assessment_date"] == "2026-02-02"
    code, out, _ = run(capsys, "--db", dbfile, "caps", "list", "--status", "sent", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "--db", dbfile, "caps", "list", "--supplier", "bd-0001")
    assert code == 0 and f"{d.cap_id}" in out and "Dhaka Knit Ltd" in out and "1 CAP" in out
    code, out, err = run(capsys, "--db", dbfile, "caps", "list", "--status", "snet")  # a typo is said, not empty
    assert code != 0 and "no CAP status 'snet'" in err and "response received" in err
