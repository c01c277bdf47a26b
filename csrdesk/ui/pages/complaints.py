"""The Complaints page: the register (open first, by age, retaliation risk in plain sight), the complaint screen with
its timeline and steps, and the identity masked until revealed for a recorded reason (dialogs: complaint_dialogs)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QFrame, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QScrollArea, QSplitter,
    QVBoxLayout, QWidget,
)

from csrdesk.domain.complaints import Channel, ComplaintStatus, FactoryDecision, Outcome, RetaliationRisk
from csrdesk.services import complaint_reports as figures
from csrdesk.services import complaints as svc
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.ui.pages.base import Page, button, page_header, section_title
from csrdesk.ui.pages.complaint_dialogs import KeyDialog, NewComplaintDialog, PublicListDialog, StepDialog, save_path
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text

OPEN, ALL, CLOSED = "open", "all", "closed"
RISK_COLOURS = {"high": theme.OVERDUE, "medium": theme.WARNING, "low": theme.MUTED}
MASK = "●●●●●●●●"


def risk_text(level: str) -> str:
    return {"high": "HIGH", "medium": "Medium", "low": "Low"}.get(level, level)


def complaint_columns() -> list[Column]:
    def risk_colour(r):
        return QColor(RISK_COLOURS.get(r.retaliation_risk, theme.TEXT))

    return [
        Column("Reference", lambda r: r.reference, width=120),
        Column("Received", lambda r: r.received_date, width=95, hidden=True),
        Column("Age", lambda r: r.age_days, fmt=lambda v: f"{v} d", width=60, searchable=False,
               tooltip=lambda r: "Days since it was received" if r.is_open else "Days from receipt to closure"),
        Column("Retaliation risk", lambda r: risk_text(r.retaliation_risk) + (" · found" if r.retaliation_found
                                                                              else ""),
               width=120, colour=risk_colour, bold=lambda r: r.retaliation_risk == "high" or r.retaliation_found,
               sort_key=lambda r: (r.retaliation_found, r.risk_rank)),
        Column("Factory", lambda r: f"{r.supplier_code}  {r.factory}" if r.supplier_code else r.factory, width=230),
        Column("Provision", lambda r: r.provision_title, width=170, hidden=True),
        Column("Status", lambda r: r.status, width=100,
               sort_key=lambda r: [s.value for s in ComplaintStatus].index(r.status)
               if r.status in {s.value for s in ComplaintStatus} else 9),
        Column("Outcome", lambda r: r.outcome.replace("_", " "), width=130, hidden=True),
        Column("Summary", lambda r: r.summary),
    ]


def search_texts(rows: Sequence[svc.ComplaintRow]) -> list[str]:
    """The filter text of each row, as build_search_texts makes it from the searchable columns, written out: at
    10,000 complaints the generic version took most of the page's load time."""
    out = []
    append = out.append
    for r in rows:
        risk = risk_text(r.retaliation_risk) + (" · found" if r.retaliation_found else "")
        factory = f"{r.supplier_code}  {r.factory}" if r.supplier_code else r.factory
        append("\x1f".join((r.reference, r.received_date.isoformat(), risk, factory, r.provision_title, r.status,
                            r.outcome.replace("_", " "), r.summary)).casefold())
    return out


def _load(db, everything: bool = False):
    """The page's data, read on the worker: the open complaints (every one with `everything`), their filter texts
    and the key's state. The page opens on the open ones; closed ones are read when the user asks for them."""
    rows = svc.list_complaints(db, open_only=not everything)
    return rows, search_texts(rows), svc.identity_status(db), everything


# -- the complaint screen --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Step:
    """A step of a complaint's work offered as a button: its key, label and tooltip."""

    key: str
    text: str
    tip: str


STEPS = (
    _Step("acknowledge", "Acknowledge…", "The worker was told the complaint arrived"),
    _Step("note", "Add note…", "A dated investigation step"),
    _Step("decision", "Tell the factory?…", "Whether and how the factory is told, weighed with the worker"),
    _Step("resolve", "Resolve…", "Outcome and remedy"),
    _Step("compliance", "Compliance held…", "A later check that the remedy lasted"),
    _Step("close", "Close…", "Close the complaint"),
    _Step("retaliation", "Retaliation found…", "Retaliation against the worker: a finding of its own"),
    _Step("to_cap", "Make CAP item", "A substantiated complaint becomes a CAP item for the supplier (no identity)"),
)


class ComplaintPanel(QWidget):
    """One complaint: facts, the retaliation risk, the masked identity with Reveal, the steps and the timeline."""

    changed = Signal(object)  # a ComplaintDetail after a step
    open_cap = Signal(int)  # the CAP item id

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Optional[svc.ComplaintDetail] = None
        self.title = QLabel("Choose a complaint")
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.risk_badge = QLabel()
        self.risk_badge.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(f"color: {theme.WARNING}; background: {theme.WARNING_BG}; border-radius: 5px; "
                                    "padding: 6px 8px;")
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(14)
        self.fact_labels: dict[str, QLabel] = {}
        for name in ("Received", "Factory", "Provision", "Status", "Outcome", "Remedy", "Factory told",
                     "Worker's agreement", "CAP item"):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[name] = label
            self.facts.addRow(name, label)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The identity: masked until revealed for a recorded reason; hidden again when another complaint is shown.
        self.identity = QLabel()
        self.identity.setWordWrap(True)
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = button("Reveal…", tooltip="Show the complainant's name and contact; you are asked why, "
                                                       "and the reason is recorded")
        self.reveal_button.clicked.connect(lambda: self.ask_reveal())
        self.hide_button = button("Hide")
        self.hide_button.clicked.connect(lambda: self._mask())
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity, 1)
        identity_row.addWidget(self.reveal_button)
        identity_row.addWidget(self.hide_button)
        self.step_buttons: dict[str, object] = {}
        grid = QHBoxLayout()
        grid.setSpacing(6)
        rows = [QHBoxLayout(), QHBoxLayout()]
        for i, st in enumerate(STEPS):
            b = button(st.text, tooltip=st.tip, primary=st.key == "to_cap")
            b.clicked.connect(lambda _checked=False, k=st.key: self.start_step(k))
            self.step_buttons[st.key] = b
            rows[i // 4].addWidget(b)
        steps_box = QVBoxLayout()
        for r in rows:
            r.addStretch(1)
            steps_box.addLayout(r)
        grid.addLayout(steps_box)
        self.timeline_model = RowTableModel([
            Column("Date", lambda e: e.on, width=95),
            Column("Step", lambda e: e.label, width=190,
                   colour=lambda e: QColor(theme.OVERDUE) if e.kind in ("retaliation_found", "identity") else None,
                   bold=lambda e: e.kind in ("retaliation_found", "identity")),
            Column("Details", lambda e: e.text, tooltip=lambda e: e.text or None),
        ], self, id_getter=lambda e: (e.on, e.kind, e.label, e.text))
        self.timeline = TableView(placeholder="No steps yet.")
        self.timeline.setModel(self.timeline_model)
        self.timeline.setMinimumHeight(170)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.risk_badge)
        layout.addWidget(self.warnings)
        layout.addLayout(self.facts)
        layout.addWidget(section_title("Summary"))
        layout.addWidget(self.summary)
        layout.addWidget(section_title("Complainant"))
        layout.addLayout(identity_row)
        layout.addWidget(section_title("Next steps"))
        layout.addLayout(grid)
        layout.addWidget(section_title("Timeline"))
        layout.addWidget(self.timeline, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_detail(None)

    # -- showing --------------------------------------------------------------------------------------------------
    def show_detail(self, detail: Optional[svc.ComplaintDetail]) -> None:
        same = detail is not None and self.detail is not None and detail.id == self.detail.id
        self.detail = detail
        if not same:
            self.revealed: Optional[svc.RevealedIdentity] = None
        for b in self.step_buttons.values():
            b.setEnabled(False)
        if detail is None:
            self.title.setText("Choose a complaint on the left, or record a new one.")
            for w in (self.risk_badge, self.warnings, self.reveal_button, self.hide_button):
                w.setVisible(False)
            for label in self.fact_labels.values():
                label.setText("")
            self.summary.setText("")
            self.identity.setText("")
            self.timeline_model.set_rows([])
            return
        r = detail.row
        self.title.setText(f"{r.reference} · {r.factory or 'factory not named'}")
        high = r.retaliation_risk == RetaliationRisk.HIGH.value
        badge = f"Retaliation risk: {risk_text(r.retaliation_risk)}"
        if r.retaliation_found:
            badge += f"  ·  Retaliation found on {detail.retaliation_found_date.isoformat()}"
        colour = RISK_COLOURS.get(r.retaliation_risk, theme.MUTED)
        background = theme.OVERDUE_BG if high or r.retaliation_found else (
            theme.WARNING_BG if r.retaliation_risk == "medium" else theme.ALT_ROW)
        self.risk_badge.setStyleSheet(f"color: {colour}; background: {background}; border: 1px solid {colour}; "
                                      "border-radius: 5px; padding: 6px 10px; font-weight: 700;")
        self.risk_badge.setText(badge)
        self.risk_badge.setVisible(True)
        self.warnings.setText("\n".join(detail.warnings))
        self.warnings.setVisible(bool(detail.warnings))
        channel = Channel(r.channel).label if r.channel in {c.value for c in Channel} else r.channel
        self.fact_labels["Received"].setText(f"{r.received_date.isoformat()} by {channel.lower()} "
                                             f"({r.age_days} days {'open' if r.is_open else 'to closure'})")
        self.fact_labels["Factory"].setText(f"{r.supplier_code}  {r.factory}" if r.supplier_code else
                                            f"{r.factory} (outside the program)")
        self.fact_labels["Provision"].setText(r.provision_title)
        self.fact_labels["Status"].setText(r.status)
        self.fact_labels["Outcome"].setText(Outcome(r.outcome).label if r.outcome else "not resolved yet")
        self.fact_labels["Remedy"].setText(detail.remedy or "—")
        decision = FactoryDecision(detail.factory_decision).label if detail.factory_decision else "not decided yet"
        self.fact_labels["Factory told"].setText(
            decision + (f": {detail.factory_decision_note}" if detail.factory_decision_note else ""))
        self.fact_labels["Worker's agreement"].setText(
            "agreed that the factory may be told" if detail.worker_agrees_factory_told else
            "has not agreed that the factory may be told")
        self.fact_labels["CAP item"].setText(f"CAP #{detail.cap_id}: {detail.cap_item_title}" if r.cap_item_id else "—")
        self.summary.setText(r.summary)
        self._show_identity()
        self.timeline_model.set_rows(list(detail.timeline))
        self.timeline.fit_columns(stretch=2)
        self._enable_steps(detail)

    def _enable_steps(self, d: svc.ComplaintDetail) -> None:
        r = d.row
        is_open = d.closed_date is None
        confirmed = bool(r.outcome) and Outcome(r.outcome).confirmed
        rules = {
            "acknowledge": is_open and r.acknowledged_date is None,
            "note": is_open,
            "decision": is_open and r.supplier_id is not None,
            "resolve": is_open and r.acknowledged_date is not None and not r.outcome,
            "compliance": is_open and r.resolved_date is not None and d.compliance_checked_date is None,
            "close": is_open and r.resolved_date is not None,
            "retaliation": r.supplier_id is not None,
            "to_cap": confirmed and r.supplier_id is not None and r.cap_item_id is None,
        }
        for key, on in rules.items():
            self.step_buttons[key].setEnabled(on)

    def _show_identity(self) -> None:
        r = self.detail.row
        revealed = self.revealed
        self.hide_button.setVisible(revealed is not None)
        self.reveal_button.setVisible(r.identity == svc.HIDDEN and revealed is None)
        if r.identity == svc.ANONYMOUS:
            self.identity.setText("Anonymous: no name or contact was recorded.")
            self.identity.setStyleSheet(f"color: {theme.MUTED};")
        elif r.identity == svc.UNAVAILABLE:
            self.identity.setText("Unavailable: the key that unlocks it is not on this computer. Import the recovery "
                                  "copy of the key (Identity key… above).")
            self.identity.setStyleSheet(f"color: {theme.OVERDUE};")
        elif revealed is None:
            self.identity.setText(f"{MASK}   {MASK}   (hidden)")
            self.identity.setStyleSheet(f"color: {theme.MUTED}; letter-spacing: 1px;")
        else:
            self.identity.setText(f"{revealed.name}   ·   {revealed.contact or 'no contact'}\n"
                                  f"Revealed to {revealed.by} at {revealed.at:%H:%M}; reason recorded: "
                                  f"{revealed.reason}")
            self.identity.setStyleSheet(f"color: {theme.TEXT}; font-weight: 600;")

    def _mask(self) -> None:
        self.revealed = None
        if self.detail is not None:
            self._show_identity()

    # -- reveal ---------------------------------------------------------------------------------------------------
    def ask_reveal(self, reason: Optional[str] = None) -> None:
        """Asks why the identity is needed (unless given), then reveals it; the reason goes into the history."""
        if self.detail is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "Reveal the complainant's identity",
                "Why do you need the name and contact? The reason, your name and the time are recorded in the "
                "complaint's history.")
            if not ok:
                return
        complaint_id = self.detail.id
        self.ctx.run(svc.reveal_identity, self.ctx.db, complaint_id, reason, parent=self,
                     on_done=lambda shown: self._revealed(complaint_id, shown))

    def _revealed(self, complaint_id: int, shown: svc.RevealedIdentity) -> None:
        if self.detail is None or self.detail.id != complaint_id:
            return  # another complaint is shown by now; this one stays hidden
        self.revealed = shown
        self._show_identity()
        self.ctx.run(svc.complaint_detail, self.ctx.db, complaint_id, parent=self, on_done=self.show_detail)

    # -- steps ----------------------------------------------------------------------------------------------------
    def start_step(self, key: str) -> Optional[QDialog]:
        """Opens the dialog of one step (or, for the CAP item, asks and does it). Returns the dialog, if any."""
        if self.detail is None:
            return None
        db, cid = self.ctx.db, self.detail.id
        if key == "to_cap":
            answer = QMessageBox.question(
                self, "Make a CAP item",
                f"Add complaint {self.detail.row.reference} as a CAP item to {self.detail.row.supplier_code}'s open "
                "CAP (or a new one)? The item carries the summary, outcome and remedy, never the identity.")
            if answer == QMessageBox.StandardButton.Yes:
                self.ctx.run(svc.to_cap, db, cid, parent=self, on_done=self._cap_made)
            return None
        specs = {
            "acknowledge": dict(title="Acknowledge", intro="The date the worker (or whoever passed the complaint on) "
                                "was told it arrived and what happens next.",
                                action=lambda on, _c, _t: svc.acknowledge(db, cid, on)),
            "note": dict(title="Investigation note", intro="A dated step: who was interviewed, which records were "
                         "checked, what was found. Keep names out.", text_label="Note",
                         action=lambda on, _c, text: svc.add_note(db, cid, text, on)),
            "decision": dict(title="Tell the factory?", intro="Weigh the risk of telling the factory with the worker "
                             "first. The factory is never told who complained.", choice_label="Decision",
                             choices=[(d.value, d.label) for d in FactoryDecision], text_label="How",
                             action=lambda on, choice, text: svc.decide_factory(db, cid, choice, text, on)),
            "resolve": dict(title="Resolve", intro="The outcome of the investigation and the remedy for the worker.",
                            choice_label="Outcome", choices=[(o.value, o.label) for o in Outcome],
                            text_label="Remedy", text_hint="What puts the worker right (back pay, reinstatement…)",
                            action=lambda on, choice, text: svc.resolve(db, cid, choice, text, on)),
            "compliance": dict(title="Compliance held", intro="A later check (a visit, records, the worker) that the "
                               "remedy lasted.", text_label="How checked",
                               action=lambda on, _c, text: svc.check_compliance_held(db, cid, on, text)),
            "close": dict(title="Close", intro="Close the complaint.",
                          action=lambda on, _c, _t: svc.close(db, cid, on)),
            "retaliation": dict(title="Retaliation found", intro="What was done to the worker for complaining. It "
                                "becomes a finding of its own when the complaint is made a CAP item, and the risk "
                                "becomes high.", text_label="What happened",
                                action=lambda on, _c, text: svc.record_retaliation(db, cid, on, text)),
        }
        spec = specs[key]
        dialog = StepDialog(self.ctx, spec["title"], spec["intro"], spec["action"],
                            choices=spec.get("choices", ()), choice_label=spec.get("choice_label", ""),
                            text_label=spec.get("text_label", ""), text_hint=spec.get("text_hint", ""), parent=self)
        dialog.done.connect(self.changed.emit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _cap_made(self, result: svc.CapResult) -> None:
        self.ctx.notify("caps")
        self.ctx.notify("complaints")
        note = f"Added to CAP #{result.cap_id} ({result.placed}) as the item “{result.item_title}”."
        if result.retaliation_item_id:
            note += f" The retaliation found is a second item, “{result.retaliation_item_title}”."
        QMessageBox.information(self, "CAP item made", note)


# -- the page --------------------------------------------------------------------------------------------------------

class ComplaintsPage(Page):
    """Every complaint, open ones first by age, with the complaint screen beside the list."""

    title = "Complaints"
    topics = ("complaints", "suppliers")
    navigate = Signal(str, object)

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.status: Optional[svc.IdentityStatus] = None
        self.has_everything = False  # closed complaints read too (All or Closed chosen)
        self._pending_select: Optional[int] = None
        self._detail_seq = 0
        self.new_button = button("New complaint", primary=True, tooltip="Record a worker complaint (Ctrl+N)")
        self.key_button = button("Identity key…", tooltip="Where the key is kept, and its recovery copy")
        self.report_button = button("Report…", tooltip="Counts and days taken, as an Excel workbook (no identities)")
        self.public_button = button("Publishable list…", tooltip="The public overview, reviewed before it leaves")
        self.new_button.clicked.connect(lambda: self.new_complaint())
        self.key_button.clicked.connect(lambda: self.open_key_dialog())
        self.report_button.clicked.connect(lambda: self.save_report())
        self.public_button.clicked.connect(lambda: self.open_public_list())
        header, self.subtitle = page_header("Worker complaints", "", [self.key_button, self.report_button,
                                                                      self.public_button, self.new_button])
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"color: {theme.OVERDUE}; background: {theme.OVERDUE_BG}; border-radius: 5px; "
                                  "padding: 8px 10px; font-weight: 600;")
        self.banner.setVisible(False)

        self.model = RowTableModel(complaint_columns(), self,
                                   row_background=lambda r: QColor(theme.OVERDUE_BG)
                                   if r.is_open and (r.retaliation_risk == "high" or r.retaliation_found) else None)
        self.model.filtered.connect(self._update_count)
        self.filter_box = FilterBox(self.model, placeholder="Filter by reference, factory, provision, summary…  "
                                                            "(Ctrl+F)")
        self.show_filter = QComboBox()
        self.show_filter.addItem("Open complaints", OPEN)
        self.show_filter.addItem("All complaints", ALL)
        self.show_filter.addItem("Closed complaints", CLOSED)
        self.risk_filter = QComboBox()
        self.risk_filter.addItem("Any retaliation risk", None)
        for level in reversed(list(RetaliationRisk)):
            self.risk_filter.addItem(f"{level.label} risk", level.value)
        for combo in (self.show_filter, self.risk_filter):
            combo.currentIndexChanged.connect(self._apply_predicate)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.filter_box.setMinimumWidth(220)
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.show_filter)
        filters.addWidget(self.risk_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.view = TableView(settings_key="complaints", placeholder="No complaints here. Record one with New "
                                                                     "complaint.")
        self.view.setModel(self.model)
        # Open complaints oldest first: the ones waiting longest come up top.
        self.model.sort(2, Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
        self.view.selection_changed_rows.connect(self._selected)
        self.panel = ComplaintPanel(ctx)
        self.panel.changed.connect(self._step_done)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([600, 520])  # the register whole beside an open complaint at 1360x840

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(header)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        self._apply_predicate()

    # -- loading ----------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.run(_load, self.ctx.db, self._wants_everything(), on_done=self._loaded, parent=self)

    def _wants_everything(self) -> bool:
        return self.show_filter.currentData() != OPEN

    def _loaded(self, result) -> None:
        rows, texts, status, everything = result
        self.status = status
        self.has_everything = everything
        self.model.set_rows(rows, texts)
        self.banner.setText(status.message if status.missing_key_ids else "")
        self.banner.setVisible(bool(status.missing_key_ids))
        target = self._pending_select
        self._pending_select = None
        if target is not None:
            if not self.view.select_id(target):
                self.filter_box.clear()
                self.risk_filter.setCurrentIndex(0)
                if not self.view.select_id(target) and not everything:
                    # a closed complaint (from the supplier page, say): read them all, then select it
                    self._pending_select = target
                    self.show_filter.setCurrentIndex(self.show_filter.findData(ALL))
                    return
                self.view.select_id(target)
        elif self.panel.detail is not None:
            self._show_detail_of(self.panel.detail.id)
        self._update_count()

    def _apply_predicate(self, *_args) -> None:
        show = self.show_filter.currentData()
        if show != OPEN and not self.has_everything:
            self.refresh()  # closed complaints were not read yet
        risk = self.risk_filter.currentData()
        tests = []
        if show == OPEN:
            tests.append(lambda r: r.is_open)
        elif show == CLOSED:
            tests.append(lambda r: not r.is_open)
        if risk:
            tests.append(lambda r: r.retaliation_risk == risk)
        self.model.set_predicate(None if not tests else tests[0] if len(tests) == 1
                                 else (lambda r: all(t(r) for t in tests)))

    def _update_count(self, *_args) -> None:
        self.count_label.setText(count_text(self.model, "complaint"))
        rows = self.model.all_rows()
        open_rows = [r for r in rows if r.is_open]
        high = sum(1 for r in open_rows if r.retaliation_risk == "high" or r.retaliation_found)
        oldest = max((r.age_days for r in open_rows), default=None)
        self.subtitle.setText(
            f"{len(open_rows):,} open · {high:,} with high retaliation risk · oldest open {oldest} days"
            if open_rows else "The confidential register of worker complaints" if not rows else
            f"{len(rows):,} complaints, none open")

    # -- the complaint screen ---------------------------------------------------------------------------------------
    def _selected(self, rows) -> None:
        if len(rows) == 1:
            self._show_detail_of(rows[0].id)
        elif not rows:
            self.panel.show_detail(None)

    def _show_detail_of(self, complaint_id: int) -> None:
        self._detail_seq += 1
        seq = self._detail_seq

        def show(detail) -> None:
            if seq == self._detail_seq:  # an older answer after a newer choice is dropped
                self.panel.show_detail(detail)

        self.ctx.run(svc.complaint_detail, self.ctx.db, complaint_id, on_done=show, parent=self)

    def _step_done(self, detail) -> None:
        self.panel.show_detail(detail)

    def open_item(self, kind: str, item_id) -> None:
        if kind == "new_complaint":  # from a supplier's page: intake for that supplier
            self.new_complaint(str(item_id or ""))
            return
        if kind == "complaint":
            self._pending_select = int(item_id)
            if not self.view.select_id(int(item_id)):
                self.refresh()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    # -- actions ----------------------------------------------------------------------------------------------------
    new_item_label = "New complaint…"

    def new_item(self) -> None:
        """Ctrl+N on this page."""
        self.new_complaint()

    def new_complaint(self, supplier_code: str = "") -> None:
        self.ctx.run(_intake_choices, self.ctx.db, parent=self,
                     on_done=lambda choices: self._open_new_dialog(choices, supplier_code))

    def _open_new_dialog(self, choices, supplier_code: str = "") -> None:
        suppliers, provisions = choices
        dialog = NewComplaintDialog(self.ctx, suppliers, provisions, self, supplier_code=supplier_code)
        dialog.done.connect(lambda d: setattr(self, "_pending_select", d.id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.new_dialog = dialog

    def open_key_dialog(self) -> None:
        self.ctx.run(svc.identity_status, self.ctx.db, parent=self, on_done=self._open_key_dialog)

    def _open_key_dialog(self, status) -> None:
        dialog = KeyDialog(self.ctx, status, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.key_dialog = dialog

    def save_report(self) -> None:
        path = save_path(self, "Save the complaints report", f"complaints-report-{date.today().isoformat()}.xlsx")
        if path is not None:
            self.ctx.run(figures.write_report, self.ctx.db, path, parent=self, label="Writing the report",
                         on_done=lambda p: QMessageBox.information(self, "Report saved", f"Saved {p}."))

    def open_public_list(self) -> None:
        self.ctx.run(figures.publishable_list, self.ctx.db, parent=self, on_done=self._open_public_list)

    def _open_public_list(self, rows) -> None:
        dialog = PublicListDialog(self.ctx, rows, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.public_dialog = dialog


def _intake_choices(db):
    from csrdesk.services.library import list_categories
    from csrdesk.services.suppliers import list_suppliers

    suppliers = [(r.code, r.name) for r in list_suppliers(db)]
    return suppliers, [(c.key, c.title) for c in list_categories(db)]
