"""The vetting questionnaire workbook: out to a supplier, filled in with openpyxl as they would, and back in."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from csrdesk.cli import main
from csrdesk.exchange.questionnaire import COL, DATA_SHEET, MAIN_SHEET
from csrdesk.errors import UserError
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.services.vetting import (
    AnswerInput, decide_screen, export_for_supplier, export_questionnaire, import_questionnaire, save_answers,
    screen_detail, start_screen,
)
from csrdesk.storage.models import ChangeRecord, VettingAnswer

SCREENING = "new_supplier_screening"
SOFFICE = shutil.which("soffice")


class SupplierEdit:
    """Opens a questionnaire as the supplier would and fills answers by question id."""

    def __init__(self, path: Path) -> None:
        self.wb = load_workbook(path)
        self.ws = self.wb[MAIN_SHEET]
        self.rows = {}
        for row in self.ws.iter_rows(min_row=1):
            qid = row[COL["id"] - 1].value
            if qid and qid != "Question ID":
                self.rows[qid] = row[0].row

    def set(self, qid: str, answer=None, evidence=None, comment=None) -> "SupplierEdit":
        r = self.rows[qid]
        for key, value in (("answer", answer), ("evidence", evidence), ("comment", comment)):
            if value is not None:
                self.ws.cell(r, COL[key]).value = value
        return self

    def cell(self, qid: str, key: str = "answer"):
        return self.ws.cell(self.rows[qid], COL[key])

    def save(self, path: Path) -> Path:
        self.wb.save(path)
        return path


def db_state(db):
    with db.reading() as s:
        answers = sorted((a.screen_id, a.question_id, json.dumps(a.value), a.evidence, a.comment)
                         for a in s.scalars(select(VettingAnswer)))
        history = s.scalar(select(func.count(ChangeRecord.id)))
    return answers, history


@pytest.fixture
def sent(db, supplier, tmp_path):
    screen_id, path = export_for_supplier(db, "CN-0001", SCREENING, tmp_path / "questionnaire.xlsx")
    return screen_id, path


def test_workbook_is_bilingual_protected_with_dropdowns(sent):
    """The supplier sees English and Chinese, can type only in the answer columns, and picks choices from lists."""
    _screen_id, path = sent
    wb = load_workbook(path)
    assert wb[DATA_SHEET].sheet_state == "veryHidden"
    ws = wb[MAIN_SHEET]
    assert ws.protection.sheet and wb.security.lockStructure
    edit = SupplierEdit(path)
    r = edit.rows["documents_held"]
    assert "passports" in ws.cell(r, COL["text"]).value and "护照" in ws.cell(r, COL["text_zh"]).value
    assert ws.cell(r, COL["answer"]).protection.locked is False
    assert ws.cell(r, COL["evidence"]).protection.locked is False
    assert ws.cell(r, COL["text"]).protection.locked is True
    lists = {str(ref) for dv in ws.data_validations.dataValidation if dv.type == "list" for ref in dv.sqref.ranges}
    answer_col = chr(ord("A") + COL["answer"] - 1)
    assert f"{answer_col}{r}" in lists  # yes/no dropdown
    assert f"{answer_col}{edit.rows['recruitment_fees']}" in lists  # choice dropdown
    lists_ws = wb["Lists"]
    labels = [c.value for col in lists_ws.iter_cols() for c in col if c.value]
    assert "Yes / 是" in labels and "The company pays all of them / 全部由公司承担" in labels
    meta = {row[0]: row[1] for row in wb[DATA_SHEET].iter_rows(max_row=14, values_only=True) if row[0]}
    assert meta["template_key"] == SCREENING and meta["template_version"] == "1" and meta["supplier_code"] == "CN-0001"


def test_round_trip_shows_changes_then_applies_them(db, sent, tmp_path):
    """Answers typed in the workbook are shown as changes first (nothing saved), then saved with --apply's rules."""
    screen_id, path = sent
    returned = (SupplierEdit(path)
                .set("code_signed", "Yes / 是", evidence="code-signed.pdf")
                .set("documents_held", "否")
                .set("peak_hours", 58)
                .set("last_audit", datetime(2025, 11, 3))
                .set("recruitment_fees", "The company pays all of them / 全部由公司承担")
                .set("compliance_lead", "Wang Fang, HR manager", comment="也负责EHS")
                .save(tmp_path / "returned.xlsx"))
    before = db_state(db)
    preview = import_questionnaire(db, returned)
    assert db_state(db) == before
    assert {c.question_id: c.new_answer for c in preview.changes} == {
        "code_signed": "Yes", "documents_held": "No", "peak_hours": "58 hours", "last_audit": "2025-11-03",
        "recruitment_fees": "The company pays all of them", "compliance_lead": "Wang Fang, HR manager",
    }
    assert not preview.problems and not preview.applied
    result = import_questionnaire(db, returned, apply=True)
    assert result.applied and result.backup is not None and result.backup.exists()
    detail = screen_detail(db, screen_id)
    assert detail.answers["code_signed"].value == "yes" and detail.answers["code_signed"].evidence == "code-signed.pdf"
    assert detail.answers["peak_hours"].value == 58 and detail.answers["compliance_lead"].comment == "也负责EHS"
    assert detail.evaluation.score == result.evaluation.score
    again = import_questionnaire(db, returned)
    assert again.empty  # the same file a second time changes nothing


def test_formula_text_stays_text_both_ways(db, sent, tmp_path):
    """A formula typed by the supplier is stored as text, and written back out as a text cell, never a formula."""
    screen_id, path = sent
    formula = '=HYPERLINK("http://evil.example","click")'
    returned = (SupplierEdit(path).set("compliance_lead", formula).set("subcontractors", "+cmd|' /C calc'!A0")
                .save(tmp_path / "returned.xlsx"))
    import_questionnaire(db, returned, apply=True)
    detail = screen_detail(db, screen_id)
    assert detail.answers["compliance_lead"].value == formula
    again = export_questionnaire(db, screen_id, tmp_path / "again.xlsx")
    edit = SupplierEdit(again)
    for qid, text in (("compliance_lead", formula), ("subcontractors", "+cmd|' /C calc'!A0")):
        cell = edit.cell(qid)
        assert cell.value == text and cell.data_type == "s"
    every = [c for row in edit.ws.iter_rows() for c in row]
    assert not [c.coordinate for c in every if c.data_type == "f"]


def test_a_bad_answer_refuses_the_whole_file(db, sent, tmp_path):
    """One answer that fits no question's form: the preview names it, and applying saves none of the answers."""
    _screen_id, path = sent
    returned = (SupplierEdit(path).set("code_signed", "Yes").set("peak_hours", "about sixty")
                .save(tmp_path / "returned.xlsx"))
    preview = import_questionnaire(db, returned)
    assert len(preview.problems) == 1 and "not a number" in preview.problems[0] and "7.1" in preview.problems[0]
    before = db_state(db)
    with pytest.raises(UserError, match="nothing was changed.*not a number"):
        import_questionnaire(db, returned, apply=True)
    assert db_state(db) == before


def test_answers_changed_in_the_app_since_export_are_kept_or_flagged(db, sent, tmp_path):
    """An answer the supplier left alone keeps the app's newer value; one both changed is flagged as a conflict."""
    screen_id, path = sent
    save_answers(db, screen_id, {"day_off": AnswerInput("yes"), "minimum_wage": AnswerInput("yes")})
    returned = SupplierEdit(path).set("minimum_wage", "No / 否").save(tmp_path / "returned.xlsx")
    preview = import_questionnaire(db, returned)
    assert [(c.question_id, c.conflict) for c in preview.changes] == [("minimum_wage", True)]
    import_questionnaire(db, returned, apply=True)
    answers = screen_detail(db, screen_id).answers
    assert answers["day_off"].value == "yes" and answers["minimum_wage"].value == "no"


# -- wrong files: refused with one line, the database untouched ---------------------------------------------------

def _refused(db, path, match, **kwargs):
    before = db_state(db)
    with pytest.raises(UserError, match=match) as info:
        import_questionnaire(db, path, apply=True, **kwargs)
    assert "\n" not in str(info.value) and str(info.value).startswith("Questionnaire refused, nothing was changed")
    assert db_state(db) == before


def test_another_suppliers_file_is_refused(db, sent, tmp_path):
    """A questionnaire for CN-0002 imported as CN-0001's is refused naming both."""
    create_supplier(db, SupplierInput(name="Blue River Knitting", code="CN-0002", country="China"), status="vetting")
    _other_id, other = export_for_supplier(db, "CN-0002", SCREENING, tmp_path / "other.xlsx")
    returned = SupplierEdit(other).set("code_signed", "yes").save(tmp_path / "other-returned.xlsx")
    _refused(db, returned, "of CN-0002, not of supplier CN-0001", supplier_code="CN-0001")


def test_another_screens_file_is_refused(db, sent, tmp_path):
    """A questionnaire of one screen imported into another screen is refused."""
    screen_id, path = sent
    exit_screen = start_screen(db, "responsible_exit", supplier_code="CN-0001")
    returned = SupplierEdit(path).set("code_signed", "yes").save(tmp_path / "returned.xlsx")
    _refused(db, returned, f"screen {screen_id} .*not of screen {exit_screen.id}", screen_id=exit_screen.id)


def test_damaged_and_foreign_files_are_refused(db, sent, tmp_path):
    """A truncated file, a text file and a plain workbook are refused with a clear message."""
    _screen_id, path = sent
    data = path.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    _refused(db, tmp_path / "cut.xlsx", "not an Excel .xlsx file, or it is damaged")
    (tmp_path / "notes.xlsx").write_text("hello", encoding="utf-8")
    _refused(db, tmp_path / "notes.xlsx", "not an Excel .xlsx file")
    plain = Workbook()
    plain.active["A1"] = "Answers"
    plain.save(tmp_path / "plain.xlsx")
    _refused(db, tmp_path / "plain.xlsx", "not a csrdesk vetting questionnaire")
    _refused(db, tmp_path / "missing.xlsx", "does not exist")


def test_altered_hidden_data_and_other_workspaces_are_refused(db, sent, tmp_path):
    """Changing the hidden screen id, or bringing a file from another workspace, fails the signature check."""
    _screen_id, path = sent
    wb = load_workbook(path)
    meta = wb[DATA_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "screen_id":
            row[1].value = "99"
    wb.save(tmp_path / "altered.xlsx")
    _refused(db, tmp_path / "altered.xlsx", "altered after export, or it was exported from another")

    from csrdesk.services.startup import open_workspace

    other_db = open_workspace(str(tmp_path / "other.sqlite3"))
    try:
        create_supplier(other_db, SupplierInput(name="Golden Thread", code="CN-0001"), status="vetting")
        _sid, foreign = export_for_supplier(other_db, "CN-0001", SCREENING, tmp_path / "foreign.xlsx")
    finally:
        other_db.dispose()
    _refused(db, foreign, "another csrdesk workspace")


def test_decided_screen_takes_no_answers(db, sent, tmp_path):
    """Once the screen is decided, a late questionnaire is refused until the screen is reopened."""
    screen_id, path = sent
    decide_screen(db, screen_id, "reject", "Mei Chen")
    returned = SupplierEdit(path).set("code_signed", "yes").save(tmp_path / "returned.xlsx")
    _refused(db, returned, "was decided")
    with pytest.raises(UserError, match="reopen it"):
        export_questionnaire(db, screen_id, tmp_path / "again.xlsx")


def test_export_reuses_the_open_screen(db, sent, tmp_path):
    """Sending the same checklist again goes out for the same undecided screen, with its answers filled in."""
    screen_id, _path = sent
    save_answers(db, screen_id, {"code_signed": AnswerInput("yes", evidence="code.pdf")})
    again_id, again = export_for_supplier(db, "CN-0001", SCREENING, tmp_path / "again.xlsx")
    assert again_id == screen_id
    edit = SupplierEdit(again)
    assert edit.cell("code_signed").value == "Yes / 是" and edit.cell("code_signed", "evidence").value == "code.pdf"


def test_consultant_questionnaire_has_the_firm_name(db, tmp_path):
    """A consultant screen exports with the firm's name in place of a supplier."""
    detail = start_screen(db, "consultant_vetting", subject="Clearview Social Audits Ltd")
    path = export_questionnaire(db, detail.id, tmp_path / "firm.xlsx")
    ws = load_workbook(path)[MAIN_SHEET]
    assert ws["B2"].value == "Clearview Social Audits Ltd"


# -- the command line ---------------------------------------------------------------------------------------------

def test_cli_export_import_show(db, supplier, tmp_path, capsys):
    """export, import (preview then --apply) and show print the contract keys; a wrong file is one line, exit 2."""
    out = tmp_path / "q.xlsx"
    assert main(["--db", db.url, "vetting", "export", "CN-0001", "--template", SCREENING, "-o", str(out),
                 "--json"]) == 0
    screen_id = json.loads(capsys.readouterr().out)["screen_id"]
    returned = SupplierEdit(out).set("deposits", "Yes / 是").set("code_signed", "yes").save(tmp_path / "r.xlsx")
    assert main(["--db", db.url, "vetting", "import", str(returned), "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert {"screen_id", "score", "decision", "knockouts"} <= set(preview)
    assert preview["screen_id"] == screen_id and preview["decision"] == "reject" and not preview["applied"]
    assert preview["knockouts"] == ["Must workers pay a deposit, or have part of their wages held back, when they "
                                    "start work?"]
    assert main(["--db", db.url, "vetting", "import", str(returned), "--apply", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is True
    assert main(["--db", db.url, "vetting", "show", str(screen_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["screen_id"], shown["decision"], shown["knockouts"]) == (screen_id, "reject", preview["knockouts"])
    assert shown["score"] == preview["score"]
    assert main(["--db", db.url, "vetting", "templates", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"key": SCREENING, "title": "New supplier social and environmental screening", "version": 1}.items() <= \
        next(t for t in listed if t["key"] == SCREENING).items()
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 broken")
    assert main(["--db", db.url, "vetting", "import", str(tmp_path / "bad.xlsx"), "--apply"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing was changed" in err


def test_cli_decide_with_conditions(db, supplier, tmp_path, capsys):
    """`vetting decide` records the decision and the conditions with their due dates."""
    detail = start_screen(db, SCREENING, supplier_code="CN-0001")
    answers = {}
    for q in detail.template.questions():
        simple = {"yesno": q.expected, "number": 0, "text": "x", "file": "f.pdf", "date": date.today().isoformat()}
        value = q.options[0].value if q.type == "choice" else simple[q.type]
        answers[q.id] = AnswerInput(value, evidence="e.pdf")
    save_answers(db, detail.id, answers)
    code = main(["--db", db.url, "vetting", "decide", str(detail.id), "--decision", "approve with conditions",
                 "--reviewer", "Mei Chen", "--condition", "Send the fire drill record@2099-01-31", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decision"] == "approve with conditions" and out["reviewer"] == "Mei Chen"
    assert [(c["text"], c["due_date"]) for c in out["conditions"]] == [("Send the fire drill record", "2099-01-31")]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.libreoffice
def test_libreoffice_opens_the_questionnaire(sent, tmp_path):
    """LibreOffice opens the questionnaire and prints it with its English and Chinese questions."""
    _screen_id, path = sent
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180, env=dict(os.environ, HOME=str(profile)),
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "questionnaire.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "recruitment fees" in text and "招聘费用" in text


def test_an_answer_without_a_question_id_is_refused_as_the_tracker_refuses_it(db, sent, tmp_path):
    """A supplier who typed an answer on a row whose Question ID was cleared (or on an inserted row) loses nothing
    silently: the file is refused naming the row (before, the answer was dropped)."""
    _screen_id, path = sent
    edit = SupplierEdit(path).set("code_signed", "Yes / 是")
    row = edit.rows["peak_hours"]
    edit.ws.cell(row, COL["answer"]).value = 58
    edit.ws.cell(row, COL["id"]).value = None
    returned = edit.save(tmp_path / "returned.xlsx")
    _refused(db, returned, rf"row {row} has an answer but no Question ID")
