"""Writing outside text into Excel safely: it is always a text cell, never a formula, and never breaks the file.

Every workbook csrdesk writes goes through these helpers for any text that came from outside (factories, auditors,
users). Text starting with = + - @ (or a tab, CR or LF) is what spreadsheet programs treat as the start of a formula;
such text is written as an explicit string cell with the "quote prefix" style, so Excel and LibreOffice show it as
typed and do not turn it into a formula even when the user later edits the cell.

    ws.cell(row, col, value=text_cell_value(x))   # no: loses the string type of '=...' text
    write_text(ws, row, col, x)                    # yes, in a normal workbook
    ws.append(safe_row(ws, [a, b, c]))             # yes, in a write-only workbook
"""
from __future__ import annotations

from typing import Any, Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# The characters that make a spreadsheet program read a typed value as a formula (or a DDE call).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_TEXT = 32767  # Excel refuses longer cell text as a damaged file


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet program would take this text as a formula if it were typed or loaded loosely."""
    return bool(text) and text[0] in FORMULA_TRIGGERS


def clean_text(text: str) -> str:
    """Drops the control characters an .xlsx file cannot hold and keeps the text within Excel's cell limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def text_cell_value(value: Any) -> Any:
    """The value to put in a cell: strings cleaned; other values (numbers, dates, None) unchanged.

    A cleaned string may still start with '='; use write_text / safe_cell so that it is stored as text.
    """
    if isinstance(value, str):
        return clean_text(value)
    return value


def _force_text(cell, text: str) -> None:
    # Assigning the value first lets openpyxl bind it, then the type is forced back to a plain string.
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = True


def _fill(cell, value: Any, style: dict[str, Any]):
    """Puts an already cleaned value into a cell, formula-like text as plain text, and applies the styles."""
    if isinstance(value, str) and looks_like_formula(value):
        _force_text(cell, value)
    else:
        cell.value = value
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def write_text(ws, row: int, col: int, value: Any, **style: Any):
    """Writes value into ws at (row, col) of a normal worksheet; outside text can never become a formula.

    Keyword arguments set cell styles (font=..., alignment=..., fill=..., number_format=...). Returns the cell.
    """
    return _fill(ws.cell(row=row, column=col), text_cell_value(value), style)


def safe_cell(ws, value: Any, **style: Any) -> Any:
    """For write-only worksheets: the value as it may go into ws.append(), a WriteOnlyCell when it must be one.

    Plain values are returned as they are (cheapest for large sheets); formula-like text and styled values become a
    WriteOnlyCell stored as a string.
    """
    value = text_cell_value(value)
    risky = isinstance(value, str) and looks_like_formula(value)
    if not risky and not style:
        return value
    return _fill(WriteOnlyCell(ws), value, style)


def safe_row(ws, values: Iterable[Any]) -> list[Any]:
    """A whole row for ws.append() in a write-only worksheet, with every outside text kept as text."""
    out = []
    for value in values:
        if isinstance(value, str):
            if value and (value[0] in FORMULA_TRIGGERS or len(value) > MAX_CELL_TEXT or ILLEGAL_CHARACTERS_RE.search(value)):
                value = safe_cell(ws, value)
        out.append(value)
    return out
