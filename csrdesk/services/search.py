"""Search across the workspace as the user types: suppliers, findings and CAP items.

Two ways in: `search(db, text)` asks the database (one call, for the command line and scripts), and
`build_search_index(db)` reads the searchable text once so that every keystroke after that is a pass over a Python
list (SQL LIKE over 130,000 findings took one to two seconds a query; the index answers in tens of milliseconds).
The window builds the index when the search box is first used and rebuilds it after changes.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import and_, case, func, or_, select

from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.services.ratings import standings
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, ChangeRecord, ChecklistTemplate, Complaint, Finding, Supplier, VerificationVisit,
    VettingScreen,
)

KINDS = ("cap", "supplier", "verification_visit", "assessment", "vetting_screen", "complaint", "cap_item", "finding")
COMPLAINT_HITS = 5
RECORDS_PER_SUPPLIER = 3  # a supplier found brings its newest assessments and vetting screens with it
VISITS_PER_SUPPLIER = 3  # a supplier found brings its newest verification visits with it
_OPEN = tuple(s.value for s in ItemStatus if s.is_open)


@dataclass(frozen=True)
class SearchHit:
    """One result. `kind` is 'cap', 'supplier', 'verification_visit', 'assessment', 'vetting_screen', 'complaint',
    'cap_item' (a finding whose CAP item is still open) or 'finding'."""

    kind: str
    id: int  # the supplier, CAP item or finding id, by kind
    title: str
    detail: str  # a second line: supplier, status, date...
    supplier_id: int
    supplier_code: str
    assessment_id: Optional[int] = None
    cap_item_id: Optional[int] = None
    overdue: bool = False


def _words(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:6]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(columns, words):
    """Every word occurs in at least one of the columns (case-insensitive)."""
    return and_(*[or_(*[col.ilike(_like(w), escape="\\") for col in columns]) for w in words])


def _blocked(s, supplier_ids: list[int], today: date) -> set[int]:
    """The suppliers among these whose production is not allowed (a hit says so, as every list does)."""
    if not supplier_ids:
        return set()
    return {sid for sid, st in standings(s, today, supplier_ids).items() if not st.production_allowed}


def _supplier_detail(local: str, country: str, status: str, blocked: bool) -> str:
    return " · ".join(p for p in (local, country, status, "PRODUCTION NOT ALLOWED" if blocked else "") if p)


def _visit_number(text: str) -> Optional[int]:
    """The visit a search names: 'visit 12', 'V12', 'RVV 12'."""
    words = (text or "").lower().replace("-", " ").split()
    if len(words) == 2 and words[0] in ("visit", "rvv", "v") and words[1].isdigit():
        return int(words[1])
    if len(words) == 1 and words[0].startswith("v") and words[0][1:].isdigit():
        return int(words[0][1:])
    return None


def visit_hits(db: Database, text: str, supplier_ids: list[int], limit: int) -> list[SearchHit]:
    """Verification visits the search finds: the one it names ('visit 12'), and the newest of the suppliers found."""
    if limit <= 0:
        return []
    number = _visit_number(text)
    q = (select(VerificationVisit.id, VerificationVisit.visit_date, VerificationVisit.status,
                VerificationVisit.progress_category, VerificationVisit.suggested_category, Cap.id, Supplier.id,
                Supplier.code, Supplier.name)
         .join(Cap, Cap.id == VerificationVisit.cap_id).join(Supplier, Supplier.id == Cap.supplier_id))
    conditions = []
    if number is not None:
        conditions.append(VerificationVisit.id == number)
    if supplier_ids:
        conditions.append(Supplier.id.in_(supplier_ids[:20]))
    if not conditions:
        return []
    hits: list[SearchHit] = []
    per_supplier: dict[int, int] = {}
    with db.reading() as s:
        for vid, vdate, status, category, suggested, cap_id, sid, code, name in s.execute(
                q.where(or_(*conditions)).order_by(VerificationVisit.visit_date.desc(), VerificationVisit.id.desc())
                .limit(limit * VISITS_PER_SUPPLIER)):
            if vid != number and per_supplier.get(sid, 0) >= VISITS_PER_SUPPLIER:
                continue
            per_supplier[sid] = per_supplier.get(sid, 0) + 1
            chosen = category or suggested
            detail = f"{code} {name} · CAP #{cap_id} · {status}" + (f" · category {chosen}" if chosen else "")
            hits.append(SearchHit("verification_visit", vid, f"Verification visit {vid} on {vdate.isoformat()}",
                                  detail, sid, code))
    hits.sort(key=lambda h: h.id != number)
    return hits[:limit]


_CAP_NUMBER = re.compile(r"^\s*(?:cap\s*#?\s*|#\s*)?(\d{1,9})\s*$", re.IGNORECASE)


def _cap_number(text: str) -> Optional[int]:
    """The CAP a search names as letters and e-mails write it: 'CAP #140', 'cap 140', '#140', or the number alone."""
    m = _CAP_NUMBER.match(text or "")
    return int(m.group(1)) if m else None


def cap_hits(db: Database, text: str, limit: int) -> list[SearchHit]:
    """The CAP a search names by its number ('CAP #140'), with its supplier, status and items: it opens whole on the
    CAPs page."""
    number = _cap_number(text)
    if number is None or limit <= 0:
        return []
    with db.reading() as s:
        row = s.execute(
            select(Cap.id, Cap.status, Supplier.id, Supplier.code, Supplier.name, func.count(CapItem.id))
            .join(Supplier, Supplier.id == Cap.supplier_id).outerjoin(CapItem, CapItem.cap_id == Cap.id)
            .where(Cap.id == number).group_by(Cap.id, Cap.status, Supplier.id, Supplier.code, Supplier.name)
        ).first()
    if row is None:
        return []
    cap_id, status, sid, code, name, items = row
    return [SearchHit("cap", cap_id, f"CAP #{cap_id}", f"{code} {name} · {status} · "
                      f"{items} {'item' if items == 1 else 'items'}", sid, code)]


def _screen_number(text: str) -> Optional[int]:
    """The vetting screen a search names: 'screen 12'."""
    words = (text or "").lower().split()
    if len(words) == 2 and words[0] == "screen" and words[1].isdigit():
        return int(words[1])
    return None


def record_hits(db: Database, text: str, supplier_ids: list[int], limit: int) -> list[SearchHit]:
    """Assessments and vetting screens the search finds: those of the suppliers found (newest first), and those whose
    audit firm, auditor, standard, type, checklist or firm screened the words name ('SMETA', 'Bureau Veritas',
    'pre-production', 'screen 12')."""
    words = _words(text)
    if limit <= 0 or not words:
        return []
    ids = supplier_ids[:20]
    hits: list[SearchHit] = []
    per_supplier: dict[tuple[str, int], int] = {}
    with db.reading() as s:
        own = _matches([Assessment.audit_firm, Assessment.auditor, Assessment.standard, Assessment.assessment_type],
                       words)
        rows = s.execute(
            select(Assessment.id, Assessment.date, Assessment.assessment_type, Assessment.rating, Assessment.score,
                   Assessment.audit_firm, Supplier.id, Supplier.code, Supplier.name)
            .join(Supplier, Supplier.id == Assessment.supplier_id)
            .where(or_(Supplier.id.in_(ids or [-1]), own))
            .order_by(Assessment.date.desc(), Assessment.id.desc()).limit(limit * RECORDS_PER_SUPPLIER)
        ).all()
        for aid, adate, kind, rating, score, firm, sid, code, name in rows:
            if per_supplier.get(("a", sid), 0) >= RECORDS_PER_SUPPLIER:
                continue
            per_supplier[("a", sid)] = per_supplier.get(("a", sid), 0) + 1
            detail = " · ".join(p for p in (f"{code} {name}", f"{rating}, score {score}", firm) if p)
            hits.append(SearchHit("assessment", aid, f"{kind.capitalize()} assessment of {adate.isoformat()}",
                                  detail, sid, code, assessment_id=aid))
        number = _screen_number(text)
        conditions = [Supplier.id.in_(ids or [-1]),
                      _matches([VettingScreen.subject, ChecklistTemplate.title], words)]
        if number is not None:
            conditions.append(VettingScreen.id == number)
        screens = s.execute(
            select(VettingScreen.id, VettingScreen.status, VettingScreen.decision, VettingScreen.suggested_decision,
                   VettingScreen.subject, ChecklistTemplate.title, Supplier.id, Supplier.code, Supplier.name)
            .join(ChecklistTemplate, ChecklistTemplate.id == VettingScreen.template_id)
            .outerjoin(Supplier, Supplier.id == VettingScreen.supplier_id)
            .where(or_(*conditions)).order_by(VettingScreen.id.desc()).limit(limit * RECORDS_PER_SUPPLIER)
        ).all()
        for vid, status, decision, suggested, subject, template, sid, code, name in screens:
            key = ("v", sid or 0)
            if vid != number and sid is not None and per_supplier.get(key, 0) >= RECORDS_PER_SUPPLIER:
                continue
            per_supplier[key] = per_supplier.get(key, 0) + 1
            who = f"{code} {name}" if code else subject
            verdict = decision or (f"suggested: {suggested}" if suggested else "")
            detail = " · ".join(p for p in (who, status, verdict) if p)
            hits.append(SearchHit("vetting_screen", vid, f"Vetting screen {vid}: {template}", detail, sid or 0,
                                  code or ""))
    hits.sort(key=lambda h: not (h.kind == "vetting_screen" and h.id == number))
    return hits[:limit]


def complaint_hits(db: Database, text: str, limit: int) -> list[SearchHit]:
    """Worker complaints the search names: by reference ('GRV-2026-0001'), or by words of their summary or of the
    outside factory's name. Never by who complained: the sealed identity is not read, and the summary is written
    without it."""
    words = _words(text)
    if limit <= 0 or not words:
        return []
    hits: list[SearchHit] = []
    with db.reading() as s:
        rows = s.execute(
            select(Complaint.id, Complaint.reference, Complaint.received_date, Complaint.status, Complaint.factory_name,
                   Supplier.id, Supplier.code, Supplier.name)
            .outerjoin(Supplier, Supplier.id == Complaint.supplier_id)
            .where(_matches([Complaint.reference, Complaint.description, Complaint.factory_name], words))
            .order_by(Complaint.received_date.desc(), Complaint.id.desc()).limit(limit)
        ).all()
    for cid, reference, received, status, factory, sid, code, name in rows:
        who = f"{code} {name}" if code else factory
        detail = " · ".join(p for p in (who, status, f"received {received.isoformat()}") if p)
        hits.append(SearchHit("complaint", cid, f"Worker complaint {reference}", detail, sid or 0, code or ""))
    return hits


def search(db: Database, text: str, limit: int = 50, today: Optional[date] = None) -> list[SearchHit]:
    """Suppliers first (code, names, OS ID, country), then open CAP items, then other findings.

    A finding that has an open CAP item is returned once, as the CAP item; the rest as findings (newest first).
    """
    words = _words(text)
    if not words or limit <= 0:
        return []
    today = today or date.today()
    hits: list[SearchHit] = cap_hits(db, text, limit)  # 'CAP #140' names one record: it comes first
    with db.reading() as s:
        exact = (text or "").strip()
        supplier_rows = s.execute(
            select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.status)
            .where(_matches([Supplier.code, Supplier.name, Supplier.local_name, Supplier.os_id, Supplier.country],
                            words))
            .order_by(case((Supplier.code.ilike(exact), 0), (Supplier.code.ilike(_like(exact)[1:], escape="\\"), 1),
                           else_=2), Supplier.code)
            .limit(limit)
        ).all()
        blocked = _blocked(s, [r[0] for r in supplier_rows], today)
        for sid, code, name, local, country, status in supplier_rows:
            title = f"{code}  {name}"
            hits.append(SearchHit("supplier", sid, title, _supplier_detail(local, country, status, sid in blocked),
                                  sid, code))
    hits.extend(visit_hits(db, text, [h.id for h in hits], min(10, limit - len(hits))))
    hits.extend(record_hits(db, text, [h.id for h in hits if h.kind == "supplier"], min(10, limit - len(hits))))
    hits.extend(complaint_hits(db, text, min(COMPLAINT_HITS, limit - len(hits))))
    with db.reading() as s:
        remaining = limit - len(hits)
        if remaining <= 0:
            return hits[:limit]
        finding_columns = [Finding.title, Finding.description, Finding.category, Finding.violation_type,
                           CapItem.root_cause, CapItem.preventive_action, CapItem.project_leader, Supplier.code,
                           Supplier.name, Supplier.local_name, Supplier.os_id, Supplier.country]
        base = (
            select(Finding.id, Finding.title, Finding.severity, Finding.category, Assessment.id, Assessment.date,
                   Supplier.id, Supplier.code, Supplier.name, CapItem.id, CapItem.status, CapItem.due_date)
            .join(Assessment, Assessment.id == Finding.assessment_id)
            .join(Supplier, Supplier.id == Assessment.supplier_id)
            .outerjoin(CapItem, CapItem.finding_id == Finding.id)
            .where(_matches(finding_columns, words))
        )
        open_items = s.execute(
            base.where(CapItem.status.in_(_OPEN)).order_by(CapItem.due_date, CapItem.id).limit(remaining)
        ).all()
        for fid, title, severity, category, aid, adate, sid, code, sname, iid, status, due in open_items:
            overdue = due is not None and due < today
            when = f"due {due.isoformat()}" if due else "no due date"
            if overdue:
                when = f"overdue since {due.isoformat()}"
            detail = f"{code} {sname} · {status} · {when} · {severity}"
            hits.append(SearchHit("cap_item", iid, title, detail, sid, code, aid, iid, overdue))
        remaining = limit - len(hits)
        if remaining <= 0:
            return hits[:limit]
        others = s.execute(
            base.where(or_(CapItem.id.is_(None), CapItem.status.not_in(_OPEN)))
            .order_by(Assessment.date.desc(), Finding.id).limit(remaining)
        ).all()
        for fid, title, severity, category, aid, adate, sid, code, sname, iid, status, due in others:
            state = f"CAP item {status}" if status else "no CAP item"
            detail = f"{code} {sname} · assessment {adate.isoformat()} · {severity} · {state}"
            hits.append(SearchHit("finding", fid, title, detail, sid, code, aid, iid, False))
    return hits[:limit]


# -- the in-memory index the window searches as the user types ------------------------------------------------------

DESCRIPTION_CHARS = 400  # most descriptions whole (a long one by its start), without holding whole reports


@dataclass(frozen=True)
class _SupplierEntry:
    """A supplier as the search index keeps it, with the lower-case text typing is matched against."""

    id: int
    code: str
    name: str
    local_name: str
    country: str
    status: str
    text: str  # lower case: code, names, OS ID, country


class SearchIndex:
    """The lower-case searchable text of every supplier and finding, in result order: open CAP items by due date,
    then other findings newest first. Only ids and text are kept; the few hits shown are read back from the
    database, so a keystroke costs one pass over a list of strings and one small query."""

    def __init__(self, suppliers: list[_SupplierEntry], finding_ids: array, supplier_ids: array, texts: list[str],
                 open_count: int, fingerprint: Optional[tuple] = None) -> None:
        self.fingerprint = fingerprint  # search_fingerprint when the index was read (None: not checked)
        self.suppliers = suppliers
        self.finding_ids = finding_ids
        self.supplier_ids = supplier_ids
        self.texts = texts
        self.open_count = open_count  # the first open_count findings have an open CAP item

    def __len__(self) -> int:
        return len(self.suppliers) + len(self.texts)

    def match(self, text: str, limit: int = 50) -> tuple[list[_SupplierEntry], list[int]]:
        """The matching suppliers and the positions of the matching findings, both in result order."""
        words = [w.casefold() for w in _words(text)]
        if not words or limit <= 0:
            return [], []
        exact = " ".join((text or "").split()).casefold()
        suppliers = [s for s in self.suppliers if all(w in s.text for w in words)]
        suppliers.sort(key=lambda s: (0 if s.code.casefold() == exact else 1 if s.code.casefold().startswith(exact)
                                      else 2, s.code))
        suppliers = suppliers[:limit]
        room = limit - len(suppliers)
        if room <= 0:
            return suppliers, []
        # A word found in a supplier's name or code matches all of that supplier's findings. The longest word
        # (usually the rarest) is looked for over every row first; the other words only narrow its matches.
        texts, owners = self.texts, self.supplier_ids
        candidates: Optional[list[int]] = None
        for w in sorted(words, key=len, reverse=True):
            sids = {s.id for s in self.suppliers if w in s.text}
            if candidates is None:
                if sids:
                    candidates = [i for i, t in enumerate(texts) if w in t or owners[i] in sids]
                else:
                    candidates = [i for i, t in enumerate(texts) if w in t]
            elif sids:
                candidates = [i for i in candidates if w in texts[i] or owners[i] in sids]
            else:
                candidates = [i for i in candidates if w in texts[i]]
            if not candidates:
                break
        return suppliers, (candidates or [])[:room]

    def search_current(self, db: Database, text: str, limit: int = 50,
                       today: Optional[date] = None) -> Optional[list[SearchHit]]:
        """The hits for `text`, or None when the workspace changed since the index was read (by the command line,
        another window, a script): then the index is read again first."""
        if self.fingerprint is not None and search_fingerprint(db) != self.fingerprint:
            return None
        return self.search(db, text, limit, today)

    def search(self, db: Database, text: str, limit: int = 50, today: Optional[date] = None) -> list[SearchHit]:
        """The hits for `text`, as `search(db, text)` gives them, from the index."""
        today = today or date.today()
        suppliers, positions = self.match(text, limit)
        with db.reading() as session:
            blocked = _blocked(session, [s.id for s in suppliers], today)
        hits = cap_hits(db, text, limit)  # 'CAP #140' names one record: it comes first
        hits += [SearchHit("supplier", s.id, f"{s.code}  {s.name}",
                           _supplier_detail(s.local_name, s.country, s.status, s.id in blocked), s.id, s.code)
                 for s in suppliers][:max(0, limit - len(hits))]
        hits.extend(visit_hits(db, text, [s.id for s in suppliers], min(10, limit - len(hits))))
        hits.extend(record_hits(db, text, [s.id for s in suppliers], min(10, limit - len(hits))))
        hits.extend(complaint_hits(db, text, min(COMPLAINT_HITS, limit - len(hits))))
        if not positions:
            return hits
        ids = [self.finding_ids[p] for p in positions]
        with db.reading() as s:
            found = {r[0]: r for r in s.execute(
                select(Finding.id, Finding.title, Finding.severity, Assessment.id, Assessment.date, Supplier.id,
                       Supplier.code, Supplier.name, CapItem.id, CapItem.status, CapItem.due_date)
                .join(Assessment, Assessment.id == Finding.assessment_id)
                .join(Supplier, Supplier.id == Assessment.supplier_id)
                .outerjoin(CapItem, CapItem.finding_id == Finding.id)
                .where(Finding.id.in_(ids))
            )}
        for fid in ids:
            r = found.get(fid)
            if r is None:  # deleted since the index was built
                continue
            _fid, title, severity, aid, adate, sid, code, sname, iid, status, due = r
            if status in _OPEN:
                overdue = due is not None and due < today
                when = f"due {due.isoformat()}" if due else "no due date"
                if overdue:
                    when = f"overdue since {due.isoformat()}"
                hits.append(SearchHit("cap_item", iid, title, f"{code} {sname} · {status} · {when} · {severity}", sid,
                                      code, aid, iid, overdue))
            else:
                state = f"CAP item {status}" if status else "no CAP item"
                hits.append(SearchHit("finding", fid, title,
                                      f"{code} {sname} · assessment {adate.isoformat()} · {severity} · {state}",
                                      sid, code, aid, iid, False))
        return hits


INDEX_PART_FINDINGS = 25_000  # findings read per call when the window reads the index in parts


@dataclass
class SearchIndexParts:
    """The index while it is read in parts (the window reads one part per worker call, so other work is never
    kept waiting for the whole read): the suppliers, the findings read so far, and where the next part starts."""

    suppliers: list[_SupplierEntry]
    open_rows: list[tuple]
    other_rows: list[tuple]
    last_finding_id: int = 0
    done: bool = False
    fingerprint: Optional[tuple] = None


def search_fingerprint(db: Database) -> tuple:
    """What changes when a supplier or finding is added or removed or a recorded field changes (a few
    milliseconds): compared before a search, so an index read earlier is not used after a change made elsewhere."""
    with db.reading() as s:
        suppliers = tuple(s.execute(select(func.count(Supplier.id), func.max(Supplier.id))).one())
        findings = tuple(s.execute(select(func.count(Finding.id), func.max(Finding.id))).one())
        history = s.scalar(select(func.max(ChangeRecord.id)))
    return suppliers + findings + (history,)


def start_search_index(db: Database) -> SearchIndexParts:
    """The first part of the index: every supplier's searchable text."""
    fingerprint = search_fingerprint(db)
    with db.reading() as s:
        suppliers = [
            _SupplierEntry(sid, code, name, local or "", country or "", status,
                           " ".join((code, name, local or "", os_id or "", country or "")).casefold())
            for sid, code, name, local, os_id, country, status in s.execute(
                select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.os_id,
                       Supplier.country, Supplier.status).order_by(Supplier.code))
        ]
    return SearchIndexParts(suppliers, [], [], 0, fingerprint=fingerprint)


def read_search_index_part(db: Database, parts: SearchIndexParts, limit: Optional[int] = None) -> SearchIndexParts:
    """The next `limit` findings (INDEX_PART_FINDINGS; by id) into `parts`; `parts.done` once all are read."""
    limit = limit or INDEX_PART_FINDINGS
    with db.reading() as s:
        result = s.execute(
            select(Finding.id, Assessment.supplier_id, CapItem.status, CapItem.due_date, Assessment.date,
                   Finding.title, Finding.category, Finding.violation_type, Finding.description, CapItem.root_cause,
                   CapItem.preventive_action, CapItem.project_leader)
            .join(Assessment, Assessment.id == Finding.assessment_id)
            .outerjoin(CapItem, CapItem.finding_id == Finding.id)
            .where(Finding.id > parts.last_finding_id)
            .order_by(Finding.id)
            .limit(limit)
        ).all()
    open_rows, other_rows = parts.open_rows, parts.other_rows
    for fid, sid, status, due, adate, title, category, vtype, description, cause, action, leader in result:
        text = " ".join((title or "", category or "", vtype or "", (description or "")[:DESCRIPTION_CHARS],
                         cause or "", action or "", leader or "")).casefold()
        if status in _OPEN:
            open_rows.append((due is None, due or date.max, fid, sid, text))
        else:
            other_rows.append((adate, fid, sid, text))
    if result:
        parts.last_finding_id = result[-1][0]
    parts.done = len(result) < limit
    return parts


def finish_search_index(parts: SearchIndexParts) -> SearchIndex:
    """The index from its parts, in result order: open CAP items by due date, then other findings newest first."""
    open_rows, other_rows = parts.open_rows, parts.other_rows
    open_rows.sort(key=lambda e: e[:3])
    other_rows.sort(key=lambda e: (e[0], -e[1]), reverse=True)
    finding_ids = array("q", [e[2] for e in open_rows] + [e[1] for e in other_rows])
    supplier_ids = array("q", [e[3] for e in open_rows] + [e[2] for e in other_rows])
    texts = [e[4] for e in open_rows] + [e[3] for e in other_rows]
    return SearchIndex(parts.suppliers, finding_ids, supplier_ids, texts, len(open_rows), parts.fingerprint)


def build_search_index(db: Database) -> SearchIndex:
    """Reads the searchable text of the whole workspace (about a second for 130,000 findings)."""
    parts = start_search_index(db)
    while not parts.done:
        read_search_index_part(db, parts)
    return finish_search_index(parts)
