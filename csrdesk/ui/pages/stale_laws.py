"""The dashboard's list of law references nobody checked in the last 12 months, and the law table's columns it shares
with the Library's Country laws tab (ui.pages.laws_tab, which the start need not load)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csrdesk.domain.laws import LawEntry, is_stale, review_due
from csrdesk.domain.reporting import plural
from csrdesk.services import laws
from csrdesk.ui import theme
from csrdesk.ui.tables import Column, RowTableModel, TableView


def where_text(e: LawEntry) -> str:
    """The country, and the region when the law is a region's ("China - Guangdong")."""
    return e.country + (f" - {e.region}" if e.region else "")


LAW_COLUMNS = (
    Column("Country", lambda e: e.country, width=90),
    Column("Region", lambda e: e.region, width=130, hidden=True),
    Column("Topic", lambda e: e.topic, width=120),
    Column("Figure", lambda e: e.figure(), width=130, align="right"),
    Column("Effective", lambda e: e.effective, width=90),
    Column("Legal source", lambda e: e.source, width=300, tooltip=lambda e: e.source),
    Column("Last checked", lambda e: e.checked, width=100,
           colour=lambda e: QColor(theme.OVERDUE) if is_stale(e) else None, bold=lambda e: is_stale(e),
           tooltip=lambda e: "Not checked in the last 12 months: review it against the law" if is_stale(e)
           else f"Review due {review_due(e)}"),
    Column("", lambda e: "edited" if e.user_edited else ("built-in" if e.builtin else "yours"), width=70,
           searchable=False),
)


class StaleLawsPanel(QWidget):
    """For the dashboard: the law references nobody checked in the last 12 months."""

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.model = RowTableModel(LAW_COLUMNS[:3] + (LAW_COLUMNS[6],), self)
        self.view = TableView(self, settings_key="dashboard.stale_laws",
                              placeholder="Every law reference was checked in the last 12 months.")
        self.view.setModel(self.model)
        self.view.setMinimumHeight(150)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)

    def reload(self) -> None:
        self.ctx.run(laws.stale_laws, self.ctx.db, on_done=self._show, parent=self)

    def _show(self, entries: list[LawEntry]) -> None:
        self.model.set_rows(entries)
        self.summary.setText(f"{plural(len(entries), 'law reference')} not checked in the last 12 months: compare them with "
                             "the law and mark them checked (Library > Country laws)." if entries else
                             "All law references were checked in the last 12 months.")
        self.view.fit_columns(stretch=1)
