"""The Verification page: visits due, booked and done, escalations, and the factories worth showing as examples."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QInputDialog, QLineEdit,
    QSizePolicy, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from csrdesk.domain.verification import ESCALATION_LABELS, EscalationStep, PROGRESS_CATEGORIES
from csrdesk.services.escalations import escalate
from csrdesk.services.verification import (
    book_visit, confirm_category, export_visit_sheet, set_meeting_date,
)
from csrdesk.services.verification_overview import VerificationOverview, verification_overview
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.ui.dashboard_links import make_clickable
from csrdesk.ui.pages.base import Card, Page, button, muted, page_header
from csrdesk.ui.pages.visit_screen import VisitDialog
from csrdesk.ui.widgets.wheel_guard import wheel_only_with_focus
from csrdesk.ui.tables import Column, RowTableModel, TableView, percent
from csrdesk.ui.widgets.dialog_keys import ask_text
from csrdesk.ui.widgets.status_line import StatusLine

STATE_COLOURS = {"overdue": theme.OVERDUE, "due": theme.WARNING, "booked": theme.ACCENT}


def step_label(step: Optional[str]) -> str:
    return ESCALATION_LABELS[EscalationStep(step)][0] if step else ""


def _category(value: Optional[int]) -> str:
    return f"{value}" if value else ""


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class BookDialog(QDialog):
    """The date of a visit and who attends: brand, verifier, worker representatives, union, factory management."""

    ROLES = ("brand", "verifier", "worker representative", "union", "factory management")

    def __init__(self, cap_id: int, day: date, parent: Optional[QWidget] = None, booked=()) -> None:
        """`booked`: the attendees of the visit already booked (role and name each), which the dialog starts from, so
        moving the date keeps them; else brand and worker representative."""
        super().__init__(parent)
        self.setWindowTitle(f"Book the visit of CAP #{cap_id}")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 34)  # room to type a name beside a role
        self.date = QDateEdit(_qdate(day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        wheel_only_with_focus(self.date)
        form = QFormLayout(self)
        form.addRow("Visit date", self.date)
        self.people: dict[str, tuple[QCheckBox, QLineEdit]] = {}
        for role in self.ROLES:
            check, name = QCheckBox(role.capitalize()), QLineEdit()
            name.setPlaceholderText("Name (optional)")
            if booked:
                names = [a.name for a in booked if a.role == role]
                check.setChecked(bool(names))
                name.setText(names[0] if names else "")
            else:
                check.setChecked(role in ("brand", "worker representative"))
            form.addRow(check, name)  # the check box as the row's label: every name box starts at the same place
            self.people[role] = (check, name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        theme.decorate(self)

    def attendees(self) -> list[str]:
        return [f"{role}:{name.text().strip()}" for role, (check, name) in self.people.items() if check.isChecked()]


class VerificationPage(Page):
    """Plan, record and follow up verification visits; escalate lagging factories; find the good examples."""

    title = "Verification"
    topics = ("verification", "caps", "suppliers", "settings")
    supplier_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.overview: Optional[VerificationOverview] = None
        self.visit_dialog: Optional[VisitDialog] = None
        self.record_button = button("Record visit…", primary=True,
                                    tooltip="Verdicts for the chosen CAP's items, keyboard first")
        self.record_button.clicked.connect(lambda: self.record_visit())
        self.book_button = button("Book visit…", tooltip="Date and attendees of the chosen CAP's visit")
        self.book_button.clicked.connect(lambda: self.book())
        self.meeting_button = button("CAP meeting…", tooltip="Record a CAP meeting's date; the visit falls due after it")
        self.meeting_button.clicked.connect(lambda: self.meeting())
        self.sheet_button = button("On-site sheet…", tooltip="The Excel sheet the verifier fills in at the visit")
        self.sheet_button.clicked.connect(lambda: self.write_sheet())
        self.request_button = button("Evidence request…", tooltip="Letter asking for evidence of items due by the visit")
        self.request_button.clicked.connect(lambda: self.write_request())
        refresh = button("Refresh")
        refresh.clicked.connect(lambda: self.refresh())
        header, self.subtitle = page_header("Verification", "Loading…", [
            self.meeting_button, self.book_button, self.sheet_button, self.request_button, self.record_button, refresh])

        self.card_overdue = Card("Visits overdue")
        self.card_due = Card("Visits due in 3 weeks")
        self.card_booked = Card("Visits booked")
        self.card_escalated = Card("Factories escalated")
        self.card_ready = Card("Ready for final inspection")
        cards = QHBoxLayout()
        for card in (self.card_overdue, self.card_due, self.card_booked, self.card_escalated, self.card_ready):
            card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            cards.addWidget(card)

        self.plan_model = RowTableModel([
            Column("CAP", lambda r: r.cap_id, width=60),
            Column("Supplier", lambda r: r.supplier, width=90, tooltip=lambda r: r.supplier_name or None),
            Column("Name", lambda r: r.supplier_name, width=200),  # the plan is read by factory, not by code
            Column("State", lambda r: r.state, width=80, bold=lambda r: r.state == "overdue",
                   colour=lambda r: QColor(STATE_COLOURS[r.state]) if r.state in STATE_COLOURS else None),
            Column("CAP meeting", lambda r: r.meeting_date, width=100),
            Column("Visit due", lambda r: r.visit_due, width=100),
            Column("Booked", lambda r: r.booked_date, width=100),
            Column("Items due", lambda r: r.items_due, width=80),
            Column("Evidence", lambda r: r.evidence_received, width=80, hidden=True),
            Column("Attendees", lambda r: ", ".join(a.role for a in r.attendees)),
        ], self, id_getter=lambda r: r.cap_id)
        self.plan_view = TableView(settings_key="verification.plan", placeholder="No visit is due: record CAP meetings "
                                                                                 "to plan visits.")
        self.plan_view.setModel(self.plan_model)
        self.plan_view.row_activated.connect(lambda r: self.record_visit(r.cap_id))

        self.visits_model = RowTableModel([
            Column("Visit", lambda r: r.id, width=60),
            Column("Date", lambda r: r.date, width=100),
            Column("Supplier", lambda r: r.supplier, width=90),
            Column("Name", lambda r: r.supplier_name, width=240),
            Column("CAP", lambda r: r.cap_id, width=60),
            Column("Status", lambda r: r.status, width=70),
            Column("Verified", lambda r: r.items_verified, width=70),
            Column("Sent back", lambda r: r.items_reopened, width=80),
            Column("Progress", lambda r: r.progress_rate, fmt=percent, width=80),
            Column("Suggested", lambda r: _category(r.suggested_category), width=80),
            Column("Category", lambda r: _category(r.category), bold=lambda r: True,
                   tooltip=lambda r: PROGRESS_CATEGORIES.get(r.category or 0, ("",))[0] or None),
        ], self)
        self.visits_view = TableView(settings_key="verification.visits", placeholder="No visit recorded yet.")
        self.visits_view.setModel(self.visits_model)
        self.visits_view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))
        confirm = button("Confirm category…", tooltip="Confirm or change the chosen visit's progress category")
        confirm.clicked.connect(lambda: self.confirm())
        report = button("Onsite report…", tooltip="The report for the closing meeting, as Word")
        report.clicked.connect(lambda: self.write_report())
        visits_tab = self._tab(self.visits_view, confirm, report)

        self.escalations_model = RowTableModel([
            Column("Supplier", lambda r: r.supplier, width=90),
            Column("Name", lambda r: r.supplier_name, width=240),
            Column("Step", lambda r: step_label(r.step) or "not escalated", width=190,
                   bold=lambda r: r.step is not None),
            Column("Since", lambda r: r.since, width=100),
            Column("Next", lambda r: step_label(r.suggested_step), width=170),
            Column("Why", lambda r: "; ".join(r.reasons), tooltip=lambda r: "\n".join(r.reasons) or None),
        ], self, id_getter=lambda r: r.supplier_id)
        self.escalations_view = TableView(settings_key="verification.escalations",
                                          placeholder="No factory lags: nothing to escalate.")
        self.escalations_view.setModel(self.escalations_model)
        self.escalations_view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))
        step = button("Next step…", tooltip="Move the chosen supplier one step up the escalation ladder")
        step.clicked.connect(lambda: self.escalate())
        resolve = button("Resolved…", tooltip="The factory caught up: end its escalation")
        resolve.clicked.connect(lambda: self.escalate(EscalationStep.RESOLVED.value))
        letter = button("Letter…", tooltip="The letter of the current step (a warning letter...), as Word")
        letter.clicked.connect(lambda: self.write_escalation_letter())
        escalations_tab = self._tab(self.escalations_view, step, resolve, letter)

        good_columns = lambda: [  # noqa: E731 - two tables with the same columns
            Column("Supplier", lambda r: r.supplier, width=90),
            Column("Name", lambda r: r.supplier_name, width=220),
            Column("CAP", lambda r: r.cap_id, width=60),
            Column("Progress", lambda r: r.progress_rate, fmt=percent, width=80),
            Column("Last visit", lambda r: r.last_visit, width=100),
            Column("Why", lambda r: r.why),
        ]
        self.ready_model = RowTableModel(good_columns(), self, id_getter=lambda r: r.cap_id)
        self.ready_view = TableView(settings_key="verification.ready",
                                    placeholder="No CAP has every item verified yet.")
        self.ready_view.setModel(self.ready_model)
        self.fast_model = RowTableModel(good_columns(), self, id_getter=lambda r: r.cap_id)
        self.fast_view = TableView(settings_key="verification.fast", placeholder="No fast, motivated factory yet.")
        self.fast_view.setModel(self.fast_model)
        for view in (self.ready_view, self.fast_view):
            view.row_activated.connect(lambda r: self.supplier_requested.emit(r.supplier_id))
        good = QWidget()
        good_layout = QVBoxLayout(good)
        good_layout.addWidget(muted("Ready for the final inspection: every item of the CAP verified."))
        good_layout.addWidget(self.ready_view, 1)
        good_layout.addWidget(muted("Fast and motivated: good progress with evidence at the last visit, most of the "
                                    "CAP done, visited on time. Examples worth sharing with slower factories."))
        good_layout.addWidget(self.fast_view, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._tab(self.plan_view), "Visits due")
        self.tabs.addTab(visits_tab, "Visits")
        self.tabs.addTab(escalations_tab, "Escalations")
        self.tabs.addTab(good, "Good news")
        # Each card opens the list behind its figure, by a click or by Enter once Tab reached it (they looked like
        # the dashboard's tiles and opened nothing).
        for card, tab, tip in ((self.card_overdue, 0, "Show the visits due, the overdue first"),
                               (self.card_due, 0, "Show the visits due"), (self.card_booked, 0, "Show the visits due"),
                               (self.card_escalated, 2, "Show the escalations"),
                               (self.card_ready, 3, "Show the factories ready for the final inspection")):
            make_clickable(card, lambda index=tab: self.tabs.setCurrentIndex(index), tip)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        # What the last action did ("Visit 21 saved…", "Wrote …"), or what it needs: a line of its own, so the
        # summary line above is never overwritten by it and a reload never wipes it.
        self.message = StatusLine()
        layout.addWidget(header)
        layout.addWidget(self.message)
        layout.addLayout(cards)
        layout.addWidget(self.tabs, 1)
        theme.decorate(self)

    @staticmethod
    def _tab(view: TableView, *actions: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        if actions:
            row = QHBoxLayout()
            row.addStretch(1)
            for a in actions:
                row.addWidget(a)
            layout.addLayout(row)
        layout.addWidget(view, 1)
        return box

    # -- loading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.run(verification_overview, self.ctx.db, on_done=self._show, parent=self)

    def _show(self, o: VerificationOverview) -> None:
        self.overview = o
        self.subtitle.setText(f"{len(o.plan)} CAPs planned · {len(o.visits)} visits · "
                              f"{len(o.escalations)} lagging or escalated")
        self.card_overdue.set(f"{o.overdue:,}", "past the due date", theme.OVERDUE if o.overdue else theme.OK)
        self.card_due.set(f"{o.due:,}", "ask for evidence now", theme.WARNING if o.due else None)
        self.card_booked.set(f"{o.booked:,}", "with a date")
        escalated = sum(1 for e in o.escalations if e.step)
        self.card_escalated.set(f"{escalated:,}", f"{len(o.escalations) - escalated:,} more lagging",
                                theme.OVERDUE if escalated else None)
        self.card_ready.set(f"{len(o.ready):,}", f"{len(o.fast):,} fast and motivated", theme.OK if o.ready else None)
        self.plan_model.set_rows(o.plan)
        self.visits_model.set_rows(o.visits)
        self.escalations_model.set_rows(o.escalations)
        self.ready_model.set_rows(o.ready)
        self.fast_model.set_rows(o.fast)
        self.tabs.setTabText(0, f"Visits due ({len(o.plan)})")
        self.tabs.setTabText(1, f"Visits ({len(o.visits)})")
        self.tabs.setTabText(2, f"Escalations ({len(o.escalations)})")
        self.tabs.setTabText(3, f"Good news ({len(o.ready) + len(o.fast)})")
        # Codes, dates and counts whole; the last column (attendees, category, reasons, why) takes what is left.
        for view in (self.plan_view, self.visits_view, self.escalations_view, self.ready_view, self.fast_view):
            view.fit_columns(cap=300)

    def open_item(self, kind: str, item_id) -> None:
        """Shows a visit (from search): its row on the Visits tab."""
        if kind == "verification_visit":
            self.tabs.setCurrentIndex(1)
            self.visits_view.select_id(item_id)

    # -- actions ---------------------------------------------------------------------------------------------------
    def _chosen_cap(self) -> Optional[int]:
        row = self.plan_view.current_row() if self.tabs.currentIndex() == 0 else None
        if row is None and self.tabs.currentIndex() == 1 and self.visits_view.current_row() is not None:
            return self.visits_view.current_row().cap_id
        if row is None:
            # Said where the user looks, rather than asking for a CAP number they do not know (it offered CAP 1).
            self.message.show_message("Choose a CAP on the Visits due tab, or a visit on the Visits tab, to record "
                                      "its visit.", warning=True)
            return None
        return row.cap_id

    def record_visit(self, cap_id: Optional[int] = None) -> Optional[VisitDialog]:
        cap_id = cap_id or self._chosen_cap()
        if cap_id is None:
            return None
        dialog = VisitDialog(self.ctx, cap_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda v: self.message.show_message(
            f"Visit {v.id} saved: {v.items_verified} verified, {v.items_reopened} sent back, suggested category "
            f"{v.suggested_category or '—'}."))
        self.visit_dialog = dialog
        dialog.open()
        return dialog

    def book(self) -> None:
        row = self.plan_view.current_row()
        if row is None:
            self.message.show_message("Choose a CAP on the Visits due tab to book its visit.", warning=True)
            return
        # An overdue visit is booked from today on, not on its past due date.
        dialog = BookDialog(row.cap_id, row.booked_date or max(row.visit_due, date.today()), self,
                            booked=row.attendees if row.booked_date else ())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            day = _pydate(dialog.date.date())

            def booked(_r) -> None:
                self.ctx.notify("verification")
                self.message.show_message(f"Visit of CAP #{row.cap_id} ({row.supplier}) booked for {day.isoformat()}.")

            self.ctx.run(book_visit, self.ctx.db, row.cap_id, day, attendees=dialog.attendees(), on_done=booked,
                         parent=self)

    def meeting(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("CAP meeting")
        cap = QSpinBox()
        cap.setRange(1, 10_000_000)
        chosen = self.plan_view.current_row()
        if chosen is not None:
            cap.setValue(chosen.cap_id)
        day = QDateEdit(QDate.currentDate())
        day.setCalendarPopup(True)
        day.setDisplayFormat("yyyy-MM-dd")
        wheel_only_with_focus(cap, day)
        form = QFormLayout(dialog)
        form.addRow("CAP", cap)
        form.addRow("Meeting date", day)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.ctx.run(set_meeting_date, self.ctx.db, cap.value(), _pydate(day.date()),
                         on_done=lambda _r: self.ctx.notify("verification"), parent=self)

    def _write_file(self, row, missing: str, title: str, name: str, kind: str, writer, *args) -> None:
        """Asks where to save, then writes the file on the worker and says where it went."""
        if row is None:
            self.message.show_message(missing, warning=True)
            return
        # In the home folder: a bare name would open wherever csrdesk was started.
        path, _f = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), kind)
        if path:
            self.ctx.run(writer, self.ctx.db, *args, Path(path),
                         on_done=lambda p: self.message.show_message(f"Wrote {p}"), parent=self)

    def write_sheet(self) -> None:
        row = self.plan_view.current_row()
        self._write_file(row, "Choose a CAP on the Visits due tab to write its on-site sheet.", "On-site sheet",
                         f"Visit sheet {row.supplier} CAP {row.cap_id}.xlsx" if row else "", "Excel workbooks (*.xlsx)",
                         export_visit_sheet, row.cap_id if row else None)

    def write_request(self) -> None:
        from csrdesk.services.verification_letters import render_evidence_request

        row = self.plan_view.current_row()
        self._write_file(row, "Choose a CAP on the Visits due tab to ask for its evidence.", "Evidence request",
                         f"Evidence request {row.supplier}.docx" if row else "", "Word (*.docx)",
                         render_evidence_request, row.cap_id if row else None)

    def confirm(self) -> None:
        visit = self.visits_view.current_row()
        if visit is None or visit.status != "done":
            self.message.show_message("Choose a visit that was held on the Visits tab.", warning=True)
            return
        items = [f"{n}: {text}" for n, (text, _zh) in PROGRESS_CATEGORIES.items()]
        current = (visit.category or visit.suggested_category or 1) - 1
        chosen, ok = QInputDialog.getItem(self, "Progress category", f"Visit {visit.id} of {visit.supplier}",
                                          items, current, False)
        if ok:
            self.ctx.run(confirm_category, self.ctx.db, visit.id, int(chosen.split(":")[0]),
                         on_done=lambda _v: self.ctx.notify("verification"), parent=self)

    def write_report(self) -> None:
        from csrdesk.services.verification_letters import render_onsite_report

        visit = self.visits_view.current_row()
        self._write_file(visit if visit is not None and visit.status == "done" else None,
                         "Choose a visit that was held on the Visits tab.", "Onsite report",
                         f"Onsite report {visit.supplier} {visit.date}.docx" if visit else "", "Word (*.docx)",
                         render_onsite_report, visit.id if visit else None)

    def escalate(self, to: Optional[str] = None) -> None:
        row = self.escalations_view.current_row()
        if row is None:
            self.message.show_message("Choose a supplier on the Escalations tab.", warning=True)
            return
        target = to or row.suggested_step
        if target is None:
            self.message.show_message(f"{row.supplier} is at the top of the ladder or no longer lags.",
                                      warning=True)
            return
        reason, ok = ask_text(self, step_label(target), f"Why {row.supplier} goes to {step_label(target).lower()}:",
                              text="; ".join(row.reasons), multiline=False)
        if ok:
            self.ctx.run(escalate, self.ctx.db, row.supplier, target, reason,
                         on_done=lambda _r: (self.ctx.notify("verification"), self.ctx.notify("suppliers")),
                         parent=self)

    def write_escalation_letter(self) -> None:
        from csrdesk.services.verification_letters import render_escalation_letter

        row = self.escalations_view.current_row()
        row = row if row is not None and row.step else None
        self._write_file(row, "Choose an escalated supplier on the Escalations tab.", "Escalation letter",
                         f"{step_label(row.step)} {row.supplier}.docx" if row else "", "Word (*.docx)",
                         render_escalation_letter, row.supplier if row else None)
