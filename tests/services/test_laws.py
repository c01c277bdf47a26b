"""The law library: starter data on first start and on upgrade, editing, review, and the Excel import's refusals."""
import json
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.services import laws
from csrdesk.services.laws import LawInput


def _by_key(db):
    return {e.builtin_key: e for e in laws.list_laws(db) if e.builtin_key}


def test_starter_data_loads_on_first_start(db):
    """A new workspace has the built-in references of the nine main sourcing countries, each with its source,
    link and checked date; loading again changes nothing."""
    entries = laws.list_laws(db)
    starter = json.loads(paths.resource("laws", "starter.json").read_text(encoding="utf-8"))["entries"]
    assert len(entries) == len(starter) >= 100
    assert {e.country for e in entries} >= {"China", "Bangladesh", "India", "Vietnam", "Cambodia", "Indonesia",
                                            "Pakistan", "Türkiye", "Mexico"}
    assert all(e.source and e.link and e.checked and e.builtin for e in entries)
    shanghai = next(e for e in entries if e.region == "Shanghai" and e.topic == "minimum wage")
    assert (shanghai.value, shanghai.unit, shanghai.effective) == (2740, "CNY/month", date(2025, 7, 1))
    assert laws.ensure_law_library(db) is False


def _upgrade_with(monkeypatch, tmp_path, change):
    """Points the app at a newer starter file, changed by `change`, as an upgrade of csrdesk would."""
    folder = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), folder)
    path = folder / "laws" / "starter.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["entries"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(paths, "resources_dir", lambda: folder)


def test_upgrade_updates_untouched_entries_and_leaves_the_users_alone(db, monkeypatch, tmp_path):
    """A newer starter file updates the entries the user did not touch and adds new ones; an entry the user
    edited keeps the edit, and one the user deleted does not come back."""
    before = _by_key(db)
    edited, deleted, untouched = before["cn-overtime-limit-1995-01-01"], before["tr-maternity-2003-06-10"], \
        before["vn-annual-leave-2021-01-01"]
    laws.save_law(db, LawInput(country="China", topic="overtime limit", requirement="My own wording",
                               value=36, unit="hours/month", effective=edited.effective, source=edited.source),
                  edited.id)
    laws.delete_law(db, deleted.id)

    def change(entries):
        for e in entries:
            if e["key"] in ("cn-overtime-limit-1995-01-01", "tr-maternity-2003-06-10", "vn-annual-leave-2021-01-01"):
                e["notes"] = "Reviewed again."
        entries.append({**entries[0], "key": "cn-shanghai-minimum-wage-2026-07-01", "value": 2800,
                        "effective": "2026-07-01"})

    _upgrade_with(monkeypatch, tmp_path, change)
    assert laws.ensure_law_library(db) is True
    after = _by_key(db)
    assert after["cn-overtime-limit-1995-01-01"].requirement == "My own wording"
    assert after["cn-overtime-limit-1995-01-01"].user_edited
    assert "tr-maternity-2003-06-10" not in after
    assert after["vn-annual-leave-2021-01-01"].notes == "Reviewed again."
    assert after["cn-shanghai-minimum-wage-2026-07-01"].value == 2800
    assert len(after) == len(before) + 1 - 1


def test_saving_an_entry_unchanged_does_not_mark_it_edited(db):
    """Opening a built-in entry and saving it as it is keeps it upgradable."""
    e = _by_key(db)["bd-rest-days"]
    laws.save_law(db, LawInput(country=e.country, topic=e.topic, requirement=e.requirement, region=e.region,
                               value=e.value, unit=e.unit, currency=e.currency, effective=e.effective,
                               source=e.source, link=e.link, checked=e.checked, notes=e.notes), e.id)
    assert not laws.get_law(db, e.id).user_edited


def test_validation_and_duplicates(db):
    """A reference needs country, topic and requirement; a second entry for the same country, region, topic and
    effective date is refused."""
    with pytest.raises(UserError, match="needs its country"):
        laws.save_law(db, LawInput(country=" ", topic="minimum wage", requirement="x"))
    with pytest.raises(UserError, match="requirement"):
        laws.save_law(db, LawInput(country="China", topic="minimum wage", requirement=""))
    with pytest.raises(UserError, match="already an entry for China - Shanghai, minimum wage from 2025-07-01"):
        laws.save_law(db, LawInput(country="CN", region="shanghai", topic="Minimum wage", requirement="x",
                                   effective=date(2025, 7, 1)))
    added = laws.save_law(db, LawInput(country="China", region="Jiangsu - Suzhou", topic="minimum wage",
                                       requirement="Pay at least the Suzhou minimum.", value=2490, unit="CNY/month",
                                       currency="cny", source="Jiangsu notice"))
    assert added.entry.currency == "CNY" and not added.entry.builtin


def test_stale_entries_listed_for_review(db):
    """Entries not checked for 12 months are listed, oldest check first; marking one checked takes it off."""
    old = laws.save_law(db, LawInput(country="China", region="Zhejiang", topic="minimum wage",
                                     requirement="Pay at least the Zhejiang minimum.", checked=date(2024, 5, 1))).entry
    never = laws.save_law(db, LawInput(country="India", region="Haryana", topic="minimum wage",
                                       requirement="Pay at least the Haryana minimum.")).entry
    stale = laws.stale_laws(db, today=date(2026, 12, 2))
    assert [e.id for e in stale] == [never.id, old.id]
    assert [e.id for e in laws.stale_laws(db, today=date(2027, 12, 2))][:2] == [never.id, old.id]
    assert len(laws.stale_laws(db, today=date(2027, 12, 2))) == len(laws.list_laws(db))
    laws.mark_checked(db, [old.id], on=date(2026, 12, 2))
    assert [e.id for e in laws.stale_laws(db, today=date(2026, 12, 2))] == [never.id]


# ---------------------------------------------------------------------------------------------------------------
# Excel


def _export(db, tmp_path, country="Vietnam"):
    path = tmp_path / "laws.xlsx"
    laws.export_laws(db, path, country=country, today=date(2026, 12, 2))
    return path


def _edit(path, edit):
    book = load_workbook(path)
    ws = book["Laws"]
    headers = {c.value: c.column for c in ws[1]}
    edit(ws, headers)
    book.save(path)


def test_export_import_round_trip_changes_nothing(db, tmp_path):
    """An exported workbook, imported unchanged, adds and changes nothing; its cells are text and real numbers."""
    path = _export(db, tmp_path)
    book = load_workbook(path)
    ws = book["Laws"]
    assert [c.value for c in ws[1]][:5] == ["ID", "Country", "Region", "Topic", "Requirement"]
    assert "verify" in book["Read me"]["A2"].value
    region_one = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[2] == "Region I")
    assert region_one[5] == 5310000 and region_one[8].date() == date(2026, 1, 1)
    preview = laws.preview_laws_import(db, path)
    assert (preview.added, preview.updated, preview.unchanged) == (0, 0, 13)


def test_import_adds_and_updates_after_a_backup(db, tmp_path):
    """A new row is added, an edited figure updates its entry (marked as the user's), with a backup first."""
    path = _export(db, tmp_path)

    def edit(ws, h):
        for row in ws.iter_rows(min_row=2):
            if row[h["Region"] - 1].value == "Region II":
                row[h["Value"] - 1].value = 4800000
        r = ws.max_row + 1
        for name, value in (("Country", "Vietnam"), ("Region", "Region I"), ("Topic", "minimum wage"),
                            ("Requirement", "=Pay at least the 2027 Region I minimum."), ("Value", "5,600,000"),
                            ("Unit", "VND/month"), ("Effective from", "01/01/2027"), ("Last checked", "2026-12-01"),
                            ("Legal source (act, section)", "Decree (test)")):
            ws.cell(r, h[name], value)

    _edit(path, edit)
    preview = laws.preview_laws_import(db, path)
    assert (preview.added, preview.updated) == (1, 1)
    changed = next(r for r in preview.rows if r.action == "update")
    assert changed.changes == (("value", "4730000", "4800000"),)
    result = laws.apply_laws_import(db, path)
    assert result.applied and result.backup is not None and result.backup.exists()
    vn = laws.list_laws(db, country="Vietnam", topic="minimum wage")
    newest = next(e for e in vn if e.effective == date(2027, 1, 1))
    assert newest.value == 5600000 and newest.requirement.startswith("=Pay") and newest.checked == date(2026, 12, 1)
    assert next(e for e in vn if e.region == "Region II").user_edited


@pytest.mark.parametrize("edit, message", [
    (lambda ws, h: ws.cell(3, h["Value"], "about 5 million"), "row 3: the value 'about 5 million' is not a number"),
    (lambda ws, h: ws.cell(4, h["Effective from"], "31/31/2026"), "row 4: the effective date '31/31/2026' is not a date"),
    (lambda ws, h: setattr(ws.cell(5, h["Requirement"]), "value", None), "row 5: the requirement is empty"),
    (lambda ws, h: ws.cell(2, h["ID"], 99999), "row 2: there is no law reference 99999"),
    (lambda ws, h: ws.cell(3, h["ID"], ws.cell(2, h["ID"]).value), "rows 2 and 3 both set entry"),
    (lambda ws, h: ws.cell(2, h["ID"], "abc"), "row 2: the ID 'abc' is not a number"),
])
def test_import_refusals_change_nothing(db, tmp_path, edit, message):
    """A workbook with one wrong row is refused whole, naming the row, and the library stays as it was (even the
    rows that were right are not imported); no backup is taken."""
    path = _export(db, tmp_path)

    def both(ws, h):
        ws.cell(ws.max_row, h["Value"], 1)  # a good change in the same file, which must not be applied either
        edit(ws, h)

    _edit(path, both)
    before = laws.list_laws(db)
    with pytest.raises(UserError, match="nothing was changed") as refused:
        laws.apply_laws_import(db, path)
    assert message in str(refused.value)
    assert laws.list_laws(db) == before
    assert not list(paths.backups_dir().glob("*laws-import*"))


def test_files_that_are_no_law_workbook_are_refused(db, tmp_path):
    """A damaged file, a workbook without the columns, and a text file pretending to be xlsx are refused in one
    line with nothing changed."""
    before = laws.list_laws(db)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    other = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Supplier", "Finding"])
    wb.active.append(["CN-0001", "No fire drill"])
    wb.save(other)
    for path in (broken, other, tmp_path / "missing.xlsx"):
        with pytest.raises(UserError):
            laws.apply_laws_import(db, path)
    assert laws.list_laws(db) == before
