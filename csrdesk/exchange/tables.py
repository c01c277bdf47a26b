"""Reading tables that come from outside (CSV or XLSX) safely: encodings, delimiters, header rows and aliases.

A file from a factory, an auditor or a brand system is never trusted. Whatever it is, this module either returns
plain text cells under known column names, or refuses the file with one line saying what is wrong with it.
Nothing in a file is ever evaluated: a formula cell is read as the value Excel last showed for it, or as the
formula's own text when no value was saved.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Sequence

from csrdesk.domain.text import clean_text as clean_typed_text
from csrdesk.exchange.encodings import EncodingUnsure, decode_as, detect, known_encoding
from csrdesk.exchange.files import open_untrusted_xlsx, reading_outside_file
from csrdesk.errors import UserError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 30
CSV_DELIMITERS = (",", ";", "\t", "|")


class TableError(UserError):
    """A file that cannot be read as a table; the message names the file and the problem in one line."""


@dataclass(frozen=True)
class TableRow:
    """One data row: its number as the user sees it (the sheet row, or the record number in a CSV) and its cells."""

    number: int
    values: Mapping[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def is_blank(self) -> bool:
        return not any(v.strip() for v in self.values.values())


@dataclass
class Table:
    """A CSV or XLSX table from outside as read: its encoding, header row, the columns recognised and the rows."""

    source: str
    kind: str  # 'csv' or 'xlsx'
    encoding: Optional[str]  # for CSV: the encoding the text was read with
    delimiter: Optional[str]
    sheet: Optional[str]
    header_row: int
    columns: dict[str, str]  # field -> header text as written in the file
    ignored_columns: list[str]
    rows: list[TableRow] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.columns


# ----------------------------------------------------------------------------------------------------------------
# cleaning text


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text of a cell with stray characters removed and its spacing tidied (line breaks kept when multiline)."""
    if value is None:
        return ""
    return clean_typed_text(value if isinstance(value, str) else cell_text(value), multiline=multiline)


def parse_number(text: str) -> Optional[float]:
    """A number as a cell writes it (a decimal comma allowed); None for anything else, NaN and infinities included."""
    text = text.strip()
    if re.fullmatch(r"[+-]?\d+,\d+", text):  # a decimal comma
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a user would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def header_key(text: str) -> str:
    """A header as compared with aliases: case, width, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", clean_text(text)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.replace("_", " ").split())


def _header_candidates(text: str) -> list[str]:
    """The ways a header may name its column: as written, without a bracketed note, each language part alone."""
    full = header_key(text)
    out = [full]
    no_brackets = header_key(re.sub(r"[\(\[\uff08\u3010].*?[\)\]\uff09\u3011]", " ", text))
    out.append(no_brackets)
    ascii_part = header_key("".join(ch if ord(ch) < 128 else " " for ch in text))
    other_part = header_key("".join(ch if ord(ch) >= 128 else " " for ch in text))
    out.extend([ascii_part, other_part, header_key(re.sub(r"[\(\[\uff08\u3010].*?[\)\]\uff09\u3011]", " ",
                                                             "".join(ch if ord(ch) < 128 else " " for ch in text)))])
    seen: list[str] = []
    for c in out:
        if c and c not in seen:
            seen.append(c)
    return seen


def alias_index(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """header key -> field, from field -> aliases (the field's own name counts as an alias)."""
    index: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in (name, *names):
            index.setdefault(header_key(alias), name)
    return index


def match_headers(cells: Sequence[str], index: Mapping[str, str]) -> tuple[dict[int, str], list[str]]:
    """Column position -> field for the cells of a header row, and the headers that matched nothing."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        if not clean_text(cell):
            continue
        name = next((index[c] for c in _header_candidates(cell) if c in index), None)
        if name is None or name in taken:
            ignored.append(clean_text(cell))
            continue
        mapping[position] = name
        taken.add(name)
    return mapping, ignored


def _find_header(rows: Sequence[Sequence[str]], index: Mapping[str, str],
                 required_any: Sequence[str]) -> Optional[tuple[int, dict[int, str], list[str]]]:
    best = None
    best_score = 0
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, ignored = match_headers(cells, index)
        if not any(name in mapping.values() for name in required_any):
            continue
        score = len(mapping)
        if score > best_score:
            best, best_score = (i, mapping, ignored), score
    return best


# ----------------------------------------------------------------------------------------------------------------
# what kind of file is it


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
)


def _zip_kind(path: Path, name: str) -> str:
    """'xlsx' for a workbook; otherwise refuses the file saying what it really is."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                mimetype = z.read("mimetype")[:100].decode("ascii", "replace")
                if "spreadsheet" in mimetype:
                    raise TableError(f"{name} is an OpenDocument spreadsheet: save it as .xlsx or .csv and try again.")
                raise TableError(f"{name} is an OpenDocument file, not a spreadsheet csrdesk can read.")
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names:
                    raise TableError(f"{name} is a binary Excel workbook (.xlsb): save it as .xlsx or .csv.")
                return "xlsx"  # its size and parts are checked when it is opened (files.open_untrusted_xlsx)
            if "word/document.xml" in names:
                raise TableError(f"{name} is a Word document, not a spreadsheet.")
            if "ppt/presentation.xml" in names:
                raise TableError(f"{name} is a PowerPoint presentation, not a spreadsheet.")
            raise TableError(f"{name} is a ZIP archive, not a spreadsheet.")
    except zipfile.BadZipFile:
        raise TableError(f"{name} is damaged: it starts like an Excel file but is incomplete or corrupt.") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise TableError(f"{name} cannot be opened as a workbook ({exc}).") from None


def detect_kind(path: Path, head: bytes) -> str:
    """'xlsx' or 'csv' from the file's first bytes (never from its extension alone)."""
    name = path.name
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raise TableError(f"{name} is password-protected or encrypted: save it without a password and try again.")
        if path.suffix.lower() in (".doc", ".docx"):
            raise TableError(f"{name} is an old Word document, not a spreadsheet.")
        raise TableError(f"{name} is an old Excel 97-2003 file (.xls): save it as .xlsx or .csv and try again.")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise TableError(f"{name} is {what}, not a spreadsheet.")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        raise TableError(f"{name} is not an Excel workbook (its content is not a .xlsx file).")
    return "csv"


# ----------------------------------------------------------------------------------------------------------------
# text encodings


def decode_text(data: bytes, name: str = "the file", encoding: Optional[str] = None) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read in: the one the user named, else the one detected
    (exchange.encodings: BOMs, UTF-8, UTF-16, and the legacy encodings of the sourcing countries judged by the
    text they give). A file whose encoding is unsure raises EncodingUnsure (a TableError the import window turns
    into a choice); one that is binary or in no known encoding raises TableError."""
    if encoding:
        chosen = known_encoding(encoding)
        try:
            text = decode_as(data, chosen, name)
        except UserError as exc:
            raise TableError(str(exc)) from None
        _check_plain_text(text, name)
        return text, chosen
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        sample = data[:200_000]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
        looks_utf16 = b"\x00" in sample and (sample[1::2].count(0) > 0.6 * len(sample[1::2])
                                             or sample[0::2].count(0) > 0.6 * len(sample[0::2]))
        if not looks_utf16 and (b"\x00" in sample or controls > max(2, len(sample) // 200)):
            raise TableError(f"{name} is a binary file, not a spreadsheet or CSV table.")
    try:
        text, found = detect(data, name)
    except EncodingUnsure as exc:
        raise EncodingUnsureTable(str(exc), exc.readings) from None
    except UserError as exc:
        raise TableError(str(exc)) from None
    _check_plain_text(text, name)
    return text, found


class EncodingUnsureTable(TableError, EncodingUnsure):
    """A CSV whose encoding must be chosen by the user; `readings` previews each plausible one."""

    def __init__(self, message: str, readings: list[tuple[str, str, str]]) -> None:
        EncodingUnsure.__init__(self, message, readings)


def _check_plain_text(text: str, name: str) -> None:
    sample = text[:200_000]
    if "\x00" in sample:
        raise TableError(f"{name} is a binary file, not a spreadsheet or CSV table.")
    controls = sum(1 for ch in sample if ch < " " and ch not in "\r\n\t")
    if controls > max(2, len(sample) // 200):
        raise TableError(f"{name} is a binary file, not a spreadsheet or CSV table.")


# ----------------------------------------------------------------------------------------------------------------
# reading


def read_table(
    path: Path,
    aliases: Mapping[str, Sequence[str]],
    *,
    required_any: Sequence[str],
    what: str = "table",
    multiline: Iterable[str] = (),
    encoding: Optional[str] = None,
) -> Table:
    """Reads a CSV or XLSX file into rows keyed by field name.

    `aliases` maps each field to the header texts that name it; the header row is the one among the first rows
    that names the most fields and at least one of `required_any`. Fields in `multiline` keep their line breaks.
    `encoding` names a CSV's text encoding (else it is detected, and an unsure one raises EncodingUnsureTable).
    Raises TableError (a UserError) with one line when the file is missing, empty, not a table, damaged, or has no
    column for any of `required_any`.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise TableError(f"There is no file {path}.")
    if path.is_dir():
        raise TableError(f"{path} is a folder, not a file.")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise TableError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise TableError(f"{name} is empty.")
    if size > MAX_FILE_BYTES:
        raise TableError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    index = alias_index(aliases)
    multiline = set(multiline)
    kind = detect_kind(path, head)
    if kind == "xlsx":
        return _read_xlsx(path, index, required_any, aliases, what, multiline)
    return _read_csv(path, index, required_any, aliases, what, multiline, encoding)


def _no_header_message(name: str, required_any: Sequence[str], aliases: Mapping[str, Sequence[str]],
                       what: str, where: str = "") -> str:
    wanted = []
    for field_name in required_any:
        names = [field_name.replace("_", " "), *aliases.get(field_name, ())]
        wanted.extend(n for n in names[:4] if n not in wanted)
    return (f"{name}{where} has no column csrdesk recognises as a {what} (looked for a header such as "
            f"{', '.join(repr(w) for w in wanted)}).")


def _build_rows(raw_rows: Iterator[tuple[int, Sequence[object]]], mapping: dict[int, str], name: str,
                multiline: set[str]) -> list[TableRow]:
    rows: list[TableRow] = []
    for number, cells in raw_rows:
        values = {}
        for position, field_name in mapping.items():
            value = cells[position] if position < len(cells) else None
            values[field_name] = clean_text(value, multiline=field_name in multiline)
        row = TableRow(number, values)
        if row.is_blank:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise TableError(f"{name} has more than {MAX_ROWS:,} rows; split it into smaller files.")
    return rows


def _read_csv(path: Path, index, required_any, aliases, what, multiline, encoding: Optional[str] = None) -> Table:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    text, encoding = decode_text(data, name, encoding)
    if not text.strip():
        raise TableError(f"{name} is empty.")
    forced = None
    first_line, _, rest = text.partition("\n")
    m = re.match(r"^\s*sep=(.)\s*$", first_line)
    if m:  # Excel's "sep=;" hint line, which Excel itself does not show as a row
        forced, text = m.group(1), rest
    best = None
    for delimiter in ([forced] if forced else CSV_DELIMITERS):
        try:
            sample = list(_csv_records(text, delimiter, limit=HEADER_SEARCH_ROWS))
        except csv.Error:
            continue
        found = _find_header([cells for _, cells in sample], index, required_any)
        if found is None:
            continue
        widths = Counter(len(cells) for _, cells in sample if any(c.strip() for c in cells))
        consistency = widths.most_common(1)[0][1] if widths else 0
        score = (len(found[1]), consistency)
        if best is None or score > best[0]:
            best = (score, delimiter, found)
    if best is None:
        try:
            sample = list(_csv_records(text, ",", limit=HEADER_SEARCH_ROWS))
        except csv.Error:
            sample = []
        if not any(c.strip() for _, cells in sample for c in cells):
            raise TableError(f"{name} has no rows.")
        raise TableError(_no_header_message(name, required_any, aliases, what))
    _, delimiter, (header_index, mapping, ignored) = best
    headers: list[str] = []
    header_number = header_index + 1
    body = []
    try:
        for i, (number, cells) in enumerate(_csv_records(text, delimiter)):
            if i < header_index:
                continue
            if i == header_index:
                headers, header_number = cells, number
                continue
            if not any(c.strip() for c in cells):
                continue  # blank lines are not rows: they do not count against MAX_ROWS
            body.append((number, cells))
            if len(body) > MAX_ROWS:
                raise TableError(f"{name} has more than {MAX_ROWS:,} rows; split it into smaller files.")
    except csv.Error as exc:
        raise TableError(f"{name} is not a well-formed CSV file ({exc}).") from None
    return Table(
        source=name, kind="csv", encoding=encoding, delimiter=delimiter, sheet=None, header_row=header_number,
        columns={field_name: clean_text(headers[pos]) for pos, field_name in mapping.items()},
        ignored_columns=ignored, rows=_build_rows(iter(body), mapping, name, multiline),
    )


def _csv_records(text: str, delimiter: str, *, limit: Optional[int] = None):
    """(record number, cells) pairs; the record number is the row Excel shows when it opens the file."""
    # A cell may be as long as the file (a pasted report in a notes column); Python's default limit of 131,072
    # characters made such a file "have no rows". Longer values are then judged by the field they go into.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    for number, cells in enumerate(reader, start=1):
        yield number, cells
        if limit is not None and number >= limit:
            return


def _open_book(path: Path, *, data_only: bool = False):
    return open_untrusted_xlsx(path, refuse=TableError, what="table", data_only=data_only)


def _reading_sheet(path: Path, title: str):
    """Sheets are parsed lazily, row by row: a damaged one is refused naming it; a bug in csrdesk is not hidden."""
    return reading_outside_file(path.name, TableError, message=f"{path.name} is damaged: sheet {title!r} cannot be read")


def _read_xlsx(path: Path, index, required_any, aliases, what, multiline) -> Table:
    name = path.name
    book = _open_book(path)
    try:
        sheets = [ws for ws in book.worksheets if getattr(ws, "iter_rows", None) is not None]
        if not sheets:
            raise TableError(f"{name} has no worksheets.")
        looked = []
        for ws in sheets:
            with _reading_sheet(path, ws.title):
                ws.reset_dimensions()
                top = [list(r) for r in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True)]
            looked.append(ws.title)
            found = _find_header([[cell_text(c) for c in r] for r in top], index, required_any)
            if found is None:
                continue
            header_index, mapping, ignored = found
            headers = [cell_text(c) for c in top[header_index]]
            raw = _sheet_rows(path, ws, header_index + 1, formulas=True)
            if any(isinstance(v, str) and v.startswith("=") for _, cells in raw for v in cells):
                raw = _with_saved_values(path, ws.title, header_index + 1, raw)
            return Table(
                source=name, kind="xlsx", encoding=None, delimiter=None, sheet=ws.title,
                header_row=header_index + 1,
                columns={field_name: clean_text(headers[pos]) for pos, field_name in mapping.items()},
                ignored_columns=ignored,
                rows=_build_rows(iter(raw), mapping, name, multiline),
            )
        if all(_sheet_is_empty(path, t) for t in looked):
            raise TableError(f"{name} has no rows.")
        where = f" (sheets looked at: {', '.join(looked)})" if len(looked) > 1 else ""
        raise TableError(_no_header_message(name, required_any, aliases, what, where))
    finally:
        book.close()


def _sheet_rows(path: Path, ws, header_row: int, *, formulas: bool) -> list[tuple[int, list[object]]]:
    """The rows under the header that hold something: blank rows (Excel keeps a formatted empty cell far down as
    a row of its own) are dropped before the rows are counted against MAX_ROWS."""
    out = []
    with _reading_sheet(path, ws.title):
        for number, cells in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            out.append((number, list(cells)))
            if len(out) > MAX_ROWS:
                raise TableError(f"{path.name} has more than {MAX_ROWS:,} rows; split it into smaller files.")
    return out


def _with_saved_values(path: Path, title: str, header_row: int,
                       formula_rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    """Formula cells take the value Excel saved with the file; without one, they keep the formula as text."""
    book = _open_book(path, data_only=True)
    try:
        ws = book[title]
        ws.reset_dimensions()
        saved = dict(_sheet_rows(path, ws, header_row, formulas=False))
    finally:
        book.close()
    merged = []
    for number, cells in formula_rows:
        values = saved.get(number, [])
        row = []
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and cell.startswith("="):
                shown = values[position] if position < len(values) else None
                row.append(cell if shown is None else shown)
            else:
                row.append(cell)
        merged.append((number, row))
    return merged


def _sheet_is_empty(path: Path, title: str) -> bool:
    book = _open_book(path)
    try:
        ws = book[title]
        with _reading_sheet(path, title):
            ws.reset_dimensions()
            for cells in ws.iter_rows(values_only=True):
                if any(clean_text(c) for c in cells):
                    return False
        return True
    finally:
        book.close()
