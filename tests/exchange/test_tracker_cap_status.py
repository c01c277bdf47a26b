"""A returned tracker moves its CAP along: a sent CAP becomes "response received" and can be reviewed at once;
a CAP still in draft takes the answers with a warning and stays a draft."""
from __future__ import annotations

import json
from datetime import date

import pytest

from csrdesk.cli import main
from csrdesk.services.caps import cap_detail, change_cap_status, item_detail
from csrdesk.errors import UserError
from csrdesk.services.history import history_for
from csrdesk.services.review import review_cap
from csrdesk.services.trackers import NEVER_SENT_NOTE, apply_tracker_import, export_tracker, preview_tracker_import
from tracker_support import FactoryEdit, dump, item_ids, make_cap

OLD_KEYS = {"cap_id", "supplier", "changes", "conflicts", "problems", "notes", "applied", "backup"}


def _answered(path, ids, target):
    """The factory answers every item's root cause, preventive action and project leader."""
    f = FactoryEdit(path)
    for n, item_id in enumerate(ids):
        f.set(item_id, "root_cause", f"No procedure assigned anyone to check this before shipment (item {n}).")
        f.set(item_id, "preventive_action", f"Written procedure with a named owner and a monthly audit (item {n}).")
        f.set(item_id, "project_leader", "Wang Fang, HR manager")
    return f.save(target)


def test_applying_answers_to_a_sent_cap_marks_its_response_received(db, supplier, tmp_path):
    """Apply moves a sent CAP to response received in the same import, recorded as "tracker import"; the
    preview says it will, and the CAP can then be reviewed without setting its status by hand."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    returned = _answered(export_tracker(db, cap_id, tmp_path / "tracker.xlsx"), ids, tmp_path / "returned.xlsx")

    preview = preview_tracker_import(db, returned)
    assert preview.cap_status == "sent"
    assert any("response received" in n for n in preview.notes)
    assert cap_detail(db, cap_id).status == "sent"  # the preview changed nothing

    result = apply_tracker_import(db, returned)
    assert result.cap_status == "response received" and result.cap_status_changed
    assert cap_detail(db, cap_id).status == "response received"
    moves = [h for h in history_for(db, "cap", cap_id) if h.field == "status"]
    assert (moves[0].old, moves[0].new, moves[0].source) == ("sent", "response received", "tracker import")
    assert item_detail(db, ids[0]).row.root_cause.startswith("No procedure assigned")

    back = review_cap(db, cap_id, approve=False, comments={ids[0]: "Name who checks the exits each day."})
    assert back.cap.status == "sent"


def test_a_returned_tracker_without_answers_leaves_the_cap_sent(db, supplier, tmp_path):
    """A tracker sent back untouched changes nothing, the CAP's status included."""
    cap_id = make_cap(db)
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    result = apply_tracker_import(db, path)
    assert result.applied == () and result.cap_status == "sent" and not result.cap_status_changed
    assert cap_detail(db, cap_id).status == "sent"


def test_a_cap_past_response_received_keeps_its_status(db, supplier, tmp_path):
    """Answers to a CAP already under review are applied without moving the CAP anywhere."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    change_cap_status(db, cap_id, "response received")
    change_cap_status(db, cap_id, "under review")
    result = apply_tracker_import(db, _answered(path, ids, tmp_path / "returned.xlsx"))
    assert result.applied and result.cap_status == "under review"
    assert cap_detail(db, cap_id).status == "under review"


def test_a_draft_caps_tracker_is_applied_with_a_warning_and_the_cap_stays_a_draft(db, supplier, tmp_path):
    """A tracker exported from a draft CAP: the preview warns it was never sent; apply is allowed and says so."""
    cap_id = make_cap(db, sent=False)
    ids = item_ids(db, cap_id)
    returned = _answered(export_tracker(db, cap_id, tmp_path / "tracker.xlsx"), ids, tmp_path / "returned.xlsx")

    preview = preview_tracker_import(db, returned)
    assert preview.problems == () and preview.cap_status == "draft"
    assert preview.notes[0] == NEVER_SENT_NOTE
    assert "this cap was never sent; its tracker was exported from a draft" in preview.notes[0].lower()

    result = apply_tracker_import(db, returned)
    assert len(result.applied) == 3 * len(ids) and result.cap_status == "draft"
    assert cap_detail(db, cap_id).status == "draft"
    assert item_detail(db, ids[1]).row.project_leader == "Wang Fang, HR manager"


def test_cli_import_json_gives_the_cap_status_and_keeps_every_key(db, supplier, tmp_path, capsys):
    """`tracker import --json` adds cap_status (now, and after --apply) to its keys; the text output says the move."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    returned = _answered(export_tracker(db, cap_id, tmp_path / "tracker.xlsx"), ids, tmp_path / "returned.xlsx")
    before = dump(db)
    assert main(["--db", db.url, "tracker", "import", str(returned), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == OLD_KEYS | {"cap_status"} and out["cap_status"] == "sent" and out["applied"] is False
    assert dump(db) == before

    assert main(["--db", db.url, "tracker", "import", str(returned), "--apply", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == OLD_KEYS | {"cap_status"}
    assert out["applied"] is True and out["cap_status"] == "response received"

    code = main(["--db", db.url, "caps", "review", str(cap_id), "--approve"])
    err = capsys.readouterr().err
    assert "only a CAP whose response came back" not in err, err
    assert code in (0, 2)


def test_cli_import_text_names_the_draft_and_the_status_move(db, supplier, tmp_path, capsys):
    """Without --json the draft warning is printed as a note and an applied sent CAP's new status is named."""
    draft = make_cap(db, sent=False)
    returned = _answered(export_tracker(db, draft, tmp_path / "draft.xlsx"), item_ids(db, draft),
                         tmp_path / "draft-returned.xlsx")
    assert main(["--db", db.url, "tracker", "import", str(returned), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "never sent" in out and "is now" not in out

    sent = make_cap(db, on=date(2026, 2, 10))  # a second assessment of the supplier, its CAP sent
    returned = _answered(export_tracker(db, sent, tmp_path / "sent.xlsx"), item_ids(db, sent),
                         tmp_path / "sent-returned.xlsx")
    assert main(["--db", db.url, "tracker", "import", str(returned), "--apply"]) == 0
    assert f"CAP #{sent} is now response received (was sent)" in capsys.readouterr().out


def test_a_refused_status_move_leaves_the_answers_unapplied_too(db, supplier, tmp_path, monkeypatch):
    """The status move and the answers are one transaction: when the move is refused nothing is saved."""
    import csrdesk.services.caps as caps

    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    returned = _answered(export_tracker(db, cap_id, tmp_path / "tracker.xlsx"), ids, tmp_path / "returned.xlsx")
    before = item_detail(db, ids[0]).row.root_cause

    def refuse(*_args, **_kwargs):
        raise UserError("CAP refused for the test.")

    monkeypatch.setattr(caps, "move_cap_status", refuse)
    with pytest.raises(UserError):
        apply_tracker_import(db, returned)
    assert item_detail(db, ids[0]).row.root_cause == before and cap_detail(db, cap_id).status == "sent"
