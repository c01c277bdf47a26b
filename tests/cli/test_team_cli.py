"""The command line in a team: a change someone else made between the command's read and its save is refused
with one line and exit 2, never silently undone."""
from dataclasses import replace

from csrdesk.cli import main


def test_supplier_update_crossed_by_another_person_exits_2(capsys, tmp_path, monkeypatch):
    """`suppliers update` reads the supplier, someone else saves a note on it, then the command saves: refused
    with exit 2 and one line naming the other person; their note stays."""
    from csrdesk.services import suppliers
    from csrdesk.services.startup import open_workspace

    dbfile = str(tmp_path / "cli.sqlite3")
    assert main(["--db", dbfile, "suppliers", "add", "Karachi Denim", "--code", "PK-0001", "--country",
                 "Pakistan"]) == 0
    capsys.readouterr()
    colleague = open_workspace(dbfile)
    colleague.person = "Ayşe Demir"
    real_detail = suppliers.supplier_detail
    crossed = []

    def read_then_colleague_saves(db, code, today=None):
        seen = real_detail(db, code, today)
        if crossed:
            return seen
        crossed.append(True)
        theirs = suppliers.supplier_input_from_detail(real_detail(colleague, code))
        suppliers.update_supplier(colleague, code, replace(theirs, notes="Visit booked for May."))
        return seen

    monkeypatch.setattr(suppliers, "supplier_detail", read_then_colleague_saves)
    code = main(["--db", dbfile, "suppliers", "update", "PK-0001", "--name", "Karachi Denim Mills"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "changed by someone else" in err and "Ayşe Demir changed the notes" in err
    monkeypatch.setattr(suppliers, "supplier_detail", real_detail)
    after = real_detail(colleague, "PK-0001")
    assert (after.row.name, after.notes) == ("Karachi Denim", "Visit booked for May.")
    colleague.dispose()


def test_team_name_goes_into_every_change_record(capsys, tmp_path):
    """`csrdesk team name "Li Na"` is kept on this computer (not in the shared database) and every change made
    afterwards names her in the history; clearing it falls back to the name in Settings."""
    import json

    from csrdesk.services.history import history_for
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.team import display_name

    dbfile = str(tmp_path / "cli.sqlite3")
    assert main(["--db", dbfile, "team", "name", "Li  Na", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"display_name": "Li Na"} and display_name() == "Li Na"
    assert main(["--db", dbfile, "suppliers", "add", "Karachi Denim", "--code", "PK-0001", "--country",
                 "Pakistan"]) == 0
    assert main(["--db", dbfile, "settings", "set", "user_name", "Maria Lopez"]) == 0
    assert main(["--db", dbfile, "team", "name", ""]) == 0
    assert main(["--db", dbfile, "suppliers", "update", "PK-0001", "--name", "Karachi Denim Mills"]) == 0
    capsys.readouterr()
    db = open_workspace(dbfile)
    try:
        sup_id = next(h.entity_id for h in history_for(db, "supplier", 1))
        users = [(h.field, h.user) for h in reversed(history_for(db, "supplier", sup_id))]
    finally:
        db.dispose()
    assert users == [("status", "Li Na"), ("name", "Maria Lopez")]
