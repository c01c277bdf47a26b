"""The publishable list of complaints asks the reviewer to "read every line before it leaves": every summary shows
whole in the review (wrapped, never cut with "…"), so a detail that could point to a worker can be seen and
reworded."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect, Qt

from csrdesk.services.complaint_reports import PublicRow

LONG = ("Migrant workers say the agency keeps their passports until the end of the contract and deducts a "
        "recruitment fee from the first three months of wages; the night shift in the cutting room is the worst.")


def test_every_summary_reads_whole(qtbot, window):
    from csrdesk.ui.pages.complaint_dialogs import PublicListDialog

    rows = [PublicRow(complaint_id=1, reference="GRV-2026-0101", factory="Yiwu Ruifeng Knitting Co., Ltd. (Yiwu, Zhejiang)",
                      received=date(2026, 4, 1), status="Closed", filed_by="Anonymous worker", summary=LONG,
                      outcome="Substantiated")]
    dialog = PublicListDialog(window.ctx, rows, window)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 620)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    for column in (1, 5):
        width = table.columnWidth(column) - 8
        text = table.item(0, column).text()
        needed = table.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        assert needed <= table.rowHeight(0) + 2, f"column {column} needs {needed} px, the row has {table.rowHeight(0)}"
