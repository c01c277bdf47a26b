"""The Partners tab of the CAP page: who helps this CAP from outside the factory (a consultant assigned, civil
society organisations consulted, brands collaborating, who leads), the brand's own actions on its purchasing
practices, and the shared CAP pack for another brand."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from csrdesk.domain.partners import PARTNER_ROLES, PartnerKind
from csrdesk.services import partners as partner_service
from csrdesk.ui.tables import Column, RowTableModel, TableView
from csrdesk.ui.widgets.date_edit import typed_date
from csrdesk.ui.widgets.placeholder import hint

def _link_tip(r) -> str:
    lines = [f"{PartnerKind(r.kind).label}" + (f" ({r.cso_type})" if r.cso_type else "")]
    if r.what_done:
        lines.append(f"What they did: {r.what_done}")
    if r.end_date:
        lines.append(f"Until {r.end_date.isoformat()}")
    if r.warning:
        lines.append(f"⚠ {r.warning}")
    return "\n".join(lines)


LINK_COLUMNS = (
    Column("Partner", lambda r: r.partner, tooltip=_link_tip),
    Column("Role", lambda r: r.role, width=110),
    Column("On", lambda r: f"item: {r.item_finding}" if r.cap_item_id else "the whole CAP", width=130,
           tooltip=lambda r: r.item_finding or None),
    Column("From", lambda r: r.start_date, width=90),
)
ACTION_COLUMNS = (
    Column("Brand action", lambda a: a.what, tooltip=lambda a: f"{a.what}\n\nFactory's cause: {a.cause}"),
    Column("Owner", lambda a: a.owner, width=100),
    Column("Due", lambda a: a.due, width=90),
    Column("Status", lambda a: a.status, width=80),
)


def fit_to_width(table: TableView, stretch: int = 0) -> None:
    """The stretch column takes the room the others leave, so the table never scrolls sideways."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, header.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for i, column in enumerate(table.row_model().columns if table.row_model() else ()):
        if i != stretch and column.width:
            table.setColumnWidth(i, column.width)



class AssignDialog(QDialog):
    """Records a partner's part in the CAP: who, which role, the whole CAP or one item, dates, what they did."""

    def __init__(self, register, items, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a partner to the CAP")
        self.register = list(register)
        form = QFormLayout(self)
        self.partner = QComboBox(self)
        for p in self.register:
            vet = f" · {p.vetting_state}" if p.vetting_state else ""
            self.partner.addItem(f"{p.name} ({p.kind_label}{vet})", p.id)
        self.role = QComboBox(self)
        self.role.setEditable(True)
        self.role.addItems(PARTNER_ROLES)
        self.item = QComboBox(self)
        self.item.addItem("The whole CAP", None)
        for item_id, finding in items:
            self.item.addItem(finding, item_id)
        self.start = QLineEdit(date.today().isoformat(), self)
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.end = QLineEdit(self)
        self.end.setPlaceholderText("YYYY-MM-DD (empty: ongoing)")
        self.what = QPlainTextEdit(self)
        self.what.setPlaceholderText("What they did: reviewed the production planning, interviewed the workers…")
        self.what.setMaximumHeight(90)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setObjectName("warning")
        self.error = QLabel("")
        self.error.setWordWrap(True)
        form.addRow("Partner", self.partner)
        form.addRow("Role", self.role)
        form.addRow("On", self.item)
        form.addRow("From", self.start)
        form.addRow("Until", self.end)
        form.addRow("What they did", self.what)
        form.addRow(self.warning)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(lambda: self._accept())
        buttons.rejected.connect(lambda: self.reject())
        form.addRow(buttons)
        self.partner.currentIndexChanged.connect(lambda _i: self._partner_changed())
        self._partner_changed()

    def _partner_changed(self) -> None:
        p = next((p for p in self.register if p.id == self.partner.currentData()), None)
        if p is None:
            self.warning.setText("")
            return
        from csrdesk.domain.partners import assignment_warning

        text = assignment_warning(PartnerKind(p.kind), p.name, p.vetting_decision, p.vetting_screen_id is not None)
        self.warning.setText(f"⚠ {text}" if text else "")
        if p.kind == PartnerKind.CONSULTANT.value:
            self.role.setCurrentText("consultant")
        elif p.kind == PartnerKind.CSO.value:
            self.role.setCurrentText("consulted")
        elif p.kind == PartnerKind.BRAND.value:
            self.role.setCurrentText("collaborating brand")

    def values(self) -> dict:
        return dict(partner_id=self.partner.currentData(), role=self.role.currentText().strip(),
                    item_id=self.item.currentData(), start=typed_date(self.start.text(), "start date"),
                    end=typed_date(self.end.text(), "end date"), what_done=self.what.toPlainText().strip())

    def _accept(self) -> None:
        if self.partner.currentData() is None:
            self.error.setText("Add the partner to the register first (Partners page).")
            return
        try:
            self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class CapPartnersPanel(QWidget):
    """Shown in the CAP page's item panel as a tab; follows the CAP of the item shown."""

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cap_id: Optional[int] = None
        self.items: list[tuple[int, str]] = []
        self.view: Optional[partner_service.CapPartnersView] = None
        self._seq = 0
        layout = QVBoxLayout(self)
        self.heading = QLabel("")
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.link_model = RowTableModel(LINK_COLUMNS, self)
        self.links = TableView(self, settings_key="cap_partners", placeholder="No partner recorded on this CAP.")
        self.links.setModel(self.link_model)
        fit_to_width(self.links)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add partner…")
        self.add_button.setToolTip("A consultant assigned, a civil society organisation consulted, a brand "
                                   "collaborating on this CAP")
        self.remove_button = QPushButton("Remove")
        self.share_button = QPushButton("Shared CAP pack…")
        self.share_button.setToolTip("An Excel pack for another brand: findings, CAP status, verification results; "
                                     "never complaints or internal notes")
        for b in (self.add_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.share_button)
        sourcing_row = QHBoxLayout()
        self.sourcing_edit = QLineEdit(self)
        hint(self.sourcing_edit, "names, commas between",
             "Who from the brand's sourcing team attended the CAP meeting (names, commas between)")
        self.sourcing_button = QPushButton("Save")
        self.sourcing_button.setToolTip("Record who from the brand's sourcing team attended the CAP meeting")
        sourcing_row.addWidget(QLabel("Sourcing at the CAP meeting"))
        sourcing_row.addWidget(self.sourcing_edit, 1)
        sourcing_row.addWidget(self.sourcing_button)
        self.action_title = QLabel("The brand's own actions (purchasing practices, never sent to the factory)")
        self.action_title.setObjectName("sectionTitle")
        self.action_title.setWordWrap(True)
        self.action_model = RowTableModel(ACTION_COLUMNS, self)
        self.actions = TableView(self, settings_key="cap_brand_actions",
                                 placeholder="No root cause of this CAP lies in our purchasing practices.")
        self.actions.setModel(self.action_model)
        fit_to_width(self.actions)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.warnings)
        layout.addWidget(self.links, 2)
        layout.addLayout(buttons)
        layout.addLayout(sourcing_row)
        layout.addWidget(self.action_title)
        layout.addWidget(self.actions, 1)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(lambda: self.add_partner())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.share_button.clicked.connect(lambda: self.share_pack())
        self.sourcing_button.clicked.connect(lambda: self.save_sourcing())
        self.sourcing_edit.returnPressed.connect(lambda: self.save_sourcing())
        ctx.change_notice.connect(self._noticed)
        self.set_cap(None)

    def _noticed(self, change) -> None:
        if change.origin is not self and change.topic in ("partners", "caps", "all") and self.cap_id is not None:
            self.reload()

    def set_cap(self, cap_id: Optional[int], items: tuple[tuple[int, str], ...] = ()) -> None:
        same = cap_id == self.cap_id
        self.cap_id, self.items = cap_id, list(items)
        for b in (self.add_button, self.remove_button, self.share_button, self.sourcing_button, self.sourcing_edit):
            b.setEnabled(cap_id is not None)
        if cap_id is None:
            self.heading.setText("Select an item to see who helps its CAP.")
            self.link_model.set_rows([])
            self.action_model.set_rows([])
            self.warnings.setText("")
            self.sourcing_edit.setText("")
            return
        if not same or self.view is None:
            self.reload()

    def reload(self) -> None:
        if self.cap_id is None:
            return
        self._seq += 1
        seq = self._seq
        self.ctx.run(partner_service.cap_partners_view, self.ctx.db, self.cap_id,
                     on_done=lambda v: self._loaded(v, seq), parent=self)

    def _loaded(self, view, seq: int) -> None:
        if seq != self._seq or view.cap_id != self.cap_id:
            return
        self.view = view
        self.heading.setText(f"Partners on CAP #{view.cap_id}")
        self.link_model.set_rows(view.links)
        self.action_model.set_rows(view.brand_actions)
        warnings = sorted({link.warning for link in view.links if link.warning})
        self.warnings.setText("<br>".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        self.sourcing_edit.setText(view.meeting_sourcing)

    def add_partner(self) -> None:
        if self.cap_id is None or self.view is None:
            return
        dialog = AssignDialog(self.view.register, self.items, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self.ctx.run(partner_service.assign_partner, self.ctx.db, self.cap_id, v.pop("partner_id"), v.pop("role"),
                     **v, on_done=self._assigned, parent=self)

    def _assigned(self, link) -> None:
        self.message.setText(f"{link.partner} recorded as {link.role}.")
        self.ctx.notify("partners", origin=self)
        self.reload()

    def remove_selected(self) -> None:
        rows = self.links.selected_rows()
        if not rows:
            self.message.setText("Select a partner of the CAP to remove.")
            return
        self.ctx.run(partner_service.remove_cap_partner, self.ctx.db, rows[0].id,
                     on_done=lambda _r: (self.ctx.notify("partners", origin=self), self.reload()), parent=self)

    def save_sourcing(self) -> None:
        from csrdesk.services.cap_share import record_meeting_sourcing

        if self.cap_id is None:
            return
        self.ctx.run(record_meeting_sourcing, self.ctx.db, self.cap_id, self.sourcing_edit.text(),
                     on_done=self._sourcing_saved, parent=self)

    def _sourcing_saved(self, attended: str) -> None:
        self.sourcing_edit.setText(attended)
        self.message.setText(f"Sourcing at the CAP meeting: {attended}." if attended
                             else "No one from sourcing recorded at the CAP meeting.")
        self.ctx.notify("caps", origin=self)

    def share_pack(self) -> None:
        if self.cap_id is None:
            return
        # In the home folder: a bare name would open wherever csrdesk was started.
        path, _filter = QFileDialog.getSaveFileName(self, "Shared CAP pack",
                                                    str(Path.home() / f"CAP {self.cap_id} shared pack.xlsx"),
                                                    "Excel (*.xlsx)")
        if path:
            self.write_pack(path)

    def write_pack(self, path: str) -> None:
        from csrdesk.services import cap_share  # openpyxl loads when the first pack is written, not at start-up

        self.ctx.run(cap_share.export_cap_pack, self.ctx.db, self.cap_id, path, label="Writing the shared CAP pack",
                     on_done=lambda p: self.message.setText(f"Wrote {p}: no complaints, no internal notes."),
                     parent=self)


def attach_to(page) -> CapPartnersPanel:
    """Adds the Partners tab to the CAP page's item panel; it follows the CAP of the item the panel shows."""
    panel = CapPartnersPanel(page.ctx, page.panel)
    page.panel.tabs.addTab(panel, "Partners")
    shown = page.panel.show_item

    def show_item(detail, cap) -> None:
        shown(detail, cap)
        panel.set_cap(cap.id if cap is not None else None,
                      tuple((i.row.id, i.row.finding) for i in cap.items) if cap is not None else ())

    page.panel.show_item = show_item
    return panel
