"""Column widths from a sample: a page whose tables hold thousands of rows opens quickly, and its columns still show
their texts whole (as far as the first rows go) and bold texts bold-wide."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontMetrics

from csrdesk.ui import tables
from csrdesk.ui.tables import Column, RowTableModel, TableView


@dataclass(frozen=True)
class Row:
    id: int
    code: str
    note: str
    late: bool


def test_fit_columns_reads_a_sample_and_fits_its_widest_text(qtbot):
    """fit_columns reads at most FIT_SAMPLE_ROWS rows per column of a 3,000-row table, and the code column is as
    wide as its widest sampled text, measured bold where the row is shown bold."""
    reads = []

    def code(row: Row) -> str:
        reads.append(row.id)
        return row.code

    rows = [Row(i, "CN-LONGER-CODE-0042" if i == 7 else f"CN-{i:04d}", "note", i == 7) for i in range(3000)]
    model = RowTableModel([Column("Code", code, bold=lambda r: r.late), Column("Note", lambda r: r.note)])
    model.set_rows(rows)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    reads.clear()
    view.fit_columns(stretch=1)
    assert 0 < len(reads) <= tables.FIT_SAMPLE_ROWS
    bold = QFont(view.font())
    bold.setBold(True)
    assert view.columnWidth(0) >= QFontMetrics(bold).horizontalAdvance("CN-LONGER-CODE-0042")
