"""The vetting questionnaire workbook: a screen sent to a supplier (or a firm) to fill in, and read back.

Layout (format version 1):
- "Questionnaire 问卷": the questions in English and Simplified Chinese with their help, and three open columns
  (answer, evidence, comment). Everything else is locked; the sheet is protected without a password, which stops
  accidents only: the import trusts the checked data, never the protection. Choices and yes/no are dropdowns.
- "Lists" (hidden): the dropdowns' choices.
- "csrdesk" (very hidden): screen, checklist key and version, supplier, the answers as sent, and an HMAC keyed with
  the workspace's secret over all of it, so a file from another workspace, another screen or an altered file is
  refused on import.

Reading back is checked first and shown as changes; applying is all or nothing. This module knows the file
format only; services.vetting compares what it read with the database and stores it. Nothing in the file is
evaluated: a cell the supplier turned into a formula is read as the text it holds, and outside text is always
written back as text (safe_cells), never as a formula.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from csrdesk.domain.vetting import (
    NA, YES, Answer, AnswerError, Question, Template, answer_label, parse_answer,
)
from csrdesk.exchange.dates import DateOrder, parse_date_text
from csrdesk.exchange.files import open_untrusted_xlsx, reading_outside_file, write_atomically
from csrdesk.exchange.safe_cells import write_text

FORMAT_VERSION = 1
MAIN_SHEET = "Questionnaire 问卷"
LISTS_SHEET = "Lists"
DATA_SHEET = "csrdesk"
DATA_TITLE = "csrdesk vetting questionnaire"
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
HEADER_SEARCH_ROWS = 30
ID_HEAD = "question id"

COLUMNS = (  # (key, heading, width)
    ("number", "No.\n编号", 6),
    ("text", "Question", 48),
    ("text_zh", "问题", 40),
    ("help", "Help / 说明", 42),
    ("answer", "Answer\n回答", 26),
    ("evidence", "Evidence (file names or notes)\n证据（文件名或说明）", 30),
    ("comment", "Comment\n备注", 30),
    ("id", "Question ID", 16),
)
COL = {key: i for i, (key, _h, _w) in enumerate(COLUMNS, start=1)}
OPEN_FIELDS = ("answer", "evidence", "comment")

NAVY = "1F3864"
RUST = "B4561B"
THIN = Side(style="thin", color="B7BDC7")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY = Font(name="Calibri", size=10)
BOLD = Font(name="Calibri", size=10, bold=True)
TITLE = Font(name="Calibri", size=14, bold=True, color=NAVY)
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
BRAND_HEAD = PatternFill("solid", fgColor=NAVY)
SUPPLIER_HEAD = PatternFill("solid", fgColor=RUST)
SECTION_FILL = PatternFill("solid", fgColor="D9E1F2")
ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")
OPEN = Protection(locked=False)
LOCKED = Protection(locked=True)

YES_LABEL, NO_LABEL, NA_LABEL = "Yes / 是", "No / 否", "N/A / 不适用"

INSTRUCTIONS_EN = (
    "Please answer every question marked * in the yellow columns: choose from the dropdown where there is one, write "
    "numbers as plain numbers and dates as YYYY-MM-DD. Where evidence is required, name the files you attach to your "
    "reply e-mail (or describe the evidence). Do not add, delete or move rows; send the file back as it is."
)
INSTRUCTIONS_ZH = (
    "请在黄色栏内回答所有标有 * 的问题：有下拉菜单的请从中选择，数字请直接填写数字，日期请按 YYYY-MM-DD 格式填写。"
    "需要提供证据的，请写明随回复邮件附上的文件名（或说明证据内容）。请勿增加、删除或移动行，填写后原样发回。"
)


class QuestionnaireRefused(Exception):
    """A returned questionnaire that cannot be imported; the message says why in one line."""


# ---------------------------------------------------------------- plain data in and out

@dataclass(frozen=True)
class QuestionnaireData:
    """What the workbook shows and signs; gathered from the database by the services."""

    screen_id: int
    template: Template
    supplier_id: Optional[int]
    supplier_code: str
    supplier_name: str
    supplier_local_name: str
    subject: str
    answers: dict[str, Answer]
    company: str = ""
    export_id: str = ""
    exported_at: Optional[datetime] = None


@dataclass(frozen=True)
class ReturnedAnswer:
    """One answer read back from a returned vetting questionnaire, with its evidence and comment."""

    question_id: str
    row: int
    answer: Any  # the cell as read (text, number, date), None when empty
    evidence: str
    comment: str


@dataclass(frozen=True)
class ReturnedQuestionnaire:
    """A vetting questionnaire a supplier sent back: which screen it belongs to, the answers sent and returned."""

    path: Path
    header: dict[str, str]
    screen_id: int
    supplier_id: Optional[int]
    supplier_code: str
    template_key: str
    template_version: int
    exported: dict[str, Answer]  # question id -> the answer as sent
    answers: dict[str, ReturnedAnswer]


def canonical_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _answer_row(qid: str, a: Answer) -> list[str]:
    return [qid, json.dumps(a.value, ensure_ascii=False), canonical_text(a.evidence), canonical_text(a.comment)]


def _header(data: QuestionnaireData) -> dict[str, Any]:
    t = data.template
    return {
        "format_version": FORMAT_VERSION,
        "export_id": data.export_id,
        "screen_id": data.screen_id,
        "template_key": t.key,
        "template_version": t.version,
        "supplier_id": "" if data.supplier_id is None else data.supplier_id,
        "supplier_code": data.supplier_code,
        "subject": data.subject,
        "exported_at": (data.exported_at or datetime.now()).replace(microsecond=0).isoformat(),
        "question_count": len(t.questions()),
    }


def checksum(secret: bytes, header: dict[str, Any], rows: list[list[Any]]) -> str:
    payload = json.dumps(
        {"header": {k: str(v) for k, v in sorted(header.items())}, "rows": [[str(v) for v in r] for r in rows]},
        ensure_ascii=False, separators=(",", ":"),
    )
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- writing

def _width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _height(texts_and_widths: list[tuple[str, float]], minimum_lines: int = 2) -> float:
    lines = minimum_lines
    for text, width in texts_and_widths:
        per_line = max(4.0, width * 1.1)
        lines = max(lines, sum(max(1, math.ceil(_width(p) / per_line)) for p in (text or "").split("\n")))
    return min(409.0, lines * 13.0 + 4)


def _cell_value(q: Question, a: Optional[Answer]) -> Any:
    """An answer as the supplier sees it in its cell (the dropdown's label, a number, a date)."""
    if a is None or a.value is None:
        return None
    if a.value == NA:
        return NA_LABEL
    if q.type == "yesno":
        return YES_LABEL if a.value == YES else NO_LABEL
    if q.type == "choice":
        o = q.option(str(a.value))
        return _option_label(o.label, o.label_zh) if o else str(a.value)
    if q.type == "date":
        try:
            return date.fromisoformat(str(a.value))
        except ValueError:
            return str(a.value)
    return a.value


def _option_label(label: str, label_zh: str) -> str:
    return f"{label} / {label_zh}" if label_zh and label_zh != label else label


def _hint(q: Question) -> tuple[str, str]:
    if q.type == "yesno":
        return "Choose Yes or No.", "请选择“是”或“否”。"
    if q.type == "choice":
        return "Choose one answer from the list.", "请从下拉列表中选择一项。"
    if q.type == "number":
        unit = f" ({q.unit})" if q.unit else ""
        return f"Write a number{unit}.", "请填写数字。"
    if q.type == "date":
        return "Write a date as YYYY-MM-DD.", "请按 YYYY-MM-DD 格式填写日期。"
    if q.type == "file":
        return "Attach the file to your reply and write its name here.", "请将文件附在回复邮件中，并在此填写文件名。"
    return "Write your answer.", "请填写您的回答。"


def write_questionnaire(data: QuestionnaireData, path: Path | str, secret: bytes) -> Path:
    """Writes the questionnaire workbook for one screen (atomically)."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    meta = wb.create_sheet(DATA_SHEET)
    _write_main(ws, lists, data)
    _write_data(meta, data, secret)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    meta.sheet_state = "veryHidden"
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    who = data.supplier_code or data.subject
    wb.properties.title = f"{data.template.title} {who} screen {data.screen_id}"
    wb.properties.creator = data.company or "csrdesk"
    return write_atomically(path, wb.save)


def _write_main(ws, lists, data: QuestionnaireData) -> None:
    t = data.template
    last = get_column_letter(len(COLUMNS))
    for i, (_key, _head, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.column_dimensions[get_column_letter(COL["id"])].hidden = True

    write_text(ws, 1, 1, f"{t.title} / {t.title_zh}" if t.title_zh else t.title, font=TITLE)
    ws.merge_cells(f"A1:{last}1")
    if data.supplier_code:
        who = " ".join(p for p in (data.supplier_code, data.supplier_name, data.supplier_local_name) if p)
        write_text(ws, 2, 1, "Supplier 供应商:", font=BOLD)
    else:
        who = data.subject
        write_text(ws, 2, 1, "For 对象:", font=BOLD)
    write_text(ws, 2, 2, who, font=BOLD)
    ws.merge_cells(f"B2:{last}2")
    write_text(ws, 3, 1, "Screen 编号:", font=BOLD)
    sent = (data.exported_at or datetime.now()).date().isoformat()
    write_text(ws, 3, 2, f"{data.screen_id} · checklist version 版本 {t.version} · sent 发出 {sent}"
                         + (f" · {data.company}" if data.company else ""), font=BODY)
    ws.merge_cells(f"B3:{last}3")
    for r, text in ((4, t.description), (5, t.description_zh), (6, INSTRUCTIONS_EN), (7, INSTRUCTIONS_ZH)):
        write_text(ws, r, 1, text, font=BOLD if r >= 6 else BODY, alignment=WRAP_TOP)
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.row_dimensions[r].height = _height([(text, sum(w for _k, _h, w in COLUMNS[:-1]))], 1) if text else 6

    head = 9
    for c, (key, heading, _w) in enumerate(COLUMNS, start=1):
        fill = SUPPLIER_HEAD if key in OPEN_FIELDS else BRAND_HEAD
        write_text(ws, head, c, heading, font=HEAD_FONT, fill=fill, alignment=HEAD_ALIGN, border=BOX)
    ws.row_dimensions[head].height = 32
    ws.freeze_panes = ws.cell(row=head + 1, column=COL["answer"])

    list_col = 0

    def list_range(values: list[str]) -> str:
        nonlocal list_col
        list_col += 1
        letter = get_column_letter(list_col)
        for i, v in enumerate(values, start=1):
            write_text(lists, i, list_col, v)
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"

    yes_no = list_range([YES_LABEL, NO_LABEL])
    yes_no_na = list_range([YES_LABEL, NO_LABEL, NA_LABEL])
    validations: dict[str, DataValidation] = {}

    def validate(key: str, make) -> DataValidation:
        if key not in validations:
            dv = make()
            ws.add_data_validation(dv)
            validations[key] = dv
        return validations[key]

    numbering = t.numbering()
    r = head
    for si, section in enumerate(t.sections, start=1):
        r += 1
        title = f"{si}. {section.title}" + (f" / {section.title_zh}" if section.title_zh else "")
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(row=r, column=c).fill = SECTION_FILL
            ws.cell(row=r, column=c).border = BOX
        write_text(ws, r, 1, title, font=BOLD, fill=SECTION_FILL)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COLUMNS) - 1)
        for q in section.questions:
            r += 1
            a = data.answers.get(q.id)
            marks = (" *" if q.required else "")
            flags_en = " [evidence required]" if q.evidence else ""
            flags_zh = " [需提供证据]" if q.evidence else ""
            hint_en, hint_zh = _hint(q)
            hint = "" if q.type in ("text", "file") and q.help else f"{hint_en} {hint_zh}"
            help_text = "\n".join(p for p in (q.help, q.help_zh, hint) if p)
            values = {
                "number": numbering[q.id], "text": q.text + marks + flags_en,
                "text_zh": (q.text_zh or q.text) + marks + flags_zh, "help": help_text,
                "answer": _cell_value(q, a), "evidence": a.evidence if a else "", "comment": a.comment if a else "",
                "id": q.id,
            }
            for key, value in values.items():
                c = COL[key]
                cell = write_text(ws, r, c, value, font=BODY, alignment=WRAP_TOP, border=BOX,
                                  protection=OPEN if key in OPEN_FIELDS else LOCKED)
                if key in OPEN_FIELDS:
                    cell.fill = ANSWER_FILL
            answer_ref = f"{get_column_letter(COL['answer'])}{r}"
            if q.type == "yesno":
                validate("yn_na" if q.allow_na else "yn", lambda: _list_validation(
                    yes_no_na if q.allow_na else yes_no)).add(answer_ref)
            elif q.type == "choice":
                labels = [_option_label(o.label, o.label_zh) for o in q.options] + ([NA_LABEL] if q.allow_na else [])
                dv = _list_validation(list_range(labels))
                ws.add_data_validation(dv)
                dv.add(answer_ref)
            elif q.type == "number" and not q.allow_na:
                validate("number", _number_validation).add(answer_ref)
            elif q.type == "date":
                ws.cell(row=r, column=COL["answer"]).number_format = "yyyy-mm-dd"
                if not q.allow_na:
                    validate("date", _date_validation).add(answer_ref)
            ws.row_dimensions[r].height = _height([
                (values["text"], COLUMNS[1][2]), (values["text_zh"], COLUMNS[2][2]), (help_text, COLUMNS[3][2]),
                (canonical_text(values["comment"]), COLUMNS[6][2]),
            ])
    ws.protection.sheet = True
    # Row heights and column widths stay adjustable, so long answers can be read; rows cannot be added or removed.
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"


def _list_validation(formula: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=f"={formula}", allow_blank=True)
    dv.error, dv.errorTitle = "Choose an answer from the list. 请从列表中选择。", "csrdesk"
    dv.showErrorMessage = True
    return dv


def _number_validation() -> DataValidation:
    dv = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000000",
                        allow_blank=True)
    dv.error, dv.errorTitle = "Write a number. 请填写数字。", "csrdesk"
    dv.showErrorMessage = True
    return dv


def _date_validation() -> DataValidation:
    dv = DataValidation(type="date", operator="between", formula1="1", formula2="73050", allow_blank=True)
    dv.error, dv.errorTitle = "Write a date as YYYY-MM-DD. 请按 YYYY-MM-DD 格式填写日期。", "csrdesk"
    dv.showErrorMessage = True
    return dv


def _write_data(ws, data: QuestionnaireData, secret: bytes) -> None:
    header = _header(data)
    rows = [_answer_row(q.id, data.answers.get(q.id) or Answer()) for q in data.template.questions()]
    write_text(ws, 1, 1, DATA_TITLE)
    write_text(ws, 1, 2, "Read by csrdesk to import this questionnaire. Do not edit.")
    r = 2
    for key, value in header.items():
        write_text(ws, r, 1, key)
        write_text(ws, r, 2, str(value))
        r += 1
    write_text(ws, r, 1, "checksum")
    write_text(ws, r, 2, checksum(secret, header, rows))
    r += 2
    for c, name in enumerate(("question_id", "value", "evidence", "comment"), start=1):
        write_text(ws, r, c, name)
    for values in rows:
        r += 1
        for c, value in enumerate(values, start=1):
            write_text(ws, r, c, value)
    ws.protection.sheet = True


# ---------------------------------------------------------------- reading

def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "text") and not isinstance(value, str):  # array formula objects: keep their text
        value = "=" + str(value.text or "").lstrip("=")
    return canonical_text(value)


def _open(path: Path):
    return open_untrusted_xlsx(path, refuse=QuestionnaireRefused, what="questionnaire", again="; ask for it again",
                               max_unpacked_bytes=MAX_UNPACKED_BYTES)


def _int(text: str, what: str, name: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise QuestionnaireRefused(f"{name}: the questionnaire's {what} {text!r} is not a number; "
                                   "the file was altered.") from None
    if not number.is_integer() or abs(number) > 2**53:  # past 2**53 a float is no exact whole number
        raise QuestionnaireRefused(f"{name}: the questionnaire's {what} is not a whole number; the file was altered.")
    return int(number)


def read_questionnaire(path: Path | str, secret: Optional[bytes]) -> ReturnedQuestionnaire:
    """Reads and checks a returned questionnaire; raises QuestionnaireRefused when it cannot be trusted."""
    path = Path(path)
    # The sheets' XML is parsed lazily, row by row: a damaged part shows up while reading, not when opening.
    with reading_outside_file(path.name, QuestionnaireRefused, passthrough=(QuestionnaireRefused,)):
        return _read_questionnaire(path, secret)


def _read_questionnaire(path: Path, secret: Optional[bytes]) -> ReturnedQuestionnaire:
    name = path.name
    wb = _open(path)
    try:
        if DATA_SHEET not in wb.sheetnames:
            raise QuestionnaireRefused(f"{name} is not a csrdesk vetting questionnaire (its csrdesk data sheet is "
                                       "missing); import a questionnaire exported by csrdesk.")
        rows = [list(r) for r in wb[DATA_SHEET].iter_rows(values_only=True)]
        if not rows or not rows[0] or _text_of(rows[0][0]) != DATA_TITLE:
            raise QuestionnaireRefused(f"{name} is not a csrdesk vetting questionnaire"
                                       + (" (it is a CAP tracker)." if rows and rows[0] and
                                          _text_of(rows[0][0]) == "csrdesk tracker data" else "."))
        header: dict[str, str] = {}
        signature = ""
        i = 1
        while i < len(rows) and rows[i] and _text_of(rows[i][0]):
            key, value = _text_of(rows[i][0]), _text_of(rows[i][1] if len(rows[i]) > 1 else None)
            if key == "checksum":
                signature = value
            else:
                header[key] = value
            i += 1
        while i < len(rows) and not any(_text_of(v) for v in rows[i]):
            i += 1
        table = rows[i:]
        version = _int(header.get("format_version", "0") or "0", "format version", name)
        if version > FORMAT_VERSION:
            raise QuestionnaireRefused(f"{name} was made by a newer csrdesk (questionnaire format {version}); "
                                       "update csrdesk to import it.")
        if version < 1 or not table or [_text_of(v) for v in table[0][:4]] != ["question_id", "value", "evidence",
                                                                               "comment"]:
            raise QuestionnaireRefused(f"{name}: the questionnaire's data sheet is not as csrdesk wrote it; "
                                       "the file was altered.")
        exported_rows = [[_text_of(v) for v in (list(r) + [None] * 4)[:4]] for r in table[1:]]
        exported_rows = [r for r in exported_rows if any(r)]
        if secret is None or not signature or not hmac.compare_digest(signature,
                                                                      checksum(secret, header, exported_rows)):
            raise QuestionnaireRefused(f"{name}: the questionnaire's check data does not match: it was altered after "
                                       "export, or it was exported from another csrdesk workspace.")
        exported: dict[str, Answer] = {}
        for qid, value, evidence, comment in exported_rows:
            exported[qid] = Answer(json.loads(value) if value else None, evidence, comment)
        if len(exported) != _int(header.get("question_count", "-1"), "question count", name):
            raise QuestionnaireRefused(f"{name}: the questionnaire's question list is incomplete; the file was altered.")
        answers = _read_answers(wb, name, exported)
    finally:
        wb.close()
    supplier_id = header.get("supplier_id", "")
    return ReturnedQuestionnaire(
        path=path, header=header, screen_id=_int(header.get("screen_id", ""), "screen id", name),
        supplier_id=_int(supplier_id, "supplier id", name) if supplier_id else None,
        supplier_code=header.get("supplier_code", ""), template_key=header.get("template_key", ""),
        template_version=_int(header.get("template_version", ""), "checklist version", name),
        exported=exported, answers=answers,
    )


def _read_answers(wb, name: str, exported: dict[str, Answer]) -> dict[str, ReturnedAnswer]:
    sheet = None
    for candidate in [MAIN_SHEET] + [n for n in wb.sheetnames if n not in (MAIN_SHEET, DATA_SHEET, LISTS_SHEET)]:
        if candidate in wb.sheetnames:
            sheet = wb[candidate]
            break
    if sheet is None:
        raise QuestionnaireRefused(f"{name}: the questionnaire sheet is missing.")
    columns: dict[str, int] = {}
    found: dict[str, ReturnedAnswer] = {}
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not columns:
            if number > HEADER_SEARCH_ROWS:
                break
            heads = [_text_of(v).split("\n")[0].strip().lower() for v in row]
            if ID_HEAD in heads and "answer" in heads:
                columns = {"id": heads.index(ID_HEAD), "answer": heads.index("answer"),
                           "evidence": next(i for i, h in enumerate(heads) if h.startswith("evidence")),
                           "comment": heads.index("comment")}
            continue
        cells = list(row)
        width = max(columns.values()) + 1
        cells += [None] * (width - len(cells))
        qid = _text_of(cells[columns["id"]])
        if not qid:
            if any(_text_of(cells[columns[k]]) for k in ("answer", "evidence", "comment")):
                # as the tracker refuses answers without an Item ID: an answer must not be dropped unseen
                raise QuestionnaireRefused(f"{name}: row {number} has an answer but no Question ID; put the answer "
                                           "on the question's own row.")
            continue
        if qid not in exported:
            raise QuestionnaireRefused(f"{name}: row {number} holds question {qid!r}, which was not sent; "
                                       "the file was altered.")
        if qid in found:
            raise QuestionnaireRefused(f"{name}: question {qid!r} appears twice (rows {found[qid].row} and {number}); "
                                       "the file was altered.")
        raw = cells[columns["answer"]]
        if isinstance(raw, str) or (raw is not None and hasattr(raw, "text")):
            raw = _text_of(raw) or None
        found[qid] = ReturnedAnswer(qid, number, raw, _text_of(cells[columns["evidence"]]),
                                    _text_of(cells[columns["comment"]]))
    if not columns:
        raise QuestionnaireRefused(f"{name}: the questionnaire's heading row is missing; the file was altered.")
    return found


# ---------------------------------------------------------------- comparing with the screen

@dataclass(frozen=True)
class AnswerChange:
    """One question whose answer, evidence or comment the file changes."""

    question_id: str
    number: str
    question: str
    old_answer: str
    new_answer: str
    old_evidence: str
    new_evidence: str
    old_comment: str
    new_comment: str
    conflict: bool  # the answer was also changed in the app since the questionnaire was sent

    def describe(self) -> str:
        parts = []
        if self.old_answer != self.new_answer:
            parts.append(f"answer {self.old_answer or '(none)'} → {self.new_answer or '(none)'}")
        if self.old_evidence != self.new_evidence:
            parts.append(f"evidence {self.old_evidence or '(none)'} → {self.new_evidence or '(none)'}")
        if self.old_comment != self.new_comment:
            parts.append("comment changed")
        note = " (also changed in the app since it was sent; the file's answer wins)" if self.conflict else ""
        return f"{self.number} {self.question}: " + "; ".join(parts) + note


def _date_cell(raw: Any, order: DateOrder) -> tuple[Any, str]:
    """A date answer read as the tracker import reads dates (30/06/2027, 2027年6月30日, Jun 30 2027, an Excel serial),
    with the note on an ambiguous reading; what is no date is left for parse_answer to refuse (or take as n/a)."""
    try:
        found, note = parse_date_text(raw, order)
    except ValueError:
        return raw, ""
    return (raw, "") if found is None else (found, note)


def compare(template: Template, current: dict[str, Answer], returned: ReturnedQuestionnaire,
            today: Optional[date] = None) -> tuple[list[AnswerChange], list[str], dict[str, Answer], list[str]]:
    """The changes a returned questionnaire makes to the screen's answers, the problems, the answers after, and
    notes on how ambiguous answers (a date such as 5/3/2027) were read."""
    numbering = template.numbering()
    changes: list[AnswerChange] = []
    problems: list[str] = []
    notes: list[str] = []
    after = dict(current)
    order = DateOrder()  # the file's own way of writing slashed dates, learnt from its unambiguous ones
    order.learn(str(a.answer) for q in template.questions() if q.type == "date"
                for a in (returned.answers.get(q.id),) if a is not None and isinstance(a.answer, str))
    for q in template.questions():
        got = returned.answers.get(q.id)
        sent = returned.exported.get(q.id, Answer())
        if got is None:
            continue  # a row deleted in the file: nothing to say about that question
        raw = got.answer
        if q.type == "date":
            raw, note = _date_cell(raw, order)
            if note:
                notes.append(f"Question {numbering[q.id]} (row {got.row}): {note}.")
        try:
            value = parse_answer(q, raw)
        except AnswerError as exc:
            problems.append(f"Question {numbering[q.id]} (row {got.row}): {exc}")
            continue
        if len(" ".join(got.evidence.split())) > 500:
            problems.append(f"Question {numbering[q.id]} (row {got.row}): the evidence note is longer than 500 "
                            "characters; shorten it.")
            continue
        new = Answer(value, " ".join(got.evidence.split()), got.comment)
        if new == Answer(sent.value, sent.evidence, sent.comment):
            continue  # untouched by the supplier: whatever the app holds now stands
        old = current.get(q.id, Answer())
        if new == old:
            continue
        conflict = old != sent
        changes.append(AnswerChange(
            q.id, numbering[q.id], q.text, answer_label(q, old.value), answer_label(q, new.value),
            old.evidence, new.evidence, old.comment, new.comment, conflict,
        ))
        after[q.id] = new
    return changes, problems, after, notes
