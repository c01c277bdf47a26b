"""The law library as an Excel workbook: written for people to review and edit, read back behind the guards.

Writing: one row per law reference on the "Laws" sheet, every text through the safe-cell helpers (a requirement
that starts with "=" stays text), figures and dates as real numbers and dates, and a "Read me" sheet that says
the built-in entries must be verified before anyone relies on them. The file is written whole or not at all.

Reading: the workbook is opened by exchange.tables (exchange.files.open_untrusted_xlsx underneath: size checks,
read-only, nothing evaluated); a row with a missing or wrong value refuses the whole file with one line naming the
row. This module knows the file format only; services.laws compares what it read with the library.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from csrdesk.domain.laws import TOPICS, VERIFY_NOTE, LawEntry, LawInput, is_stale
from csrdesk.errors import UserError
from csrdesk.exchange.dates import DateOrder, parse_date_text
from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import write_text
from csrdesk.exchange.tables import parse_number, read_table

SHEET = "Laws"
# (field, heading, width): the order of the columns written; reading finds them by heading, in any order.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("id", "ID", 7),
    ("country", "Country", 13),
    ("region", "Region", 22),
    ("topic", "Topic", 16),
    ("requirement", "Requirement", 60),
    ("value", "Value", 11),
    ("unit", "Unit", 13),
    ("currency", "Currency", 9),
    ("effective", "Effective from", 13),
    ("source", "Legal source (act, section)", 45),
    ("link", "Link", 30),
    ("checked", "Last checked", 13),
    ("notes", "Notes", 45),
    ("builtin", "Built-in", 9),
)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "no", "number", "law id"),
    "country": ("country",),
    "region": ("region", "province", "state", "district", "area"),
    "topic": ("topic", "legal topic"),
    "requirement": ("requirement", "legal requirement", "requirement in plain words"),
    "value": ("value", "figure", "amount"),
    "unit": ("unit",),
    "currency": ("currency",),
    "effective": ("effective from", "effective", "effective date", "in force from"),
    "source": ("legal source (act, section)", "legal source", "source", "act and section"),
    "link": ("link", "url"),
    "checked": ("last checked", "checked", "checked on", "date checked"),
    "notes": ("notes", "note", "comments"),
}
WRAPPED = ("requirement", "source", "notes")
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
STALE_FILL = PatternFill("solid", fgColor="FFF4CE")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def write_laws_workbook(path: Path, entries: Sequence[LawEntry], *, today: date) -> Path:
    """Writes the entries as a workbook at path (atomically) and returns path."""
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    for col, (_name, heading, width) in enumerate(COLUMNS, start=1):
        write_text(ws, 1, col, heading, font=Font(bold=True), fill=HEADER_FILL, alignment=WRAP)
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    for r, e in enumerate(entries, start=2):
        values = {
            "id": e.id, "country": e.country, "region": e.region, "topic": e.topic, "requirement": e.requirement,
            "value": e.value, "unit": e.unit, "currency": e.currency, "effective": e.effective, "source": e.source,
            "link": e.link, "checked": e.checked, "notes": e.notes, "builtin": "yes" if e.builtin else "",
        }
        stale = is_stale(e, today)
        # Spreadsheet programs do not grow a row to its wrapped text on their own: a row is as tall as its
        # longest wrapped cell, by a rough count of the lines at the column's width.
        lines = max(-(-len(str(values[name] or "")) // max(1, int(width * 1.1))) for name, _h, width in COLUMNS
                    if name in WRAPPED)
        ws.row_dimensions[r].height = 15 * max(1, lines)
        for col, (name, _heading, _width) in enumerate(COLUMNS, start=1):
            value = values[name]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cell = write_text(ws, r, col, value, alignment=WRAP if name in WRAPPED else TOP)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if name == "checked" and stale:
                cell.fill = STALE_FILL
    ws.freeze_panes = "C2"
    # Printed, the sheet is one page wide in landscape, so a reviewer reads each requirement beside its source.
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(COLUMNS)).column_letter}{max(1, len(entries) + 1)}"
    notes = book.create_sheet("Read me")
    lines = [
        "Country law references exported from csrdesk",
        VERIFY_NOTE,
        "",
        "Edit rows on the Laws sheet and import the file again (csrdesk laws import FILE, or Library > Country laws "
        "> Import). A row with an ID updates that entry; a row without one is added (or updates the entry with the "
        "same country, region, topic and effective date). Rows left out are not deleted.",
        "Region: empty for the whole country; from the larger area to the smaller, separated by ' - ' "
        "(West Java - Bekasi Regency).",
        "Topics the finding library uses: " + ", ".join(TOPICS) + ".",
        "Dates as YYYY-MM-DD. 'Last checked' is the day someone last compared the entry with the law; entries not "
        "checked for 12 months are shaded and listed for review.",
        f"Exported on {today.isoformat()}.",
    ]
    notes.column_dimensions["A"].width = 110
    for r, line in enumerate(lines, start=1):
        write_text(notes, r, 1, line, alignment=Alignment(wrap_text=True, vertical="top"),
                   font=Font(bold=r <= 2))
    return write_atomically(path, book.save)


# ---------------------------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class LawSheetRow:
    """One row as typed in the sheet: its row number, the ID it names (if any) and the entry's values."""

    number: int
    law_id: Optional[int]
    law_input: LawInput


@dataclass(frozen=True)
class LawSheet:
    """A law library workbook as read back: its rows and notes on how they were read."""

    path: Path
    sha256: str
    rows: tuple[LawSheetRow, ...]
    notes: tuple[str, ...]


def _refuse(problem: str) -> UserError:
    return UserError(f"Law references not imported, nothing was changed: {problem}")


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _number(text: str) -> Optional[float]:
    text = text.replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if _THOUSANDS.match(text):  # 2,740 is two thousand seven hundred and forty, never 2.74
        text = text.replace(",", "")
    value = parse_number(text.rstrip("%"))
    if value is None:
        raise ValueError(text)
    return value


def read_laws_workbook(path: Path) -> LawSheet:
    """Reads a law-reference workbook (or CSV); raises UserError naming the first wrong row, changing nothing."""
    path = Path(path)
    table = read_table(path, ALIASES, required_any=("requirement",), what="law reference table",
                       multiline=("requirement", "notes"))
    missing = [name for name in ("country", "topic") if not table.has(name)]
    if missing:
        raise _refuse(f"{path.name} has no {' or '.join(missing)} column.")
    order = DateOrder()
    order.learn(row.get(name) for row in table.rows for name in ("effective", "checked"))
    rows: list[LawSheetRow] = []
    notes: list[str] = []
    for row in table.rows:
        where = f"row {row.number}"
        law_id = None
        id_text = row.get("id").strip()
        if id_text:
            if not re.fullmatch(r"\d+(\.0+)?", id_text):
                raise _refuse(f"{where}: the ID {id_text!r} is not a number (leave it empty for a new entry).")
            law_id = int(float(id_text))
        for name in ("country", "topic", "requirement"):
            if not row.get(name).strip():
                raise _refuse(f"{where}: the {name} is empty.")
        try:
            value = _number(row.get("value"))
        except ValueError:
            raise _refuse(f"{where}: the value {row.get('value')!r} is not a number.") from None
        days = {}
        for name, label in (("effective", "effective date"), ("checked", "checked date")):
            try:
                day, note = parse_date_text(row.get(name), order)
            except (ValueError, OverflowError):
                raise _refuse(f"{where}: the {label} {row.get(name)!r} is not a date.") from None
            if note:
                notes.append(f"{where}: {note}")
            days[name] = day
        rows.append(LawSheetRow(row.number, law_id, LawInput(
            country=row.get("country"), topic=row.get("topic"), requirement=row.get("requirement"),
            region=row.get("region"), value=value, unit=row.get("unit"), currency=row.get("currency"),
            effective=days["effective"], source=row.get("source"), link=row.get("link"), checked=days["checked"],
            notes=row.get("notes"),
        )))
    if not rows:
        raise _refuse(f"{path.name} has no law references below its header.")
    return LawSheet(path, hashlib.sha256(path.read_bytes()).hexdigest(), tuple(rows), tuple(notes))
