"""One supplier: profile, contacts, certifications, assessment history, open CAP items and the change history."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from csrdesk.domain.scoring import DENIED_SCORE, band_for, band_range, band_rule
from csrdesk.services.caps import CapItemRow, list_items
from csrdesk.services.complaints import ComplaintRow, list_complaints
from csrdesk.services.history import ChangeRow, history_for_supplier
from csrdesk.services.library import list_categories
from csrdesk.services.suppliers import SupplierDetail, supplier_detail
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.services.verification_overview import SupplierVerification, supplier_verification
from csrdesk.ui.pages.base import Page, button, muted, section_title
from csrdesk.ui.pages.verification import step_label
from csrdesk.ui.pages.supplier_dialogs import open_status_dialog, open_supplier_dialog
from csrdesk.ui.tables import Column, RowTableModel, TableView, percent
from csrdesk.ui.widgets.chart_view import ChartView


# Certificate states shown in the warning colour: soon to lapse, or not counted until the expiry date is entered.
_CERT_WARNINGS = ("expiring soon", "no expiry date")


@dataclass(frozen=True)
class SupplierBundle:
    """Everything the supplier page shows, loaded in one go off the GUI thread."""

    detail: SupplierDetail
    items: tuple[CapItemRow, ...]
    history: tuple[ChangeRow, ...]
    verification: Optional[SupplierVerification] = None
    complaints: tuple[ComplaintRow, ...] = ()
    category_titles: dict[str, str] = field(default_factory=dict)  # "health-safety" -> "Health and safety"


_RECORD_NAMES = {"cap": "CAP #{}", "cap_item": "CAP item #{}", "assessment": "Assessment #{}",
                 "vetting_screen": "Vetting screen #{}", "vetting_condition": "Condition #{}",
                 "complaint": "Complaint #{}", "verification_visit": "Visit #{}", "brand_action": "Brand action #{}",
                 "partner": "Partner #{}", "finding": "Finding #{}"}


def record_label(entity: str, entity_id) -> str:
    """A changed record as the rest of the app names it ("CAP #59", "Assessment #61"); the supplier's own changes
    are "This supplier" on its page (its history showed "cap 59", "supplier 16")."""
    if entity == "supplier":
        return "This supplier"
    pattern = _RECORD_NAMES.get(entity)
    if pattern is None:
        return f"{entity.replace('_', ' ').capitalize()} #{entity_id}"
    return pattern.format(entity_id)


def load_supplier(db, supplier_id: int) -> SupplierBundle:
    detail = supplier_detail(db, supplier_id)
    items = list_items(db, supplier_id=supplier_id, open_only=True)
    history = history_for_supplier(db, supplier_id)
    complaints = list_complaints(db, supplier_id=supplier_id)
    titles = {c.key: c.title for c in list_categories(db)} if items else {}
    return SupplierBundle(detail, tuple(items), tuple(history), supplier_verification(db, detail.row.id),
                          tuple(complaints), titles)


def verification_text(v: Optional[SupplierVerification]) -> tuple[str, str]:
    """The supplier's verification at a glance: (last visit and category, next visit), and its escalation."""
    if v is None:
        return "", ""
    done = [x for x in v.visits if x.status == "done"]
    parts = []
    if done:
        last = done[0]
        category = last.category or last.suggested_category
        parts.append(f"last visit {last.date.isoformat()}"
                     + (f", category {category}{'' if last.category else ' (suggested)'}" if category else "")
                     + (f", {last.progress_rate:g}% done" if last.progress_rate is not None else ""))
    upcoming = [p for p in v.plan if p.state != "done"]
    if upcoming:
        p = min(upcoming, key=lambda r: r.booked_date or r.visit_due)
        parts.append(f"visit booked {p.booked_date.isoformat()}" if p.booked_date
                     else f"visit {'overdue since' if p.state == 'overdue' else 'due'} {p.visit_due.isoformat()}")
    e = v.escalation
    if e is None:
        escalation = "none"
    elif e.step:
        escalation = f"{step_label(e.step)} since {e.step_date.isoformat()}"
    else:
        escalation = f"not escalated; lagging ({len(e.reasons)} reason{'s' if len(e.reasons) != 1 else ''})"
    return " · ".join(parts) or "no visit yet", escalation


def chip(text: str, colour: Optional[QColor], *, filled: bool = False) -> QLabel:
    """A small rounded label (status, rating)."""
    label = QLabel(text)
    c = colour or QColor(theme.MUTED)
    if filled:
        tint = QColor(c)
        tint.setAlpha(40)
        label.setStyleSheet(f"color: {c.darker(130).name()}; background: rgba({tint.red()},{tint.green()},"
                            f"{tint.blue()},{tint.alpha()}); border: 1px solid {c.name()}; border-radius: 10px;"
                            " padding: 2px 10px; font-weight: 600;")
    else:
        label.setStyleSheet(f"color: {c.name()}; border: 1px solid {c.name()}; border-radius: 10px;"
                            " padding: 2px 10px; font-weight: 600;")
    return label


def rating_note(a) -> str:
    """Why an assessment has its rating: the band its score falls in, or access denied (the rule, in words)."""
    if a.denied:
        return "access denied: counts as 800 points, rated Denied"
    if a.assessment_type == "verification visit":
        return f"{band_rule_text(a)}; a verification visit checks CAP items and does not rate the factory"
    return band_rule_text(a)


def band_rule_text(a) -> str:
    """The band's rule ("Unsatisfactory is a score of 30 to 799"): the score itself stands in its own column."""
    try:
        return band_rule(band_for(max(int(a.score), 0)))
    except (TypeError, ValueError):
        return ""


def score_and_rating(a) -> str:
    """'score 176, Unsatisfactory (30 to 799 points)': each said once."""
    if a.denied:
        return f"access denied, {a.rating} (counted as {DENIED_SCORE} points)"
    try:
        scale = f" ({band_range(band_for(max(int(a.score), 0)))})"
    except (TypeError, ValueError):
        scale = ""
    return f"score {a.score}, {a.rating}{scale}"


class _Facts(QWidget):
    """Label and value pairs in two columns, values selectable."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(6)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.values: dict[str, QLabel] = {}

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.values = {}
        for label, value in rows:
            key = QLabel(label)
            key.setObjectName("muted")
            theme.style_widget(key)
            text = QLabel(value or "—")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setTextFormat(Qt.TextFormat.PlainText)
            for part in (key, text):  # a short window scrolls the overview; it never squeezes a line
                part.setMinimumHeight(part.fontMetrics().lineSpacing() + 2)
            self.values[label] = text
            self.form.addRow(key, text)


class _ScoreChart(ChartView):
    """Score over time on a log scale with the rating bands (reports.charts, the reports' own chart), at a readable
    height; matplotlib is imported only when first shown. Right click copies or saves it."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__("score history", parent=parent)
        self._figure = None

    def plot(self, assessments) -> None:
        from csrdesk.reports.charts import score_history

        points = [(a.date, a.score, a.rating) for a in sorted(assessments, key=lambda a: (a.date, a.id))]
        self._figure = score_history(points, "Assessment score over time", 6.4, 2.8)
        self.set_figure(self._figure)


class SupplierPage(Page):
    """Everything about one supplier. Shown from the suppliers list, the dashboard or search."""

    title = "Supplier"
    topics = ("suppliers", "assessments", "caps", "vetting", "complaints")
    back_requested = Signal()
    navigate = Signal(str, object)  # ("assessment", id) or ("cap_item", id) for the other pages

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.supplier_id: Optional[int] = None
        self.bundle: Optional[SupplierBundle] = None
        self._stale = False

        self.back_button = QPushButton("‹  Suppliers")
        self.back_button.setFlat(True)
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.back_button.setStyleSheet(f"color: {theme.ACCENT}; border: none; padding: 2px 0; text-align: left;")
        self.back_button.clicked.connect(self.back_requested)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        self.edit_button = button("Edit…", tooltip="Edit profile, contacts and certifications")
        self.status_button = button("Change status…")
        self.edit_button.clicked.connect(self.edit)
        self.status_button.clicked.connect(self.change_status)
        # Next steps with this supplier.
        self._next: tuple[str, str, Optional[date]] = ("", "", None)  # code, status, follow-up due
        self.assess_button = button("New assessment", tooltip="Record an assessment of this supplier (pre-production "
                                    "while it is a prospect or in vetting)")
        self.vetting_button = button("Start vetting", tooltip="Start a vetting screen of this supplier")
        self.follow_up_button = button("Schedule follow-up", tooltip="A follow-up assessment, dated on the day the "
                                       "follow-up is due (today, when that day has passed)")
        self.assess_button.clicked.connect(lambda: self.navigate.emit("new_assessment", self._next[0]))
        self.vetting_button.clicked.connect(lambda: self.navigate.emit("new_screen", self._next[0]))
        self.follow_up_button.clicked.connect(
            lambda: self.navigate.emit("follow_up_assessment", (self._next[0], self._next[2])))

        self.title_label.setWordWrap(True)
        head = QHBoxLayout()
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        text.addWidget(self.title_label)
        info_row = QHBoxLayout()
        info_row.setSpacing(6)
        info_row.addLayout(self.chips)
        info_row.addSpacing(6)
        info_row.addWidget(self.subtitle, 1)
        text.addLayout(info_row)
        head.addLayout(text, 1)
        for next_step in (self.assess_button, self.vetting_button, self.follow_up_button):
            head.addWidget(next_step, 0, Qt.AlignmentFlag.AlignBottom)
        head.addSpacing(12)
        head.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignBottom)

        # Production not allowed (Zero Tolerance, Denied): said first, whatever the status; suspension proposed.
        self.block_label = QLabel()
        self.block_label.setWordWrap(True)
        self.block_label.setTextFormat(Qt.TextFormat.PlainText)
        self.block_label.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;")
        self.suspend_button = button("Suspend…", tooltip="Production is not allowed: suspend this supplier")
        self.suspend_button.clicked.connect(lambda: self.change_status())
        self.block_banner = QFrame()
        self.block_banner.setObjectName("blockBanner")
        self.block_banner.setStyleSheet(f"QFrame#blockBanner {{ background: {theme.OVERDUE_BG}; "
                                        f"border: 1px solid {theme.OVERDUE}; border-radius: 6px; }}")
        banner = QHBoxLayout(self.block_banner)
        banner.setContentsMargins(12, 8, 12, 8)
        banner.addWidget(self.block_label, 1)
        banner.addWidget(self.suspend_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.block_banner.setVisible(False)

        # Overview: profile on the left, the figures that matter on the right, contacts and certifications below.
        self.profile = _Facts()
        self.glance = _Facts()
        self.contacts_model = RowTableModel([
            Column("Role", lambda c: c.role, width=130),
            Column("Name", lambda c: c.name, width=140),
            Column("E-mail", lambda c: c.email, width=200),
            Column("Phone", lambda c: c.phone, width=120),
            Column("Language", lambda c: c.language),
        ], self)
        self.contacts_view = TableView(settings_key="supplier.contacts", placeholder="No contacts recorded.")
        self.contacts_view.setModel(self.contacts_model)
        self.contacts_view.setMinimumHeight(110)
        self.certs_model = RowTableModel([
            Column("Scheme", lambda c: c.scheme, width=110),
            Column("Reference", lambda c: c.reference, width=130),
            Column("Issued", lambda c: c.issued, width=90),
            Column("Expires", lambda c: c.expires, width=90,
                   colour=lambda c: QColor(theme.OVERDUE) if c.state == "expired" else
                   QColor(theme.WARNING) if c.state in _CERT_WARNINGS else None,
                   bold=lambda c: c.state != "valid"),
            Column("State", lambda c: c.state,
                   colour=lambda c: QColor(theme.OVERDUE) if c.state == "expired" else
                   QColor(theme.WARNING) if c.state in _CERT_WARNINGS else QColor(theme.OK),
                   background=lambda c: QColor(theme.OVERDUE_BG) if c.state == "expired" else
                   QColor(theme.WARNING_BG) if c.state in _CERT_WARNINGS else None,
                   tooltip=lambda c: "No expiry date: the certificate cannot stand in for an assessment until its "
                   "expiry date is entered (Edit supplier > Certifications)." if c.state == "no expiry date" else None),
        ], self)
        self.certs_view = TableView(settings_key="supplier.certifications", placeholder="No certifications recorded.")
        self.certs_view.setModel(self.certs_model)
        self.certs_view.setMinimumHeight(110)

        overview = QWidget()
        grid = QGridLayout(overview)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(8)
        grid.addWidget(section_title("Profile"), 0, 0)
        grid.addWidget(self.profile, 1, 0)
        grid.addWidget(section_title("At a glance"), 0, 1)
        grid.addWidget(self.glance, 1, 1)
        # Contacts and certifications each across the page: e-mail addresses and phone numbers show whole.
        grid.addWidget(section_title("Contacts"), 2, 0, 1, 2)
        grid.addWidget(self.contacts_view, 3, 0, 1, 2)
        grid.addWidget(section_title("Certifications"), 4, 0, 1, 2)
        grid.addWidget(self.certs_view, 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        grid.setRowStretch(5, 1)

        # Assessments: the history table and, on request, the chart.
        self.assessments_model = RowTableModel([
            Column("Date", lambda a: a.date, width=100),
            Column("Type", lambda a: a.assessment_type, width=140),
            Column("Score", lambda a: a.score, width=70),
            Column("Rating", lambda a: a.rating, width=140, colour=lambda a: theme.rating_text_colour(a.rating),
                   background=lambda a: theme.rating_background(a.rating), bold=lambda a: True,
                   tooltip=lambda a: rating_note(a) or a.rating),
            Column("Why", lambda a: rating_note(a), width=340, searchable=False,
                   tooltip=lambda a: rating_note(a) or None),
            Column("Findings", lambda a: a.findings, width=80),
            Column("Access denied", lambda a: a.denied, fmt=lambda v: "denied" if v else "", width=110),
        ], self)
        self.assessments_view = TableView(settings_key="supplier.assessments",
                                          placeholder="No assessment recorded yet.")
        self.assessments_view.setModel(self.assessments_model)
        self.assessments_view.row_activated.connect(lambda a: self.navigate.emit("assessment", a.id))
        self.chart = _ScoreChart()
        self.chart.setVisible(False)
        self.chart_button = button("Show score chart")
        self.chart_button.setCheckable(True)
        self.chart_button.toggled.connect(self._toggle_chart)
        self.trend_label = muted()
        assess_tab = QWidget()
        assess_layout = QVBoxLayout(assess_tab)
        assess_layout.setContentsMargins(12, 12, 12, 12)
        bar = QHBoxLayout()
        bar.addWidget(self.trend_label, 1)
        bar.addWidget(self.chart_button)
        assess_layout.addLayout(bar)
        self.assess_splitter = QSplitter(Qt.Orientation.Vertical)
        self.assess_splitter.setObjectName("supplierAssessmentsSplitter")
        self.assess_splitter.addWidget(self.assessments_view)
        self.assess_splitter.addWidget(self.chart)
        self.assess_splitter.setCollapsible(1, False)  # never a strip too thin to read
        assess_layout.addWidget(self.assess_splitter, 1)

        # Open CAP items.
        self.items_model = RowTableModel([
            Column("Finding", lambda i: i.finding, width=320),
            Column("Category", lambda i: self._category_title(i.category), width=170),
            Column("Severity", lambda i: i.severity, width=100),
            Column("Status", lambda i: i.status, width=140),
            Column("Due", lambda i: i.due_date, width=100,
                   colour=lambda i: QColor(theme.OVERDUE) if i.overdue else None, bold=lambda i: i.overdue),
            Column("Days overdue", lambda i: i.days_overdue or None, width=100,
                   colour=lambda i: QColor(theme.OVERDUE)),
            Column("Repeat", lambda i: i.repeat, fmt=lambda v: "repeat" if v else "", width=70),
            Column("Project leader", lambda i: i.project_leader),
        ], self, row_background=lambda i: QColor(theme.OVERDUE_BG) if i.overdue else None)
        self.items_view = TableView(settings_key="supplier.items", placeholder="No open CAP items.")
        self.items_view.setModel(self.items_model)
        self.items_view.row_activated.connect(lambda i: self.navigate.emit("cap_item", i.id))
        items_tab = QWidget()
        items_layout = QVBoxLayout(items_tab)
        items_layout.setContentsMargins(12, 12, 12, 12)
        self.items_note = muted()
        items_layout.addWidget(self.items_note)
        items_layout.addWidget(self.items_view, 1)

        # Worker complaints about this factory (never who made them).
        self.complaints_model = RowTableModel([
            Column("Reference", lambda c: c.reference, width=120),
            Column("Received", lambda c: c.received_date, width=95),
            Column("Provision", lambda c: c.provision_title, width=190),
            Column("Retaliation risk", lambda c: c.retaliation_risk + (" · found" if c.retaliation_found else ""),
                   width=120, colour=lambda c: QColor(theme.OVERDUE) if c.retaliation_risk == "high"
                   or c.retaliation_found else None, bold=lambda c: c.retaliation_risk == "high"),
            Column("Status", lambda c: c.status, width=100),
            Column("Outcome", lambda c: c.outcome.replace("_", " "), width=140),
            Column("Summary", lambda c: c.summary),
        ], self)
        self.complaints_view = TableView(settings_key="supplier.complaints", placeholder="No worker complaints.")
        self.complaints_view.setModel(self.complaints_model)
        self.complaints_view.row_activated.connect(lambda c: self.navigate.emit("complaint", c.id))
        complaints_tab = QWidget()
        complaints_layout = QVBoxLayout(complaints_tab)
        complaints_layout.setContentsMargins(12, 12, 12, 12)
        self.complaints_note = muted()
        self.complaint_button = button("New complaint…", tooltip="Record a worker complaint about this supplier")
        self.complaint_button.clicked.connect(
            lambda: self.navigate.emit("new_complaint", self.bundle.detail.row.code if self.bundle else ""))
        complaints_top = QHBoxLayout()
        complaints_top.addWidget(self.complaints_note, 1)
        complaints_top.addWidget(self.complaint_button, 0, Qt.AlignmentFlag.AlignTop)
        complaints_layout.addLayout(complaints_top)
        complaints_layout.addWidget(self.complaints_view, 1)

        # Change history.
        self.history_model = RowTableModel([
            Column("When", lambda h: h.at, width=140),
            Column("What", lambda h: record_label(h.entity, h.entity_id), width=120),
            Column("Field", lambda h: h.field, width=140),
            Column("From", lambda h: h.old, width=150),
            Column("To", lambda h: h.new, width=150),
            Column("Source", lambda h: h.source, width=80),
            Column("Note", lambda h: h.note),
        ], self)
        self.history_view = TableView(settings_key="supplier.history", placeholder="No changes recorded.")
        self.history_view.setModel(self.history_model)
        history_tab = QWidget()
        history_layout = QVBoxLayout(history_tab)
        history_layout.setContentsMargins(12, 12, 12, 12)
        history_layout.addWidget(self.history_view)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        overview_scroll = QScrollArea()
        overview_scroll.setWidgetResizable(True)
        overview_scroll.setFrameShape(QFrame.Shape.NoFrame)
        overview_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overview_scroll.setWidget(overview)
        self.tabs.addTab(overview_scroll, "Overview")
        self.tabs.addTab(assess_tab, "Assessments")
        self.tabs.addTab(items_tab, "Open CAP items")
        self.tabs.addTab(complaints_tab, "Complaints")
        self.tabs.addTab(history_tab, "Change history")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.block_banner)
        layout.addWidget(self.tabs, 1)
        from csrdesk.ui.pages.supplier_brand_side import attach_to

        self.brand_side = attach_to(self)  # purchasing practices, brand actions, brands sharing the factory

    # -- loading ----------------------------------------------------------------------------------------------------
    def _category_title(self, key: str) -> str:
        """The library's title of a category ("Health and safety"), not its key ("health-safety")."""
        return (self.bundle.category_titles.get(key, key) if self.bundle is not None else key) or ""

    def show_supplier(self, supplier_id: int) -> None:
        if supplier_id != self.supplier_id:
            self.tabs.setCurrentIndex(0)
        self.supplier_id = supplier_id
        self.refresh()

    def reload(self) -> None:
        if self.supplier_id is None:
            return
        self.ctx.run(load_supplier, self.ctx.db, self.supplier_id, on_done=self._show, parent=self)

    def open_item(self, kind: str, item_id) -> None:
        if kind == "supplier":
            self.show_supplier(int(item_id))

    def _show(self, bundle: SupplierBundle) -> None:
        self.bundle = bundle
        d = bundle.detail
        r = d.row
        self.title_label.setText(f"{r.code}  {r.name}")
        self.subtitle.setText(" · ".join(p for p in (r.local_name, r.country, d.supplier_type, d.sector) if p))
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.chips.addWidget(chip(r.status, theme.status_colour(r.status)))
        if r.rating:
            self.chips.addWidget(chip(r.rating, theme.rating_colour(r.rating), filled=True))
        else:
            self.chips.addWidget(chip("not assessed", QColor("#9aa5b1")))
        self.status_button.setEnabled(bool(d.allowed_statuses))
        self._next = (r.code, r.status, r.follow_up_due)
        self.vetting_button.setVisible(r.status in ("prospect", "vetting"))
        self.follow_up_button.setVisible(r.follow_up_due is not None)
        self.block_banner.setVisible(not r.production_allowed)
        self.block_label.setText(r.production_block_reason or "")
        self.suspend_button.setVisible(r.propose_suspension and "suspended" in d.allowed_statuses)

        self.profile.set_rows([
            ("Supplier code", r.code), ("Name", r.name), ("Local name", r.local_name), ("Country", r.country),
            ("Address", d.address), ("Type", d.supplier_type), ("Sector", d.sector), ("OS ID", d.os_id),
            ("Sourcing owner", " ".join(p for p in (d.sourcing_owner, f"<{d.sourcing_owner_email}>"
                                                     if d.sourcing_owner_email else "") if p)),
            ("Other brands", d.other_brands),
        ])
        expired = sum(1 for c in d.certifications if c.state == "expired")
        expiring = sum(1 for c in d.certifications if c.state == "expiring soon")
        undated = sum(1 for c in d.certifications if c.state == "no expiry date")
        cert_note = f"{len(d.certifications)} recorded"
        if expired or expiring:
            cert_note += f" · {expired} expired · {expiring} expiring soon"
        if undated:
            cert_note += f" · {undated} without an expiry date"
        self.glance.set_rows([
            ("Current rating", (f"{r.rating} by certification ({r.rated_by_certificate})" if r.rated_by_certificate
                                else f"{r.rating} (score {r.score})") if r.rating else "not assessed yet"),
            ("Why this rating", r.rating_reason),
            ("Production", "allowed" if r.production_allowed else "NOT ALLOWED"),
            ("Last assessment", r.last_assessment.isoformat() if r.last_assessment else ""),
            ("Follow-up due", self._follow_up_text(d)),
            ("Open CAP items", f"{r.open_items} open · {r.overdue_items} overdue"),
            ("CAP progress", percent(r.progress) or "no CAP yet"),
            ("Verification", verification_text(bundle.verification)[0]),
            ("Escalation", verification_text(bundle.verification)[1]),
            ("Vetting screens", str(d.vetting_screens)),
            ("Complaints", str(d.complaints)),
            ("Certifications", cert_note),
        ])
        rating_label = self.glance.values.get("Current rating")
        if rating_label is not None and r.rating:
            colour = theme.rating_text_colour(r.rating)
            rating_label.setStyleSheet(f"color: {colour.name()}; font-weight: 600;" if colour else "")
        overdue_label = self.glance.values.get("Open CAP items")
        if overdue_label is not None:
            overdue_label.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;" if r.overdue_items else "")
        production_label = self.glance.values.get("Production")
        if production_label is not None:
            production_label.setStyleSheet("" if r.production_allowed else f"color: {theme.OVERDUE}; font-weight: 700;")
        follow_label = self.glance.values.get("Follow-up due")
        if follow_label is not None and d.follow_up_due is not None:
            late = d.follow_up_due < date.today()
            follow_label.setStyleSheet(f"color: {theme.OVERDUE if late else theme.WARNING}; font-weight: 600;")
        self.contacts_model.set_rows(d.contacts)
        self.certs_model.set_rows(d.certifications)
        self.contacts_view.fit_columns()
        self.certs_view.fit_columns()
        self.assessments_model.set_rows(d.assessments)
        self.trend_label.setText(self._trend(d))
        if self.chart.isVisible():
            self.chart.plot(d.assessments)
        self.items_model.set_rows(bundle.items)
        overdue = sum(1 for i in bundle.items if i.overdue)
        self.items_note.setText(f"{len(bundle.items)} open items, {overdue} overdue. Double-click an item to open it "
                                "on the CAPs page." if bundle.items else "")
        self.history_model.set_rows(bundle.history)
        self.tabs.setTabText(1, f"Assessments ({len(d.assessments)})")
        self.tabs.setTabText(2, f"Open CAP items ({len(bundle.items)})")
        self.complaints_model.set_rows(bundle.complaints)
        still_open = sum(1 for c in bundle.complaints if c.is_open)
        self.complaints_note.setText(
            f"{len(bundle.complaints)} complaints, {still_open} open. Double-click one to work it on the Complaints "
            "page; who complained is never shown here." if bundle.complaints else "")
        self.tabs.setTabText(3, f"Complaints ({len(bundle.complaints)})")

    @staticmethod
    def _follow_up_text(d: SupplierDetail) -> str:
        if d.follow_up_due is None:
            return "none owed"
        days = (d.follow_up_due - date.today()).days
        if days < 0:
            return f"{d.follow_up_due.isoformat()}, overdue by {-days} days"
        return f"{d.follow_up_due.isoformat()}, in {days} days"

    @staticmethod
    def _trend(d: SupplierDetail) -> str:
        a = d.assessments  # newest first
        if not a:
            return "No assessment recorded yet."
        if len(a) == 1:
            return f"One assessment, {a[0].date.isoformat()}: {score_and_rating(a[0])}."
        latest, previous = a[0], a[1]
        if latest.score < previous.score:
            direction = "improved"
        elif latest.score > previous.score:
            direction = "worsened"
        else:
            direction = "unchanged"
        visit = ("; a verification visit checks CAP items and does not rate the factory"
                 if latest.assessment_type == "verification visit" else "")
        return (f"{len(a)} assessments. Latest {latest.date.isoformat()}: {score_and_rating(latest)}{visit}; the "
                f"score {direction} from {previous.score} on {previous.date.isoformat()}.")

    def _toggle_chart(self, on: bool) -> None:
        self.chart.setVisible(on)
        self.chart_button.setText("Hide score chart" if on else "Show score chart")
        sizes = self.assess_splitter.sizes()
        if on and sizes[1] < self.chart.minimumHeight():
            total = sum(sizes)
            chart = max(self.chart.minimumHeight(), total * 2 // 5)
            self.assess_splitter.setSizes([max(0, total - chart), chart])
        if on and self.bundle is not None:
            self.chart.plot(self.bundle.detail.assessments)

    # -- actions ----------------------------------------------------------------------------------------------------
    def edit(self) -> None:
        if self.bundle is not None:
            open_supplier_dialog(self.ctx, self, self.bundle.detail)

    def change_status(self) -> None:
        if self.bundle is not None:
            open_status_dialog(self.ctx, self, self.bundle.detail)
