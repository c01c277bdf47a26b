"""The supplier-import window asks which encoding an unsure CSV is in, previewing each reading."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from csrdesk.ui.import_dialogs import EncodingDialog, ReportDialog, import_suppliers_flow

AMBIGUOUS = "Factory name,Local name\nGuangming Garment,光明\nChangcheng Knit,长城\nFuli Textile,富丽\nMeihua Apparel,美华\n"



def _open(kind):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


def test_unsure_encoding_shows_a_preview_and_the_choice_is_used(qtbot, work_ctx, tmp_path):
    """The check of a short GB18030 list stops at a choice: the preview shows 光明 as GB18030 and 嫖隴 as Big5;
    the chosen reading is checked and then shown as the import would make it."""
    path = tmp_path / "short.csv"
    path.write_bytes(AMBIGUOUS.encode("gb18030"))
    parent = QWidget()
    qtbot.addWidget(parent)
    import_suppliers_flow(work_ctx, parent, str(path))
    qtbot.waitUntil(lambda: _open(EncodingDialog) is not None, timeout=10000)
    dialog = _open(EncodingDialog)
    dialog.resize(680, 440)
    assert dialog.choice.currentData() == "gb18030" and "光明" in dialog.preview.toPlainText()
    big5 = dialog.choice.findData("big5")
    dialog.choice.setCurrentIndex(big5)
    assert "嫖隴" in dialog.preview.toPlainText()
    dialog.choice.setCurrentIndex(dialog.choice.findData("gb18030"))
    dialog.grab().save(str(tmp_path / "encoding-dialog.png"))
    dialog.accept()
    qtbot.waitUntil(lambda: _open(ReportDialog) is not None, timeout=10000)
    report = _open(ReportDialog)
    text = report.text.toPlainText()
    assert "4 suppliers would be created" in text and "Chinese, simplified (GB18030)" in text
    report.reject()
