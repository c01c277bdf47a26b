"""The on-site sheet of a verification visit: written for the verifier's laptop or tablet, read back when they return.

Layout (format version 1), modelled on the CAP tracker (exchange/tracker.py):
- "Visit 核查": one row per CAP item to judge. The item's columns (item ID to evidence) are locked; the verifier's
  columns (verdict, chosen from a dropdown, and the note, in any language) are open. Protected without a password:
  the protection stops accidents, the import checks the data itself.
- "Instructions 说明": the four verdicts and how to fill the sheet, in English and Simplified Chinese.
- "csrdesk" (very hidden): kind, export ID, supplier, CAP, format version, the item IDs with their status at export,
  and an HMAC (the workspace's tracker key) over all of it, so a sheet of another CAP, another workspace, or with
  changed item IDs is refused.

Reading never evaluates anything: the workbook is opened read-only with formulas as their text. A sheet that cannot
be trusted or understood raises VisitSheetRefused with one line; the caller changes nothing.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from csrdesk.domain.verification import Verdict, VerdictError, parse_verdict, verdict_label
from csrdesk.exchange.files import open_untrusted_xlsx, reading_outside_file, write_atomically
from csrdesk.exchange.safe_cells import write_text
from csrdesk.exchange.tracker import (
    ANSWER_FILL, Column, BODY_FONT, BOLD, BOX, BRAND_GROUP, BRAND_HEAD, CENTER_TOP, DATE_FORMAT, FACTORY_GROUP, FACTORY_HEAD,
    GREY_FILL, HEAD_ALIGN, HEAD_FONT, HEADING_FONT, LOCKED, NAVY, OPEN, RED_BOLD, WRAP_TOP, canonical_text, checksum,
    print_setup, protect_for_factory, row_height, write_data_sheet,
)
from csrdesk.exchange.tracker_import import split_data_sheet

FORMAT_VERSION = 1
KIND = "verification visit sheet"
ITEMS_SHEET = "Visit 核查"
INSTRUCTIONS_SHEET = "Instructions 说明"
DATA_SHEET = "csrdesk"
DATA_TITLE = "csrdesk visit sheet data"
MAX_NOTE = 4000
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1


class VisitSheetRefused(Exception):
    """An on-site sheet that cannot be read back; the message says why in one line."""


# The verifier fills the columns marked factory=True (the tracker's word for "the other side's columns").
COLUMNS: tuple[Column, ...] = (
    Column("item_id", "Item ID", "项目编号", 9),
    Column("category", "Category", "类别", 15),
    Column("severity", "Severity", "严重程度", 11),
    Column("finding", "Finding", "发现的问题", 34),
    Column("plan", "Factory's action plan", "工厂整改计划", 36),
    Column("due_date", "Due date", "截止日期", 11.5),
    Column("status", "Status", "状态", 14),
    Column("evidence", "Evidence received", "已收到的证据", 24),
    Column("verdict", "Verdict", "核查结论", 24, True),
    Column("note", "Verifier's note", "核查员备注", 40, True),
)


@dataclass(frozen=True)
class SheetItem:
    """One CAP item on a visit's on-site sheet: the finding, the factory's plan, evidence and any verdict."""

    item_id: int
    category: str
    severity: str
    finding: str
    plan: str
    due_date: Optional[date]
    status: str
    evidence: str
    verdict: Optional[Verdict] = None  # pre-filled (a sheet written again after a partial entry)
    note: str = ""


@dataclass(frozen=True)
class VisitSheetData:
    """Everything a verification visit's on-site sheet holds: the supplier, the CAP dates and the items."""

    cap_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    supplier_local_name: str
    assessment_date: date
    meeting_date: Optional[date]
    visit_date: Optional[date]
    company: str
    items: tuple[SheetItem, ...]
    export_id: str
    exported_at: datetime


def _header(data: VisitSheetData) -> dict[str, Any]:
    return {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "export_id": data.export_id,
        "supplier_code": data.supplier_code,
        "supplier_id": data.supplier_id,
        "cap_id": data.cap_id,
        "exported_at": data.exported_at.replace(microsecond=0).isoformat(),
        "item_count": len(data.items),
    }


# ---------------------------------------------------------------- writing

def write_visit_sheet(data: VisitSheetData, path: Path | str, secret: bytes) -> Path:
    """Writes the on-site sheet of one CAP's visit to path (atomically)."""
    wb = Workbook()
    ws = wb.active
    ws.title = ITEMS_SHEET
    instructions = wb.create_sheet(INSTRUCTIONS_SHEET)
    data_ws = wb.create_sheet(DATA_SHEET)
    _write_items(ws, data)
    _write_instructions(instructions, data)
    _write_data(data_ws, data, secret)
    data_ws.sheet_state = "veryHidden"
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = f"Verification visit {data.supplier_code} CAP {data.cap_id}"
    wb.properties.creator = data.company or "csrdesk"
    return write_atomically(Path(path), wb.save)


def _write_items(ws, data: VisitSheetData) -> None:
    last = len(COLUMNS)
    first_verifier = min(i for i, c in enumerate(COLUMNS, 1) if c.factory)
    ws.sheet_properties.tabColor = NAVY
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    write_text(ws, 1, 1, "Verification visit · 整改核查现场记录表", font=Font(name="Calibri", size=15, bold=True,
                                                                           color=NAVY))
    supplier = f"{data.supplier_name} ({data.supplier_code})"
    if data.supplier_local_name:
        supplier += f" · {data.supplier_local_name}"
    facts = f"Supplier 供应商: {supplier}     CAP {data.cap_id} (assessment 审核 {data.assessment_date.isoformat()})"
    if data.meeting_date:
        facts += f"     CAP meeting 会议: {data.meeting_date.isoformat()}"
    if data.visit_date:
        facts += f"     Visit 核查日期: {data.visit_date.isoformat()}"
    write_text(ws, 2, 1, facts, font=BOLD)
    how = ("Choose a verdict for each item you checked and write what you saw; leave the verdict empty for items not "
           "judged. 'Not checked' needs a note saying why. Keep the Item ID.   请为每个已核查的项目选择结论并写明所见；"
           "未判定的项目请留空。选择“未核查”时须在备注中说明原因。请勿修改项目编号。")
    write_text(ws, 3, 1, how, font=Font(name="Calibri", size=9, italic=True, color="44546A"),
               alignment=Alignment(wrap_text=True, vertical="top"))
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    ws.row_dimensions[3].height = 26
    write_text(ws, 4, 1, "From the CAP · 来自整改计划", font=Font(name="Calibri", size=10, bold=True, color=NAVY),
               fill=BRAND_GROUP, alignment=HEAD_ALIGN)
    write_text(ws, 4, first_verifier, "Verifier · 核查员填写", font=Font(name="Calibri", size=10, bold=True,
               color="833C0B"), fill=FACTORY_GROUP, alignment=HEAD_ALIGN)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=first_verifier - 1)
    ws.merge_cells(start_row=4, start_column=first_verifier, end_row=4, end_column=last)
    for i, col in enumerate(COLUMNS, start=1):
        write_text(ws, HEADER_ROW, i, f"{col.en}\n{col.zh}", font=HEAD_FONT, alignment=HEAD_ALIGN, border=BOX,
                   fill=FACTORY_HEAD if col.factory else BRAND_HEAD)
    ws.row_dimensions[HEADER_ROW].height = 30

    row = FIRST_ROW
    for item in data.items:
        values = {
            "item_id": item.item_id, "category": item.category, "severity": item.severity, "finding": item.finding,
            "plan": item.plan, "due_date": item.due_date, "status": item.status, "evidence": item.evidence,
            "verdict": verdict_label(item.verdict) if item.verdict else "", "note": item.note,
        }
        red = item.severity.split("\n")[0] in ("critical", "zero tolerance")
        for i, col in enumerate(COLUMNS, start=1):
            cell = write_text(ws, row, i, values[col.key], border=BOX, alignment=WRAP_TOP,
                              font=RED_BOLD if red and col.key == "severity" else BODY_FONT,
                              fill=ANSWER_FILL if col.factory else GREY_FILL)
            cell.protection = OPEN if col.factory else LOCKED
            if col.key == "due_date":
                cell.number_format = DATE_FORMAT
            if col.key in ("item_id", "severity", "due_date", "status"):
                cell.alignment = CENTER_TOP
        ws.row_dimensions[row].height = row_height(
            (str(values[c.key] or ""), c.width) for c in COLUMNS if c.key != "due_date")
        row += 1
    last_row = max(row - 1, FIRST_ROW)
    verdict_col = get_column_letter(COLUMNS.index(next(c for c in COLUMNS if c.key == "verdict")) + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(verdict_label(v) for v in Verdict) + '"',
                        allow_blank=True)
    dv.error = "Choose a verdict from the list. 请从列表中选择结论。"
    dv.errorTitle = "Verdict 核查结论"
    dv.prompt = "done correctly · done with errors · not done · not checked (say why)"
    dv.promptTitle = "Verdict 核查结论"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.add(f"{verdict_col}{FIRST_ROW}:{verdict_col}{last_row}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last)}{last_row}"
    protect_for_factory(ws)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.oddFooter.center.text = "&P / &N"
    ws.print_area = f"A1:{get_column_letter(last)}{last_row}"


INSTRUCTIONS = (
    ("Verdicts\n核查结论",
     "• done correctly: the remediation is in place and works; the item is verified.\n"
     "• done with errors: work was done, but part of it is wrong or incomplete; the item goes back to the factory.\n"
     "• not done: nothing (or nothing that counts) was done; the item goes back to the factory.\n"
     "• not checked: you could not judge it at this visit; say why in the note.",
     "• 已正确完成：整改已落实且有效；该项目将标记为已验证。\n"
     "• 已完成但有错误：已开展整改，但部分不正确或不完整；该项目退回工厂。\n"
     "• 未完成：未开展整改（或所做工作无效）；该项目退回工厂。\n"
     "• 未核查：本次核查无法判断；请在备注中说明原因。"),
    ("Notes\n备注",
     "Write what you saw, checked and were told, in English or Chinese: records sampled, workers interviewed, "
     "photos taken. The note goes back to the factory with the items that are sent back.",
     "请用中文或英文写明所见、所查及所闻：抽查的记录、访谈的工人、拍摄的照片。退回工厂的项目将附上该备注。"),
    ("Returning the sheet\n交回",
     "Save as Excel (.xlsx) with the sheets as they are. Do not change the Item ID or copy items into another file; "
     "csrdesk reads the verdicts straight from this file and refuses a sheet that was altered.",
     "请以 Excel（.xlsx）格式保存，保持各工作表不变。请勿修改项目编号或将内容复制到其他文件；"
     "csrdesk 直接从本文件读取结论，并拒绝被改动的文件。"),
)


def _write_instructions(ws, data: VisitSheetData) -> None:
    widths = {"A": 22, "B": 70, "C": 60}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    write_text(ws, 1, 1, "How to fill this sheet · 填写说明", font=Font(name="Calibri", size=15, bold=True,
                                                                  color=NAVY))
    write_text(ws, 2, 1, f"{data.supplier_name} ({data.supplier_code}) · CAP {data.cap_id}", font=BOLD)
    row = 4
    for heading, english, chinese in INSTRUCTIONS:
        write_text(ws, row, 1, heading, font=HEADING_FONT, alignment=WRAP_TOP, border=BOX, fill=BRAND_GROUP)
        write_text(ws, row, 2, english, font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
        write_text(ws, row, 3, chinese, font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
        ws.row_dimensions[row].height = row_height(((english, widths["B"]), (chinese, widths["C"])), 2)
        row += 1
    ws.protection.sheet = True


def _write_data(ws, data: VisitSheetData, secret: bytes) -> None:
    rows = [[item.item_id, canonical_text(item.status)] for item in data.items]
    write_data_sheet(ws, DATA_TITLE, "Read by csrdesk to import this sheet. Do not edit.", _header(data),
                     ("item_id", "status"), rows, secret)


# ---------------------------------------------------------------- reading back

@dataclass(frozen=True)
class SheetVerdict:
    """The verifier's verdict on one item, read back from the on-site sheet."""

    item_id: int
    row: int
    verdict: Verdict
    note: str


@dataclass(frozen=True)
class ReturnedVisitSheet:
    """An on-site sheet back from a visit, as read: the CAP it belongs to and the items the verifier judged."""

    path: Path
    cap_id: int
    supplier_id: int
    supplier_code: str
    export_id: str
    exported_status: dict[int, str]      # item ID -> its status when the sheet was written
    verdicts: dict[int, SheetVerdict]    # items the verifier judged
    sha256: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "text") and not isinstance(value, str):  # array formula objects
        value = "=" + str(value.text or "").lstrip("=")
    return canonical_text(value)


def read_visit_sheet(path: Path | str, secret: Optional[bytes]) -> ReturnedVisitSheet:
    """Reads and checks a returned on-site sheet; raises VisitSheetRefused when it cannot be trusted."""
    path = Path(path)
    with reading_outside_file(path.name, VisitSheetRefused, passthrough=(VisitSheetRefused,)):
        return _read(path, secret)


def _read(path: Path, secret: Optional[bytes]) -> ReturnedVisitSheet:
    name = path.name
    wb = open_untrusted_xlsx(path, refuse=VisitSheetRefused, what="visit sheet")
    try:
        if DATA_SHEET not in wb.sheetnames:
            raise VisitSheetRefused(f"{name} is not a csrdesk verification visit sheet (its data sheet is missing); "
                                    "use the sheet written by `verify sheet`.")
        rows = [list(r) for r in wb[DATA_SHEET].iter_rows(values_only=True)]
        if not rows or _text(rows[0][0] if rows[0] else None) != DATA_TITLE:
            raise VisitSheetRefused(f"{name} is not a csrdesk verification visit sheet (a CAP tracker or another "
                                    "workbook?); use the sheet written by `verify sheet`.")
        header, signature, raw = split_data_sheet(rows)
        table = [[_text(v) for v in (list(r) + [None, None])[:2]] for r in raw[1:]]
        table = [r for r in table if any(r)]
        if header.get("kind") != KIND:
            raise VisitSheetRefused(f"{name} is not a csrdesk verification visit sheet.")
        version = _whole(header.get("format_version", ""), name)
        if version > FORMAT_VERSION:
            raise VisitSheetRefused(f"{name} was made by a newer csrdesk (sheet format {version}); update csrdesk.")
        if secret is None or not signature or not hmac.compare_digest(signature, checksum(secret, header, table)):
            raise VisitSheetRefused(f"{name}: the sheet's check data does not match: it was altered after it was "
                                    "written, or it comes from another csrdesk workspace.")
        exported = {_whole(r[0], name): r[1] for r in table}
        if len(exported) != _whole(header.get("item_count", "-1"), name):
            raise VisitSheetRefused(f"{name}: the sheet's item list is incomplete; the file was altered.")
        verdicts = _read_rows(wb, name, exported)
    finally:
        wb.close()
    return ReturnedVisitSheet(
        path=path, cap_id=_whole(header.get("cap_id", ""), name), supplier_id=_whole(header.get("supplier_id", ""),
                                                                                     name),
        supplier_code=header.get("supplier_code", ""), export_id=header.get("export_id", ""),
        exported_status=exported, verdicts=verdicts, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _whole(text: str, name: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise VisitSheetRefused(f"{name}: {text!r} is not a number where csrdesk wrote one; the file was altered.") \
            from None
    if not number.is_integer():
        raise VisitSheetRefused(f"{name}: {text!r} is not a whole number; the file was altered.")
    return int(number)


def _read_rows(wb, name: str, exported: dict[int, str]) -> dict[int, SheetVerdict]:
    ws, header_row, heads = None, 0, []
    for sheet_name in [ITEMS_SHEET] + [n for n in wb.sheetnames if n not in (ITEMS_SHEET, DATA_SHEET)]:
        if sheet_name not in wb.sheetnames:
            continue
        for number, row in enumerate(wb[sheet_name].iter_rows(max_row=40, values_only=True), start=1):
            found = [_text(v).split("\n")[0].strip().lower() for v in row]
            if "item id" in found:
                ws, header_row, heads = wb[sheet_name], number, found
                break
        if ws is not None:
            break
    if ws is None:
        raise VisitSheetRefused(f"{name}: the visit sheet (with its 'Item ID' column) is missing.")
    positions = {}
    for col in COLUMNS:
        if col.key in ("item_id", "verdict", "note"):
            try:
                positions[col.key] = heads.index(col.en.lower())
            except ValueError:
                raise VisitSheetRefused(f"{name}: the column '{col.en}' is missing from the visit sheet.") from None
    verdicts: dict[int, SheetVerdict] = {}
    seen: dict[int, int] = {}
    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        def get(key: str) -> str:
            at = positions[key]
            return _text(row[at]) if row is not None and at < len(row) else ""

        id_text, verdict_text, note = get("item_id"), get("verdict"), get("note")
        if not id_text:
            if verdict_text or note:
                raise VisitSheetRefused(f"{name}: row {number} has a verdict or note but no Item ID; write them on "
                                        "the item's own row.")
            continue
        try:
            as_number = float(id_text)
        except ValueError:
            as_number = -1.0
        if not as_number.is_integer() or int(as_number) not in exported:
            raise VisitSheetRefused(f"{name}: row {number} has Item ID {id_text!r}, which is not in this sheet; the "
                                    "IDs were changed.")
        item_id = int(as_number)
        if item_id in seen:
            raise VisitSheetRefused(f"{name}: Item ID {item_id} appears twice (rows {seen[item_id]} and {number}).")
        seen[item_id] = number
        try:
            verdict = parse_verdict(verdict_text)
        except VerdictError as exc:
            raise VisitSheetRefused(f"{name}: row {number} (item {item_id}): {exc}.") from None
        if len(note) > MAX_NOTE:
            raise VisitSheetRefused(f"{name}: row {number} (item {item_id}) has a note of {len(note)} characters; "
                                    f"keep it under {MAX_NOTE}.")
        if verdict is None:
            if note:
                raise VisitSheetRefused(f"{name}: row {number} (item {item_id}) has a note but no verdict; choose "
                                        "one (not checked, if you could not judge it).")
            continue
        verdicts[item_id] = SheetVerdict(item_id, number, verdict, note)
    return verdicts
