"""The brand's master tracker: every supplier with its rating and CAP progress, and every open CAP item.

Written with openpyxl's write-only mode: rows stream to the file, so 52,000 items take little memory and about the
time openpyxl itself needs for the same cells. Styling is limited to what costs nothing per cell: header cells,
column widths, frozen header, filters, a conditional format for overdue rows and print set-up.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import safe_cell, safe_row

ITEM_HEADERS = (
    ("Supplier code", 14), ("Supplier", 30), ("Country", 12), ("Rating", 17), ("CAP", 7), ("CAP status", 15),
    ("Item ID", 9), ("Category", 26), ("Severity", 13), ("Finding", 50), ("Due date", 11), ("Status", 17),
    ("Days overdue", 13), ("Project leader", 18), ("Planned date", 13),
)
SUPPLIER_HEADERS = (
    ("Supplier code", 14), ("Supplier", 32), ("Local name", 22), ("Country", 12), ("Status", 16),
    ("Last assessment", 16), ("Rating", 17), ("Score", 8), ("Open CAPs", 11), ("CAP items", 11), ("Open items", 11),
    ("Overdue items", 14), ("Progress %", 12), ("Sourcing owner", 20), ("Production", 13), ("Follow-up due", 14),
)
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center")  # one line: write-only rows keep their height
TITLE_FONT = Font(name="Calibri", size=14, bold=True, color="1F3864")
OVERDUE_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
RATING_FILLS = {
    "Zero Tolerance": "FFC7CE", "Denied": "FFC7CE", "Unsatisfactory": "FCE4D6", "Needs Improvement": "FFF2CC",
    "Satisfactory": "E2EFDA",
}
PROGRESS_EVERY = 2000
PAPER_A4 = 9  # the OOXML paper size code of A4


def _sheet(wb: Workbook, title: str, heading: str, headers: Sequence[tuple[str, float]]):
    ws = wb.create_sheet(title)
    for i, (_name, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    ws.oddFooter.center.text = "&P / &N"
    ws.append([safe_cell(ws, heading, font=TITLE_FONT)])
    ws.append([safe_cell(ws, name, font=HEAD_FONT, fill=HEAD_FILL, alignment=HEAD_ALIGN) for name, _ in headers])
    return ws


def _finish(ws, headers: Sequence, last_row: int) -> None:
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A2:{last}{max(last_row, 2)}"


def write_master(path: Path, suppliers: Sequence, items: Iterable[Sequence], total_items: int, today: date,
                 step: Optional[Callable[[int, int, str], None]] = None) -> Path:
    """Writes the master tracker to path (atomically). suppliers are SupplierProgress rows; items 15-cell rows."""
    path = Path(path)
    wb = Workbook(write_only=True)
    try:
        return _write(wb, path, suppliers, items, total_items, today, step)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """Closes the streams of an abandoned write-only workbook and removes its temporary files."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
            ws._writer.cleanup()  # openpyxl keeps each streamed sheet in a temporary file until saved
        except Exception:
            pass


def _write(wb: Workbook, path: Path, suppliers: Sequence, items: Iterable[Sequence], total_items: int, today: date,
           step: Optional[Callable[[int, int, str], None]]) -> Path:
    stamp = today.isoformat()

    sup_ws = _sheet(wb, "Suppliers", f"Suppliers: rating and CAP progress, {stamp}", SUPPLIER_HEADERS)
    row = 2
    for sp in suppliers:
        cells = safe_row(sup_ws, (
            sp.code, sp.name, sp.local_name, sp.country, sp.status, sp.last_assessment, sp.rating, sp.score,
            sp.open_caps, sp.items, sp.open_items, sp.overdue_items or None, sp.progress, sp.sourcing_owner,
            sp.production, sp.follow_up_due,
        ))
        fill = RATING_FILLS.get(sp.rating)
        if fill:
            cells[6] = safe_cell(sup_ws, sp.rating, fill=PatternFill("solid", fgColor=fill))
        if sp.production != "allowed":
            cells[14] = safe_cell(sup_ws, sp.production, fill=PatternFill("solid", fgColor=RATING_FILLS["Zero Tolerance"]))
        sup_ws.append(cells)
        row += 1
    _finish(sup_ws, SUPPLIER_HEADERS, row)
    overdue_col = get_column_letter(12)
    sup_ws.conditional_formatting.add(
        f"{overdue_col}3:{overdue_col}{max(row, 3)}",
        FormulaRule(formula=[f"${overdue_col}3>0"], fill=OVERDUE_FILL, font=Font(color="9C0006")),
    )

    items_ws = _sheet(wb, "Open items", f"Open CAP items of all suppliers, {stamp}", ITEM_HEADERS)
    row = 2
    append = items_ws.append
    for values in items:
        append(safe_row(items_ws, values))
        row += 1
        if step is not None and (row - 2) % PROGRESS_EVERY == 0:
            step(row - 2, total_items, "Writing the master tracker")
    _finish(items_ws, ITEM_HEADERS, row)
    late = get_column_letter(13)
    items_ws.conditional_formatting.add(
        f"A3:{get_column_letter(len(ITEM_HEADERS))}{max(row, 3)}",
        FormulaRule(formula=[f"${late}3>0"], fill=OVERDUE_FILL, font=Font(color="9C0006")),
    )
    # Date columns are formatted by openpyxl as yyyy-mm-dd as it writes each date.
    if step is not None:
        step(total_items, total_items, "Saving the master tracker")

    return write_atomically(path, wb.save)
