"""The shared CAP pack: what a brand hands another brand buying from the same factory so they can remediate together
(the findings, the CAP's status, the verification results).

The writer is handed a SharedPack that has no field for worker complaints, internal notes, review comments or the
brand's own actions: what is not in it cannot leak. Every text goes in through safe_cells, so a finding that starts
with '=' stays text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from csrdesk.domain.reporting import plural
from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import write_text

TITLE_FONT = Font(name="Calibri", size=14, bold=True, color="1F3864")
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class PackItem:
    """One CAP item in the shared CAP pack: the finding, its requirements, the factory's plan and its status."""

    number: int
    finding: str
    category: str
    severity: str
    repeat: bool
    legal_requirement: str
    code_requirement: str
    suggested_remediation: str
    due_date: Optional[date]
    root_cause: str
    preventive_action: str
    status: str
    verified_on: Optional[date]


@dataclass(frozen=True)
class PackVisit:
    """One verification visit in the shared CAP pack: its date, the progress category and each item's outcome."""

    visit_date: date
    progress_category: Optional[int]
    category_text: str
    progress_rate: Optional[float]
    results: tuple[tuple[int, str], ...]  # (item number, outcome)


@dataclass(frozen=True)
class SharedPack:
    """The shared CAP pack handed to another brand: the factory, the assessment, the CAP's items and visits."""

    cap_id: int
    supplier: str
    supplier_code: str
    country: str
    os_id: str
    assessment_date: date
    assessment_type: str
    audit_firm: str
    rating: str
    cap_status: str
    progress_rate: Optional[float]
    shared_by: str  # the brand handing the pack over
    brands: tuple[str, ...] = ()  # brands collaborating on the CAP
    lead: str = ""  # the brand leading it
    items: tuple[PackItem, ...] = ()
    visits: tuple[PackVisit, ...] = ()
    withheld_items: int = 0  # items kept out (they come from worker complaints)
    made_on: date = field(default_factory=date.today)


def _headers(ws, row: int, headers: tuple[tuple[str, int], ...]) -> None:
    from openpyxl.utils import get_column_letter

    for col, (name, width) in enumerate(headers, start=1):
        write_text(ws, row, col, name, font=HEAD_FONT, fill=HEAD_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width


ITEM_HEADERS = (("No.", 6), ("Finding", 44), ("Category", 18), ("Severity", 12), ("Repeat", 8),
                ("Legal requirement", 30), ("Code requirement", 30), ("Suggested remediation", 36), ("Due", 12),
                ("Root cause (factory)", 36), ("Preventive action (factory)", 40), ("Status", 16),
                ("Verified on", 12))


def write_cap_pack(path: Path | str, pack: SharedPack) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "CAP"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    write_text(ws, 1, 1, f"Shared CAP pack: {pack.supplier}", font=TITLE_FONT)
    facts = [
        ("Factory", f"{pack.supplier} ({pack.supplier_code})"), ("Country", pack.country),
        ("Open Supply Hub ID", pack.os_id), ("Assessment", f"{pack.assessment_type}, {pack.assessment_date}"),
        ("Audit firm", pack.audit_firm), ("Rating", pack.rating), ("CAP", f"{pack.cap_id}, {pack.cap_status}"),
        ("Progress", f"{pack.progress_rate:g}% of the CAP's items verified" if pack.progress_rate is not None
         else "no items"),
        ("Brands collaborating", ", ".join(pack.brands)), ("Lead brand", pack.lead), ("Shared by", pack.shared_by),
        ("Made on", pack.made_on.isoformat()),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        write_text(ws, row, 1, label, font=Font(bold=True))
        write_text(ws, row, 2, value)
    note = ("Findings, CAP status and verification results only. Worker complaints and internal notes are not "
            "part of a shared pack.")
    if pack.withheld_items:
        note += f" {plural(pack.withheld_items, 'item')} that {'comes' if pack.withheld_items == 1 else 'come'} from worker complaints {'is' if pack.withheld_items == 1 else 'are'} left out."
    write_text(ws, len(facts) + 4, 1, note, font=Font(italic=True, color="666666"))

    items = wb.create_sheet("Findings")
    _headers(items, 1, ITEM_HEADERS)
    for r, it in enumerate(pack.items, start=2):
        values = (it.number, it.finding, it.category, it.severity, "yes" if it.repeat else "", it.legal_requirement,
                  it.code_requirement, it.suggested_remediation, it.due_date, it.root_cause, it.preventive_action,
                  it.status, it.verified_on)
        for c, v in enumerate(values, start=1):
            write_text(items, r, c, v, alignment=WRAP)
    items.freeze_panes = "B2"

    visits = wb.create_sheet("Verification")
    _headers(visits, 1, (("Visit", 12), ("Progress category", 44), ("Progress rate", 14), ("Item", 8),
                         ("Outcome", 22)))
    r = 2
    for v in pack.visits:
        category = f"{v.progress_category}: {v.category_text}" if v.progress_category else ""
        rate = f"{v.progress_rate:g}%" if v.progress_rate is not None else ""
        write_text(visits, r, 1, v.visit_date)
        write_text(visits, r, 2, category, alignment=WRAP)
        write_text(visits, r, 3, rate)
        r += 1
        for number, outcome in v.results:
            write_text(visits, r, 4, number)
            write_text(visits, r, 5, outcome.replace("_", " "))
            r += 1
    return write_atomically(path, wb.save)
