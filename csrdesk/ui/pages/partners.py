"""The Partners page: the register of consultants, audit firms, civil society organisations, government agencies and
other brands, filtered by kind, country and topic, with a form to add or edit one and the vetting decision shown."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.domain.partners import CSO_TYPES, VETTED_KINDS, PartnerKind
from csrdesk.services import library, partners as partner_service
from csrdesk.services.partners import PartnerInput
from csrdesk.ui.pages.base import Page, button, page_header, section_title
from csrdesk.ui.pages.cap_partners import fit_to_width
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.country_box import CountryBox

VETTING_TEXT = {"approve": "approved", "approve with conditions": "approved with conditions", "reject": "rejected"}


def vetting_text(state: Optional[str]) -> str:
    if state is None:
        return "—"
    return VETTING_TEXT.get(state, state)


def partner_columns(topic_titles: dict[str, str]) -> tuple[Column, ...]:
    """The register's columns; topics show by their titles (read with the list)."""
    def topics(p) -> str:
        return ", ".join(topic_titles.get(t, t) for t in p.topics)

    return (
        Column("Name", lambda p: p.name, tooltip=lambda p: p.contact or None),
        Column("Kind", lambda p: p.kind_label, width=170,
               tooltip=lambda p: p.cso_type or None),
        Column("Country", lambda p: p.country, width=90),
        Column("Topics", topics, width=170, tooltip=lambda p: topics(p) or None),
        Column("Vetting", lambda p: vetting_text(p.vetting_state), width=110,
               tooltip=lambda p: "Consultants and audit firms are screened with the consultant checklist"
               if p.vetting_state else None),
        Column("CAPs", lambda p: p.caps, width=50,
               tooltip=lambda p: "CAPs they have a part in"),
    )


class PartnerForm(QWidget):
    """Add or edit one partner; consultants and audit firms show their vetting state and a button to screen them."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.partner: Optional[partner_service.PartnerInfo] = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 0)
        self.heading = section_title("New partner")
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.kind = QComboBox(self)
        for k in PartnerKind:
            self.kind.addItem(k.label, k.value)
        self.name = QLineEdit(self)
        self.country = CountryBox(parent=self)  # the supplier dialog's list: a typo is caught with a guess
        self.cso_type = QComboBox(self)
        self.cso_type.addItem("—", "")
        for t in CSO_TYPES:
            self.cso_type.addItem(t, t)
        self.topics = QListWidget(self)
        self.contact = QLineEdit(self)
        self.contact.setPlaceholderText("name, e-mail, phone")
        self.notes = QPlainTextEdit(self)
        self.notes.setMaximumHeight(80)
        self.vetting = QLabel("")
        self.vetting.setWordWrap(True)
        form.addRow("Kind", self.kind)
        form.addRow("Name", self.name)
        form.addRow("Country", self.country)
        self.cso_label = QLabel("Organisation type")
        form.addRow(self.cso_label, self.cso_type)
        form.addRow("Topics", self.topics)
        form.addRow("Contact", self.contact)
        form.addRow("Notes", self.notes)
        form.addRow("Vetting", self.vetting)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.vet_button = QPushButton("Start vetting")
        self.vet_button.setToolTip("Screen this consultant or audit firm with the consultant checklist (Vetting page)")
        self.save_button = button("Save partner", primary=True)
        row.addWidget(self.vet_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.show_partner(None)

    def set_topics(self, categories) -> None:
        chosen = set(self.chosen_topics())
        self.topics.clear()
        for c in categories:
            item = QListWidgetItem(c.title)
            item.setData(Qt.ItemDataRole.UserRole, c.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.key in chosen else Qt.CheckState.Unchecked)
            self.topics.addItem(item)
        # Every topic in view at once (the form has the room): no scrolling a short list to tick the last one.
        rows = min(self.topics.count(), 14)
        row = self.topics.sizeHintForRow(0) if self.topics.count() else self.fontMetrics().height()
        self.topics.setFixedHeight(rows * row + 2 * self.topics.frameWidth() + 2)

    def chosen_topics(self) -> list[str]:
        return [self.topics.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.topics.count())
                if self.topics.item(i).checkState() == Qt.CheckState.Checked]

    def _kind_changed(self) -> None:
        cso = self.kind.currentData() == PartnerKind.CSO.value
        self.cso_label.setVisible(cso)
        self.cso_type.setVisible(cso)
        vetted = PartnerKind(self.kind.currentData()) in VETTED_KINDS
        self.vet_button.setVisible(vetted and self.partner is not None and self.partner.vetting_screen_id is None)

    def show_partner(self, p: Optional[partner_service.PartnerInfo]) -> None:
        self.partner = p
        self.heading.setText(f"{p.name}" if p else "New partner")
        self.kind.setCurrentIndex(max(0, self.kind.findData(p.kind if p else PartnerKind.CONSULTANT.value)))
        self.name.setText(p.name if p else "")
        self.country.set_country(p.country if p else "")
        self.cso_type.setCurrentIndex(max(0, self.cso_type.findData(p.cso_type if p else "")))
        keys = set(p.topics) if p else set()
        for i in range(self.topics.count()):
            item = self.topics.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in keys
                               else Qt.CheckState.Unchecked)
        self.contact.setText(p.contact if p else "")
        self.notes.setPlainText(p.notes if p else "")
        if p is None or p.vetting_state is None:
            self.vetting.setText("Consultants and audit firms are vetted with the consultant checklist."
                                 if p is None else "Not vetted (only consultants and audit firms are).")
        elif p.vetting_decision:
            self.vetting.setText(f"Decision: <b>{vetting_text(p.vetting_decision)}</b> "
                                 f"(screen #{p.vetting_screen_id}, Vetting page)")
        elif p.vetting_screen_id:
            self.vetting.setText(f"In vetting: screen #{p.vetting_screen_id} awaits its decision (Vetting page).")
        else:
            self.vetting.setText("<b>Not vetted</b>: screen them before they work with a factory.")
        self.message.setText("")
        self._kind_changed()

    def values(self) -> PartnerInput:
        """What to save; ValueError (the country box's guess) when the country is not one csrdesk knows."""
        country = self.country.checked("a country csrdesk does not know has no country laws")
        return PartnerInput(kind=self.kind.currentData(), name=self.name.text(), country=country,
                            topics=self.chosen_topics(), cso_type=self.cso_type.currentData() or "",
                            contact=self.contact.text(), notes=self.notes.toPlainText())


class PartnersPage(Page):
    title = "Partners"
    topics = ("partners", "vetting", "library")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[partner_service.PartnerInfo] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.new_button = button("New partner", primary=True, tooltip="Add a consultant, audit firm, civil society "
                                 "organisation, government agency or brand (Ctrl+N)")
        self.new_button.setShortcut("Ctrl+N")
        header, self.subtitle = page_header(
            "Partners", "Who helps remediation from outside the factory: consultants, audit firms, civil society, "
            "government, other brands", [self.new_button])
        self.subtitle.setWordWrap(True)
        layout.addWidget(header)
        self.topic_titles: dict[str, str] = {}
        self.model = RowTableModel(partner_columns(self.topic_titles), self)
        filters = QHBoxLayout()
        self.filter_box = FilterBox(self.model, self, placeholder="Filter name, contact…  (Ctrl+F)")
        self.kind_box = QComboBox(self)
        self.kind_box.addItem("Any kind", None)
        for k in PartnerKind:
            self.kind_box.addItem(k.label, k.value)
        self.country_box = QComboBox(self)
        self.topic_box = QComboBox(self)
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.kind_box)
        filters.addWidget(self.country_box)
        filters.addWidget(self.topic_box)
        layout.addLayout(filters)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.table = TableView(self.splitter, settings_key="partners",
                               placeholder="No partners yet: add the consultants, organisations and brands you work "
                                           "with.")
        self.table.setModel(self.model)
        fit_to_width(self.table)
        self.table.ensure_column_fits(1, [k.label for k in PartnerKind])  # measured: fonts differ by machine
        self.form = PartnerForm(self.splitter)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.form)
        self.splitter.setSizes([820, 460])
        layout.addWidget(self.splitter, 1)
        self._fill_filters()
        for box in (self.kind_box, self.country_box, self.topic_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.model.filtered.connect(lambda *_a: self._counts())
        self.table.selection_changed_rows.connect(self._selected)
        self.new_button.clicked.connect(lambda: self.new_partner())
        self.form.save_button.clicked.connect(lambda: self.save())
        self.form.vet_button.clicked.connect(lambda: self.start_vetting())

    # --- reading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        db = self.ctx.db
        self.ctx.run(lambda: (partner_service.list_partners(db), library.list_categories(db)), on_done=self._loaded,
                     parent=self)

    def _loaded(self, result) -> None:
        self.rows, categories = result
        self.topic_titles.clear()
        self.topic_titles.update({c.key: c.title for c in categories})
        shown = self.form.partner.id if self.form.partner else None
        message = self.form.message.text()  # "Saved …" stays after the list is read again
        self.model.set_rows(self.rows)
        self.form.set_topics(categories)
        self.form.country.set_countries(r.country for r in self.rows)
        self._fill_filters(categories)
        self.apply_filters()
        if shown is not None:
            self.table.select_id(shown)
            p = next((r for r in self.rows if r.id == shown), None)
            if p is not None:
                self.form.show_partner(p)
                self.form.message.setText(message)

    def _fill_filters(self, categories=()) -> None:
        for box, first, values in (
                (self.country_box, "Any country", sorted({r.country for r in self.rows if r.country})),
                (self.topic_box, "Any topic", [(c.key, c.title) for c in categories])):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(first, None)
            for v in values:
                key, text = v if isinstance(v, tuple) else (v, v)
                box.addItem(text, key)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def apply_filters(self) -> None:
        kind, country, topic = self.kind_box.currentData(), self.country_box.currentData(), self.topic_box.currentData()
        if not (kind or country or topic):
            self.model.set_predicate(None)
        else:
            self.model.set_predicate(lambda p: (not kind or p.kind == kind) and (not country or p.country == country)
                                     and (not topic or topic in p.topics))
        self._counts()

    def _counts(self) -> None:
        vetted = [r for r in self.rows if r.vetting_state is not None]
        unvetted = sum(1 for r in vetted if r.vetting_state in ("not vetted", "in vetting"))
        extra = f" · {unvetted} {'consultant or audit firm' if unvetted == 1 else 'consultants or audit firms'} not yet vetted" if unvetted else ""
        self.subtitle.setText(count_text(self.model, "partner") + extra)

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def open_item(self, kind: str, item_id) -> None:
        if self.table.select_id(item_id):
            self._selected(self.table.selected_rows())

    # --- editing ---------------------------------------------------------------------------------------------------
    def _selected(self, rows) -> None:
        if rows:
            self.form.show_partner(rows[0])

    def new_partner(self) -> None:
        self.table.clearSelection()
        self.form.show_partner(None)
        self.form.name.setFocus()

    def save(self) -> None:
        try:
            data = self.form.values()
        except ValueError as exc:  # a country typo: said in the form, nothing saved
            self.form.message.setText(str(exc))
            return
        p = self.form.partner
        fn = (lambda db: partner_service.update_partner(db, p.id, data)) if p else \
            (lambda db: partner_service.add_partner(db, data))
        self.ctx.run(fn, self.ctx.db, on_done=self._saved, on_error=self._failed, parent=self)

    def _saved(self, p) -> None:
        self.form.partner = p
        self.form.message.setText(f"Saved {p.name}.")
        self.notify("partners")
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        from csrdesk.ui.context import is_user_error, show_error

        if is_user_error(exc):
            self.form.message.setText(str(exc))
        else:
            show_error(self, exc)

    def start_vetting(self) -> None:
        p = self.form.partner
        if p is None:
            return
        self.ctx.run(partner_service.start_partner_vetting, self.ctx.db, p.id, on_done=self._vetting_started,
                     on_error=self._failed, parent=self)

    def _vetting_started(self, p) -> None:
        self.form.partner = p
        self.form.message.setText(f"Vetting screen #{p.vetting_screen_id} started: fill it on the Vetting page.")
        self.notify("partners")
        self.notify("vetting")
        self.refresh()
