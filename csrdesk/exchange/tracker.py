"""The CAP tracker workbook sent to a factory: instructions, the items to answer, and the data to read it back.

Layout (format version 1):
- "Instructions 说明": how to fill the tracker, and the root-cause guidance, in English and Simplified Chinese.
- "CAP items 整改项": one row per CAP item. The brand's columns (item ID to due date) are locked; the factory's
  columns (root cause to evidence notes) are open. The sheet is protected without a password: protection stops
  accidents, while the import checks the data itself and never trusts the protection.
- "csrdesk" (very hidden): export ID, supplier, CAP, format version, the factory columns as exported, and an HMAC
  (keyed with the workspace's secret) over all of it, so changed or swapped item IDs are detected on import.

This module only writes the file from plain data; services.trackers gathers the data from the database.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from csrdesk.exchange.files import write_atomically
from csrdesk.exchange.safe_cells import clean_text, write_text

FORMAT_VERSION = 1
INSTRUCTIONS_SHEET = "Instructions 说明"
ITEMS_SHEET = "CAP items 整改项"
DATA_SHEET = "csrdesk"
DATA_TITLE = "csrdesk tracker data"

# The factory's columns, in the order of the CAP format (d, e, f) and then tracking.
FACTORY_FIELDS = ("root_cause", "preventive_action", "project_leader", "planned_date", "status", "evidence_notes")
# The statuses a factory may choose; verified and closed are the brand's to set after verification.
FACTORY_STATUSES = ("open", "action planned", "evidence submitted")
STATUS_ZH = {
    "open": "待整改",
    "action planned": "已制定计划",
    "evidence submitted": "已提交证据",
    "verified": "已验证",
    "closed": "已关闭",
}


def status_label(status: str) -> str:
    """The bilingual label a status has in the tracker, e.g. 'action planned / 已制定计划'."""
    zh = STATUS_ZH.get(status)
    return f"{status} / {zh}" if zh else status


@dataclass(frozen=True)
class Column:
    """A column of the CAP tracker: its header in English and Chinese, width, and whether the factory fills it."""

    key: str
    en: str
    zh: str
    width: float
    factory: bool = False

    @property
    def header(self) -> str:
        return f"{self.en}\n{self.zh}"


COLUMNS: tuple[Column, ...] = (
    Column("item_id", "Item ID", "项目编号", 9),
    Column("category", "Category", "类别", 16),
    Column("severity", "Severity", "严重程度", 12.5),
    Column("finding", "(a) Finding", "发现的问题", 34),
    Column("requirements", "(a) Legal and code requirements", "法律及行为守则要求", 32),
    Column("suggested_remediation", "(b) Suggested remediation", "建议整改措施", 30),
    Column("due_date", "(c) Due date", "截止日期", 11.5),
    Column("review_comment", "Brand's comment", "品牌意见", 26),  # why an item came back from the CAP review
    Column("root_cause", "(d) Root cause analysis", "根本原因分析", 34, True),
    Column("preventive_action", "(e) Preventive action plan", "预防措施计划", 34, True),
    Column("project_leader", "(f) Project leader", "项目负责人", 16, True),
    Column("planned_date", "Planned date", "计划完成日期", 12.5, True),
    Column("status", "Status", "状态", 19, True),
    Column("evidence_notes", "Evidence notes", "证据说明", 28, True),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
TITLE_ROWS = 3          # title, supplier and assessment, how to fill
GROUP_ROW = 4           # "filled in by the brand" / "to be completed by the factory"
HEADER_ROW = 5
FIRST_ITEM_ROW = HEADER_ROW + 1
SPARE_ROWS = 50         # rows below the items that keep the dropdown, for factories that insert rows


@dataclass(frozen=True)
class TrackerItem:
    """One CAP item as a row of the factory's tracker: the finding, due date and the factory's answers so far."""

    item_id: int
    category: str
    severity: str
    finding: str
    requirements: str
    suggested_remediation: str
    due_date: Optional[date]
    root_cause: str = ""
    preventive_action: str = ""
    project_leader: str = ""
    planned_date: Optional[date] = None
    status: str = "open"
    evidence_notes: str = ""
    repeat: bool = False
    overdue: bool = False
    review_comment: str = ""  # the brand's comment on a returned item ("Returned: ..."), beside the item


@dataclass(frozen=True)
class GuidanceExample:
    """Root-cause and preventive-action examples of one violation type found in this CAP."""

    title: str
    title_zh: str
    root_causes: tuple[str, ...]
    preventive_actions: tuple[str, ...]
    victim_protection: bool = False


@dataclass(frozen=True)
class TrackerData:
    """Everything a CAP tracker for a factory holds: the supplier, the assessment, the CAP and its items."""

    cap_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    supplier_local_name: str
    assessment_date: date
    assessment_type: str
    rating: str
    score: int
    cap_status: str
    response_due: Optional[date]
    company: str
    contact: str
    items: tuple[TrackerItem, ...]
    export_id: str
    exported_at: datetime
    examples: tuple[GuidanceExample, ...] = field(default=())


# ---------------------------------------------------------------- values as exported and their checksum

def canonical_text(value: Any) -> str:
    """Text as csrdesk compares it: cleaned like a cell, line ends unified, outer spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def exported_values(item: TrackerItem) -> tuple[str, ...]:
    """The factory columns of an item as the hidden sheet keeps them, in FACTORY_FIELDS order."""
    return tuple(canonical_text(getattr(item, name)) for name in FACTORY_FIELDS)


def checksum(secret: bytes, header: dict[str, Any], rows: Sequence[Sequence[Any]]) -> str:
    """HMAC-SHA256 over the hidden sheet's header and rows, in a fixed canonical form."""
    payload = json.dumps(
        {"header": {k: str(v) for k, v in sorted(header.items())}, "rows": [[str(v) for v in r] for r in rows]},
        ensure_ascii=False, separators=(",", ":"),
    )
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def checked_header(data: TrackerData) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "export_id": data.export_id,
        "supplier_code": data.supplier_code,
        "supplier_id": data.supplier_id,
        "cap_id": data.cap_id,
        "exported_at": data.exported_at.replace(microsecond=0).isoformat(),
        "fields": ",".join(FACTORY_FIELDS),
        "item_count": len(data.items),
    }


# ---------------------------------------------------------------- styles

NAVY = "1F3864"
RUST = "B4561B"
GREY_FILL = PatternFill("solid", fgColor="EFF1F4")
ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")
DONE_FILL = PatternFill("solid", fgColor="E2EFDA")
BRAND_HEAD = PatternFill("solid", fgColor=NAVY)
FACTORY_HEAD = PatternFill("solid", fgColor=RUST)
BRAND_GROUP = PatternFill("solid", fgColor="D9E1F2")
FACTORY_GROUP = PatternFill("solid", fgColor="F8CBAD")
OVERDUE_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
THIN = Side(style="thin", color="B7BDC7")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY_FONT = Font(name="Calibri", size=10)
BOLD = Font(name="Calibri", size=10, bold=True)
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
RED_BOLD = Font(name="Calibri", size=10, bold=True, color="C00000")
HEADING_FONT = Font(name="Calibri", size=10, bold=True, color=NAVY)
DATE_FORMAT = "yyyy-mm-dd"
OPEN = Protection(locked=False)
LOCKED = Protection(locked=True)
POINTS_PER_LINE = 13.0


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _display_width(text: str) -> int:
    # CJK characters take about two latin characters of width.
    return len(text) + len(_WIDE.findall(text))


def _lines(text: str, width: float) -> int:
    per_line = max(4.0, width * 1.0)
    return sum(max(1, math.ceil(_display_width(part) / per_line)) for part in (text or "").split("\n"))


def row_height(texts_and_widths, minimum_lines: int = 2) -> float:
    lines = max([minimum_lines] + [_lines(t, w) for t, w in texts_and_widths])
    return min(409.0, lines * POINTS_PER_LINE + 4)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a header/footer code in Excel


# ---------------------------------------------------------------- the workbook

def write_tracker(data: TrackerData, path: Path | str, secret: bytes, today: Optional[date] = None) -> Path:
    """Writes the tracker for one CAP to path (atomically: a half-written file never replaces a good one)."""
    today = today or date.today()
    path = Path(path)
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    items_ws = wb.create_sheet(ITEMS_SHEET)
    data_ws = wb.create_sheet(DATA_SHEET)
    _write_items(items_ws, data)
    _write_instructions(instructions, data)
    _write_data(data_ws, data, secret)
    data_ws.sheet_state = "veryHidden"
    # Open on the items, the sheet the factory works in.
    wb.active = 1
    instructions.sheet_view.tabSelected = False
    items_ws.sheet_view.tabSelected = True
    # No password: the lock stops accidental renaming or deleting of sheets; the import verifies the data anyway.
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = f"CAP tracker {data.supplier_code} CAP {data.cap_id}"
    wb.properties.creator = data.company or "csrdesk"
    return write_atomically(path, wb.save)


def _write_items(ws, data: TrackerData) -> None:
    last_col = len(COLUMNS)
    last_letter = get_column_letter(last_col)
    first_factory = min(i for i, c in enumerate(COLUMNS, 1) if c.factory)
    ws.sheet_properties.tabColor = NAVY
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width

    # Title block.
    write_text(ws, 1, 1, "Corrective Action Plan tracker · 纠正措施计划跟踪表",
               font=Font(name="Calibri", size=15, bold=True, color=NAVY))
    ws.row_dimensions[1].height = 24
    supplier = f"{data.supplier_name} ({data.supplier_code})"
    if data.supplier_local_name:
        supplier += f" · {data.supplier_local_name}"
    facts = (
        f"Supplier 供应商: {supplier}     Assessment 审核: {data.assessment_date.isoformat()} "
        f"{data.assessment_type}     Rating 评级: {data.rating} ({data.score} points)     CAP {data.cap_id}"
    )
    if data.response_due:
        facts += f"     Response due 回复截止: {data.response_due.isoformat()}"
    write_text(ws, 2, 1, facts, font=BOLD)
    how = (
        "Grey columns are filled in by the brand and locked. Please complete the yellow columns, choose the status "
        "from the list, type dates as YYYY-MM-DD, keep the Item ID and return this file.   "
        "灰色栏目由品牌填写并已锁定。请填写黄色栏目，从下拉列表选择状态，日期请按 YYYY-MM-DD 格式填写，"
        "请勿修改项目编号，并将本文件发回。"
    )
    write_text(ws, 3, 1, how, font=Font(name="Calibri", size=9, italic=True, color="44546A"),
               alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    ws.row_dimensions[3].height = 26

    # Who fills what.
    brand = data.company or "the brand"
    write_text(ws, GROUP_ROW, 1, f"Filled in by {brand} · 由品牌填写", font=Font(name="Calibri", size=10, bold=True,
               color=NAVY), fill=BRAND_GROUP, alignment=HEAD_ALIGN)
    write_text(ws, GROUP_ROW, first_factory, "To be completed by the factory · 由工厂填写",
               font=Font(name="Calibri", size=10, bold=True, color="833C0B"), fill=FACTORY_GROUP, alignment=HEAD_ALIGN)
    ws.merge_cells(start_row=GROUP_ROW, start_column=1, end_row=GROUP_ROW, end_column=first_factory - 1)
    ws.merge_cells(start_row=GROUP_ROW, start_column=first_factory, end_row=GROUP_ROW, end_column=last_col)
    for i, col in enumerate(COLUMNS, start=1):
        ws.cell(GROUP_ROW, i).fill = FACTORY_GROUP if col.factory else BRAND_GROUP

    for i, col in enumerate(COLUMNS, start=1):
        write_text(ws, HEADER_ROW, i, col.header, font=HEAD_FONT, alignment=HEAD_ALIGN, border=BOX,
                   fill=FACTORY_HEAD if col.factory else BRAND_HEAD)
    ws.row_dimensions[HEADER_ROW].height = 30

    row = FIRST_ITEM_ROW
    styles: dict[tuple, Any] = {}
    for item in data.items:
        finished = item.status not in FACTORY_STATUSES
        finding = item.finding + ("\nRepeat finding · 重复发现" if item.repeat else "")
        values = {
            "item_id": item.item_id, "category": item.category, "severity": item.severity, "finding": finding,
            "requirements": item.requirements, "suggested_remediation": item.suggested_remediation,
            "due_date": item.due_date, "root_cause": item.root_cause, "preventive_action": item.preventive_action,
            "project_leader": item.project_leader, "planned_date": item.planned_date,
            "status": status_label(item.status), "evidence_notes": item.evidence_notes,
            "review_comment": item.review_comment,
        }
        red = item.severity.split("\n")[0] in ("critical", "zero tolerance")
        for i, col in enumerate(COLUMNS, start=1):
            cell = write_text(ws, row, i, values[col.key])
            _style_item_cell(cell, col, finished, red, styles)
        ws.row_dimensions[row].height = row_height(
            (str(values[c.key] or ""), c.width) for c in COLUMNS if c.key not in ("due_date", "planned_date")
        )
        row += 1
    last_item_row = max(row - 1, FIRST_ITEM_ROW)

    # Spare rows keep the factory columns open and the dropdown, for factories that add lines.
    for r in range(row, row + SPARE_ROWS):
        for i in range(first_factory, last_col + 1):
            _style_cached(ws.cell(r, i), ("spare",), styles, lambda c: setattr(c, "protection", OPEN))

    status_col = get_column_letter(COLUMN_INDEX["status"])
    choices = ",".join(status_label(s) for s in FACTORY_STATUSES)
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showDropDown=False)
    dv.error = "Choose a status from the list. 请从列表中选择状态。"
    dv.errorTitle = "Status 状态"
    dv.prompt = "open: not started · action planned: plan complete · evidence submitted: done, evidence sent"
    dv.promptTitle = "Status 状态"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.add(f"{status_col}{FIRST_ITEM_ROW}:{status_col}{row + SPARE_ROWS - 1}")
    ws.add_data_validation(dv)

    planned_col = get_column_letter(COLUMN_INDEX["planned_date"])
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.errorStyle = "warning"  # a warning only: a date typed as text is still understood on import
    dates.error = "Please type the date as YYYY-MM-DD, e.g. 2026-03-05. 请按 YYYY-MM-DD 格式填写日期。"
    dates.errorTitle = "Date 日期"
    dates.showErrorMessage = True
    dates.add(f"{planned_col}{FIRST_ITEM_ROW}:{planned_col}{row + SPARE_ROWS - 1}")
    ws.add_data_validation(dates)

    # Overdue rows turn red whenever the file is opened, counted from that day, until verified or closed. Only the
    # brand's half of the row: the factory's cells keep their yellow so it still sees where to answer.
    due = f"${get_column_letter(COLUMN_INDEX['due_date'])}{FIRST_ITEM_ROW}"
    status_ref = f"${status_col}{FIRST_ITEM_ROW}"
    formula = (f'AND(ISNUMBER({due}),{due}<TODAY(),ISERROR(SEARCH("verified",{status_ref})),'
               f'ISERROR(SEARCH("closed",{status_ref})))')
    ws.conditional_formatting.add(
        f"A{FIRST_ITEM_ROW}:{get_column_letter(first_factory - 1)}{last_item_row}",
        FormulaRule(formula=[formula], fill=OVERDUE_FILL, font=Font(color="9C0006")),
    )

    ws.freeze_panes = ws.cell(FIRST_ITEM_ROW, 2)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{last_item_row}"
    ws.sheet_view.zoomScale = 90

    protect_for_factory(ws, format_cells=True, insert_rows=True)

    print_setup(ws, f"{HEADER_ROW - 1}:{HEADER_ROW}")
    ws.oddFooter.left.text = _footer_text(f"{data.supplier_code} · CAP {data.cap_id}")
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = _footer_text(f"Exported {data.exported_at.date().isoformat()}")
    ws.print_area = f"A1:{last_letter}{last_item_row}"


def _style_cached(cell, key: tuple, cache: dict, apply) -> None:
    """Styles cell like the first cell styled under key. Setting styles attribute by attribute makes openpyxl hash
    every style object each time (most of the export's time); copying the first cell's style array does not."""
    key = key + (bool(cell.quotePrefix),)  # quote prefix lives in the same style array; keep it apart
    proto = cache.get(key)
    if proto is None:
        apply(cell)
        cache[key] = copy(cell._style)
    else:
        cell._style = copy(proto)


def _style_item_cell(cell, col: Column, finished: bool, red: bool, cache: dict) -> None:
    def apply(c) -> None:
        c.font = RED_BOLD if (red and col.key == "severity") else BODY_FONT
        c.border = BOX
        c.alignment = WRAP_TOP
        if col.factory and not finished:
            c.fill = ANSWER_FILL
            c.protection = OPEN
        elif col.factory:
            c.fill = DONE_FILL  # verified or closed: nothing left for the factory to answer
        else:
            c.fill = GREY_FILL
        if col.key in ("due_date", "planned_date"):
            c.number_format = DATE_FORMAT
            c.alignment = CENTER_TOP
        elif col.key in ("item_id", "severity", "status"):
            c.alignment = CENTER_TOP

    _style_cached(cell, (col.key, finished, red and col.key == "severity"), cache, apply)


def protect_for_factory(ws, *, format_cells: bool = False, insert_rows: bool = False) -> None:
    """Locks the sheet with no password, on purpose (see the module docstring): a guard against slips, not a lock.
    What a factory may still do: select, filter, sort, resize rows and columns, and where asked format cells and
    insert rows."""
    p = ws.protection
    p.sheet = True
    # In openpyxl's protection model False means "allowed".
    p.selectLockedCells = p.selectUnlockedCells = p.autoFilter = p.sort = p.formatRows = p.formatColumns = False
    p.formatCells = not format_cells
    p.insertRows = not insert_rows


def print_setup(ws, title_rows: Optional[str]) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


# ---------------------------------------------------------------- instructions

def _guidance(data: TrackerData) -> list[tuple[str, str, str]]:
    """(heading, English, Chinese) sections of the instructions sheet."""
    brand = data.company or "us"
    brand_zh = data.company or "我们"
    contact = f" ({data.contact})" if data.contact else ""
    due = data.response_due.isoformat() if data.response_due else ""
    due_en = f" by {due}" if due else ""
    due_zh = f"，截止日期为 {due}" if due else ""
    return [
        ("What this file is\n本文件用途",
         f"This is the Corrective Action Plan (CAP) tracker for {data.supplier_name}, following the "
         f"{data.assessment_type} assessment of {data.assessment_date.isoformat()} (rating: {data.rating}). "
         "The sheet 'CAP items 整改项' lists every finding, the legal and code requirement it breaks, the "
         "remediation we suggest and the date by which it is due. Please complete the yellow columns and e-mail "
         f"this file back to {brand}{contact}{due_en}.",
         f"本文件是{data.supplier_local_name or data.supplier_name}在 {data.assessment_date.isoformat()} 审核后的"
         f"纠正措施计划（CAP）跟踪表（评级：{data.rating}）。“CAP items 整改项”工作表列出了每一项发现的问题、"
         "所违反的法律和行为守则要求、建议的整改措施及截止日期。请填写黄色栏目，并将本文件通过电子邮件发回给"
         f"{brand_zh}{contact}{due_zh}。"),
        ("How to fill it in\n填写方法",
         "• Grey columns are ours and are locked; yellow columns are yours.\n"
         "• (d) Root cause analysis: why the problem happened in your management system (see the 5 Whys below).\n"
         "• (e) Preventive action plan: what you change so that it does not happen again, who does it and when.\n"
         "• (f) Project leader: name and job title of the employee responsible for this item.\n"
         "• Planned completion date: type it as YYYY-MM-DD, for example 2026-03-05.\n"
         "• Status: choose from the list (see the statuses below).\n"
         "• Evidence notes: the evidence you send (photos, records, training sign-in sheets) and their file names.\n"
         "• You may write in English or in Chinese. Sorting and filtering are fine; please do not change the Item "
         "ID, do not delete rows and do not copy items into another file.",
         "• 灰色栏目由品牌填写并已锁定；黄色栏目由贵厂填写。\n"
         "• (d) 根本原因分析：说明管理体系中哪个环节出了问题，导致该问题发生（参见下方“五问法”）。\n"
         "• (e) 预防措施计划：为防止问题再次发生而作出的改变、负责人以及完成时间。\n"
         "• (f) 项目负责人：负责该项整改的员工姓名及职务。\n"
         "• 计划完成日期：请按 YYYY-MM-DD 格式填写，例如 2026-03-05。\n"
         "• 状态：请从下拉列表中选择（见下方状态说明）。\n"
         "• 证据说明：列出所提交的证据（照片、记录、培训签到表等）及其文件名。\n"
         "• 可使用中文或英文填写。可以排序和筛选；请勿修改项目编号、删除行或将内容复制到其他文件。"),
        ("Statuses\n状态说明",
         "• open: work on this item has not started or the plan is not complete.\n"
         "• action planned: root cause, preventive action and project leader are filled in.\n"
         "• evidence submitted: the action is done and you have sent evidence.\n"
         "• verified / closed: set by the brand after checking the evidence or visiting the site.",
         "• 待整改（open）：尚未开始，或计划尚未完成。\n"
         "• 已制定计划（action planned）：已填写根本原因、预防措施和项目负责人。\n"
         "• 已提交证据（evidence submitted）：整改已完成并已提交证据。\n"
         "• 已验证 / 已关闭（verified / closed）：由品牌在审核证据或现场核查后设定。"),
        ("Finding the root cause: 5 Whys\n查找根本原因：五问法",
         "A root cause is the gap in your management system that let the problem happen. It is not the problem "
         "said again: \"workers worked overtime\" is not the root cause of excessive overtime. Ask \"why?\" until "
         "you reach something management can change, usually four or five times. Example: Workers worked 72 hours "
         "a week. Why? Orders had to ship on time. Why was there not enough time? Production was scheduled without "
         "checking line capacity. Why? Nobody owns capacity planning, and late order changes are accepted without "
         "re-planning. Root cause: no capacity-based production planning and no procedure for late order changes.",
         "根本原因是管理体系中导致问题发生的漏洞，而不是对问题本身的重复描述：“工人加班了”并不是超时加班的根本原因。"
         "请连续追问“为什么？”，直到找到管理层能够改变的环节，通常需要问四到五次。例如：工人每周工作 72 小时。"
         "为什么？订单必须按期出货。为什么时间不够？排产时没有核对生产线产能。为什么？没有人负责产能计划，"
         "客户后期改单也不重新排产。根本原因：没有基于产能的生产计划，也没有处理后期改单的程序。"),
        ("Cause categories to check\n需要检查的原因类别",
         "• Policy and procedure: there is no written rule, or it is unclear or out of date.\n"
         "• Responsibility: nobody is named to own the task.\n"
         "• Training and awareness: managers, supervisors or workers do not know the rule.\n"
         "• Monitoring: nobody checks that the rule is followed (records, internal audits, reviews).\n"
         "• Resources and equipment: money, staff, tools or space are missing.\n"
         "• Planning and capacity: orders accepted beyond capacity, short lead times.\n"
         "• Worker communication and grievance: workers cannot raise concerns safely.\n"
         "• Buyer practices: late design changes, short lead times or price pressure from customers also cause "
         "problems such as excessive hours. Tell us when they do; they count as root causes too.",
         "• 政策与程序：没有书面规定，或规定不清楚、已过时。\n"
         "• 职责：没有指定负责人。\n"
         "• 培训与意识：管理人员、主管或工人不了解相关规定。\n"
         "• 监督检查：没有人检查规定是否得到执行（记录、内部审核、管理评审）。\n"
         "• 资源与设备：缺少资金、人员、工具或场地。\n"
         "• 计划与产能：接单超出产能，交期过短。\n"
         "• 员工沟通与申诉：工人无法安全地反映问题。\n"
         "• 采购行为：客户后期改款、交期过短或压价也会造成超时加班等问题。如属此类情况请告知我们，这同样是根本原因。"),
        ("A good preventive action\n好的预防措施",
         "Correcting today's case (paying back wages, clearing the blocked exit) is needed, but it is not enough: a "
         "preventive action changes the system so the problem does not return. Say specifically what will be done, "
         "by whom, by when, and how you will check that it works. Good: \"The HR manager reviews the weekly hours "
         "report every Monday; more than 60 hours triggers a production meeting; supervisors trained on "
         "2026-03-15, sign-in sheet attached.\" Not enough: \"We will pay more attention\" or \"Workers were told\".",
         "纠正眼前的问题（补发工资、清理被堵塞的通道）是必要的，但还不够：预防措施要改变管理体系，使问题不再发生。"
         "请具体说明做什么、由谁负责、何时完成，以及如何检查其有效性。好的例子：“人事经理每周一审核工时报表；"
         "周工时超过 60 小时即召开生产会议；主管已于 2026-03-15 接受培训，附签到表。”不够的例子："
         "“我们以后会注意”或“已告知工人”。"),
        ("Forced labour, trafficking and child labour\n强迫劳动、人口贩运及童工",
         "Such findings also need measures that protect the people affected: their full protection, remedy "
         "(for example repayment of recruitment fees or wages), a safe return home if they wish it or help to "
         "stay in work, and advice from an organisation that supports victims. Please contact us before acting.",
         "此类问题还需要采取措施保护受影响的人员：给予充分保护和补救（例如退还招聘费用或补发工资），"
         "如本人愿意可安全返乡，或协助其继续就业，并征询受害者援助机构的意见。采取行动前请先与我们联系。"),
        ("Returning the file\n如何交回",
         "Save the file as Excel (.xlsx), keep the sheets as they are, and e-mail it back. We read your answers "
         "straight from this file, so please answer in this file rather than in a new one.",
         "请以 Excel（.xlsx）格式保存，保持各工作表不变，并通过电子邮件发回。我们会直接从本文件读取您的回复，"
         "因此请在本文件中填写，不要另建新文件。"),
    ]


def _write_instructions(ws, data: TrackerData) -> None:
    ws.sheet_properties.tabColor = "548235"
    widths = {"A": 24, "B": 72, "C": 62}
    cache: dict[tuple, Any] = {}

    def put(r: int, c: int, value: str, key: str, **style: Any) -> None:
        cell = write_text(ws, r, c, value)
        _style_cached(cell, ("instructions", key), cache,
                      lambda target: [setattr(target, name, v) for name, v in style.items()])

    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    write_text(ws, 1, 1, "How to complete this CAP tracker · CAP 跟踪表填写说明",
               font=Font(name="Calibri", size=15, bold=True, color=NAVY))
    ws.merge_cells("A1:C1")
    ws.row_dimensions[1].height = 24
    supplier = f"{data.supplier_name} ({data.supplier_code}) · CAP {data.cap_id}"
    write_text(ws, 2, 1, supplier, font=BOLD)
    ws.merge_cells("A2:C2")
    for col, text in ((2, "English"), (3, "中文")):
        write_text(ws, 3, col, text, font=HEAD_FONT, fill=BRAND_HEAD, alignment=HEAD_ALIGN, border=BOX)
    write_text(ws, 3, 1, "", fill=BRAND_HEAD, border=BOX)
    row = 4
    for heading, english, chinese in _guidance(data):
        put(row, 1, heading, "heading", font=HEADING_FONT, alignment=WRAP_TOP, border=BOX, fill=BRAND_GROUP)
        put(row, 2, english, "body", font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
        put(row, 3, chinese, "body", font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
        ws.row_dimensions[row].height = row_height(((english, widths["B"]), (chinese, widths["C"])), 2)
        row += 1
    if data.examples:
        row += 1
        write_text(ws, row, 1, "Examples for the findings in this CAP · 本 CAP 相关问题的示例", font=Font(
            name="Calibri", size=12, bold=True, color=NAVY))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        row += 1
        for col, text in ((1, "Finding 问题"), (2, "Possible root causes 可能的根本原因"),
                          (3, "Possible preventive actions 可能的预防措施")):
            write_text(ws, row, col, text, font=HEAD_FONT, fill=BRAND_HEAD, alignment=HEAD_ALIGN, border=BOX)
        row += 1
        for ex in data.examples:
            title = ex.title + (f"\n{ex.title_zh}" if ex.title_zh else "")
            if ex.victim_protection:
                title += "\nVictim protection needed · 需采取受害者保护措施"
            causes = "\n".join(f"• {c}" for c in ex.root_causes) or "—"
            actions = "\n".join(f"• {a}" for a in ex.preventive_actions) or "—"
            put(row, 1, title, "example", font=BOLD, alignment=WRAP_TOP, border=BOX, fill=GREY_FILL)
            put(row, 2, causes, "body", font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
            put(row, 3, actions, "body", font=BODY_FONT, alignment=WRAP_TOP, border=BOX)
            ws.row_dimensions[row].height = row_height(
                ((title, widths["A"]), (causes, widths["B"]), (actions, widths["C"])), 2)
            row += 1
    ws.freeze_panes = "A4"
    ws.protection.sheet = True
    ws.protection.selectLockedCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    print_setup(ws, None)
    ws.oddFooter.center.text = "&P / &N"


# ---------------------------------------------------------------- the hidden data sheet

def _write_data(ws, data: TrackerData, secret: bytes) -> None:
    header = checked_header(data)
    rows = [[item.item_id, *exported_values(item)] for item in data.items]
    write_data_sheet(ws, DATA_TITLE, "Read by csrdesk to import this tracker. Do not edit.", header,
                     ("item_id",) + FACTORY_FIELDS, rows, secret)


def write_data_sheet(ws, title: str, note: str, header: dict[str, Any], names: Sequence[str],
                     rows: Sequence[Sequence[Any]], secret: bytes) -> None:
    """The hidden sheet of a workbook that comes back: its header, an HMAC over header and rows, then the rows."""
    write_text(ws, 1, 1, title)
    write_text(ws, 1, 2, note)
    r = 2
    for key, value in header.items():
        write_text(ws, r, 1, key)
        write_text(ws, r, 2, value)
        r += 1
    write_text(ws, r, 1, "checksum")
    write_text(ws, r, 2, checksum(secret, header, rows))
    r += 2
    for c, name in enumerate(names, start=1):
        write_text(ws, r, c, name)
    for values in rows:
        r += 1
        for c, value in enumerate(values, start=1):
            write_text(ws, r, c, value)
    ws.protection.sheet = True
