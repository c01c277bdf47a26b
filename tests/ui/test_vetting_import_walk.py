"""A vetting screen taken through its questionnaire as a new user does: send it, get it back filled, look at what it
changes, apply, decide. The preview names the checklist as the user knows it, shows every change whole (wrapped, no
sideways scroll) and says how an ambiguous date was read; after the decision the screen's message line says so,
not "Answers imported…"; a long text answer reads from its beginning."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QLabel, QListWidget

from tests.ui.conftest import open_vetting_screen, wait_idle

SCREENING = "new_supplier_screening"
LEAD = "Ayse Demir, HR and compliance manager, ayse.demir@anatolia-socks.example.com.tr"


def _returned(db, tmp_path, screen_id):
    from openpyxl import load_workbook

    from csrdesk.services.vetting import export_questionnaire, screen_detail
    from tests.services.test_vetting import good_answers

    sent = export_questionnaire(db, screen_id, tmp_path / "sent.xlsx")
    answers = good_answers(screen_detail(db, screen_id).template)
    wb = load_workbook(sent)
    ws = wb.worksheets[0]
    head = next(r for r in range(1, 30) if ws.cell(r, 8).value == "Question ID")
    for r in range(head + 1, ws.max_row + 1):
        qid = ws.cell(r, 8).value
        if qid not in answers:
            continue
        value = answers[qid].answer if hasattr(answers[qid], "answer") else answers[qid].value
        ws.cell(r, 5).value = value if not hasattr(value, "isoformat") else value.isoformat()
        if answers[qid].evidence:
            ws.cell(r, 6).value = answers[qid].evidence
        if qid == "compliance_lead":
            ws.cell(r, 5).value = LEAD
        if qid == "last_audit":
            ws.cell(r, 5).value = "5/3/2026"  # day first or month first? the preview must say how it was read
    wb.save(tmp_path / "returned.xlsx")
    return tmp_path / "returned.xlsx"


def test_questionnaire_round_trip_reads_whole(qtbot, window, ui_db, tmp_path):
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.vetting import start_screen
    from csrdesk.ui.pages.vetting.dialogs import ImportPreviewDialog

    create_supplier(ui_db, SupplierInput(name="Anatolia Socks Tekstil", code="TR-7501", country="Türkiye"),
                    status="vetting")
    screen = start_screen(ui_db, SCREENING, supplier_code="TR-7501")
    path = _returned(ui_db, tmp_path, screen.id)
    page = open_vetting_screen(qtbot, window, screen.id)
    seen = {}

    def look_and_apply() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, ImportPreviewDialog)
            seen["labels"] = " ".join(label.text() if label.textFormat() != Qt.TextFormat.RichText else
                                      QTextDocumentFragment.fromHtml(label.text()).toPlainText()
                                      for label in dialog.findChildren(QLabel))
            seen["sideways"] = dialog.findChild(QListWidget).horizontalScrollBar().isVisible()
            seen["width"] = dialog.width()
            folder = os.environ.get("CSRDESK_LAYOUT_SHOTS")
            if folder:
                dialog.grab().save(os.path.join(folder, "import-preview.png"))
        finally:
            dialog.apply_button.click()  # never left open: exec() would wait for ever

    form = page.form
    wait_idle(qtbot, window.ctx)
    from csrdesk.ui.pages.vetting import dialogs as vetting_dialogs

    original = vetting_dialogs.ImportPreviewDialog.exec

    def exec_and_look(self):
        QTimer.singleShot(50, look_and_apply)
        return original(self)

    vetting_dialogs.ImportPreviewDialog.exec = exec_and_look
    try:
        form.import_questionnaire(str(path))
        qtbot.waitUntil(lambda: "imported" in form.status.text() and not window.ctx.busy, timeout=10000)
    finally:
        vetting_dialogs.ImportPreviewDialog.exec = original
    assert "New supplier social and environmental screening" in seen["labels"]
    assert "new_supplier_screening" not in seen["labels"]
    assert "9.1" in seen["labels"] and "'5/3/2026' was read" in seen["labels"], "an ambiguous date's reading"
    assert "&#x27;" not in seen["labels"]
    assert " out of 100, suggested " in seen["labels"], "the score says its scale"
    assert not seen["sideways"], "the changes scroll sideways"
    assert seen["width"] <= 1360

    qtbot.waitUntil(lambda: form.rows.get("compliance_lead") is not None
                    and form.rows["compliance_lead"].input.text() == LEAD)
    lead_box = form.rows["compliance_lead"].input
    assert lead_box.cursorPosition() == 0, "a long answer shows its end, not its beginning"

    form.reviewer_edit.setText("Anna Berg")
    form.decision_combo.setCurrentIndex(form.decision_combo.findData("approve"))
    form.record_decision()
    qtbot.waitUntil(lambda: form.detail.decided and not window.ctx.busy, timeout=10000)
    assert "imported" not in form.status.text() and "Decision recorded: approve" in form.status.text()
