"""The Risk map tab of the Library page: countries x finding categories from the program's own findings, as a
heat map and a table, with the user's own note on each country (where should next year's unannounced audits go?)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.domain.risk import FEW_ASSESSMENTS, RiskMap
from csrdesk.errors import UserError
from csrdesk.services import risk
from csrdesk.ui import theme
from csrdesk.ui.widgets.wheel_guard import wheel_only_with_focus
from csrdesk.ui.tables import Column, TableView, RowTableModel

PERIODS = (("All assessments", None), ("Last 12 months", 365), ("Last 24 months", 730), ("Last 36 months", 1095))


class CountryRow:
    """One country of the map, as the table shows it."""

    def __init__(self, risk_map: RiskMap, country: str, titles: dict[str, str]) -> None:
        self.id = country
        self.country = country
        self.assessments = risk_map.assessments[country]
        self.score = round(risk_map.scores[country], 2)
        cells = sorted((c for c in risk_map.cells if c.country == country and c.with_finding),
                       key=lambda c: (-c.weighted, c.category))[:3]
        self.top = ", ".join(f"{titles.get(c.category, c.category)} {c.share:.0%}" for c in cells) or "no findings"
        self.note = risk_map.notes.get(country, "")


COLUMNS = (
    Column("Country", lambda r: r.country, width=110),
    Column("Assessments", lambda r: r.assessments, width=90,
           tooltip=lambda r: f"Fewer than {FEW_ASSESSMENTS}: too few to say much yet" if r.assessments
           < FEW_ASSESSMENTS else None),
    Column("Risk score", lambda r: r.score, width=80,
           tooltip=lambda r: "The sum of the severity-weighted shares over all categories"),
    Column("Where findings are most frequent and severe", lambda r: r.top, width=380),
    Column("Your note", lambda r: r.note, width=240, tooltip=lambda r: r.note or None),
)


class RiskMapTab(QWidget):
    """The heat map (drawn when the tab is shown; matplotlib loads then), the table and the country notes."""

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.map: Optional[RiskMap] = None
        self._stale = True
        self._canvas = None
        self._titles: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self.explain = QLabel("Share of each country's assessments with a finding in the category; the colour weighs "
                              "it by the worst severity found (zero tolerance counts whole, minor a quarter).")
        self.explain.setObjectName("muted")
        self.explain.setWordWrap(True)
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(label, days)
        wheel_only_with_focus(self.period)
        top.addWidget(self.explain, 1)
        top.addWidget(self.period)
        layout.addLayout(top)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.chart_holder = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_holder)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter.addWidget(self.chart_holder)
        bottom = QWidget()
        b_layout = QHBoxLayout(bottom)
        b_layout.setContentsMargins(0, 0, 0, 0)
        self.model = RowTableModel(COLUMNS, self)
        self.table = TableView(bottom, settings_key="library_risk", placeholder="No assessments yet.")
        self.table.setModel(self.model)
        notes = QWidget()
        n_layout = QVBoxLayout(notes)
        n_layout.setContentsMargins(8, 0, 0, 0)
        self.note_title = QLabel("Select a country to keep your note on its risk.")
        self.note_title.setObjectName("sectionTitle")
        self.note_title.setWordWrap(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("What you know that the audits do not show: seasonal peaks, migrant "
                                          "workers, new labour law, union disputes…")
        self.note_button = QPushButton("Save note")
        self.note_message = QLabel("")
        self.note_message.setWordWrap(True)
        n_layout.addWidget(self.note_title)
        n_layout.addWidget(self.note_edit, 1)
        row = QHBoxLayout()
        row.addWidget(self.note_message, 1)
        row.addWidget(self.note_button)
        n_layout.addLayout(row)
        b_layout.addWidget(self.table, 3)
        b_layout.addWidget(notes, 2)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([460, 240])
        layout.addWidget(self.splitter, 1)
        self.note_edit.setEnabled(False)
        self.note_button.setEnabled(False)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selection_changed_rows.connect(self._selected)
        self.note_button.clicked.connect(lambda: self.save_note())
        ctx.changed.connect(self._on_changed)

    def since(self) -> Optional[date]:
        days = self.period.currentData()
        return date.today() - timedelta(days=days) if days else None

    def reload(self) -> None:
        self._stale = False
        db, since = self.ctx.db, self.since()
        self.ctx.run(lambda: (risk.risk_map(db, since), risk.category_titles(db)), on_done=self._loaded, parent=self)

    def _loaded(self, result) -> None:
        self.map, self._titles = result
        selected = [r.country for r in self.table.selected_rows()]
        self.model.set_rows([CountryRow(self.map, c, self._titles) for c in self.map.countries])
        self.table.fit_columns(stretch=3)
        if selected:
            self.table.select_id(selected[0])
        self._draw()

    def _draw(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from csrdesk.reports.risk_chart import risk_heat_map

        fig = risk_heat_map(self.map, self._titles)
        if self._canvas is not None:
            self.chart_layout.removeWidget(self._canvas)
            self._canvas.deleteLater()
        self._canvas = FigureCanvasQTAgg(fig)
        self._canvas.setMinimumHeight(260)
        self.chart_layout.addWidget(self._canvas)

    def _selected(self, rows) -> None:
        row = rows[0] if len(rows) == 1 else None
        self.note_edit.setEnabled(row is not None)
        self.note_button.setEnabled(row is not None)
        self.note_title.setText(f"Your note on {row.country}" if row else "Select a country to keep your note on "
                                                                          "its risk.")
        self.note_edit.setPlainText(row.note if row else "")
        self.note_message.setText("")

    def save_note(self) -> None:
        rows = self.table.selected_rows()
        if len(rows) != 1:
            return

        def done(country: str) -> None:
            self.note_message.setText(f"Note on {country} saved.")
            theme.set_text_colour(self.note_message, theme.OK)
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self.note_message.setText(str(exc))
                theme.set_text_colour(self.note_message, theme.OVERDUE)
            else:
                self.ctx.show_error(self, exc)

        self.ctx.run(risk.save_country_note, self.ctx.db, rows[0].country, self.note_edit.toPlainText(),
                     on_done=done, on_error=failed, parent=self)

    def _on_changed(self, what: str) -> None:
        if what in ("assessments", "suppliers", "library", "all"):
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()
