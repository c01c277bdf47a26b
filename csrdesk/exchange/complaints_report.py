"""Worker complaint workbooks: the management report (counts and days taken) and the reviewed publishable list.

Neither has a column for a complainant's name or contact: the writers are handed figures and public rows only.
Every text goes in through safe_cells, so a factory name or a summary that starts with '=' stays text.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import write_text

TITLE_FONT = Font(name="Calibri", size=14, bold=True, color="1F3864")
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
WRAP = Alignment(wrap_text=True, vertical="top")
PUBLIC_HEADERS = (("Reference", 16), ("Factory", 32), ("Date received", 14), ("Status", 24), ("Filed by", 20),
                  ("Summary", 60), ("Outcome", 22))


def _heading(ws, row: int, text: str) -> int:
    write_text(ws, row, 1, text, font=TITLE_FONT)
    return row + 2


def _table(ws, row: int, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    write_text(ws, row, 1, title, font=Font(bold=True, size=11))
    row += 1
    for col, name in enumerate(headers, start=1):
        write_text(ws, row, col, name, font=HEAD_FONT, fill=HEAD_FILL)
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            write_text(ws, row, col, value)
    return row + 2


def _counts(counts: Mapping[str, int], labels: Optional[Mapping[str, str]] = None) -> list[tuple[str, int]]:
    labels = labels or {}
    return [(labels.get(k, k.replace("_", " ")), n) for k, n in counts.items()]


def write_report_xlsx(path: Path, report: Any, today: date) -> Path:
    """Writes a ComplaintReport (services.complaints) to path, atomically."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 14
    end = (report.date_to or today).isoformat()
    # "received 2026-01-01 to 2026-06-30", or "received up to 2026-12-03" for all of them (it read "received the
    # first complaint to 2026-12-03").
    period = f"{report.date_from.isoformat()} to {end}" if report.date_from else f"up to {end}"
    row = _heading(ws, 1, f"Worker complaints received {period}")
    row = _table(ws, row, "Summary", ("Figure", "Value"), [
        ("Complaints received", report.complaints),
        ("Still open", report.open),
        ("Median days to acknowledge", report.median_days_to_acknowledge),
        ("90th percentile days to acknowledge", report.p90_days_to_acknowledge),
        ("Median days to resolve", report.median_days_to_resolve),
        ("90th percentile days to resolve", report.p90_days_to_resolve),
    ])
    row = _table(ws, row, "By provision", ("Provision", "Complaints"),
                 _counts(report.by_provision, report.provision_titles))
    row = _table(ws, row, "By outcome", ("Outcome", "Complaints"), _counts(report.by_outcome))
    row = _table(ws, row, "By channel", ("Channel", "Complaints"), _counts(report.by_channel))
    row = _table(ws, row, "By retaliation risk", ("Risk", "Complaints"), _counts(report.by_retaliation_risk))
    row = _table(ws, row, "Open complaints by age", ("Age", "Complaints"), _counts(report.open_by_age))
    _table(ws, row, "By supplier", ("Supplier or factory", "Complaints"), list(report.by_supplier.items()))
    write_text(ws, ws.max_row + 2, 1, f"Made by csrdesk on {today.isoformat()}. No complainant is named.",
               font=Font(italic=True, color="666666"))
    return write_atomically(path, wb.save)


def write_public_list_xlsx(path: Path, rows: Sequence[Sequence[Any]], today: date) -> Path:
    """Writes the publishable list, each row (reference, factory, date, status, filed by, summary, outcome)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Complaints"
    for col, (_name, width) in enumerate(PUBLIC_HEADERS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    write_text(ws, 1, 1, f"Worker complaints: public overview, {today.isoformat()}", font=TITLE_FONT)
    for col, (name, _w) in enumerate(PUBLIC_HEADERS, start=1):
        write_text(ws, 2, col, name, font=HEAD_FONT, fill=HEAD_FILL)
    for r, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            cell = write_text(ws, r, col, value, alignment=WRAP)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(PUBLIC_HEADERS))}{max(2, len(rows) + 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return write_atomically(path, wb.save)
