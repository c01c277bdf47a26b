"""The country law library: the built-in starter entries, browsing and editing, review of stale entries, the legal
requirement a new finding gets, Excel import and export, and the open findings a changed figure leaves behind."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from csrdesk import paths
from csrdesk.domain.countries import normalise_country
from csrdesk.domain.laws import (
    CitingFinding, Fill, LawEntry, LawInput, Superseded, entry_from_json, entry_hash, fill_requirement, is_stale,
    normalise_region, normalise_topic, superseded_citations,
)
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.errors import NotFound, UserError
from csrdesk.services.backup import before_bulk_change
from csrdesk.services.builtin_data import load_when_changed
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, CapItem, Finding, LawReference, Setting, Supplier

STARTER_FILE = ("laws", "starter.json")
STARTER_HASH = "laws_starter_hash"
STARTER_OFFERED = "laws_starter_keys"  # every built-in key ever loaded: one missing from the table was deleted
OPEN_ITEM_STATUSES = tuple(s.value for s in ItemStatus if s.is_open)
_COMPARED = ("country", "region", "topic", "requirement", "value", "unit", "currency", "effective", "source", "link",
             "checked", "notes")
LIMITS = {"country": 80, "region": 200, "topic": 80, "unit": 40, "currency": 10}


@dataclass(frozen=True)
class OutdatedCitation:
    """An open finding whose legal requirement cites a figure that a change of the law library made out of date."""

    finding_id: int
    assessment_id: int
    supplier_code: str
    supplier_name: str
    title: str
    status: str  # the CAP item's
    cites: str   # the old entry: country, region, topic and figure
    now: str     # what applies now, '' when nothing does
    reason: str


@dataclass(frozen=True)
class LawChange:
    """A saved (or deleted) entry and the open findings that still cite the old figure."""

    entry: Optional[LawEntry]
    outdated: tuple[OutdatedCitation, ...]


# ---------------------------------------------------------------------------------------------------------------
# rows and plain data


def to_entry(r: LawReference) -> LawEntry:
    return LawEntry(
        id=r.id, country=r.country, region=r.region or "", topic=r.topic, requirement=r.requirement,
        value=r.value, unit=r.unit or "", currency=r.currency or "", effective=r.effective, source=r.source or "",
        link=r.link or "", checked=r.last_checked, notes=r.notes or "", builtin_key=r.builtin_key,
        user_edited=bool(r.user_edited), version=int(r.row_version or 1),
    )


def _assign(row: LawReference, e: LawEntry) -> None:
    row.country, row.region, row.topic, row.requirement = e.country, e.region, e.topic, e.requirement
    row.value, row.unit, row.currency, row.effective = e.value, e.unit, e.currency, e.effective
    row.source, row.link, row.last_checked, row.notes = e.source, e.link, e.checked, e.notes


def all_entries(s: Session) -> list[LawEntry]:
    return [to_entry(r) for r in s.scalars(select(LawReference))]


def _sort_key(e: LawEntry):
    return (e.country.casefold(), e.topic, e.region.casefold(), e.effective or date.min)


# ---------------------------------------------------------------------------------------------------------------
# the built-in starter entries


def read_starter() -> list[LawEntry]:
    data = json.loads(paths.resource(*STARTER_FILE).read_text(encoding="utf-8"))
    return [entry_from_json(raw) for raw in data["entries"]]


def starter_note() -> str:
    data = json.loads(paths.resource(*STARTER_FILE).read_text(encoding="utf-8"))
    return str(data.get("note", ""))


def ensure_law_library(db: Database) -> bool:
    """Loads the built-in law references on first start and after an upgrade; returns True when anything loaded.

    A built-in entry the user has edited is left as it is; one the user deleted is not brought back; the others
    take the new version. Cheap when the starter file did not change (one hash compare).
    """
    raw = paths.resource(*STARTER_FILE).read_bytes()

    def load(s: Session) -> bool:
        entries = [entry_from_json(e) for e in json.loads(raw.decode("utf-8"))["entries"]]
        offered_row = s.get(Setting, STARTER_OFFERED)
        offered = set(offered_row.value or []) if offered_row is not None else set()
        rows = {r.builtin_key: r for r in s.scalars(select(LawReference).where(LawReference.builtin_key.is_not(None)))}
        for e in entries:
            fingerprint = entry_hash(e)
            row = rows.get(e.builtin_key)
            if row is None:
                if e.builtin_key in offered:
                    continue  # the user deleted it
                row = LawReference(builtin_key=e.builtin_key, user_edited=False)
                _assign(row, e)
                row.builtin_hash = fingerprint
                s.add(row)
            elif not row.user_edited and row.builtin_hash != fingerprint:
                _assign(row, e)
                row.builtin_hash = fingerprint
        offered |= {e.builtin_key for e in entries}
        if offered_row is None:
            s.add(Setting(key=STARTER_OFFERED, value=sorted(offered)))
        else:
            offered_row.value = sorted(offered)
        return True

    return load_when_changed(db, STARTER_HASH, hashlib.sha256(raw).hexdigest(), load)


# ---------------------------------------------------------------------------------------------------------------
# browsing, editing, reviewing


def list_laws(db: Database, country: Optional[str] = None, topic: Optional[str] = None) -> list[LawEntry]:
    with db.reading() as s:
        q = select(LawReference)
        if country:
            q = q.where(LawReference.country == normalise_country(country))
        if topic:
            q = q.where(LawReference.topic == normalise_topic(topic))
        return sorted((to_entry(r) for r in s.scalars(q)), key=_sort_key)


def get_law(db: Database, law_id: int) -> LawEntry:
    with db.reading() as s:
        row = s.get(LawReference, law_id)
        if row is None:
            raise NotFound(f"No law reference {law_id}.")
        return to_entry(row)


def stale_laws(db: Database, today: Optional[date] = None) -> list[LawEntry]:
    """The entries nobody checked in the last 12 months (or ever), oldest check first: the review list."""
    today = today or date.today()
    with db.reading() as s:
        stale = [e for e in (to_entry(r) for r in s.scalars(select(LawReference))) if is_stale(e, today)]
    return sorted(stale, key=lambda e: (e.checked or date.min, *_sort_key(e)))


def law_countries(db: Database) -> list[str]:
    with db.reading() as s:
        return sorted({c for c in s.scalars(select(LawReference.country).distinct()) if c}, key=str.casefold)


def validate_law(data: LawInput) -> LawEntry:
    """The entry a user's input makes, cleaned; raises UserError saying what is missing or wrong."""
    country = normalise_country(data.country)
    topic = normalise_topic(data.topic)
    requirement = (data.requirement or "").strip()
    if not country:
        raise UserError("A law reference needs its country.")
    if not topic:
        raise UserError("A law reference needs its legal topic (minimum wage, overtime limit...).")
    if not requirement:
        raise UserError("A law reference needs the requirement in plain words.")
    value = data.value
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserError(f"The figure {value!r} is not a number.")
        value = float(value)
    entry = LawEntry(
        id=None, country=country, region=normalise_region(data.region), topic=topic, requirement=requirement,
        value=value, unit=" ".join((data.unit or "").split()), currency=(data.currency or "").strip().upper(),
        effective=data.effective, source=(data.source or "").strip(), link=(data.link or "").strip(),
        checked=data.checked, notes=(data.notes or "").strip(),
    )
    for name, limit in LIMITS.items():
        if len(getattr(entry, name)) > limit:
            raise UserError(f"The {name} is longer than {limit} characters.")
    if entry.checked and entry.checked > date.today():
        raise UserError("The checked date is in the future.")
    return entry


def _differs(a: LawEntry, b: LawEntry) -> bool:
    return any(getattr(a, name) != getattr(b, name) for name in _COMPARED)


def _same_slot(a: LawEntry, b: LawEntry) -> bool:
    return (a.country == b.country and a.topic == b.topic and a.effective == b.effective
            and a.region.casefold() == b.region.casefold())


def _slot_words(e: LawEntry) -> str:
    where = f"{e.country}{' - ' + e.region if e.region else ''}"
    since = f" from {e.effective.isoformat()}" if e.effective else " with no effective date"
    return f"{where}, {e.topic}{since}"


def save_law(db: Database, data: LawInput, law_id: Optional[int] = None, *,
             today: Optional[date] = None, seen_version: Optional[int] = None) -> LawChange:
    """Adds an entry (law_id None) or saves an edit; says which open findings now cite an out-of-date figure. With
    seen_version (the version the editor showed), an entry someone else saved since is refused (ConcurrentEdit)."""
    entry = validate_law(data)
    with db.transaction() as s:
        before = all_entries(s)
        if law_id is None:
            row = LawReference(user_edited=False)
            s.add(row)
        else:
            row = s.get(LawReference, law_id)
            if row is None:
                raise NotFound(f"No law reference {law_id}.")
            check_version(s, row, seen_version, "law_reference", f"The law reference {law_id}")
        clash = next((e for e in before if e.id != law_id and _same_slot(e, entry)), None)
        if clash is not None:
            raise UserError(f"There is already an entry for {_slot_words(clash)} (number {clash.id}); edit that one.")
        old = to_entry(row) if law_id is not None else None
        if row.builtin_key is not None and _differs(to_entry(row), entry):
            row.user_edited = True  # an upgrade of the starter data leaves it alone from now on
        _assign(row, entry)
        s.flush()
        for name in _COMPARED:  # who changed what, for the history and for a colleague's refused save
            before_value = getattr(old, name) if old is not None else None
            if before_value != getattr(entry, name) and (old is not None or getattr(entry, name) not in (None, "")):
                record_change(s, "law_reference", row.id, name, before_value, getattr(entry, name))
        saved = to_entry(row)
        outdated = _outdated(s, before, all_entries(s), today)
    return LawChange(saved, outdated)


def delete_law(db: Database, law_id: int, *, today: Optional[date] = None) -> LawChange:
    """Deletes an entry (a built-in one does not come back with an upgrade); findings keep their text."""
    with db.transaction() as s:
        row = s.get(LawReference, law_id)
        if row is None:
            raise NotFound(f"No law reference {law_id}.")
        before = all_entries(s)
        outdated = _outdated(s, before, [e for e in before if e.id != law_id], today)
        s.execute(update(Finding).where(Finding.law_reference_id == law_id).values(law_reference_id=None))
        s.delete(row)
    return LawChange(None, outdated)


def mark_checked(db: Database, law_ids: Iterable[int], on: Optional[date] = None) -> int:
    """Records that someone checked these entries against the law today (they leave the review list)."""
    on = on or date.today()
    ids = list(law_ids)
    with db.transaction() as s:
        rows = list(s.scalars(select(LawReference).where(LawReference.id.in_(ids)))) if ids else []
        for row in rows:
            row.last_checked = on
        return len(rows)


# ---------------------------------------------------------------------------------------------------------------
# findings and the law


@dataclass(frozen=True)
class SupplierLaws:
    """What the assessment editor needs to fill legal requirements for one supplier without asking again."""

    supplier_code: str
    country: str
    region: str
    entries: tuple[LawEntry, ...]

    def fill(self, topic: Optional[str], on: Optional[date] = None) -> Optional[Fill]:
        return fill_requirement(self.entries, self.country, self.region, topic, on)


def supplier_laws(db: Database, supplier_code: str) -> SupplierLaws:
    with db.reading() as s:
        supplier = s.scalar(select(Supplier).where(Supplier.code == (supplier_code or "").strip()))
        if supplier is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        country = normalise_country(supplier.country)
        rows = s.scalars(select(LawReference).where(LawReference.country == country)) if country else []
        return SupplierLaws(supplier.code, country, supplier.region or "", tuple(to_entry(r) for r in rows))


def fill_for_supplier(s: Session, supplier: Supplier, topic: Optional[str], on: date) -> Optional[Fill]:
    """The legal requirement a new finding of a type with this topic gets at this supplier (None: none known)."""
    country = normalise_country(supplier.country)
    if not topic or not country:
        return None
    rows = s.scalars(select(LawReference).where(LawReference.country == country))
    return fill_requirement([to_entry(r) for r in rows], country, supplier.region or "", topic, on)


def _citing(s: Session) -> list[CitingFinding]:
    rows = s.execute(
        select(Finding.id, Finding.law_reference_id, Supplier.country, Supplier.region, LawReference.topic,
               Assessment.date)
        .join(Assessment, Assessment.id == Finding.assessment_id)
        .join(Supplier, Supplier.id == Assessment.supplier_id)
        .join(LawReference, LawReference.id == Finding.law_reference_id)
        .join(CapItem, CapItem.finding_id == Finding.id)
        .where(Finding.law_reference_id.is_not(None), CapItem.status.in_(OPEN_ITEM_STATUSES))
    ).all()
    return [CitingFinding(fid, lid, country or "", region or "", topic, on) for fid, lid, country, region, topic, on
            in rows]


def _describe(e: Optional[LawEntry]) -> str:
    if e is None:
        return ""
    figure = e.figure()
    return (f"{e.country}{' - ' + e.region if e.region else ''}, {e.topic}"
            + (f": {figure}" if figure else "") + (f" from {e.effective.isoformat()}" if e.effective else ""))


def _outdated(s: Session, before: Sequence[LawEntry], after: Sequence[LawEntry],
              today: Optional[date]) -> tuple[OutdatedCitation, ...]:
    found: list[Superseded] = superseded_citations(_citing(s), before, after, today)
    if not found:
        return ()
    ids = [f.finding_id for f in found]
    facts = {
        fid: (aid, code, name, title, status)
        for fid, aid, code, name, title, status in s.execute(
            select(Finding.id, Assessment.id, Supplier.code, Supplier.name, Finding.title, CapItem.status)
            .join(Assessment, Assessment.id == Finding.assessment_id)
            .join(Supplier, Supplier.id == Assessment.supplier_id)
            .join(CapItem, CapItem.finding_id == Finding.id)
            .where(Finding.id.in_(ids))
        )
    }
    out = []
    for f in found:
        aid, code, name, title, status = facts[f.finding_id]
        out.append(OutdatedCitation(f.finding_id, aid, code, name, title, status, _describe(f.old), _describe(f.new),
                                    f.reason))
    return tuple(sorted(out, key=lambda o: (o.supplier_code, o.assessment_id, o.finding_id)))


# ---------------------------------------------------------------------------------------------------------------
# Excel out and in


def export_laws(db: Database, path: Path | str, *, country: Optional[str] = None,
                today: Optional[date] = None) -> Path:
    """Writes the law library (or one country's part) as an Excel workbook to edit and import again."""
    from csrdesk.exchange.laws_sheet import write_laws_workbook

    return write_laws_workbook(Path(path), list_laws(db, country=country), today=today or date.today())


@dataclass(frozen=True)
class LawRowPlan:
    """What importing one row of the sheet does: add an entry, update one, or nothing (it is the same)."""

    row: int
    action: str  # 'add', 'update', 'same'
    law_id: Optional[int]
    entry: LawEntry
    changes: tuple[tuple[str, str, str], ...]  # (field, old, new) for an update


@dataclass(frozen=True)
class LawsImportPreview:
    """What importing a law library workbook would add, update and leave, and the citations it makes outdated."""

    file: str
    sha256: str
    rows: tuple[LawRowPlan, ...]
    outdated: tuple[OutdatedCitation, ...]
    notes: tuple[str, ...]

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r.action == "add")

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "same")


@dataclass(frozen=True)
class LawsImportResult:
    """A law library import: what was previewed, whether it was applied, and the backup made first."""

    preview: LawsImportPreview
    applied: bool
    backup: Optional[Path]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{int(value)}" if value.is_integer() else f"{value}"
    return str(value)


def _refuse(problem: str) -> UserError:
    return UserError(f"Law references not imported, nothing was changed: {problem}")


def _plan(s: Session, sheet, today: Optional[date]) -> LawsImportPreview:
    existing = {e.id: e for e in all_entries(s)}
    plans: list[LawRowPlan] = []
    taken: dict[int, int] = {}
    after: dict[int, LawEntry] = dict(existing)
    new_id = -1
    for row in sheet.rows:
        try:
            entry = validate_law(row.law_input)
        except UserError as exc:
            raise _refuse(f"row {row.number}: {exc}") from None
        target = None
        if row.law_id is not None:
            target = existing.get(row.law_id)
            if target is None:
                raise _refuse(f"row {row.number}: there is no law reference {row.law_id} in this workspace "
                              "(clear the ID to add the row as a new entry).")
        else:
            target = next((e for e in existing.values() if _same_slot(e, entry)), None)
        if target is not None:
            if target.id in taken:
                raise _refuse(f"rows {taken[target.id]} and {row.number} both set entry {target.id} "
                              f"({_slot_words(target)}).")
            taken[target.id] = row.number
            changes = tuple((name, _shown(getattr(target, name)), _shown(getattr(entry, name)))
                            for name in _COMPARED if getattr(target, name) != getattr(entry, name))
            updated = replace(entry, id=target.id, builtin_key=target.builtin_key, user_edited=target.user_edited)
            clash = next((e for i, e in after.items() if i != target.id and _same_slot(e, updated)), None)
            if clash is not None:
                raise _refuse(f"row {row.number}: there is already an entry for {_slot_words(clash)}.")
            after[target.id] = updated
            plans.append(LawRowPlan(row.number, "update" if changes else "same", target.id, updated, changes))
        else:
            clash = next((e for e in after.values() if _same_slot(e, entry)), None)
            if clash is not None:
                raise _refuse(f"row {row.number} repeats {_slot_words(entry)}.")
            added = replace(entry, id=new_id)
            after[new_id] = added
            new_id -= 1
            plans.append(LawRowPlan(row.number, "add", None, replace(entry, id=None), ()))
    outdated = _outdated(s, list(existing.values()), list(after.values()), today)
    notes = list(sheet.notes)
    from csrdesk.domain.laws import TOPICS

    unknown = sorted({p.entry.topic for p in plans if p.entry.topic not in TOPICS})
    if unknown:
        notes.append("Topics the finding library does not use (check the spelling): " + ", ".join(unknown))
    return LawsImportPreview(sheet.path.name, sheet.sha256, tuple(plans), outdated, tuple(notes))


def _read_sheet(path: Path | str):
    from csrdesk.exchange.laws_sheet import read_laws_workbook

    return read_laws_workbook(Path(path))


def preview_laws_import(db: Database, path: Path | str, *, today: Optional[date] = None) -> LawsImportPreview:
    """What importing a law-reference workbook would add and change, and which open findings would then cite an
    out-of-date figure; nothing is written. A file with any wrong row is refused whole."""
    sheet = _read_sheet(path)
    with db.reading() as s:
        return _plan(s, sheet, today)


def apply_laws_import(db: Database, path: Path | str, *, expected_sha256: Optional[str] = None,
                      today: Optional[date] = None) -> LawsImportResult:
    """Imports a law-reference workbook: all rows or none, in one transaction, after a backup of the database."""
    sheet = _read_sheet(path)
    if expected_sha256 is not None and sheet.sha256 != expected_sha256:
        raise UserError(f"{sheet.path.name} changed since it was previewed; nothing was changed. Open it again.")
    with db.reading() as s:
        preview = _plan(s, sheet, today)
    if not preview.added and not preview.updated:
        return LawsImportResult(preview, False, None)
    backup = before_bulk_change(db, "laws-import")
    with db.transaction() as s:
        preview = _plan(s, sheet, today)  # again inside the transaction: the library may have changed meanwhile
        for plan in preview.rows:
            if plan.action == "add":
                row = LawReference(user_edited=False)
                _assign(row, plan.entry)
                s.add(row)
            elif plan.action == "update":
                row = s.get(LawReference, plan.law_id)
                _assign(row, plan.entry)
                if row.builtin_key is not None and plan.changes:
                    row.user_edited = True
    return LawsImportResult(preview, True, backup)
