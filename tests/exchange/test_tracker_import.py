"""Importing a tracker the factory sent back: changes shown first, applied all or nothing, wrong files refused."""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from csrdesk.cli import main
from csrdesk.exchange.tracker import COLUMN_INDEX, DATA_SHEET, ITEMS_SHEET
from csrdesk.exchange.tracker_import import DateOrder, parse_date_text, parse_status
from csrdesk.services.caps import cap_detail, item_detail, update_item
from csrdesk.errors import UserError
from csrdesk.services.history import history_for
from csrdesk.progress import Cancelled, Progress
from csrdesk.services.trackers import apply_tracker_import, export_tracker, preview_tracker_import
from tracker_support import SOFFICE, FactoryEdit, dump, item_ids, make_cap, soffice_convert


@pytest.fixture
def cap(db, supplier, tmp_path):
    cap_id = make_cap(db)
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    return cap_id, path, item_ids(db, cap_id)


def _backups(csrdesk_home):
    folder = csrdesk_home / "data" / "backups"
    return sorted(folder.glob("*.sqlite3")) if folder.exists() else []


def factory_answers(path, ids, target):
    """What a factory does: sorts, filters, hides and inserts rows, types dates as text, writes Chinese, a formula."""
    f = FactoryEdit(path)
    f.reorder(list(reversed(ids)))
    f.ws.insert_rows(f.row_of(ids[2]))  # a blank line in the middle
    f.set(ids[0], "root_cause", "没有根据产能制定生产计划，客户后期改单。")
    f.set(ids[0], "preventive_action", "=1+1")  # Excel turns this into a formula
    f.set(ids[0], "project_leader", "王芳 (HR manager)")
    f.set(ids[0], "planned_date", "2026年3月5日")
    f.set(ids[0], "status", "ACTION PLANNED")
    f.set(ids[1], "planned_date", "05.03.2026")
    f.set(ids[1], "evidence_notes", "Photos of the cleared exit 照片")
    f.set(ids[2], "planned_date", 46100)  # an Excel serial number typed into a General cell
    f.set(ids[3], "planned_date", datetime(2026, 4, 1))
    f.ws.row_dimensions[f.row_of(ids[3])].hidden = True
    f.ws.auto_filter.add_filter_column(COLUMN_INDEX["status"] - 1, ["open / 待整改"])
    return f.save(target)


EXPECTED = lambda ids: {  # noqa: E731
    (ids[0], "root_cause", "", "没有根据产能制定生产计划，客户后期改单。"),
    (ids[0], "preventive_action", "", "=1+1"),
    (ids[0], "project_leader", "", "王芳 (HR manager)"),
    (ids[0], "planned_date", None, date(2026, 3, 5)),
    (ids[0], "status", "open", "action planned"),
    (ids[1], "planned_date", None, date(2026, 3, 5)),
    (ids[1], "evidence_notes", "", "Photos of the cleared exit 照片"),
    (ids[2], "planned_date", None, date(2026, 3, 19)),
    (ids[3], "planned_date", None, date(2026, 4, 1)),
}


def test_round_trip_preview_then_apply(db, cap, tmp_path, csrdesk_home):
    """Preview lists exactly the factory's edits and changes nothing; apply changes exactly those fields."""
    cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    before = dump(db)
    preview = preview_tracker_import(db, returned)
    assert preview.cap_id == cap_id and preview.supplier == "CN-0001"
    assert {(c.item_id, c.field, c.old, c.new) for c in preview.changes} == EXPECTED(ids)
    assert preview.conflicts == () and preview.problems == ()
    assert dump(db) == before and _backups(csrdesk_home) == []

    result = apply_tracker_import(db, returned)
    assert {(c.item_id, c.field, c.old, c.new) for c in result.applied} == EXPECTED(ids)
    assert result.backup is not None and result.backup.exists()
    first = item_detail(db, ids[0])
    assert first.row.root_cause == "没有根据产能制定生产计划，客户后期改单。"
    assert first.row.preventive_action == "=1+1" and first.row.status == "action planned"
    assert first.row.planned_date == date(2026, 3, 5) and first.row.project_leader == "王芳 (HR manager)"
    untouched = item_detail(db, ids[1])
    assert untouched.row.status == "open" and untouched.row.root_cause == ""
    assert untouched.evidence_notes == "Photos of the cleared exit 照片"
    history = [h for i in ids for h in history_for(db, "cap_item", i) if h.source == "tracker import"]
    assert {(h.entity_id, h.field) for h in history} == {(i, f) for i, f, _o, _n in EXPECTED(ids)}
    # the same file again has nothing left to change
    assert preview_tracker_import(db, returned).empty


def test_apply_changes_nothing_but_the_answered_fields(db, cap, tmp_path):
    """Apart from the answered fields, their history rows and updated_at, the database is as it was."""
    cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    before = {i.row.id: i for i in cap_detail(db, cap_id).items}
    apply_tracker_import(db, returned)
    after = {i.row.id: i for i in cap_detail(db, cap_id).items}
    changed = {(i, f) for i, f, _o, _n in EXPECTED(ids)}
    for item_id in ids:
        for name in ("root_cause", "preventive_action", "project_leader", "planned_date", "status", "due_date",
                     "finding", "severity"):
            if (item_id, name) not in changed:
                assert getattr(before[item_id].row, name) == getattr(after[item_id].row, name), (item_id, name)
        for name in ("evidence_notes", "verification_notes", "suggested_remediation", "days_allowed"):
            if (item_id, name) not in changed:
                assert getattr(before[item_id], name) == getattr(after[item_id], name), (item_id, name)
    assert cap_detail(db, cap_id).status == "response received"  # the factory answered: ready for review


def test_conflict_when_the_app_changed_after_export(db, cap, tmp_path):
    """A field changed in the app after the export and also by the factory is a conflict with both values."""
    cap_id, path, ids = cap
    update_item(db, ids[0], root_cause="Agreed in the CAP meeting: no capacity planning")
    f = FactoryEdit(path)
    f.set(ids[0], "root_cause", "工人自愿加班")
    f.set(ids[0], "project_leader", "Mr Chen")
    returned = f.save(tmp_path / "returned.xlsx")
    preview = preview_tracker_import(db, returned)
    assert [(c.item_id, c.field, c.exported, c.current, c.returned) for c in preview.conflicts] == [
        (ids[0], "root_cause", "", "Agreed in the CAP meeting: no capacity planning", "工人自愿加班")]
    assert [(c.field, c.new) for c in preview.changes] == [("project_leader", "Mr Chen")]
    apply_tracker_import(db, returned)  # accept all: changes yes, conflicts keep the app's value
    item = item_detail(db, ids[0]).row
    assert item.root_cause == "Agreed in the CAP meeting: no capacity planning" and item.project_leader == "Mr Chen"
    apply_tracker_import(db, returned, accept={ids[0]})  # the user chose the factory's answer for this item
    assert item_detail(db, ids[0]).row.root_cause == "工人自愿加班"


def test_accept_item_by_item(db, cap, tmp_path):
    """Only the accepted items are changed; the others stay as they were."""
    cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    result = apply_tracker_import(db, returned, accept={ids[1]})
    assert {c.item_id for c in result.applied} == {ids[1]}
    assert item_detail(db, ids[0]).row.root_cause == "" and item_detail(db, ids[1]).row.planned_date == date(2026, 3, 5)
    with pytest.raises(UserError, match="not in this tracker"):
        apply_tracker_import(db, returned, accept={987654})


def _not_a_tracker(path, ids, target):
    wb = Workbook()
    wb.active["A1"] = "Item ID"
    wb.save(target)
    return target


def _truncated(path, ids, target):
    data = path.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def _corrupt_member(path, ids, target):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet2"):
                body = body[: len(body) // 3]
            dst.writestr(info, body)
    return target


def _text_file(path, ids, target):
    target.write_text("item_id,root_cause\n1,x\n", encoding="utf-8")
    return target


def _tampered_id(path, ids, target):
    f = FactoryEdit(path)
    f.set(ids[1], "item_id", ids[-1] + 1000)
    return f.save(target)


def _swapped_to_other_cap_item(path, ids, target):
    f = FactoryEdit(path)
    f.set(ids[1], "item_id", ids[-1] + 1)  # an item of the other CAP of this supplier
    return f.save(target)


def _duplicate_id(path, ids, target):
    f = FactoryEdit(path)
    f.set(ids[1], "item_id", ids[0])
    return f.save(target)


def _unknown_status(path, ids, target):
    f = FactoryEdit(path)
    f.set(ids[0], "status", "almost done")
    return f.save(target)


def _hidden_sheet_removed(path, ids, target):
    f = FactoryEdit(path)
    del f.wb[DATA_SHEET]
    return f.save(target)


def _exported_values_edited(path, ids, target):
    f = FactoryEdit(path)
    ws = f.wb[DATA_SHEET]
    for row in ws.iter_rows():
        if row[0].value == ids[0]:
            row[5].value = "verified"
    return f.save(target)


def _newer_format(path, ids, target):
    f = FactoryEdit(path)
    ws = f.wb[DATA_SHEET]
    for row in ws.iter_rows():
        if row[0].value == "format_version":
            row[1].value = 99
    return f.save(target)


def _answers_without_id(path, ids, target):
    f = FactoryEdit(path)
    row = f.ws.max_row + 1
    f.ws.cell(row, COLUMN_INDEX["root_cause"]).value = "an answer on a row of its own"
    return f.save(target)


def _bad_date(path, ids, target):
    f = FactoryEdit(path)
    f.set(ids[0], "planned_date", "next week")
    return f.save(target)


REFUSALS = [
    (_not_a_tracker, "not a csrdesk CAP tracker"),
    (_truncated, "not an Excel .xlsx file, or it is damaged"),
    (_corrupt_member, "damaged"),
    (_text_file, "not an Excel .xlsx file"),
    (_tampered_id, "not in this tracker; the IDs were changed"),
    (_swapped_to_other_cap_item, "not in this tracker; the IDs were changed"),
    (_duplicate_id, "appears twice"),
    (_unknown_status, "unknown status 'almost done'"),
    (_hidden_sheet_removed, "data sheet is missing"),
    (_exported_values_edited, "altered after export"),
    (_newer_format, "made by a newer csrdesk"),
    (_answers_without_id, "has answers but no Item ID"),
    (_bad_date, "not a date"),
]


@pytest.mark.parametrize("spoil, message", REFUSALS, ids=[f.__name__.strip("_") for f, _ in REFUSALS])
def test_refused_files_change_nothing(db, cap, tmp_path, csrdesk_home, spoil, message):
    """A wrong or damaged file is refused with a one-line message; the database is exactly as before."""
    _cap_id, path, ids = cap
    make_cap(db, findings=[("Payslips not given", "minor", "", "")], sent=False)  # another CAP of the supplier
    spoiled = spoil(path, ids, tmp_path / "spoiled.xlsx")
    before = dump(db)
    for run in (lambda: preview_tracker_import(db, spoiled), lambda: apply_tracker_import(db, spoiled)):
        with pytest.raises(UserError) as caught:
            run()
        assert message in str(caught.value) and "\n" not in str(caught.value)
    assert dump(db) == before and _backups(csrdesk_home) == []


def test_another_caps_or_suppliers_tracker_refused(db, cap, tmp_path, csrdesk_home):
    """Importing where another CAP or supplier is expected refuses the file and changes nothing."""
    cap_id, path, ids = cap
    f = FactoryEdit(path)
    f.set(ids[0], "project_leader", "Mr Chen")
    returned = f.save(tmp_path / "returned.xlsx")
    before = dump(db)
    with pytest.raises(UserError, match=f"tracker of CAP #{cap_id} .*not of CAP #{cap_id + 1}"):
        apply_tracker_import(db, returned, expected_cap_id=cap_id + 1)
    with pytest.raises(UserError, match="supplier CN-0001, not of VN-0002"):
        preview_tracker_import(db, returned, expected_supplier="VN-0002")
    assert dump(db) == before and _backups(csrdesk_home) == []


def test_tracker_from_another_workspace_refused(db, cap, tmp_path):
    """A tracker exported by another csrdesk database is refused: its check data does not match this one's key."""
    from csrdesk.services.startup import open_workspace

    _cap_id, path, _ids = cap
    other = open_workspace(str(tmp_path / "other.sqlite3"))
    try:
        before = dump(other)
        with pytest.raises(UserError, match="not exported from this csrdesk workspace"):
            preview_tracker_import(other, path)
        assert dump(other) == before
    finally:
        other.dispose()


def test_refused_status_move_is_a_problem_and_nothing_is_applied(db, cap, tmp_path, csrdesk_home):
    """'action planned' without a root cause, or 'closed' by the factory, is a problem; apply changes nothing."""
    _cap_id, path, ids = cap
    f = FactoryEdit(path)
    f.set(ids[0], "status", "已制定计划")
    f.set(ids[0], "project_leader", "Li")
    f.set(ids[1], "status", "Closed")
    f.set(ids[2], "root_cause", "No check of emergency exits")
    returned = f.save(tmp_path / "returned.xlsx")
    preview = preview_tracker_import(db, returned)
    assert len(preview.problems) == 2
    assert "root cause, preventive action" in preview.problems[0] and f"Item {ids[0]}" in preview.problems[0]
    assert "only the brand" in preview.problems[1]
    before = dump(db)
    with pytest.raises(UserError, match="nothing was changed"):
        apply_tracker_import(db, returned)
    assert dump(db) == before and _backups(csrdesk_home) == []
    apply_tracker_import(db, returned, accept={ids[2]})  # the sound answer alone can still be taken
    assert item_detail(db, ids[2]).row.root_cause == "No check of emergency exits"


def test_open_to_evidence_submitted_walks_the_lifecycle(db, cap, tmp_path):
    """A complete answer marked 'evidence submitted' moves open -> action planned -> evidence submitted."""
    _cap_id, path, ids = cap
    f = FactoryEdit(path)
    for name, value in (("root_cause", "No exit inspection"), ("preventive_action", "Daily exit check by EHS"),
                        ("project_leader", "Zhang Wei"), ("evidence_notes", "photo_exit.jpg"),
                        ("status", "evidence submitted / 已提交证据")):
        f.set(ids[1], name, value)
    apply_tracker_import(db, f.save(tmp_path / "returned.xlsx"))
    assert item_detail(db, ids[1]).row.status == "evidence submitted"
    moves = [(h.old, h.new) for h in reversed(history_for(db, "cap_item", ids[1])) if h.field == "status"]
    assert moves == [("open", "action planned"), ("action planned", "evidence submitted")]


def test_deleted_row_is_reported_and_the_rest_applies(db, cap, tmp_path):
    """A row the factory deleted is named in the notes and its item left alone; the other answers apply."""
    _cap_id, path, ids = cap
    f = FactoryEdit(path)
    f.ws.delete_rows(f.row_of(ids[3]))
    f.set(ids[0], "project_leader", "Li")
    returned = f.save(tmp_path / "returned.xlsx")
    preview = preview_tracker_import(db, returned)
    assert any(str(ids[3]) in n and "no longer in the returned file" in n for n in preview.notes)
    apply_tracker_import(db, returned)
    assert item_detail(db, ids[0]).row.project_leader == "Li"


def test_cancel_leaves_everything_as_it_was(db, cap, tmp_path):
    """Cancelling an import while it applies rolls everything back."""
    _cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    before = [item_detail(db, i).row for i in ids]
    progress = Progress()

    def cancel_on_second(done, total, message):
        if done >= 1:
            progress.cancel()

    progress._callback = cancel_on_second
    with pytest.raises(Cancelled):
        apply_tracker_import(db, returned, progress=progress)
    assert [item_detail(db, i).row for i in ids] == before


@pytest.mark.parametrize("text, expected", [
    ("2026-03-05", date(2026, 3, 5)),
    ("2026/3/5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)),
    ("2026 年 3 月 5 日", date(2026, 3, 5)),
    ("05.03.2026", date(2026, 3, 5)),
    ("5/3/2026", date(2026, 3, 5)),
    ("25/3/2026", date(2026, 3, 25)),
    ("3/25/2026", date(2026, 3, 25)),
    ("5 March 2026", date(2026, 3, 5)),
    ("Mar 5, 2026", date(2026, 3, 5)),
    ("46086", date(2026, 3, 5)),
    (46086, date(2026, 3, 5)),
    (46086.0, date(2026, 3, 5)),
    (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
    ("", None),
])
def test_dates_typed_by_hand(text, expected):
    """Dates as factories type them are understood; a slashed date with day and month both <= 12 is day first."""
    assert parse_date_text(text)[0] == expected


def test_ambiguous_dates_follow_the_file():
    """When the file's other dates are month first (3/25/2026), 5/3/2026 is read as May 3, and the note says so."""
    order = DateOrder()
    order.learn(["3/25/2026", "5/3/2026"])
    found, note = parse_date_text("5/3/2026", order)
    assert found == date(2026, 5, 3) and "month first" in note
    with pytest.raises(ValueError):
        parse_date_text("soon")
    with pytest.raises(ValueError):
        parse_date_text(12)


@pytest.mark.parametrize("text, status", [
    ("ACTION PLANNED", "action planned"), ("已制定计划", "action planned"), ("Evidence-Submitted", "evidence submitted"),
    ("action planned / 已制定计划", "action planned"), (" open ", "open"), ("待整改", "open"), ("", ""),
    ("done", None),
])
def test_statuses_in_english_and_chinese(text, status):
    """Statuses are matched whatever their case, in English or Chinese."""
    assert parse_status(text) == status


def test_cli_import_json_contract(db, cap, tmp_path, capsys):
    """`tracker import FILE --json` prints cap_id, changes and conflicts and changes nothing; --apply applies."""
    cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    before = dump(db)
    assert main(["--db", db.url, "tracker", "import", str(returned), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cap_id"] == cap_id and out["applied"] is False and out["conflicts"] == []
    assert all(set(c) == {"item_id", "field", "old", "new"} for c in out["changes"])
    assert {(c["item_id"], c["field"]) for c in out["changes"]} == {(i, f) for i, f, _o, _n in EXPECTED(ids)}
    assert {"item_id": ids[0], "field": "planned_date", "old": None, "new": "2026-03-05"} in out["changes"]
    assert dump(db) == before
    assert main(["--db", db.url, "tracker", "import", str(returned), "--apply", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["applied"] is True and len(out["changes"]) == len(EXPECTED(ids))
    assert item_detail(db, ids[0]).row.status == "action planned"


def test_cli_import_conflict_keys_and_refusal(db, cap, tmp_path, capsys):
    """Conflicts carry item_id, field, exported, current and returned; a refused file is one line, exit 2."""
    _cap_id, path, ids = cap
    update_item(db, ids[0], project_leader="Ms Zhou")
    f = FactoryEdit(path)
    f.set(ids[0], "project_leader", "Mr Chen")
    returned = f.save(tmp_path / "returned.xlsx")
    assert main(["--db", db.url, "tracker", "import", str(returned), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["conflicts"] == [{"item_id": ids[0], "field": "project_leader", "exported": "", "current": "Ms Zhou",
                                 "returned": "Mr Chen"}]
    shutil.copy(path, tmp_path / "copy.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    assert main(["--db", db.url, "tracker", "import", str(tmp_path / "broken.xlsx"), "--apply"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing was changed" in err


def _cli_json(db, capsys, *args):
    code = main(["--db", db.url, "tracker", "import", *map(str, args), "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else captured.err)


def test_cli_preview_problems_are_those_the_default_apply_hits(db, supplier, tmp_path, capsys):
    """A root cause cleared in the app after export (a conflict): the preview's problems name the refusal that
    `tracker import --apply` then gives; taking the factory's answer for that item applies it."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    update_item(db, ids[0], root_cause="Draft cause typed at the CAP meeting")
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    update_item(db, ids[0], root_cause="")  # cleared in the app after the export
    f = FactoryEdit(path)
    for name, value in (("root_cause", "No capacity planning"), ("preventive_action", "Weekly capacity review"),
                        ("project_leader", "Wang Fang (HR)"), ("status", "action planned")):
        f.set(ids[0], name, value)
    returned = f.save(tmp_path / "returned.xlsx")

    code, out = _cli_json(db, capsys, returned)
    assert code == 0 and [c["field"] for c in out["conflicts"]] == ["root_cause"]
    assert len(out["problems"]) == 1 and out["problems"][0].startswith(f"Item {ids[0]}: ")
    assert "root cause" in out["problems"][0]
    before = dump(db)
    code, err = _cli_json(db, capsys, returned, "--apply")
    assert code == 2 and out["problems"][0] in err and dump(db) == before

    preview = preview_tracker_import(db, returned)  # the dialog ticks the item, taking its conflict too
    assert preview.item_problems == {}
    apply_tracker_import(db, returned, accept={ids[0]})
    assert item_detail(db, ids[0]).row.status == "action planned"


def test_cli_preview_shows_no_problem_the_default_apply_does_not_hit(db, supplier, tmp_path, capsys):
    """The factory cleared a root cause the app has since changed (a conflict the default apply leaves alone):
    no problem is shown, and `--apply` applies; accepting the item would be refused, and the dialog says so."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    update_item(db, ids[0], root_cause="Exported cause")
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    update_item(db, ids[0], root_cause="Cause agreed later in the app")
    f = FactoryEdit(path)
    for name, value in (("root_cause", ""), ("preventive_action", "Weekly capacity review"),
                        ("project_leader", "Wang Fang (HR)"), ("status", "action planned")):
        f.set(ids[0], name, value)
    returned = f.save(tmp_path / "returned.xlsx")

    code, out = _cli_json(db, capsys, returned)
    assert code == 0 and out["problems"] == [] and [c["field"] for c in out["conflicts"]] == ["root_cause"]
    assert set(preview_tracker_import(db, returned).item_problems) == {ids[0]}
    code, out = _cli_json(db, capsys, returned, "--apply")
    assert code == 0 and out["applied"] is True
    item = item_detail(db, ids[0]).row
    assert item.status == "action planned" and item.root_cause == "Cause agreed later in the app"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.libreoffice
def test_tracker_saved_again_by_libreoffice_imports(db, cap, tmp_path):
    """A factory that edits in LibreOffice and saves as .xlsx: the file is still read, its answers found."""
    _cap_id, path, ids = cap
    returned = factory_answers(path, ids, tmp_path / "returned.xlsx")
    out = tmp_path / "lo"
    out.mkdir()
    result = soffice_convert(returned, "xlsx:Calc MS Excel 2007 XML", out, tmp_path / "lo-profile")
    assert result.returncode == 0, result.stderr
    preview = preview_tracker_import(db, out / "returned.xlsx")
    assert {(c.item_id, c.field, c.old, c.new) for c in preview.changes} == EXPECTED(ids)
    assert load_workbook(out / "returned.xlsx")[ITEMS_SHEET].protection.sheet


def test_cancel_while_reading_is_a_cancel_not_a_damaged_file(db, supplier, tmp_path):
    """Cancelling while a big tracker is read stops with Cancelled, not with a 'damaged file' message."""
    findings = [(f"Finding {n}", "minor", "", "") for n in range(450)]
    cap_id = make_cap(db, findings=findings)
    path = export_tracker(db, cap_id, tmp_path / "big.xlsx")
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        preview_tracker_import(db, path, progress=progress)


def test_file_changed_after_preview_is_not_applied(db, cap, tmp_path):
    """If the file is replaced between preview and apply, nothing the user has not seen is applied."""
    _cap_id, path, ids = cap
    f = FactoryEdit(path)
    f.set(ids[0], "project_leader", "Li")
    returned = f.save(tmp_path / "returned.xlsx")
    preview = preview_tracker_import(db, returned)
    f.set(ids[1], "project_leader", "Someone else")
    f.save(returned)
    before = dump(db)
    with pytest.raises(UserError, match="changed since it was previewed"):
        apply_tracker_import(db, returned, expected_sha256=preview.sha256)
    assert dump(db) == before


def test_overlong_project_leader_refused(db, cap, tmp_path):
    """A project leader longer than the database holds is refused with a message, not a database error."""
    _cap_id, path, ids = cap
    f = FactoryEdit(path)
    f.set(ids[0], "project_leader", "王" * 201)
    with pytest.raises(UserError, match="at most 200 characters"):
        preview_tracker_import(db, f.save(tmp_path / "returned.xlsx"))
