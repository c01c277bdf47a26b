"""Report figures as an Excel workbook: one sheet per section with the chart's figures and the tables behind it.

Every text goes in through safe_cells (a supplier name or a category that starts with '=' stays text); numbers stay
numbers so the reader can chart them again.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from csrdesk.domain.reporting import Section, Table
from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import write_text

TITLE_FONT = Font(name="Calibri", size=14, bold=True, color="1F3864")
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", " ", title)[:28].strip() or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _write_table(ws, row: int, table: Table) -> int:
    write_text(ws, row, 1, table.title, font=Font(bold=True, size=11))
    row += 1
    for col, head in enumerate(table.header, start=1):
        write_text(ws, row, col, head, font=HEAD_FONT, fill=HEAD_FILL)
    for values in table.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            write_text(ws, row, col, value)
    return row + 2


def chart_table(section: Section) -> Table:
    """The figures a section's chart draws, as a table (labels down, one column per series)."""
    chart = section.chart
    assert chart is not None
    header = ("",) + tuple(name for name, _v in chart.series)
    rows = tuple((label,) + tuple(values[i] for _n, values in chart.series) for i, label in enumerate(chart.labels))
    return Table(f"Chart: {chart.title}", header, rows)


def write_sections_xlsx(path: Path, title: str, lines: Sequence[str], sections: Sequence[Section],
                        empty_message: str = "") -> Path:
    """Writes a summary sheet (title, period, every section's sentences) and one sheet per section."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.column_dimensions["A"].width = 110
    write_text(ws, 1, 1, title, font=TITLE_FONT)
    row = 2
    for line in lines:
        write_text(ws, row, 1, line, font=Font(italic=True, color="555555"))
        row += 1
    row += 1
    if empty_message:
        write_text(ws, row, 1, empty_message)
    used = {"summary"}
    for sec in sections:
        write_text(ws, row, 1, sec.title, font=Font(bold=True, size=11))
        row += 1
        for sentence in sec.sentences:
            write_text(ws, row, 1, sentence)
            row += 1
        row += 1
        sheet = wb.create_sheet(_sheet_name(sec.title, used))
        sheet.column_dimensions["A"].width = 44
        for letter in "BCDEFGHI":
            sheet.column_dimensions[letter].width = 16
        write_text(sheet, 1, 1, sec.title, font=TITLE_FONT)
        r = 3
        if sec.chart is not None and not sec.chart.empty:
            r = _write_table(sheet, r, chart_table(sec))
        for table in sec.tables:
            r = _write_table(sheet, r, table)
    return write_atomically(path, wb.save)
