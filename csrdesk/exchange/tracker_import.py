"""Reading a CAP tracker a factory sent back: checked before anything else looks at it.

The file is opened read-only with formulas kept as their text (data_only=False): nothing in it is ever evaluated,
and a cell the factory turned into a formula is read as the text it holds ("=1+1"). Rows are matched by item ID,
whatever the factory did to the order, the filters, hidden or inserted rows. Anything that makes the file
untrustworthy raises TrackerRefused with a one-line message; the caller then changes nothing.

This module knows the file format only; services.trackers compares what it read with the database.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from csrdesk.domain.limits import implausible_date
from csrdesk.exchange.dates import DateOrder, parse_date_text  # the one date parser of every import
from csrdesk.exchange.files import open_untrusted_xlsx, reading_outside_file
from csrdesk.exchange.tracker import (
    COLUMNS, DATA_SHEET, DATA_TITLE, FACTORY_FIELDS, FORMAT_VERSION, ITEMS_SHEET, STATUS_ZH, canonical_text, checksum,
)

log = logging.getLogger(__name__)
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # far above any real tracker; refuses zip bombs before openpyxl unpacks them
HEADER_SEARCH_ROWS = 40
MAX_LEADER = 200  # the project leader column's size in the database


class TrackerRefused(Exception):
    """A returned tracker that cannot be imported; the message says why in one line."""


class _CallerStop(Exception):
    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


@dataclass(frozen=True)
class ReturnedItem:
    """One item row as the factory returned it; values are canonical text, dates ISO (YYYY-MM-DD) or ''."""

    item_id: int
    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class ReturnedTracker:
    """A CAP tracker a factory sent back, as read: the rows returned, those exported, and the ones missing."""

    path: Path
    format_version: int
    export_id: str
    supplier_code: str
    supplier_id: int
    cap_id: int
    exported_at: str
    exported: dict[int, dict[str, str]]     # item ID -> factory fields as exported
    items: dict[int, ReturnedItem]          # item ID -> the row the factory returned
    missing: tuple[int, ...]                # exported items whose row is no longer in the file
    notes: tuple[str, ...] = field(default=())  # how ambiguous answers were read (e.g. day-first dates)
    sha256: str = ""                            # of the file as read, so an apply can check it is the one previewed


# ---------------------------------------------------------------- statuses

def _status_key(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text).lower().split())


def _status_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for status, zh in STATUS_ZH.items():
        for form in (status, zh, f"{status} / {zh}", f"{status}/{zh}", f"{zh} / {status}", f"{status} {zh}",
                     f"{zh}（{status}）", f"{zh}({status})"):
            table[_status_key(form)] = status
    return table


STATUS_LOOKUP = _status_lookup()


def parse_status(text: str) -> Optional[str]:
    """The status a factory's answer names (English or Chinese, any case), '' for blank, None when unknown."""
    key = _status_key(text)
    if not key:
        return ""
    return STATUS_LOOKUP.get(key)


# ---------------------------------------------------------------- reading the workbook

def _cell_text(value: Any) -> str:
    """A cell's content as text; formulas (read as their text, never evaluated) stay as typed."""
    if value is None:
        return ""
    if hasattr(value, "text") and not isinstance(value, str):  # array or data-table formula objects
        value = "=" + str(value.text or "").lstrip("=")
    return canonical_text(value)


def _open_workbook(path: Path):
    return open_untrusted_xlsx(path, refuse=TrackerRefused, what="tracker",
                               again="; ask the factory to send it again", max_unpacked_bytes=MAX_UNPACKED_BYTES)


def _read_data_sheet(wb, name: str) -> tuple[dict[str, str], str, list[list[Any]]]:
    if DATA_SHEET not in wb.sheetnames:
        raise TrackerRefused(
            f"{name} is not a csrdesk CAP tracker (its csrdesk data sheet is missing); "
            "import a tracker exported by csrdesk and returned by the factory."
        )
    rows = [list(r) for r in wb[DATA_SHEET].iter_rows(values_only=True)]
    if not rows or _cell_text(rows[0][0] if rows[0] else None) != DATA_TITLE:
        raise TrackerRefused(f"{name} is not a csrdesk CAP tracker (its data sheet is not csrdesk's).")
    return split_data_sheet(rows)


def split_data_sheet(rows: list[list[Any]]) -> tuple[dict[str, str], str, list[list[Any]]]:
    """A hidden data sheet's rows (as exchange.tracker.write_data_sheet wrote them, title row first) as its header,
    its checksum and its table (the column names' row first)."""
    header: dict[str, str] = {}
    signature = ""
    i = 1
    while i < len(rows) and rows[i] and _cell_text(rows[i][0]):
        key = _cell_text(rows[i][0])
        value = _cell_text(rows[i][1] if len(rows[i]) > 1 else None)
        if key == "checksum":
            signature = value
        else:
            header[key] = value
        i += 1
    while i < len(rows) and not any(_cell_text(v) for v in rows[i]):
        i += 1
    return header, signature, rows[i:]


def _int(text: str, what: str, name: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise TrackerRefused(f"{name}: the tracker's {what} {text!r} is not a number; the file was altered.") from None
    if not number.is_integer() or abs(number) > 2**53:  # past 2**53 a float is no exact whole number
        raise TrackerRefused(f"{name}: the tracker's {what} {text!r} is not a whole number; the file was altered.")
    return int(number)


def _find_items_sheet(wb):
    candidates = [ITEMS_SHEET] + [n for n in wb.sheetnames if n not in (ITEMS_SHEET, DATA_SHEET)]
    for sheet_name in candidates:
        if sheet_name not in wb.sheetnames:
            continue
        ws = wb[sheet_name]
        for number, row in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            heads = [_cell_text(v).split("\n")[0].strip().lower() for v in row]
            if "item id" in heads:
                return ws, number, heads
    return None, 0, []


def read_tracker(path: Path | str, secret: Optional[bytes],
                 progress: Optional[Callable[[int, int, str], None]] = None) -> ReturnedTracker:
    """Reads and checks a returned tracker. Raises TrackerRefused when it cannot be trusted or understood."""
    path = Path(path)
    report = None
    if progress is not None:
        def report(done: int, total: int, message: str) -> None:
            try:
                progress(done, total, message)
            except BaseException as exc:  # a cancel from the caller: let it through untouched
                raise _CallerStop(exc) from exc
    try:
        # The XML inside is parsed lazily, row by row: a broken part shows up while reading, not when opening.
        with reading_outside_file(path.name, TrackerRefused, passthrough=(TrackerRefused, _CallerStop)):
            return _read_tracker(path, secret, report)
    except _CallerStop as stop:
        raise stop.original from None


def _read_tracker(path: Path, secret: Optional[bytes],
                  progress: Optional[Callable[[int, int, str], None]]) -> ReturnedTracker:
    name = path.name
    wb = _open_workbook(path)
    try:
        header, signature, table = _read_data_sheet(wb, name)
        version_text = header.get("format_version", "")
        version = _int(version_text, "format version", name) if version_text else 0
        if version > FORMAT_VERSION:
            raise TrackerRefused(
                f"{name} was made by a newer csrdesk (tracker format {version}, this one reads up to "
                f"{FORMAT_VERSION}); update csrdesk to import it."
            )
        if version < 1:
            raise TrackerRefused(f"{name}: the tracker format version is missing; the file was altered.")
        expected_fields = ",".join(FACTORY_FIELDS)
        if header.get("fields") != expected_fields or not table or [_cell_text(v) for v in table[0][:7]] != [
            "item_id", *FACTORY_FIELDS
        ]:
            raise TrackerRefused(f"{name}: the tracker's data sheet is not laid out as csrdesk wrote it; the file was altered.")
        exported_rows: list[list[str]] = []
        for raw in table[1:]:
            cells = [_cell_text(v) for v in (list(raw) + [None] * 7)[:7]]
            if not any(cells):
                continue
            exported_rows.append(cells)
        if secret is None:
            raise TrackerRefused(
                f"{name} was not exported from this csrdesk workspace (it has never exported a tracker)."
            )
        header_for_check: dict[str, Any] = dict(header)
        if not signature or not hmac.compare_digest(signature, checksum(secret, header_for_check, exported_rows)):
            raise TrackerRefused(
                f"{name}: the tracker's check data does not match: it was altered after export, or it was exported "
                "from another csrdesk workspace."
            )
        cap_id = _int(header.get("cap_id", ""), "CAP id", name)
        supplier_id = _int(header.get("supplier_id", ""), "supplier id", name)
        exported: dict[int, dict[str, str]] = {}
        for cells in exported_rows:
            item_id = _int(cells[0], "item ID", name)
            exported[item_id] = dict(zip(FACTORY_FIELDS, cells[1:]))
        if len(exported) != _int(header.get("item_count", "-1"), "item count", name):
            raise TrackerRefused(f"{name}: the tracker's item list is incomplete; the file was altered.")
        items, notes = _read_items(wb, name, exported, progress)
    finally:
        wb.close()
    missing = tuple(i for i in exported if i not in items)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return ReturnedTracker(
        path=path, format_version=version, export_id=header.get("export_id", ""),
        supplier_code=header.get("supplier_code", ""), supplier_id=supplier_id, cap_id=cap_id,
        exported_at=header.get("exported_at", ""), exported=exported, items=items, missing=missing, notes=tuple(notes),
        sha256=digest,
    )


def _read_items(wb, name: str, exported: dict[int, dict[str, str]],
                progress: Optional[Callable[[int, int, str], None]]) -> tuple[dict[int, ReturnedItem], list[str]]:
    ws, header_row, heads = _find_items_sheet(wb)
    if ws is None:
        raise TrackerRefused(f"{name}: the CAP items sheet (with its 'Item ID' column) is missing.")
    positions: dict[str, int] = {}
    for col in COLUMNS:
        if col.key == "item_id" or col.factory:
            wanted = col.en.lower()
            try:
                positions[col.key] = heads.index(wanted)
            except ValueError:
                raise TrackerRefused(f"{name}: the column '{col.en}' is missing from the CAP items sheet.") from None
    raw_rows: list[tuple[int, tuple]] = []
    total = len(exported)
    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        if row is None:
            continue
        raw_rows.append((number, row))
    order = DateOrder()
    planned_at = positions["planned_date"]
    order.learn(str(r[planned_at]) for _, r in raw_rows if planned_at < len(r) and isinstance(r[planned_at], str))

    items: dict[int, ReturnedItem] = {}
    notes: list[str] = []
    for count, (number, row) in enumerate(raw_rows, start=1):
        def get(key: str) -> Any:
            at = positions[key]
            return row[at] if at < len(row) else None

        raw_id = get("item_id")
        id_text = _cell_text(raw_id)
        answers = {k: _cell_text(get(k)) for k in FACTORY_FIELDS}
        if not id_text:
            if any(answers.values()):
                raise TrackerRefused(
                    f"{name}: row {number} has answers but no Item ID; put the answers on the item's own row."
                )
            continue  # a blank or inserted row
        try:
            number_id = float(id_text)
        except ValueError:
            number_id = -1.0
        if not number_id.is_integer() or int(number_id) not in exported:
            raise TrackerRefused(
                f"{name}: row {number} has Item ID {id_text!r}, which is not in this tracker; the IDs were changed."
            )
        item_id = int(number_id)
        if item_id in items:
            raise TrackerRefused(
                f"{name}: Item ID {item_id} appears twice (rows {items[item_id].row} and {number}); "
                "each item must have exactly one row."
            )
        status_text = answers["status"]
        status = parse_status(status_text)
        if status is None:
            raise TrackerRefused(
                f"{name}: row {number} (item {item_id}) has the unknown status {status_text!r}; use one of "
                "open, action planned, evidence submitted."
            )
        # A blank status leaves the status as it was.
        answers["status"] = status or exported[item_id]["status"]
        planned_raw = get("planned_date")
        if isinstance(planned_raw, str) and planned_raw.strip().startswith("="):
            raise TrackerRefused(
                f"{name}: row {number} (item {item_id}) has a formula {planned_raw.strip()!r} as planned date; "
                "type the date itself (YYYY-MM-DD)."
            )
        try:
            planned, note = parse_date_text(planned_raw, order)
        except ValueError:
            raise TrackerRefused(
                f"{name}: row {number} (item {item_id}) has {answers['planned_date']!r} as planned date, which is "
                "not a date; type it as YYYY-MM-DD."
            ) from None
        if implausible_date(planned, "planned date"):
            raise TrackerRefused(f"{name}: row {number} (item {item_id}) has the planned date {planned.isoformat()}, "
                                 "which cannot be right.")
        if note:
            notes.append(f"Item {item_id}: {note}.")
        answers["planned_date"] = planned.isoformat() if planned else ""
        if len(answers["project_leader"]) > MAX_LEADER:
            raise TrackerRefused(
                f"{name}: row {number} (item {item_id}) has a project leader of {len(answers['project_leader'])} "
                f"characters; give a name and job title (at most {MAX_LEADER} characters)."
            )
        items[item_id] = ReturnedItem(item_id=item_id, row=number, values=answers)
        if progress is not None and count % 200 == 0:
            progress(min(count, total), total, "Reading the tracker")
    return items, notes
