"""The CAP item panel: one item's finding and requirements, the factory's answer, evidence, verification, its CAP."""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QTabWidget,
    QVBoxLayout, QWidget,
)

from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.services import library
from csrdesk.services.caps import CapDetail, CapItemDetail
from csrdesk.ui import theme
from csrdesk.ui.pages.caps.columns import NO_DATE, STATUS_COLOURS
from csrdesk.ui.widgets.evidence_list import EvidenceList
from csrdesk.ui.widgets.findings_grid import SEVERITY_COLOURS
from csrdesk.ui.widgets.rating_badge import RatingBadge
from csrdesk.ui.widgets.date_edit import OptionalDateEdit
from csrdesk.ui.widgets.record_form import RecordFormMixin


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
    fetch_requested = Signal(object)  # an evidence file the shared database holds, to bring and open
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
        self.tabs.setTabToolTip(self.tabs.count() - 1, "The finding and its requirements")

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
        self.planned = OptionalDateEdit(open_on=lambda: self.detail.row.due_date if self.detail else None)
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
        answer_scroll = QScrollArea()  # with a larger font the examples under the fields need more height than fits
        answer_scroll.setWidgetResizable(True)
        answer_scroll.setFrameShape(QFrame.Shape.NoFrame)
        answer_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        answer_scroll.setWidget(answer)
        self.tabs.addTab(answer_scroll, "Answer")
        self.tabs.setTabToolTip(self.tabs.count() - 1, "The factory's answer: root cause, preventive action, leader")

        # Evidence and verification.
        verify = QWidget()
        v_layout = QVBoxLayout(verify)
        self.evidence = EvidenceList(verify)
        self.evidence.attach_requested.connect(self.attach_requested)
        self.evidence.fetch_requested.connect(self.fetch_requested)
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
        self.tabs.addTab(verify, "Evidence")
        self.tabs.setTabToolTip(self.tabs.count() - 1, "Evidence files and verification notes")

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
        self.tabs.setTabToolTip(self.tabs.count() - 1, "The CAP the item belongs to, and its status")

        layout.addLayout(self.save_bar("Save item", "Save the factory's answer and the notes (Ctrl+S)"))
        self.watch(self.root_cause, self.preventive, self.evidence_notes, self.verification_notes, self.leader,
                   self.planned)
        self.show_item(None, None)

    def minimumSizeHint(self):  # noqa: N802 - the splitter never squeezes the tab titles behind scroll arrows
        hint = super().minimumSizeHint()
        margins = self.layout().contentsMargins()
        frame = self.tabs.style().pixelMetric(self.tabs.style().PixelMetric.PM_DefaultFrameWidth, None, self.tabs)
        needed = self.tabs.tabBar().sizeHint().width() + margins.left() + margins.right() + 2 * frame + 2
        hint.setWidth(max(hint.width(), needed))
        return hint

    # --- showing -----------------------------------------------------------------------------------------------
    def show_item(self, detail: Optional[CapItemDetail], cap: Optional[CapDetail]) -> None:
        if (detail and detail.row.id) != (self.detail and self.detail.row.id):
            self.message.clear_passing()  # "Saved." was about the item shown before
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
        status_colour = STATUS_COLOURS.get(r.status, QColor("#5f6b7a")).name()
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
