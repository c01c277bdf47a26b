"""CAP review: the items with their warnings, overrides with a reason, a comment per item, approve or return,
the CAP quality figure, and the systems-improvement plan readable on screen."""
from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPlainTextEdit,
    QPushButton, QRadioButton, QScrollArea, QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from csrdesk.domain.lifecycle import CapStatus
from csrdesk.domain.reporting import plural
from csrdesk.services import review
from csrdesk.errors import UserError
from csrdesk.ui import theme
from csrdesk.ui.table_fit import column_widths
from csrdesk.ui.tables import Column, RowTableModel, TableView
from csrdesk.ui.widgets.dialog_keys import ask_text

log = logging.getLogger(__name__)

REVIEWABLE = (CapStatus.RESPONSE_RECEIVED.value, CapStatus.UNDER_REVIEW.value)
_WARN = QColor(theme.WARNING)
_OK = QColor(theme.OK)


def _load(db, cap_id: int):
    return review.check_cap(db, cap_id), review.improvement_plan(db, cap_id)


def _write_returned(db, cap_id: int, letter_path: str, lang: Optional[str]):
    """The "CAP returned" letter, and its e-mail draft beside it when the factory has an e-mail address."""

    from csrdesk.services.cap_returned import make_cap_returned_email, render_cap_returned_letter

    letter = render_cap_returned_letter(db, cap_id, Path(letter_path), lang=lang)
    try:
        draft = make_cap_returned_email(db, cap_id, letter.with_suffix(".eml"), lang=lang)
    except UserError as exc:
        return letter, None, str(exc)
    return letter, draft, ""


DECISION_WORDS = {"accept": "accepted", "return": "returned"}


def plan_html(plan: "review.ImprovementPlan") -> str:
    """The systems-improvement plan as HTML for a text browser."""
    e = html.escape
    out = [f"<h2>Systems-improvement plan</h2><p>CAP #{plan.cap_id}, {e(plan.supplier_code)} "
           f"{e(plan.supplier_name)} — assessment of {plan.assessment_date.isoformat()}; "
           f"CAP quality {plan.quality}%</p>"]
    for g in plan.groups:
        sources = (f" <span style='color:{theme.MUTED}'>({e(', '.join(g.risk_sources))})</span>"
                   if g.risk_sources else "")
        out.append(f"<h3>{e(g.title)}{sources}</h3><ul>")
        for entry in g.entries:
            repeat = " ↻" if entry.repeat else ""
            out.append(f"<li><b>{e(entry.finding)}</b>{repeat}")
            if entry.root_cause:
                out.append(f"<br>Root cause: {e(entry.root_cause)}")
            if entry.risk_source:
                out.append(f"<br>Risk source: {e(entry.risk_source)}")
            if entry.actions:
                out.append("<ul>")
                for a in entry.actions:
                    details = "; ".join(p for p in (
                        f"who: {e(a.who)}" if a.who else "", f"by {a.by_when.isoformat()}" if a.by_when else "",
                        f"verified by: {e(a.verification)}" if a.verification else "") if p)
                    element = (f"<i>{e(a.element)}</i>" if a.element
                               else f"<i style='color:{theme.WARNING}'>no system element</i>")
                    out.append(f"<li>{e(a.what)} — {element}{' (' + details + ')' if details else ''}</li>")
                out.append("</ul>")
            for measure, text in entry.victim_measures:
                out.append(f"<br>Victim protection, {e(measure)}: {e(text)}")
            leader = e(entry.project_leader) if entry.project_leader else "<i>no project leader</i>"
            planned = entry.planned_date.isoformat() if entry.planned_date else "no date"
            out.append(f"<br>Project leader: {leader}; planned completion: {planned}")
            if entry.open_warnings:
                out.append(f"<br><span style='color:{theme.WARNING}'>{plural(entry.open_warnings, 'open warning')}</span>")
            out.append("</li>")
        out.append("</ul>")
    if plan.elements:
        out.append("<p><b>Management-system elements changed:</b> "
                   + ", ".join(f"{e(name)} ({n})" for name, n in plan.elements) + "</p>")
    return "".join(out)


def state_sentence(status: str, returned: bool = False) -> str:
    """Where a CAP that cannot be reviewed now stands, and what comes next, in plain words."""
    if status == CapStatus.DRAFT.value:
        return "This CAP is still a draft: it has not been sent to the factory, so there is no answer to review yet."
    if status == CapStatus.SENT.value and returned:
        return ("This CAP was returned to the factory: their corrected answer has not come in yet. Record it as "
                "response received when it does, then review it here.")
    if status == CapStatus.SENT.value:
        return ("This CAP is with the factory: their answer has not come in yet. Record it as response received "
                "when it does, then review it here.")
    if status in (CapStatus.APPROVED.value, CapStatus.IN_REMEDIATION.value):
        return ("The factory's answer was approved and the CAP is in remediation: the factory is carrying out its "
                "actions. Nothing to review; follow the items on the CAPs page."
                if status == CapStatus.IN_REMEDIATION.value else
                "The factory's answer was approved: nothing to review. The items follow their plans on the CAPs "
                "page.")
    if status == CapStatus.CLOSED.value:
        return "This CAP is closed: every item is done. Nothing to review."
    return f"This CAP is {status}: nothing to review now."


def unchosen_note(item, commented: bool) -> str:
    """What happens to an item the reviewer leaves without Accept or Return when the CAP is returned."""
    if commented or item.open_warnings:
        why = "your comment" if commented else "its open warnings"
        return f"Neither chosen: if you return the CAP, this item goes back to the factory too, because of {why}."
    return ("Neither chosen: if you return the CAP, this item is accepted as it is (it has no open warning and "
            "no comment from you).")


def item_columns() -> list[Column]:
    """No fixed widths: the columns are measured with the table's font once the items are in (see _fit_table)."""
    return [
        Column("#", lambda r: r.position + 1, searchable=False),
        Column("Finding", lambda r: r.finding, tooltip=lambda r: r.finding),
        Column("Severity", lambda r: r.severity),
        Column("Status", lambda r: r.status),
        Column("Warnings", lambda r: len(r.open_warnings),
               fmt=lambda v: f"⚠ {v}" if v else "✓", colour=lambda r: _WARN if r.open_warnings else _OK,
               tooltip=lambda r: "\n".join(w.title for w in r.open_warnings) or None),
        Column("Root cause", lambda r: r.root_cause, tooltip=lambda r: r.root_cause or None),
        Column("Project leader", lambda r: r.project_leader, tooltip=lambda r: r.project_leader or None),
        Column("Planned", lambda r: r.planned_date),
    ]


FINDING, ROOT_CAUSE, LEADER = 1, 5, 6  # the columns of long text
FINDING_CHARS = 34  # the table gets room for about this many characters of the finding (the table's font)
OTHER_CHARS = 16  # and for this many of the root cause and of the project leader


class CapReviewDialog(QDialog):
    """Reviews one CAP: every item's answer and warnings; approve, or return with comments per item."""

    decided = Signal(object)  # review.ReviewResult

    def __init__(self, ctx, cap_id: int, parent: Optional[QWidget] = None, *,
                 ask_reason: Optional[Callable[[str], Optional[str]]] = None,
                 confirm: Optional[Callable[[str], bool]] = None, item_id: Optional[int] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cap_id = cap_id
        self.ask_reason = ask_reason or self._ask_reason
        self.confirm = confirm or self._confirm
        self.check: Optional[review.CapCheck] = None
        self.plan: Optional[review.ImprovementPlan] = None
        self.decision: Optional[review.ReviewResult] = None
        self.comments: dict[int, str] = {}
        self.decisions: dict[int, str] = {}  # item -> "accept" or "return", chosen in this review
        self._current: Optional[int] = item_id  # the item to show first: the one chosen on the CAPs page
        self.warning_buttons: dict[str, QPushButton] = {}
        self.loads = 0
        self.setWindowTitle(f"Review CAP #{cap_id}")
        self.resize(1200, 760)
        self.setMinimumSize(1200, 640)  # the items table whole beside the answer (fits the 1360 px window)
        self._build()
        self.reload()

    # -- building ---------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = QLabel(f"CAP #{self.cap_id}")
        self.heading.setObjectName("pageTitle")
        self.heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.quality = QLabel("")
        self.quality.setStyleSheet("font-size: 13pt; font-weight: 600;")
        head.addWidget(self.heading, 1)
        head.addWidget(self.quality)
        layout.addLayout(head)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        items_tab = QWidget()
        items_layout = QVBoxLayout(items_tab)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal, items_tab)
        splitter.setChildrenCollapsible(False)
        self._split_fitted = False
        self.model = RowTableModel(item_columns(), self)
        self.table = TableView(splitter, settings_key="cap_review", placeholder="This CAP has no items.")
        self.table.setModel(self.model)
        splitter.addWidget(self.table)
        detail = self.detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(8, 0, 0, 0)
        # What the user reads about the item (the finding whole, however long, the factory's answer, the open
        # warnings) scrolls as one: a long finding squeezed into a fixed label was cut with no way to read it.
        reading = QWidget()
        r = QVBoxLayout(reading)
        r.setContentsMargins(0, 0, 6, 0)
        self.item_title = QLabel("Choose an item.")
        self.item_title.setWordWrap(True)
        self.item_title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.item_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        r.addWidget(self.item_title)
        self.answer = QLabel("")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        r.addWidget(self.answer)
        self.guided_button = QPushButton("Guided root cause…")
        self.guided_button.setToolTip("Enter or correct the answer step by step (5 Whys, categories, actions)")
        self.guided_button.clicked.connect(self.open_guided_entry)
        r.addWidget(self.guided_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.warnings_box = QWidget()
        self.warnings_layout = QVBoxLayout(self.warnings_box)
        self.warnings_layout.setContentsMargins(0, 0, 0, 0)
        r.addWidget(self.warnings_box)
        r.addStretch(1)
        scroll = self.reading_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(reading)
        d.addWidget(scroll, 1)
        self.last_comment = QLabel("")
        self.last_comment.setWordWrap(True)
        self.last_comment.setStyleSheet(f"color: {theme.MUTED};")
        d.addWidget(self.last_comment)
        decision_row = QHBoxLayout()
        decision_row.addWidget(QLabel("This item:"))
        self.accept_item = QRadioButton("Accept")
        self.accept_item.setToolTip("The answer stands; with a complete plan the item becomes action planned")
        self.return_item = QRadioButton("Return to the factory")
        self.return_item.setToolTip("Send this item back with the comment below (it goes into the letter, the "
                                    "e-mail and the tracker)")
        self.decision_group = QButtonGroup(self)
        self.decision_group.addButton(self.accept_item)
        self.decision_group.addButton(self.return_item)
        self.accept_item.toggled.connect(lambda on: self._item_decided("accept", on))
        self.return_item.toggled.connect(lambda on: self._item_decided("return", on))
        self.decision_note = QLabel("")
        self.decision_note.setStyleSheet(f"color: {theme.MUTED};")
        self.decision_note.setWordWrap(True)
        decision_row.addWidget(self.accept_item)
        decision_row.addWidget(self.return_item)
        decision_row.addStretch(1)
        d.addLayout(decision_row)
        d.addWidget(self.decision_note)  # under the choice: beside it, it wrapped into a narrow column
        self.comment_label = QLabel("Comment to the factory on this item:")
        d.addWidget(self.comment_label)
        self.comment = QPlainTextEdit()
        self.comment.setMaximumHeight(90)
        self.comment.setPlaceholderText("Left empty on a return, the open warnings are sent as the comment.")
        self.comment.textChanged.connect(self._comment_edited)
        d.addWidget(self.comment)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)  # a wider dialog widens the table first
        items_layout.addWidget(splitter, 1)
        self.tabs.addTab(items_tab, "Items")

        self.plan_view = QTextBrowser()
        self.plan_view.setOpenLinks(False)
        self.tabs.addTab(self.plan_view, "Systems-improvement plan")

        bottom = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        bottom.addWidget(self.message, 1)
        self.letter_button = QPushButton("Returned letter and e-mail…")
        self.letter_button.setToolTip("Write the 'CAP returned' letter (each returned item with your comment) and "
                                      "its e-mail draft with the tracker attached")
        bottom.addWidget(self.letter_button)
        self.letter_button.clicked.connect(lambda: self.write_returned_letter())
        self.return_button = QPushButton("Return to factory")
        self.return_button.setToolTip("Send the CAP back (status: sent) with the comments per item")
        self.approve_button = QPushButton("Approve")
        self.close_button = QPushButton("Close")
        bottom.addWidget(self.return_button)
        bottom.addWidget(self.approve_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.table.selection_changed_rows.connect(self._selected)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.return_to_factory)
        self.close_button.clicked.connect(self.accept)
        self._set_enabled()

    # -- loading ----------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.run(_load, self.ctx.db, self.cap_id, on_done=self._loaded, parent=self)

    def _loaded(self, result) -> None:
        self.check, self.plan = result
        self.loads += 1
        c = self.check
        self.heading.setText(f"CAP #{c.id} — {c.supplier_code} {c.supplier_name} ({c.status})")
        good = sum(1 for i in c.items if i.ok)
        colour = theme.OK if c.quality == 100 else (theme.WARNING if c.quality >= 50 else theme.OVERDUE)
        self.quality.setText(f"Quality {c.quality}%")
        self.quality.setStyleSheet(f"font-size: 13pt; font-weight: 600; color: {colour};")
        self.quality.setToolTip(f"{good} of {plural(len(c.items), 'item')} without open warnings")
        keep = self._current
        self.model.set_rows(list(c.items))
        self._fit_table()
        self.plan_view.setHtml(plan_html(self.plan))
        if keep is not None and self.table.select_id(keep):
            self._show(keep)
        elif c.items:
            self.table.select_id(c.items[0].id)
        self._set_enabled()
        if getattr(self, "_after_load", ""):
            self._say(self._after_load)
            self._after_load = ""

    def _fit_table(self) -> None:
        """Columns measured with the table's own font (see table_fit.fit_to_width): the short ones (#, severity,
        status, warnings, date) show their values whole; finding, root cause and leader share the rest, the finding
        half as wide again as the others (their whole texts in the tooltips and beside the table). The splitter
        gives the table the width for the finding's first FINDING_CHARS characters and the root cause's and
        leader's first OTHER_CHARS, the answer the rest (never less than its own minimum)."""
        table = self.table
        header = table.horizontalHeader()
        header.setSectionResizeMode(FINDING, QHeaderView.ResizeMode.Interactive)
        table.fit_to_width()
        if self._split_fitted or not self.isVisible():
            return
        self._split_fitted = True
        total = sum(self.splitter.sizes())
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        floors, wants = column_widths(table, shown)
        chars = table.fontMetrics().averageCharWidth()
        room = {FINDING: FINDING_CHARS * chars, ROOT_CAUSE: OTHER_CHARS * chars, LEADER: OTHER_CHARS * chars}
        wanted = (sum(max(floors[i], min(wants[i], room[i] + 14)) if i in room else floors[i] for i in shown)
                  + table.verticalScrollBar().sizeHint().width() + 2 * table.frameWidth() + 4)
        detail = max(self.detail.minimumSizeHint().width(), total - wanted)
        self.splitter.setSizes([total - detail, detail])

    def showEvent(self, event) -> None:  # noqa: N802 - the split is measured at the size shown
        super().showEvent(event)
        if self.check is not None and not self._split_fitted:
            self._fit_table()

    def _set_enabled(self) -> None:
        c = self.check
        reviewable = c is not None and c.status in REVIEWABLE and self.decision is None
        self.approve_button.setEnabled(bool(reviewable and c.open_warning_count == 0))
        self.return_button.setEnabled(bool(reviewable))
        self.approve_button.setToolTip(self._approve_reason() or
                                       "Approve the CAP: items with a complete plan become action planned")
        returned = c is not None and any(i.review_decision == "returned" for i in c.items)
        self.letter_button.setEnabled(bool(returned))
        # Just returned, the letter is what comes next (the line under the table says so): Enter writes it.
        letter_next = (self.decision is not None and self.decision.decision == "returned"
                       and getattr(self, "letter_written", None) is None)
        self._make_default(next(b for b in (self.approve_button, self.return_button,
                                            *((self.letter_button,) if letter_next else ()), self.close_button)
                                if b.isEnabled()))
        if c is not None and c.status not in REVIEWABLE and self.decision is None:
            self._say(state_sentence(c.status, any(i.review_decision == "returned" for i in c.items)), info=True)
        elif c is not None and reviewable and c.open_warning_count:
            self._say(f"{plural(c.open_warning_count, 'open warning')}: override {'it' if c.open_warning_count == 1 else 'them'} with a reason to approve, or return "
                      "the CAP to the factory.", warning=True)
        self.guided_button.setEnabled(self._current is not None and c is not None
                                      and c.status != CapStatus.CLOSED.value)
        self.letter_button.setToolTip("Write the 'CAP returned' letter and its e-mail draft" if returned else
                                      "Return items to the factory first: the letter lists them with your comments")
        # The choice per item, its comment and the note about it go with Approve and Return: off when they are.
        deciding = bool(reviewable) and self._current is not None
        for widget in (self.accept_item, self.return_item, self.comment, self.comment_label):
            widget.setEnabled(deciding)
        self._show_decision()

    def _approve_reason(self) -> str:
        """Why Approve is off, in words ("" when it is on)."""
        c = self.check
        if c is None:
            return "Reading the CAP…"
        if self.decision is not None:
            return f"The review is recorded: the CAP is {self.decision.cap.status}."
        if c.status not in REVIEWABLE:
            return f"The CAP is {c.status}: it can be approved once the factory's response is in."
        if c.open_warning_count:
            return (f"{plural(c.open_warning_count, 'open warning')}: override each with a reason, or return the CAP to "
                    "the factory.")
        return ""

    def _make_default(self, button: QPushButton) -> None:
        """Enter presses `button`, and only it wears the primary colour: never a disabled button (a disabled
        Approve drawn as the default looked chosen)."""
        for b in (self.return_button, self.approve_button, self.letter_button, self.close_button):
            chosen = b is button
            b.setDefault(chosen)
            b.setObjectName("primary" if chosen else "")
            b.setStyleSheet(theme.PRIMARY_SHEET if chosen else "")

    def _say(self, text: str, *, error: bool = False, warning: bool = False, info: bool = False) -> None:
        """A line under the table: red for an error, amber for a warning, grey for how things stand (info), green
        for what was just done."""
        colour = theme.OVERDUE if error else (theme.WARNING if warning else (theme.MUTED if info else theme.OK))
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour}; font-weight: 600;")

    # -- the selected item ------------------------------------------------------------------------------------------
    def _selected(self, rows: list) -> None:
        if rows:
            self._show(rows[0].id)

    def item(self, item_id: int) -> Optional["review.ItemCheck"]:
        if self.check is None:
            return None
        return next((i for i in self.check.items if i.id == item_id), None)

    def select_item(self, item_id: int) -> bool:
        return self.table.select_id(item_id)

    def _show(self, item_id: int) -> None:
        item = self.item(item_id)
        if item is None:
            return
        self._current = item_id
        e = html.escape
        self.item_title.setText(f"{item.position + 1}. {item.finding}" + ("  ↻ repeat" if item.repeat else ""))
        planned = item.planned_date.isoformat() if item.planned_date else "not set"
        due = item.due_date.isoformat() if item.due_date else "not set"
        self.answer.setText(
            f"<b>Root cause:</b> {e(item.root_cause) or '<i>none yet</i>'}<br>"
            f"<b>Preventive action:</b><br>{e(item.preventive_action).replace(chr(10), '<br>') or '<i>none yet</i>'}"
            f"<br><b>Project leader:</b> {e(item.project_leader) or '<i>none</i>'} &nbsp; "
            f"<b>Planned:</b> {planned} &nbsp; <b>Due:</b> {due}"
        )
        while self.warnings_layout.count():
            child = self.warnings_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        self.warning_buttons = {}
        for w in item.warnings:
            self.warnings_layout.addWidget(self._warning_widget(item.id, w))
        if not item.warnings:
            ok = QLabel("No warnings on this answer.")
            ok.setStyleSheet(f"color: {theme.OK}; font-weight: 600;")
            self.warnings_layout.addWidget(ok)
            ok.show()
        self.warnings_layout.addStretch(1)
        last = f"Last review: {item.review_decision}" if item.review_decision else ""
        if item.review_comment:
            last = (last + ", comment: " if last else "Last review comment: ") + item.review_comment
        self.last_comment.setText(last)
        with QSignalBlocker(self.comment):
            self.comment.setPlainText(self.comments.get(item_id, ""))
        self._show_decision()
        self._set_enabled()

    def _show_decision(self) -> None:
        choice = self.decisions.get(self._current) if self._current is not None else None
        with QSignalBlocker(self.accept_item), QSignalBlocker(self.return_item):
            self.decision_group.setExclusive(False)
            self.accept_item.setChecked(choice == "accept")
            self.return_item.setChecked(choice == "return")
            self.decision_group.setExclusive(True)
        item = self.item(self._current) if self._current is not None else None
        c = self.check
        reviewable = c is not None and c.status in REVIEWABLE and self.decision is None
        self.decision_note.setText(unchosen_note(item, bool(self.comments.get(item.id)))
                                   if choice is None and item is not None and reviewable else "")

    def _item_decided(self, choice: str, on: bool) -> None:
        if on and self._current is not None:
            self.decisions[self._current] = choice
            self._show_decision()

    def _warning_widget(self, item_id: int, w) -> QWidget:
        frame = QFrame()
        colour, background = (theme.MUTED, theme.ALT_ROW) if w.overridden else (theme.WARNING, theme.WARNING_BG)
        frame.setStyleSheet(f"QFrame {{ background: {background}; border-left: 4px solid {colour}; }}")
        box = QVBoxLayout(frame)
        box.setContentsMargins(8, 6, 8, 6)
        title = QLabel(("Accepted: " if w.overridden else "") + w.title)
        title.setStyleSheet(f"font-weight: 600; color: {colour}; border: none;")
        text = QLabel(w.message + (f"\nReason: {w.override_reason}" if w.overridden else ""))
        text.setWordWrap(True)
        text.setStyleSheet("border: none;")
        box.addWidget(title)
        box.addWidget(text)
        if w.overridden:
            button = QPushButton("Withdraw")
            button.clicked.connect(lambda: self.withdraw(item_id, w.code))
        else:
            button = QPushButton("Override with reason…")
            button.clicked.connect(lambda: self.override(item_id, w.code))
        button.setEnabled(self.check is not None and self.check.status != CapStatus.CLOSED.value)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        self.warning_buttons[w.code] = button
        frame.show()
        return frame

    def _comment_edited(self) -> None:
        if self._current is not None:
            text = self.comment.toPlainText().strip()
            if text:
                self.comments[self._current] = text
            else:
                self.comments.pop(self._current, None)
            self._show_decision()  # a comment sends an unchosen item back: the note says so

    # -- actions ----------------------------------------------------------------------------------------------------
    def _ask_reason(self, message: str) -> Optional[str]:
        text, ok = ask_text(self, "Override the warning", message)
        return text if ok else None

    def _confirm(self, message: str) -> bool:
        return QMessageBox.question(self, "CAP review", message) == QMessageBox.StandardButton.Yes

    def override(self, item_id: int, code: str) -> None:
        item = self.item(item_id)
        warning = next((w for w in item.warnings if w.code == code), None) if item else None
        if warning is None:
            return
        reason = self.ask_reason(f"{warning.message}\n\nWhy is the answer acceptable as it is?")
        if reason is None:
            return
        self.ctx.run(review.override_warning, self.ctx.db, item_id, code, reason, on_done=self._changed,
                     on_error=self._failed, parent=self)

    def withdraw(self, item_id: int, code: str) -> None:
        self.ctx.run(review.clear_override, self.ctx.db, item_id, code, on_done=self._changed,
                     on_error=self._failed, parent=self)

    def open_guided_entry(self) -> None:
        if self._current is None:
            return
        from csrdesk.ui.wizards.rootcause import open_root_cause_wizard

        self.wizard_task = open_root_cause_wizard(self.ctx, self._current, self, on_saved=self._entry_saved)

    def approve(self) -> None:
        if not self.confirm(f"Approve CAP #{self.cap_id}? Items with a complete plan become action planned."):
            return
        self._decide(True)

    def return_to_factory(self) -> None:
        if not self.confirm(f"Return CAP #{self.cap_id} to the factory with the comments?"):
            return
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        self.ctx.run(review.review_cap, self.ctx.db, self.cap_id, approve=approve, comments=dict(self.comments),
                     decisions={} if approve else dict(self.decisions), on_done=self._decided, on_error=self._failed, label="Recording the review…", parent=self)

    def _decided(self, result) -> None:
        self.decision = result
        self.comments.clear()
        self.decisions.clear()
        self.ctx.notify("caps")
        verb = "approved" if result.decision == "approved" else "returned to the factory"
        planned = f"; {plural(len(result.items_planned), 'item')} now action planned" if result.items_planned else ""
        if result.decision == "returned":
            reopened = (f" ({plural(len(result.items_reopened), 'item')} back to open)" if result.items_reopened
                        else "")
            planned = (f" with {plural(len(result.items_returned), 'item')} to revise{reopened}{planned}; write the "
                       "letter and e-mail next")
        self._after_load = f"CAP #{result.cap.id} {verb} (now {result.cap.status}){planned}."
        self._say(self._after_load)
        self.decided.emit(result)
        self.reload()

    def write_returned_letter(self, path: Optional[str] = None) -> None:
        """Asks where to write the "CAP returned" letter (the e-mail draft goes beside it) and writes both."""
        if self.check is None:
            return
        if path is None:
            name = f"CAP returned {self.check.supplier_code}.docx".replace("/", "-")
            # In the home folder, as the other letters: a bare name would open wherever csrdesk was started.
            path, _ = QFileDialog.getSaveFileName(self, "CAP returned letter", str(Path.home() / name),
                                                  "Word document (*.docx)")
            if not path:
                return
        if not path.lower().endswith(".docx"):
            path += ".docx"

        def written(result) -> None:
            letter, draft, problem = result
            if draft is not None:
                self._say(f"Wrote {letter.name} and the e-mail draft {draft.path.name} (to {draft.to}) in "
                          f"{letter.parent}.")
            else:
                self._say(f"Wrote {letter.name} in {letter.parent}; no e-mail draft: {problem}", warning=True)
            self.letter_written = (letter, draft)
            self._set_enabled()  # the letter is written: Enter closes the review again

        self.ctx.run(_write_returned, self.ctx.db, self.cap_id, path, None, on_done=written, on_error=self._failed,
                     label="Writing the letter…", parent=self)

    def _entry_saved(self, check) -> None:
        from csrdesk.ui.wizards.rootcause import saved_message

        status_before = next((i.status for i in self.check.items if i.id == check.id), "") if self.check else ""
        self._after_load = saved_message(check, status_before)  # said once the list shows the new status
        self._changed()
        self._say(self._after_load)

    def _changed(self, _result=None) -> None:
        self.ctx.notify("caps")
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._say(" ".join(str(exc).split()), error=True)
        else:
            self.ctx.show_error(self, exc)


def open_cap_review(ctx, cap_id: int, parent: Optional[QWidget] = None,
                    item_id: Optional[int] = None) -> CapReviewDialog:
    """Opens the review of a CAP on the item `item_id` (the one chosen on the CAPs page), else on its first."""
    dialog = CapReviewDialog(ctx, cap_id, parent, item_id=item_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
