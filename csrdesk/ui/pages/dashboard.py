"""The dashboard: where the program stands today, at a glance (plain figures and bars, no chart library).

A click on a bar or a tile opens what is behind it (ui.dashboard_links); a right click copies or saves a chart."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from csrdesk.domain.lifecycle import SupplierStatus
from csrdesk.domain.reporting import plural
from csrdesk.reports.charts import NOT_ASSESSED_COLOUR  # the reports' palette: the same grey in every chart
from csrdesk.services.complaint_reports import ComplaintsTile, complaints_tile
from csrdesk.services.dashboard import NOT_ASSESSED, DashboardSummary, dashboard_summary
from csrdesk.services.verification_overview import VerificationCounts, verification_counts
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.ui.pages.base import Card, Page, button, muted, page_header, section_title
from csrdesk.ui.pages.stale_laws import StaleLawsPanel
from csrdesk.ui.widgets.first_start import FirstStartPanel
from csrdesk.ui.tables import Column, RowTableModel, TableView


class BarList(QWidget):
    """Labelled horizontal bars with their counts; each bar may have its own colour. A click on a row emits its
    index (bar_clicked); so does Enter or Space on the current row, which the arrow keys move once Tab brought the
    focus here (a frame in the palette's highlight colour marks it)."""

    bar_clicked = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, int, QColor]] = []
        self.current = 0
        self._plain = False  # drawing a copy of the chart: no focus frame in it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def grab(self, *args):  # the chart copied or saved as PNG
        self._plain = True
        try:
            return super().grab(*args)
        finally:
            self._plain = False

    def render(self, *args, **kwargs) -> None:  # the chart saved as SVG
        self._plain = True
        try:
            super().render(*args, **kwargs)
        finally:
            self._plain = False

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        row = int(event.position().y() - 2) // self._row_height()
        if event.button() == Qt.MouseButton.LeftButton and 0 <= row < len(self._items):
            self._set_current(row)
            self.bar_clicked.emit(row)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key, last = event.key(), len(self._items) - 1
        moves = {Qt.Key.Key_Up: self.current - 1, Qt.Key.Key_Down: self.current + 1, Qt.Key.Key_Home: 0,
                 Qt.Key.Key_End: last}
        if key in moves and last >= 0 and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._set_current(min(max(moves[key], 0), last))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and 0 <= self.current <= last:
            self.bar_clicked.emit(self.current)
        else:
            super().keyPressEvent(event)

    def _set_current(self, row: int) -> None:
        self.current = row
        if 0 <= row < len(self._items):
            label, count, _c = self._items[row]
            self.setAccessibleDescription(f"{label}: {count:,}. Enter opens them; up and down choose another bar.")
        self.update()

    def set_items(self, items: Sequence[tuple[str, int, Optional[QColor]]]) -> None:
        self._items = [(label, count, colour or QColor(theme.ACCENT)) for label, count, colour in items]
        self._set_current(min(self.current, max(len(self._items) - 1, 0)))
        self.updateGeometry()
        self.update()

    def items(self) -> list[tuple[str, int]]:
        return [(label, count) for label, count, _c in self._items]

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 12

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, max(1, len(self._items)) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        label_width = max([metrics.horizontalAdvance(label) for label, _n, _c in self._items] + [80]) + 16
        count_width = max([metrics.horizontalAdvance(f"{n:,}") for _l, n, _c in self._items] + [24]) + 12
        pad = 6  # room for the focus frame around a row
        bar_space = max(40, self.width() - label_width - count_width - 8 - 2 * pad)
        highest = max([n for _l, n, _c in self._items] + [1])
        h = self._row_height()
        for i, (label, count, colour) in enumerate(self._items):
            top = i * h + 2
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(QRectF(pad, top, label_width, h), int(Qt.AlignmentFlag.AlignVCenter), label)
            track = QRectF(pad + label_width, top + 5, bar_space, h - 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#eef1f5"))
            painter.drawRoundedRect(track, 3, 3)
            if count:
                width = max(4.0, bar_space * count / highest)
                painter.setBrush(colour)
                painter.drawRoundedRect(QRectF(pad + label_width, top + 5, width, h - 10), 3, 3)
            painter.setPen(QColor(theme.TEXT if count else theme.MUTED))
            painter.drawText(QRectF(pad + label_width + bar_space + 8, top, count_width, h),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), f"{count:,}")
        if self.hasFocus() and not self._plain and 0 <= self.current < len(self._items):  # the row Enter opens
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(1, self.current * h + 2, self.width() - 2, h).adjusted(0, 1, 0, -1), 4, 4)
        painter.end()


def _panel(title: str, *widgets: QWidget, note: str = "", stretch: bool = True) -> QWidget:
    panel = QFrame()
    panel.setObjectName("card")
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    layout.addWidget(section_title(title))
    if note:
        layout.addWidget(muted(note))
    for w in widgets:
        layout.addWidget(w)
    if stretch:  # bars keep their height; a table takes the room
        layout.addStretch(1)
    return panel


class DashboardPage(Page):
    """Counts by rating, overdue and soon-due CAP items, follow-ups owed, CAPs by status, most overdue suppliers."""

    title = "Dashboard"
    topics = ("suppliers", "assessments", "caps", "library", "vetting", "complaints", "verification", "laws")
    supplier_requested = Signal(int)
    caps_requested = Signal(str)  # "overdue" or "due soon"
    open_requested = Signal(str, str, str)  # page key, filter kind, value: what a clicked bar or tile stands for

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.summary: Optional[DashboardSummary] = None
        refresh = button("Refresh", tooltip="Reload the figures (F5)")
        refresh.clicked.connect(self.refresh)
        header, self.subtitle = page_header("Dashboard", "Loading…", [refresh])

        self.card_suppliers = Card("Suppliers in the program")
        self.card_overdue = Card("Overdue CAP items")
        self.card_due = Card("CAP items due in 14 days")
        self.card_follow = Card("Follow-up assessments owed")
        self.card_recent = Card("Assessments in the last 90 days")
        self.card_visits = Card("Verification visits overdue")
        self.card_complaints = Card("Open worker complaints")
        # Seven cards in two rows (four and three): in one row at 1360 px each was too narrow for its note.
        cards = QGridLayout()
        cards.setHorizontalSpacing(12)
        cards.setVerticalSpacing(12)
        self.tiles = (self.card_suppliers, self.card_overdue, self.card_due, self.card_follow, self.card_visits,
                      self.card_recent, self.card_complaints)  # in reading order
        for i, card in enumerate(self.tiles):
            card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            cards.addWidget(card, i // 4, i % 4)
        for column in range(4):
            cards.setColumnStretch(column, 1)
        self.first_start = FirstStartPanel()  # an empty workspace: a short start instead of zeros
        self.first_start.setVisible(False)

        self.ratings = BarList()
        self.statuses = BarList()
        self.caps = BarList()
        self._link_charts()
        self.follow_model = RowTableModel([
            Column("Supplier", lambda r: r.supplier_code, width=90),
            Column("Name", lambda r: r.supplier_name, width=220),
            Column("Rated Unsatisfactory", lambda r: r.assessment_date, width=150),
            Column("Follow-up due", lambda r: r.due,
                   colour=lambda r: QColor(theme.OVERDUE) if r.overdue else None,
                   bold=lambda r: r.overdue),
        ], self, id_getter=lambda r: r.supplier_id)
        self.follow_view = TableView(settings_key="dashboard.followups",
                                     placeholder="No follow-up assessment is owed.")
        self.follow_view.setModel(self.follow_model)
        self.follow_view.setMinimumHeight(170)
        self.follow_view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))
        self.overdue_model = RowTableModel([
            Column("Supplier", lambda r: r.supplier_code, width=90),
            Column("Name", lambda r: r.supplier_name, width=220),
            Column("Overdue items", lambda r: r.overdue_items, colour=lambda r: QColor(theme.OVERDUE), width=110),
            Column("Oldest due date", lambda r: r.oldest_due),
        ], self, id_getter=lambda r: r.supplier_id)
        self.overdue_view = TableView(settings_key="dashboard.overdue",
                                      placeholder="No supplier has overdue CAP items.")
        self.overdue_view.setModel(self.overdue_model)
        self.overdue_view.setMinimumHeight(170)
        self.overdue_view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))

        # Production not allowed: listed first, above everything else, while any supplier is blocked.
        self.blocked_model = RowTableModel([
            Column("Supplier", lambda r: r.supplier_code, width=90),
            Column("Name", lambda r: r.supplier_name, width=220),
            Column("Status", lambda r: r.status + (" · suspend?" if r.propose_suspension else ""), width=140,
                   colour=lambda r: QColor(theme.OVERDUE) if r.propose_suspension else None,
                   bold=lambda r: r.propose_suspension),
            Column("Why", lambda r: r.reason.removeprefix("Production not allowed: "), tooltip=lambda r: r.reason),
        ], self, id_getter=lambda r: r.supplier_id)
        self.blocked_view = TableView(settings_key="dashboard.blocked", placeholder="")
        self.blocked_view.setModel(self.blocked_model)
        self.blocked_view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))
        # Why production is not allowed is a sentence: it wraps onto the lines it needs (beside a long supplier
        # name it was cut), and the rows and the table grow with it.
        self.blocked_view.setWordWrap(True)
        # Measuring the rows reads every row (134 blocked suppliers at 600 factories: 15 ms): once after the columns
        # settle, not after each column's resize (six times at start).
        self._blocked_rows_timer = QTimer(self)
        self._blocked_rows_timer.setSingleShot(True)
        self._blocked_rows_timer.setInterval(0)
        self._blocked_rows_timer.timeout.connect(self._fit_blocked_rows)
        self.blocked_view.horizontalHeader().sectionResized.connect(lambda *_args: self._blocked_rows_timer.start())
        self.blocked_note = muted()
        self.blocked_panel = _panel("Production not allowed", self.blocked_note, self.blocked_view, stretch=False)
        self.blocked_panel.setObjectName("alertCard")
        self.blocked_panel.setStyleSheet(f"QFrame#alertCard {{ background: {theme.OVERDUE_BG}; border: 1px solid "
                                         f"{theme.OVERDUE}; border-radius: 8px; }}")
        self.blocked_panel.setVisible(False)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        grid.addWidget(_panel("Suppliers by current rating", self.ratings,
                              note="The latest assessment's rating, or Satisfactory by a valid certificate that is "
                                   "newer than it."), 0, 0)
        grid.addWidget(_panel("Suppliers by status", self.statuses), 0, 1)
        grid.addWidget(_panel("Most overdue suppliers", self.overdue_view,
                              note="Open CAP items past their due date.", stretch=False), 1, 0)
        grid.addWidget(_panel("CAPs by status", self.caps), 1, 1)
        self.follow_panel = _panel("Follow-up assessments owed", self.follow_view,
                                   note="An Unsatisfactory rating asks for a follow-up assessment within the set days.",
                                   stretch=False)
        grid.addWidget(self.follow_panel, 2, 0, 1, 2)
        self.stale_laws = StaleLawsPanel(ctx)
        grid.addWidget(_panel("Law references to review", self.stale_laws, stretch=False), 3, 0, 1, 2)
        for col in range(2):
            grid.setColumnStretch(col, 1)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(header)
        layout.addWidget(self.first_start)
        layout.addLayout(cards)
        layout.addWidget(self.blocked_panel)
        layout.addLayout(grid)
        layout.addStretch(1)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for view, name in ((self.blocked_view, "Production not allowed"), (self.overdue_view, "Most overdue suppliers"),
                           (self.follow_view, "Follow-up assessments owed")):
            view.setAccessibleName(name)
        # Tab walks the page as it reads: the refresh button, the tiles row by row, then the charts and tables.
        chain = [refresh, *self.tiles, self.blocked_view, self.ratings, self.statuses, self.overdue_view, self.caps,
                 self.follow_view]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def _link_charts(self) -> None:
        from csrdesk.ui.dashboard_links import make_clickable
        from csrdesk.ui.widgets.chart_view import add_widget_image_menu

        for bars, name, kind, page in ((self.ratings, "suppliers by rating", "rating", "suppliers"),
                                       (self.statuses, "suppliers by status", "status", "suppliers"),
                                       (self.caps, "CAPs by status", "cap_status", "caps")):
            bars.setCursor(Qt.CursorShape.PointingHandCursor)
            bars.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            bars.setAccessibleName(name[0].upper() + name[1:])
            bars.setToolTip("Click a bar (or Tab here, choose one with the arrow keys and press Enter) to see what is "
                            "behind it; right-click to copy or save the chart.")
            bars.bar_clicked.connect(lambda row, b=bars, k=kind, p=page: self._bar_clicked(b, k, p, row))
            add_widget_image_menu(bars, name)
        for card, page, kind, value, tip in (
                (self.card_suppliers, "suppliers", "status", "", "Show the suppliers"),
                (self.card_overdue, "caps", "show", "overdue", "Show the overdue CAP items"),
                (self.card_due, "caps", "show", "due soon", "Show the CAP items due soon"),
                (self.card_visits, "verification", "", "", "Open the verification plan"),
                (self.card_recent, "assessments", "", "", "Show the assessments"),
                (self.card_complaints, "complaints", "", "", "Show the worker complaints")):
            make_clickable(card, lambda p=page, k=kind, v=value: self.open_requested.emit(p, k, v), tip)
        # The follow-ups owed are listed on this page: the tile brings their table into view.
        make_clickable(self.card_follow, self.show_follow_ups, "Show the follow-up assessments owed")

    def show_follow_ups(self) -> None:
        self.scroll.ensureWidgetVisible(self.follow_panel, 0, 0)
        self.follow_view.setFocus()

    def _bar_clicked(self, bars: BarList, kind: str, page: str, row: int) -> None:
        keys = {"rating": [r for r, _n in self.summary.by_rating] if self.summary else [],
                "status": [st for st, _n in self.summary.by_status] if self.summary else [],
                "cap_status": [st for st, _n in self.summary.caps_by_status] if self.summary else []}[kind]
        if 0 <= row < len(keys):
            self.open_requested.emit(page, kind, keys[row])

    def reload(self) -> None:
        self.ctx.run(dashboard_summary, self.ctx.db, on_done=self._show, parent=self)
        self.ctx.run(verification_counts, self.ctx.db, on_done=self._show_verification, parent=self)
        self.ctx.run(complaints_tile, self.ctx.db, on_done=self._show_complaints, parent=self)
        self.stale_laws.reload()

    def _show_verification(self, counts: VerificationCounts) -> None:
        self.verification_counts = counts
        self.card_visits.set(f"{counts.visits_overdue:,}", f"{counts.visits_booked:,} booked · "
                             f"{counts.escalated:,} factories escalated",
                             theme.OVERDUE if counts.visits_overdue else None)

    def _show_complaints(self, tile: ComplaintsTile) -> None:
        notes = [f"{tile.high_risk_open:,} high retaliation risk" if tile.high_risk_open else "none at high risk"]
        if tile.retaliation_found_open:
            notes.append(f"{tile.retaliation_found_open:,} with retaliation found")
        if tile.unacknowledged_over_7_days:
            notes.append(f"{tile.unacknowledged_over_7_days:,} unacknowledged after a week")
        if tile.oldest_open_days is not None:
            notes.append(f"oldest {tile.oldest_open_days:,} days")
        urgent = tile.high_risk_open or tile.retaliation_found_open or tile.unacknowledged_over_7_days
        self.card_complaints.set(f"{tile.open:,}", " · ".join(notes),
                                 theme.OVERDUE if urgent else (theme.WARNING if tile.open else theme.OK))

    def _show(self, summary: DashboardSummary) -> None:
        self.summary = summary
        self.first_start.setVisible(summary.suppliers == 0)
        self.subtitle.setText(f"Where the program stands on {summary.today:%d %B %Y}")
        assessed = summary.suppliers - dict(summary.by_rating).get(NOT_ASSESSED, 0)
        exited = dict(summary.by_status).get(SupplierStatus.EXITED.value, 0)
        left = f" · {exited:,} exited, not counted" if exited else ""  # so 40 added and 39 shown is explained
        self.card_suppliers.set(f"{summary.suppliers:,}", f"{assessed:,} assessed{left}")
        self.card_overdue.set(f"{summary.overdue_items:,}", f"of {summary.open_items:,} open items",
                              theme.OVERDUE if summary.overdue_items else theme.OK)
        self.card_due.set(f"{summary.due_soon_items:,}", "open, due within two weeks",
                          theme.WARNING if summary.due_soon_items else None)
        late = sum(1 for f in summary.follow_ups if f.overdue)
        self.card_follow.set(f"{len(summary.follow_ups):,}", f"{late:,} past due" if late else "none past due",
                             theme.OVERDUE if late else None)
        self.card_recent.set(f"{summary.assessments_last_90_days:,}", "recorded audits")
        self.ratings.set_items([
            (label, count, theme.rating_colour(label) or QColor(NOT_ASSESSED_COLOUR))
            for label, count in summary.by_rating
        ])
        self.statuses.set_items([
            (label.capitalize(), count, theme.status_colour(label)) for label, count in summary.by_status
        ])
        self.caps.set_items([(label.capitalize(), count, None) for label, count in summary.caps_by_status])
        blocked = summary.production_blocked
        self.blocked_panel.setVisible(bool(blocked))
        to_suspend = sum(1 for b in blocked if b.propose_suspension)
        self.blocked_note.setText(
            f"{plural(len(blocked), 'supplier')} rated Zero Tolerance or Denied: no orders until a new assessment rates them "
            "better." + (f" {to_suspend:,} are still approved or active: suspend them (open the supplier, Change "
                         "status…)." if to_suspend else ""))
        self.blocked_model.set_rows(blocked)
        self._blocked_rows_timer.start()
        self.follow_model.set_rows(summary.follow_ups)
        self.overdue_model.set_rows(summary.overdue_suppliers)
        # Codes, counts and dates whole; the name takes the room left (and is shortened with … if need be).
        self.follow_view.fit_columns(stretch=1)
        self.overdue_view.fit_columns(stretch=1)
        self.blocked_view.fit_columns(stretch=3)

    def _fit_blocked_rows(self) -> None:
        """Each blocked supplier's row as tall as its wrapped Why; the table shows up to six rows whole (more
        scroll)."""
        view = self.blocked_view
        view.resizeRowsToContents()
        shown = min(6, max(1, self.blocked_model.rowCount()))
        rows = sum(view.rowHeight(r) for r in range(min(shown, self.blocked_model.rowCount())))
        rows = rows or view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(rows + view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 2)
