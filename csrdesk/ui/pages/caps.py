"""The CAPs page: every open CAP item across suppliers, status changes one at a time or in bulk, the item's detail."""
from __future__ import annotations

import logging
from dataclasses import replace
from operator import attrgetter
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QDate, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDateEdit, QFormLayout, QFrame, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu,
    QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from csrdesk.domain.caps import DUE_SOON_DAYS, days_overdue, due_soon_window, is_due_soon, is_overdue
from csrdesk.domain.lifecycle import ITEM_TRANSITIONS, ItemStatus
from csrdesk.services import caps as cap_service
from csrdesk.services import library
from csrdesk.services.caps import CapDetail, CapItemDetail, CapItemRow
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.pages.base import Page, page_header
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, build_search_texts, count_text
from csrdesk.ui.widgets.evidence_list import EvidenceList
from csrdesk.ui.widgets.findings_grid import SEVERITY_COLOURS
from csrdesk.ui.widgets.rating_badge import RatingBadge
from csrdesk.ui.widgets.record_form import RecordFormMixin

log = logging.getLogger(__name__)

SHOW_OPEN, SHOW_OVERDUE, SHOW_DUE_SOON, SHOW_ALL = "open", "overdue", "due soon", "all"
NO_DATE = QDate(2000, 1, 1)  # the planned-date box shows "not set" at its minimum
_OVERDUE = QColor(theme.OVERDUE)
_OVERDUE_BG = QColor(theme.OVERDUE_BG)
_DUE_SOON = QColor(theme.WARNING)
_SEVERITY_QCOLOURS = {k: QColor(v) for k, v in SEVERITY_COLOURS.items()}
_STATUS_COLOURS = {
    "open": QColor("#5f6b7a"), "action planned": QColor("#1f5fa8"), "evidence submitted": QColor("#7a4fb5"),
    "verified": QColor("#2e7d32"), "closed": QColor("#7b8794"),
}


_SEVERITY_RANK = {"minor": 0, "major": 1, "critical": 2, "zero tolerance": 3}
_STATUS_RANK = {s.value: i for i, s in enumerate(ItemStatus)}


class _Categories:
    """Category key -> title, shared by the columns (set when the library is read)."""

    titles: dict[str, str] = {}


def _due_soon(row: CapItemRow, today: date) -> bool:
    return is_due_soon(row.due_date, row.status, today)


def cap_columns(today_fn: Callable[[], date] = date.today) -> list[Column]:
    def due_colour(r: CapItemRow) -> Optional[QColor]:
        if r.overdue:
            return _OVERDUE
        return _DUE_SOON if _due_soon(r, today_fn()) else None

    # Getters are attrgetters and text columns carry their own sort key: one C call or one lambda per row keeps a
    # sort of 52,000 rows well under 0.1 s.
    return [
        Column("Due", attrgetter("due_date"), colour=due_colour, bold=attrgetter("overdue"), width=92,
               sort_key=attrgetter("due_date")),
        Column("Overdue", attrgetter("days_overdue"), fmt=lambda v: f"{v} d" if v else "",
               colour=lambda r: _OVERDUE, width=70, searchable=False, sort_key=attrgetter("days_overdue")),
        Column("Status", attrgetter("status"), colour=lambda r: _STATUS_COLOURS.get(r.status), width=136,
               sort_key=lambda r: _STATUS_RANK.get(r.status, 9)),
        Column("Supplier", attrgetter("supplier_code"), width=80, tooltip=attrgetter("supplier_name"),
               sort_key=attrgetter("supplier_code")),
        Column("Name", attrgetter("supplier_name"), width=170, sort_key=lambda r: r.supplier_name.casefold()),
        Column("Finding", attrgetter("finding"), width=300, tooltip=attrgetter("finding"),
               sort_key=lambda r: r.finding.casefold()),
        Column("Category", lambda r: _Categories.titles.get(r.category, r.category), width=150,
               sort_key=lambda r: _Categories.titles.get(r.category, r.category)),
        Column("Severity", attrgetter("severity"), colour=lambda r: _SEVERITY_QCOLOURS.get(r.severity), width=96,
               sort_key=lambda r: _SEVERITY_RANK.get(r.severity, -1)),
        Column("Points", attrgetter("points"), width=56, searchable=False, sort_key=attrgetter("points")),
        Column("Repeat", attrgetter("repeat"), fmt=lambda v: "↻" if v else "", align="center", width=56,
               colour=lambda r: _OVERDUE, searchable=False, sort_key=attrgetter("repeat")),
        Column("Project leader", attrgetter("project_leader"), width=130,
               sort_key=lambda r: r.project_leader.casefold()),
        Column("Root cause", attrgetter("root_cause"), width=220, tooltip=lambda r: r.root_cause or None,
               sort_key=lambda r: r.root_cause.casefold()),
    ]


def _to_qdate(d: Optional[date]) -> QDate:
    return QDate(d.year, d.month, d.day) if d else NO_DATE


def _from_qdate(q: QDate) -> Optional[date]:
    return None if q == NO_DATE else date(q.year(), q.month(), q.day())


def _label(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def _chip(text: str, colour: str) -> str:
    return (f"<span style='background:{colour}; color:white; border-radius:4px; padding:1px 6px;'>"
            f"&nbsp;{text}&nbsp;</span>")


class ItemPanel(RecordFormMixin, QWidget):
    """One CAP item: the finding and requirements, the factory's answer, evidence, verification, and its CAP."""

    status_requested = Signal(str)  # move the shown item to this status
    cap_status_requested = Signal(int, str)
    save_requested = Signal(dict)  # changed fields for update_item
    attach_requested = Signal(list)
    navigate_requested = Signal(str, object)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.detail: Optional[CapItemDetail] = None
        self.cap: Optional[CapDetail] = None
        self._loading = False
        self.library: dict[str, library.ViolationTypeInfo] = {}
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 0)
        self.heading = QLabel("Select an item to see its finding, the factory's answer and evidence.")
        self.heading.setWordWrap(True)
        self.heading.setObjectName("sectionTitle")
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        moves = QHBoxLayout()
        self.moves_label = QLabel("Move to:")
        self.moves_label.setObjectName("muted")
        moves.addWidget(self.moves_label)
        self.move_buttons = QHBoxLayout()
        moves.addLayout(self.move_buttons)
        moves.addStretch(1)
        layout.addLayout(moves)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        # The finding, as the auditor and the brand wrote it.
        finding = QWidget()
        f_form = QFormLayout(finding)
        self.description = _label("")
        self.legal = _label("")
        self.code = _label("")
        self.remediation = _label("")
        self.days = _label("")
        f_form.addRow("Description", self.description)
        f_form.addRow("Legal requirement", self.legal)
        f_form.addRow("Code requirement", self.code)
        f_form.addRow("Suggested remediation", self.remediation)
        f_form.addRow("Time allowed", self.days)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(finding)
        self.tabs.addTab(scroll, "Finding")

        # The factory's answer.
        answer = QWidget()
        a_form = QFormLayout(answer)
        self.root_cause = QPlainTextEdit()
        self.root_cause.setPlaceholderText("The system failure behind the violation, not the violation restated")
        self.root_cause_hint = QLabel("")
        self.root_cause_hint.setObjectName("muted")
        self.root_cause_hint.setWordWrap(True)
        self.preventive = QPlainTextEdit()
        self.preventive.setPlaceholderText("The management-system change that stops it happening again")
        self.preventive_hint = QLabel("")
        self.preventive_hint.setObjectName("muted")
        self.preventive_hint.setWordWrap(True)
        self.leader = QLineEdit()
        self.leader.setPlaceholderText("The factory employee responsible")
        self.planned = QDateEdit()
        self.planned.setCalendarPopup(True)
        self.planned.setDisplayFormat("yyyy-MM-dd")
        self.planned.setMinimumDate(NO_DATE)
        self.planned.setSpecialValueText("not set")
        self.evidence_notes = QPlainTextEdit()
        self.evidence_notes.setPlaceholderText("What the factory sent as evidence")
        for edit in (self.root_cause, self.preventive, self.evidence_notes):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(60)
        a_form.addRow("Root cause", self.root_cause)
        a_form.addRow("", self.root_cause_hint)
        a_form.addRow("Preventive action", self.preventive)
        a_form.addRow("", self.preventive_hint)
        a_form.addRow("Project leader", self.leader)
        a_form.addRow("Planned date", self.planned)
        a_form.addRow("Evidence notes", self.evidence_notes)
        self.tabs.addTab(answer, "Factory's answer")

        # Evidence and verification.
        verify = QWidget()
        v_layout = QVBoxLayout(verify)
        self.evidence = EvidenceList(verify)
        self.evidence.attach_requested.connect(self.attach_requested)
        self.verification_notes = QPlainTextEdit()
        self.verification_notes.setPlaceholderText("What was checked, how, by whom")
        self.verification_notes.setTabChangesFocus(True)
        self.verification_dates = QLabel("")
        self.verification_dates.setObjectName("muted")
        v_layout.addWidget(QLabel("Evidence files"))
        v_layout.addWidget(self.evidence, 1)
        v_layout.addWidget(QLabel("Verification notes"))
        v_layout.addWidget(self.verification_notes, 1)
        v_layout.addWidget(self.verification_dates)
        self.tabs.addTab(verify, "Evidence && verification")

        # The CAP the item belongs to.
        cap = QWidget()
        c_layout = QVBoxLayout(cap)
        self.cap_heading = QLabel("")
        self.cap_heading.setObjectName("sectionTitle")
        self.cap_heading.setWordWrap(True)
        self.cap_badge = RatingBadge(cap)
        self.cap_facts = QLabel("")
        self.cap_facts.setWordWrap(True)
        self.cap_facts.setTextFormat(Qt.TextFormat.RichText)
        cap_moves = QHBoxLayout()
        cap_moves.addWidget(QLabel("Move the CAP to:"))
        self.cap_move_buttons = QHBoxLayout()
        cap_moves.addLayout(self.cap_move_buttons)
        cap_moves.addStretch(1)
        self.open_assessment = QPushButton("Open the assessment")
        self.open_assessment.clicked.connect(
            lambda: self.cap and self.navigate_requested.emit("assessment", self.cap.assessment_id))
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.cap_badge)
        badge_row.addStretch(1)
        c_layout.addWidget(self.cap_heading)
        c_layout.addLayout(badge_row)
        c_layout.addWidget(self.cap_facts)
        c_layout.addLayout(cap_moves)
        c_layout.addWidget(self.open_assessment)
        c_layout.addStretch(1)
        self.tabs.addTab(cap, "CAP")

        layout.addLayout(self.save_bar("Save item", "Save the factory's answer and the notes (Ctrl+S)"))
        self.watch(self.root_cause, self.preventive, self.evidence_notes, self.verification_notes, self.leader,
                   self.planned)
        self.show_item(None, None)

    # --- showing -----------------------------------------------------------------------------------------------
    def show_item(self, detail: Optional[CapItemDetail], cap: Optional[CapDetail]) -> None:
        self.detail, self.cap = detail, cap
        self._loading = True
        try:
            self._fill(detail, cap)
        finally:
            self._loading = False
        self._edited()

    def _fill(self, d: Optional[CapItemDetail], cap: Optional[CapDetail]) -> None:
        enabled = d is not None
        self.tabs.setEnabled(enabled)
        for button in (self.save_button, self.revert_button):
            button.setVisible(enabled)
        self._clear_layout(self.move_buttons)
        self._clear_layout(self.cap_move_buttons)
        self.moves_label.setVisible(enabled)
        if d is None:
            self.heading.setText("Select an item to see its finding, the factory's answer and evidence.")
            self.facts.setText("")
            for edit in (self.root_cause, self.preventive, self.evidence_notes, self.verification_notes):
                edit.setPlainText("")
            self.leader.setText("")
            self.planned.setDate(NO_DATE)
            self.evidence.set_files(())
            self.cap_heading.setText("")
            self.cap_facts.setText("")
            self.cap_badge.set_rating(None, None)
            self.message.setText("")
            return
        r = d.row
        self.heading.setText(r.finding)
        status_colour = _STATUS_COLOURS.get(r.status, QColor("#5f6b7a")).name()
        due = r.due_date.isoformat() if r.due_date else "no due date"
        if r.overdue:
            due_text = f"<span style='color:{theme.OVERDUE}; font-weight:600'>due {due}, {r.days_overdue} days overdue</span>"
        else:
            due_text = f"due {due}"
        repeat = f" · <span style='color:{theme.OVERDUE}; font-weight:600'>↻ repeat finding</span>" if r.repeat else ""
        self.facts.setText(
            f"{_chip(r.status, status_colour)}&nbsp; {r.supplier_code} · {r.supplier_name}<br>"
            f"<span style='color:{SEVERITY_COLOURS.get(r.severity, '#000')}; font-weight:600'>{r.severity}</span>"
            f", {r.points} point{'s' if r.points != 1 else ''} · {due_text}{repeat}"
        )
        for status in d.allowed_statuses:
            button = QPushButton(status)
            button.setToolTip(f"Move this item to {status}")
            button.clicked.connect(lambda _=False, s=status: self.status_requested.emit(s))
            self.move_buttons.addWidget(button)
        self.description.setText(d.description or "—")
        self.legal.setText(d.legal_requirement or "—")
        self.code.setText(d.code_requirement or "—")
        self.remediation.setText(d.suggested_remediation or "—")
        self.days.setText(f"{d.days_allowed} days")
        self.root_cause.setPlainText(r.root_cause)
        self.preventive.setPlainText(r.preventive_action)
        self.leader.setText(r.project_leader)
        self.planned.setDate(_to_qdate(r.planned_date))
        self.evidence_notes.setPlainText(d.evidence_notes)
        self.verification_notes.setPlainText(d.verification_notes)
        parts = []
        if d.verification_date:
            parts.append(f"Verified on {d.verification_date.isoformat()}")
        if d.closed_date:
            parts.append(f"closed on {d.closed_date.isoformat()}")
        self.verification_dates.setText(", ".join(parts))
        self.evidence.set_files(d.evidence)
        lib = self.library.get(d.violation_type or "")
        self.root_cause_hint.setText(
            "Examples: " + "; ".join(lib.root_cause_examples[:3]) if lib and lib.root_cause_examples else "")
        self.preventive_hint.setText(
            "Examples: " + "; ".join(lib.preventive_action_examples[:3]) if lib and lib.preventive_action_examples else "")
        self.root_cause_hint.setVisible(bool(self.root_cause_hint.text()))
        self.preventive_hint.setVisible(bool(self.preventive_hint.text()))
        self._fill_cap(cap)

    def _fill_cap(self, cap: Optional[CapDetail]) -> None:
        self._clear_layout(self.cap_move_buttons)
        if cap is None:
            self.cap_heading.setText("")
            self.cap_facts.setText("")
            return
        self.cap_heading.setText(f"CAP #{cap.id} · {cap.assessment_type} assessment of {cap.assessment_date.isoformat()}")
        self.cap_badge.set_rating(cap.rating, cap.score)
        open_items = sum(1 for i in cap.items if ItemStatus(i.row.status).is_open)
        overdue = sum(1 for i in cap.items if i.row.overdue)
        progress = "—" if cap.progress is None else f"{cap.progress:.0f}%"
        dates = []
        for label, value in (("issued", cap.issued_date), ("factory response due", cap.response_due),
                             ("CAP meeting", cap.meeting_date), ("closed", cap.closed_date)):
            if value:
                dates.append(f"{label} {value.isoformat()}")
        self.cap_facts.setText(
            f"Status <b>{cap.status}</b> · {len(cap.items)} items, {open_items} open"
            + (f", <span style='color:{theme.OVERDUE}'>{overdue} overdue</span>" if overdue else "")
            + f" · progress {progress}<br>" + (", ".join(dates) if dates else "Not sent to the factory yet.")
        )
        for status in cap.allowed_statuses:
            button = QPushButton(status)
            button.setToolTip(f"Move CAP #{cap.id} to {status}")
            button.clicked.connect(lambda _=False, s=status, c=cap.id: self.cap_status_requested.emit(c, s))
            self.cap_move_buttons.addWidget(button)

    @staticmethod
    def _clear_layout(layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    # --- editing (changes, is_dirty, revert and messages come from RecordFormMixin) --------------------------------
    def form_values(self) -> dict[str, Any]:
        return {
            "root_cause": self.root_cause.toPlainText().strip(),
            "preventive_action": self.preventive.toPlainText().strip(),
            "project_leader": self.leader.text().strip(),
            "planned_date": _from_qdate(self.planned.date()),
            "evidence_notes": self.evidence_notes.toPlainText().strip(),
            "verification_notes": self.verification_notes.toPlainText().strip(),
        }

    def saved_values(self) -> Optional[dict[str, Any]]:
        d = self.detail
        if d is None:
            return None
        return {
            "root_cause": d.row.root_cause.strip(), "preventive_action": d.row.preventive_action.strip(),
            "project_leader": d.row.project_leader.strip(), "planned_date": d.row.planned_date,
            "evidence_notes": d.evidence_notes.strip(), "verification_notes": d.verification_notes.strip(),
        }

    def show_saved(self) -> None:
        self.show_item(self.detail, self.cap)

    def _save(self) -> None:
        changes = self.changes()
        if changes:
            self.save_requested.emit(changes)


class CapsPage(Page):
    """Every CAP item across suppliers, filtered in Python (52,000 rows filter in milliseconds), with the detail."""

    title = "CAPs"
    topics = ("caps", "assessments", "suppliers", "library", "verification")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)  # read when first shown, so starting the window stays quick
        self.today = date.today()
        self._rows: list[CapItemRow] = []
        self._search: list[str] = []
        self._index: dict[int, int] = {}
        self._loaded_all = False
        self._loading = False
        self._cap_filter: Optional[int] = None
        self._shown_item: Optional[int] = None
        self._cap_cache: dict[int, CapDetail] = {}
        self._pending_select: Any = None  # an item id, or "first", to select once the list is read
        self._detail_seq = 0  # the latest detail read; older answers are dropped
        self._library_seq = 0
        self._top_after_load = False
        self.last_error: Optional[str] = None
        self.columns = cap_columns(lambda: self.today)
        self._build()
        self._library_read = False

    # --- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header, self.subtitle = page_header("CAPs", "")
        layout.addWidget(header)

        self.model = RowTableModel(self.columns, self, row_background=lambda r: _OVERDUE_BG if r.overdue else None)
        filters = QHBoxLayout()
        self.filter_box = FilterBox(self.model, self, placeholder="Filter supplier, finding, leader…  (Ctrl+F)")
        self.show_box = QComboBox(self)
        for text, value in (("Open items", SHOW_OPEN), ("Overdue", SHOW_OVERDUE),
                            (f"Due in the next {DUE_SOON_DAYS} days", SHOW_DUE_SOON),
                            ("All items, closed included", SHOW_ALL)):
            self.show_box.addItem(text, value)
        self.status_box = QComboBox(self)
        self.status_box.addItem("Any status", None)
        for s in ItemStatus:
            self.status_box.addItem(s.value, s.value)
        self.supplier_box = QComboBox(self)
        self.supplier_box.setEditable(True)
        self.supplier_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.supplier_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.supplier_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.supplier_box.setMinimumWidth(200)
        self.category_box = QComboBox(self)
        self.category_box.addItem("Any category", None)
        self.cap_chip = QToolButton(self)
        self.cap_chip.setToolTip("Show the items of every CAP again")
        self.cap_chip.setVisible(False)
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.show_box)
        filters.addWidget(self.status_box)
        filters.addWidget(self.supplier_box, 1)
        filters.addWidget(self.category_box)
        filters.addWidget(self.cap_chip)
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = TableView(left, settings_key="caps", placeholder="No CAP items to show.", multi_select=True)
        self.table.setModel(self.model)
        left_layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        self.status_button = QPushButton("Change status…")
        self.status_button.setToolTip("Move the selected items to another status (one or many)")
        self.status_menu = QMenu(self.status_button)
        self.status_menu.aboutToShow.connect(self._fill_status_menu)
        self.status_button.setMenu(self.status_menu)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.status_button)
        self.guided_button = QPushButton("Guided root cause…")  # issue 4: the root-cause wizard and CAP review
        self.guided_button.setToolTip("Enter the factory's root cause and preventive actions step by step")
        self.guided_button.clicked.connect(self.open_guided_root_cause)
        self.review_button = QPushButton("Review CAP…")
        self.review_button.setToolTip("Check the answers of the item's CAP, then approve it or return it")
        self.review_button.clicked.connect(self.open_cap_review)
        bar.addWidget(self.guided_button)
        bar.addWidget(self.review_button)
        left_layout.addLayout(bar)
        self.panel = ItemPanel(self.splitter)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 520])
        layout.addWidget(self.splitter, 1)

        self.show_box.currentIndexChanged.connect(self._show_changed)
        self.status_box.currentIndexChanged.connect(self.apply_filters)
        self.supplier_box.currentIndexChanged.connect(self.apply_filters)
        self.supplier_box.lineEdit().editingFinished.connect(self._supplier_text_done)
        self.category_box.currentIndexChanged.connect(self.apply_filters)
        self.filter_box.textChanged.connect(self._filters_changed)  # after the box filtered the model
        self.cap_chip.clicked.connect(lambda: self.set_cap_filter(None))
        self.model.filtered.connect(self._update_counts)
        self.table.selection_changed_rows.connect(self._selection_changed)
        self.panel.status_requested.connect(lambda s: self.change_status(s, self._panel_ids()))
        self.panel.cap_status_requested.connect(self.change_cap_status)
        self.panel.save_requested.connect(self._save_item)
        self.panel.attach_requested.connect(self._attach)
        self.panel.navigate_requested.connect(self.navigate_requested)
        self.restore_state()

    def _read_library(self) -> None:
        """Categories and finding types (for the category filter and the panel's examples), read on the worker;
        the list read queued after it arrives later, so its category column has the titles."""
        self._library_read = True
        self._library_seq += 1
        seq = self._library_seq
        db = self.ctx.db

        def read():
            return (library.list_categories(db), library.list_violation_types(db, include_archived=True))

        def done(result) -> None:
            if seq == self._library_seq:
                self._library_loaded(*result)

        def failed(exc: BaseException) -> None:
            self._library_read = False  # tried again with the next reload
            self.ctx.show_error(self, exc)

        self.ctx.run(read, on_done=done, on_error=failed, parent=self)

    def _library_loaded(self, categories, types) -> None:
        _Categories.titles = {c.key: c.title for c in categories}
        self.panel.library = {v.key: v for v in types}
        current = self.category_box.currentData()
        with QSignalBlocker(self.category_box):
            self.category_box.clear()
            self.category_box.addItem("Any category", None)
            for key, title in _Categories.titles.items():
                self.category_box.addItem(title, key)
            index = self.category_box.findData(current)
            self.category_box.setCurrentIndex(max(index, 0))

    # --- loading -----------------------------------------------------------------------------------------------
    def reload(self, *, select: Any = None) -> None:
        """Reads the items on the database worker; the table keeps its filter, sort and selection."""
        if self.changed_topics() & {"library", "all"}:
            self._read_library()
        self._loading = True
        self.today = date.today()
        if not self._library_read:
            self._read_library()
        if select is not None:
            self._pending_select = select
        include_closed = self.show_box.currentData() == SHOW_ALL
        columns, db, today = self.columns, self.ctx.db, self.today

        def load():
            rows = cap_service.list_items(db, today=today, open_only=not include_closed)
            return include_closed, rows, build_search_texts(columns, rows)

        self.ctx.run(load, on_done=self._loaded, on_error=self._load_failed, label="Reading CAP items…", parent=self)

    def _loaded(self, result) -> None:
        include_closed, rows, texts = result
        self._cap_cache.clear()
        self._loading = False
        self._loaded_all = include_closed
        to_top, self._top_after_load = self._top_after_load, False
        self._rows = rows
        self._search = texts
        self._index = {r.id: i for i, r in enumerate(rows)}
        self._fill_suppliers()
        self.model.set_predicate(self._predicate())  # it depends on what was loaded and on today
        self._push_rows()
        self._update_subtitle()
        target = self._pending_select
        self._pending_select = None
        if target == "first":
            target = self.model.row_at(0).id if self.model.visible_count else None
        if to_top:
            self._filters_changed()
        if target is not None and target != self._shown_item:
            self.table.select_id(target)  # the selection handler shows it
        elif self._shown_item is not None and not self.panel.is_dirty():
            # The shown item may have changed elsewhere (a CAP sent, an import): show it as it is now.
            self._show_item(self._shown_item)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.ctx.show_error(self, exc)

    def _push_rows(self) -> None:
        # A copy of the search texts: the model may update its own list when a row is replaced.
        self.model.set_rows(self._rows, list(self._search))

    def _fill_suppliers(self) -> None:
        current = self.supplier_box.currentData()
        seen: dict[int, str] = {}
        for r in self._rows:
            if r.supplier_id not in seen:
                seen[r.supplier_id] = f"{r.supplier_code} · {r.supplier_name}"
        with QSignalBlocker(self.supplier_box):
            self.supplier_box.clear()
            self.supplier_box.addItem("Any supplier", None)
            for sid, label in sorted(seen.items(), key=lambda kv: kv[1]):
                self.supplier_box.addItem(label, sid)
            index = self.supplier_box.findData(current) if current is not None else 0
            self.supplier_box.setCurrentIndex(max(index, 0))

    def _update_subtitle(self) -> None:
        open_rows = [r for r in self._rows if ItemStatus(r.status).is_open]
        overdue = sum(1 for r in open_rows if r.overdue)
        soon = sum(1 for r in open_rows if _due_soon(r, self.today))
        suppliers = len({r.supplier_id for r in open_rows})
        self.subtitle.setText(
            f"{len(open_rows):,} open items at {suppliers:,} suppliers · "
            f"<span style='color:{theme.OVERDUE}; font-weight:600'>{overdue:,} overdue</span> · "
            f"{soon:,} due in the next {DUE_SOON_DAYS} days"
        )

    def _update_counts(self, *_args) -> None:
        self.count_label.setText(count_text(self.model, "item"))

    # --- filters -----------------------------------------------------------------------------------------------
    def _predicate(self) -> Optional[Callable[[CapItemRow], bool]]:
        show = self.show_box.currentData()
        status = self.status_box.currentData()
        supplier = self.supplier_box.currentData()
        category = self.category_box.currentData()
        cap = self._cap_filter
        today = self.today
        _first, soon = due_soon_window(today)
        open_values = frozenset(s.value for s in ItemStatus if s.is_open)
        tests: list[Callable[[CapItemRow], bool]] = []
        if show == SHOW_OPEN and self._loaded_all:  # an open-only list drops rows as they close (_update_rows)
            tests.append(lambda r: r.status in open_values)
        elif show == SHOW_OVERDUE:
            tests.append(lambda r: r.overdue)
        elif show == SHOW_DUE_SOON:
            tests.append(lambda r: r.status in open_values and r.due_date is not None and today <= r.due_date <= soon)
        if status is not None:
            tests.append(lambda r: r.status == status)
        if supplier is not None:
            tests.append(lambda r: r.supplier_id == supplier)
        if category is not None:
            tests.append(lambda r: r.category == category)
        if cap is not None:
            tests.append(lambda r: r.cap_id == cap)
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(t(r) for t in tests)

    def apply_filters(self, *_args) -> None:
        self.model.set_predicate(self._predicate())
        self._filters_changed()

    def _filters_changed(self, *_args) -> None:
        """After a filter change the list starts at the top (the worst items first, not wherever the old list was
        scrolled to). The item shown stays selected when it still passes the filters; otherwise nothing is
        selected and the panel empties, unless it holds unsaved edits, which are kept and pointed out."""
        self.table.scrollToTop()
        shown = self._shown_item
        selection = self.table.selectionModel()
        if shown is not None and self.model.position_of(shown) is not None:
            if shown not in [r.id for r in self.table.selected_rows()]:
                with QSignalBlocker(selection):
                    index = self.model.index_of(shown)
                    selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect
                                              | selection.SelectionFlag.Rows)
                self.table.scrollToTop()
            if self.panel.message.text().startswith("This item is hidden"):
                self.panel._edited()
                if self.panel.message.text().startswith("This item is hidden"):
                    self.panel.set_message("")
            self._update_status_button(self.table.selected_rows())
            return
        with QSignalBlocker(selection):
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)
        self._update_status_button([])
        if shown is None:
            return
        if self.panel.is_dirty():
            self.panel.set_message("This item is hidden by the filters; save or revert its changes.", warning=True)
            return
        self._show_item(None)

    def _show_changed(self, *_args) -> None:
        if self.show_box.currentData() == SHOW_ALL and not self._loaded_all:
            self._top_after_load = True
            self.reload()
        else:
            self.apply_filters()

    def _supplier_text_done(self) -> None:
        text = self.supplier_box.currentText().strip()
        if not text:
            self.supplier_box.setCurrentIndex(0)

    def set_show(self, mode: str) -> None:
        self.show_box.setCurrentIndex(self.show_box.findData(mode))

    def set_cap_filter(self, cap_id: Optional[int]) -> None:
        self._cap_filter = cap_id
        self.cap_chip.setText(f"CAP #{cap_id} only  ✕" if cap_id else "")
        self.cap_chip.setVisible(cap_id is not None)
        self.apply_filters()

    # --- selection and the detail panel ------------------------------------------------------------------------
    def _update_status_button(self, rows: list) -> None:
        self.status_button.setEnabled(bool(rows))
        self.status_button.setText(f"Change status of {len(rows)} items…" if len(rows) > 1 else "Change status…")

    def _selection_changed(self, rows: list) -> None:
        self._update_status_button(rows)
        current = self.table.current_row()
        if current is None and len(rows) == 1:
            current = rows[0]
        target = current.id if current is not None else None
        if target == self._shown_item:
            return
        if not self.has_unsaved_changes():
            self._show_item(target)
            return
        with QSignalBlocker(self.table.selectionModel()):  # the edited item stays chosen until it is left
            self.table.clearSelection()
            self.table.select_id(self._shown_item)

        def move() -> None:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.clearSelection()
                self.table.select_id(target)
            self._show_item(target)

        self.leave(move)

    def _show_item(self, item_id: Optional[int]) -> None:
        """Shows the item in the panel, read on the worker; when the selection moved on before the answer came,
        the answer is dropped. The item's CAP is kept while moving between items of one CAP (a CAP of 100 items
        takes tens of milliseconds to read) and read again after any change."""
        self._shown_item = item_id
        self._detail_seq += 1
        seq = self._detail_seq
        if item_id is None:
            self.panel.show_item(None, None)
            return
        db, today, cached = self.ctx.db, self.today, dict(self._cap_cache)

        def read():
            detail = cap_service.item_detail(db, item_id, today)
            cap = cached.get(detail.row.cap_id) or cap_service.cap_detail(db, detail.row.cap_id, today)
            return detail, cap

        def done(result) -> None:
            if seq != self._detail_seq:
                return
            detail, cap = result
            self._cap_cache = {cap.id: cap}
            self.panel.show_item(detail, cap)

        def failed(exc: BaseException) -> None:
            if seq != self._detail_seq:
                return
            self.panel.show_item(None, None)
            self.panel.set_message(" ".join(str(exc).split()), error=True)
            if not isinstance(exc, UserError):
                self.ctx.show_error(self, exc)

        self.ctx.run(read, on_done=done, on_error=failed, parent=self)

    def _panel_ids(self) -> list[int]:
        return [self.panel.detail.row.id] if self.panel.detail is not None else []

    def unsaved_question(self) -> tuple[str, str]:
        return "Unsaved CAP item", "The item has changes that are not saved. Save them first?"

    def save_unsaved(self, then: Callable[[], None]) -> None:
        self._save_item(self.panel.changes(), then=then)

    def discard_unsaved(self) -> None:
        self.panel.revert()

    def has_unsaved_changes(self) -> bool:
        return self.panel.is_dirty()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    # --- the factory's answer ----------------------------------------------------------------------------------
    def _save_item(self, changes: dict, then: Optional[Callable[[], None]] = None) -> None:
        """Saves the item's answer on the worker; `then` runs once saved (a failure keeps the edits, with why)."""
        detail = self.panel.detail
        if detail is None:
            return

        def saved(item: CapItemDetail) -> None:
            self._item_saved(item)
            if then is not None:
                then()

        self.ctx.run(cap_service.update_item, self.ctx.db, detail.row.id, **changes, seen_version=detail.version,
                     on_done=saved, on_error=self._item_failed, label="Saving the CAP item…", parent=self)

    def _item_saved(self, detail: CapItemDetail) -> None:
        self._update_rows([detail.row])
        if self.panel.detail is not None and self.panel.detail.row.id == detail.row.id:
            self._cap_cache.clear()
            self.panel.show_item(detail, self.panel.cap)  # the saved answer at once; its CAP follows
            self.panel.set_message("Saved.")
            self._show_item(detail.row.id)
        self._notify()

    def _item_failed(self, exc: BaseException) -> None:
        text = " ".join(str(exc).split())
        self.last_error = text
        self.panel.set_message("Not saved: " + text, error=True)
        if isinstance(exc, ConcurrentEdit):
            shown = self.panel.detail.row.id if self.panel.detail is not None else None
            offer_reload(self, exc, lambda: self._show_item(shown))
        elif not isinstance(exc, UserError):
            self.ctx.show_error(self, exc)

    def _attach(self, paths: list) -> None:
        detail = self.panel.detail
        if detail is None:
            return
        db, item_id = self.ctx.db, detail.row.id

        def done(_infos):
            self._cap_cache.clear()
            self._show_item(item_id)
            self.panel.set_message(f"Attached {len(paths)} file{'s' if len(paths) != 1 else ''}; "
                                   "copied into the data folder.")
            self._notify()

        self.ctx.run(cap_service.attach_evidence_files, db, item_id, [Path(p) for p in paths], on_done=done,
                     on_error=self._item_failed, label="Copying evidence files…", parent=self)

    # --- status changes ----------------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return [r.id for r in self.table.selected_rows()]

    def common_targets(self, rows: Sequence[CapItemRow]) -> list[str]:
        """The statuses every selected item may move to (the lifecycle's allowed moves)."""
        if not rows:
            return []
        common: Optional[list[str]] = None
        for status in {r.status for r in rows}:
            allowed = [s.value for s in ITEM_TRANSITIONS[ItemStatus(status)]]
            common = allowed if common is None else [s for s in common if s in allowed]
        return common or []

    def _fill_status_menu(self) -> None:
        self.status_menu.clear()
        rows = self.table.selected_rows()
        targets = self.common_targets(rows)
        if not targets:
            action = self.status_menu.addAction("No move suits every selected item (their statuses differ)")
            action.setEnabled(False)
            return
        for target in targets:
            label = f"Move to {target}" if len(rows) == 1 else f"Move {len(rows)} items to {target}"
            self.status_menu.addAction(label, lambda t=target: self.change_status(t, [r.id for r in rows]))

    def ask_verification_notes(self, count: int) -> Optional[str]:
        text, ok = QInputDialog.getMultiLineText(
            self, "Verification notes",
            f"What was checked, and how? (saved on {'the item' if count == 1 else f'all {count} items'})",
        )
        return text.strip() if ok else None

    def confirm_bulk(self, count: int, target: str) -> bool:
        answer = QMessageBox.question(
            self, "Change status", f"Move {count:,} items to {target}? A backup of the database is made first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def change_status(self, target: str, ids: Sequence[int]) -> None:
        """Moves the items along the lifecycle; the service refuses a wrong move and the reason is shown."""
        ids = list(ids)
        if not ids:
            return
        if self.panel.detail is not None and self.panel.detail.row.id in ids and self.panel.is_dirty():
            if not self._save_item_now(self.panel.changes()):
                return
        notes = None
        if target == ItemStatus.VERIFIED.value:
            existing = self.panel.detail.verification_notes if (len(ids) == 1 and self.panel.detail) else ""
            if not existing.strip():
                notes = self.ask_verification_notes(len(ids))
                if notes is None:
                    return
        if len(ids) > 1 and not self.confirm_bulk(len(ids), target):
            return
        self.ctx.run(cap_service.change_item_status, self.ctx.db, ids, target, verification_notes=notes,
                     today=self.today, on_done=lambda n: self._status_changed(ids, target, n),
                     on_error=self._status_failed, label=f"Moving {len(ids):,} items to {target}…", parent=self)

    def _status_changed(self, ids: list[int], target: str, count: int) -> None:
        self.last_error = None
        self._cap_cache.clear()
        updated = []
        for item_id in ids:
            position = self._index.get(item_id)
            if position is None:
                continue
            row = self._rows[position]
            updated.append(replace(row, status=target, overdue=is_overdue(row.due_date, target, self.today),
                                   days_overdue=days_overdue(row.due_date, target, self.today)))
        self._update_rows(updated)
        gone = sum(1 for i in ids if self.model.position_of(i) is None)
        note = f" {gone:,} no longer match the filters and left the list." if gone else ""
        self._set_message(f"{count:,} item{'s' if count != 1 else ''} moved to {target}.{note}")
        if self._shown_item in ids:
            self._show_item(self._shown_item)
        self._notify()

    def _status_failed(self, exc: BaseException) -> None:
        text = " ".join(str(exc).split())
        self.last_error = text
        self._set_message("Not changed: " + text, error=True)
        self.ctx.show_error(self, exc)

    def change_cap_status(self, cap_id: int, target: str) -> None:
        self.ctx.run(cap_service.change_cap_status, self.ctx.db, cap_id, target, today=self.today,
                     on_done=self._cap_changed, on_error=self._status_failed, label="Changing the CAP status…",
                     parent=self)

    def _cap_changed(self, cap: CapDetail) -> None:
        self.last_error = None
        self._cap_cache.clear()
        self._set_message(f"CAP #{cap.id} is now {cap.status}.")
        # Sending a CAP sets its items' due dates; read the list again.
        self._notify()
        self.reload()

    def _update_rows(self, rows: Sequence[CapItemRow]) -> None:
        if not rows:
            return
        for row in rows:
            position = self._index.get(row.id)
            if position is None:
                continue
            self._rows[position] = row
            self._search[position] = build_search_texts(self.columns, [row])[0]
        if not self._loaded_all and any(not ItemStatus(r.status).is_open for r in rows):
            # The list holds open items only: items verified or closed leave it (a filter pass per keystroke
            # would cost more than dropping them once).
            keep = [i for i, r in enumerate(self._rows) if ItemStatus(r.status).is_open]
            self._rows = [self._rows[i] for i in keep]
            self._search = [self._search[i] for i in keep]
            self._index = {r.id: i for i, r in enumerate(self._rows)}
        self._push_rows()
        self._update_subtitle()

    def _set_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.OVERDUE if error else theme.OK}; font-weight: 600;")

    # --- navigation and change notices ---------------------------------------------------------------------------
    def open_item(self, kind: str, item_id: Any) -> bool:
        """Shows a CAP (its items only) or one CAP item, clearing filters that would hide it."""
        if kind == "cap":
            # A CAP is shown whole: its closed items too, whatever the other filters were.
            self.filter_box.clear()
            with QSignalBlocker(self.status_box), QSignalBlocker(self.supplier_box), QSignalBlocker(self.category_box):
                self.status_box.setCurrentIndex(0)
                self.supplier_box.setCurrentIndex(0)
                self.category_box.setCurrentIndex(0)
            self.set_cap_filter(int(item_id))
            self.panel.tabs.setCurrentIndex(3)
            if not self._loaded_all or self._loading:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL)
                self.reload(select="first")
                return True
            with QSignalBlocker(self.show_box):
                self.set_show(SHOW_ALL)
            self.apply_filters()
            if self.model.visible_count:
                self.table.select_id(self.model.row_at(0).id)
            return True
        if kind == "cap_item":
            item_id = int(item_id)
            self.filter_box.clear()
            self.set_cap_filter(None)
            with QSignalBlocker(self.status_box), QSignalBlocker(self.supplier_box), QSignalBlocker(self.category_box):
                self.status_box.setCurrentIndex(0)
                self.supplier_box.setCurrentIndex(0)
                self.category_box.setCurrentIndex(0)
            if item_id not in self._index or self._loading:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL)
                self.reload(select=item_id)
                return True
            if self.model.position_of(item_id) is None:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL if not ItemStatus(self._rows[self._index[item_id]].status).is_open
                                  else SHOW_OPEN)
                self.apply_filters()
            return self.table.select_id(item_id)
        return False

    def _notify(self) -> None:
        self.notify("caps")  # the page already shows what it changed; other screens refresh

    def restore_state(self) -> None:
        state = self.ctx.settings().value("caps/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.ctx.settings().setValue("caps/splitter", self.splitter.saveState())
        super().hideEvent(event)

    # --- guided root cause and CAP review (issue 4) ----------------------------------------------------------------
    def open_guided_root_cause(self) -> None:
        """Opens the guided root-cause wizard for the item shown; the list reloads after a save ("caps")."""
        detail = self.panel.detail
        if detail is None:
            self._set_message("Choose a CAP item first.", error=True)
            return
        from csrdesk.ui.wizards.rootcause import open_root_cause_wizard

        self.root_cause_task = open_root_cause_wizard(self.ctx, detail.row.id, self)

    def open_cap_review(self) -> None:
        """Opens the review of the shown item's CAP: warnings, comments, approve or return, the plan."""
        detail = self.panel.detail
        if detail is None:
            self._set_message("Choose a CAP item first.", error=True)
            return
        from csrdesk.ui.pages.cap_review import open_cap_review

        self.review_dialog = open_cap_review(self.ctx, detail.row.cap_id, self)
