"""Dialogs for one supplier: add or edit its profile, contacts and certifications; change its status."""
from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QStyledItemDelegate, QTableWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from csrdesk.domain.laws import guess_region
from csrdesk.services.suppliers import (
    SUPPLIER_TYPES, CertificationInput, ContactInput, SupplierDetail, SupplierInput, change_status, create_supplier,
    supplier_detail, supplier_input_from_detail, update_supplier,
)
from csrdesk.errors import ConcurrentEdit
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.table_fit import keep_fitted
from csrdesk.ui.widgets.date_edit import typed_date
from csrdesk.ui.widgets.country_box import CountryBox
from csrdesk.ui.widgets.message_label import MessageLabel

CERTIFICATION_SCHEMES = ("WRAP", "SA8000", "ICTI", "amfori BSCI", "SLCP", "Sedex SMETA", "Higg FEM", "ISO 14001",
                         "ISO 45001", "GOTS", "OEKO-TEX")
CONTACT_ROLES = ("compliance contact", "factory manager", "HR manager", "owner", "merchandiser")
LANGUAGES = ("en", "zh", "bn", "vi", "hi", "tr", "es", "km", "id", "ur", "pt", "th")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _error_label() -> QLabel:
    label = MessageLabel()
    label.setObjectName("formError")
    label.setStyleSheet(f"color: {theme.OVERDUE}; background: {theme.OVERDUE_BG}; border-radius: 5px; padding: 6px 8px;")
    label.setVisible(False)
    return label



class _ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with an editable combo box of suggestions (a contact's role, a language, a scheme); the cell
    keeps plain text, so the table can measure it like any other."""

    def __init__(self, choices: Sequence[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(self.choices)
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText().strip(), Qt.ItemDataRole.EditRole)


class _GridEditor(QWidget):
    """A small editable table (contacts, certifications) with Add and Remove buttons. Its columns fit their
    contents (a long e-mail address gets the room a short role does not need), a choice column as wide as its
    longest choice."""

    def __init__(self, headers: Sequence[str], add_label: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.column_floors = {}
        keep_fitted(self.table)
        add = QPushButton(add_label)
        remove = QPushButton("Remove")
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._choices: dict[int, Sequence[str]] = {}

    def set_choices(self, column: int, choices: Sequence[str]) -> None:
        """Column `column` is edited with an editable combo box of these suggestions."""
        self._choices[column] = choices
        self.table.setItemDelegateForColumn(column, _ChoiceDelegate(choices, self.table))
        # As wide as its longest choice with the combo box's arrow, so a chosen value never shows cut.
        arrow = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent) + 16
        widest = max((self.table.fontMetrics().horizontalAdvance(c) for c in choices), default=0)
        self.table.column_floors[column] = widest + arrow

    def set_typing_room(self, column: int, sample: str) -> None:
        """Column `column` is never narrower than `sample` (a typical value) with its editor's margins: an empty
        column was its title's width, so a name or an e-mail address was typed into a box a few letters wide, and
        the spare room went to the role chosen above it."""
        margins = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_DefaultFrameWidth) + 16
        self.table.column_floors[column] = self.table.fontMetrics().horizontalAdvance(sample) + margins

    def add_row(self, values: Sequence[str] = ()) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col in range(self.table.columnCount()):
            value = values[col] if col < len(values) else ""
            if not value and col in self._choices and self._choices[col]:
                value = self._choices[col][0]
            self.table.setItem(row, col, QTableWidgetItem(value))
        return row

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def value(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item else ""

    def rows(self) -> list[list[str]]:
        return [[self.value(r, c) for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]


def _say(label: QLabel, message: str) -> None:
    """Shows a message under a form (a MessageLabel: the dialog grows to fit its lines)."""
    label.setText(message)
    label.setVisible(bool(message))


class SupplierDialog(QDialog):
    """Adds a supplier (detail None) or edits one. Saving runs on the worker; a refusal is shown in the dialog."""

    saved = Signal(object)  # the SupplierDetail after saving

    def __init__(self, ctx: AppContext, detail: Optional[SupplierDetail] = None, *,
                 countries: Sequence[str] = (), parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.result_detail: Optional[SupplierDetail] = None
        self.setWindowTitle("Edit supplier" if detail else "New supplier")
        self.setMinimumWidth(620)  # the height follows the layout, so a message shown below never squeezes the form

        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("left empty: assigned from the country, e.g. CN-0012")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("registered name in English (required)")
        self.local_name_edit = QLineEdit()
        self.local_name_edit.setPlaceholderText("name in the local language, e.g. 金线服装有限公司")
        self.country_combo = CountryBox(countries)
        self.type_combo = QComboBox()
        self.type_combo.addItems(list(SUPPLIER_TYPES))
        self.sector_edit = QLineEdit()
        self.sector_edit.setPlaceholderText("apparel, footwear, toys, home goods…")
        self.address_edit = QPlainTextEdit()
        self.address_edit.setFixedHeight(58)
        self.region_edit = QLineEdit()
        self.region_edit.setToolTip("Province, state or district where the law differs (minimum wage...), larger area "
                                    "first: West Java - Bekasi Regency. Left empty, it is guessed from the address.")
        self.address_edit.textChanged.connect(self._show_region_guess)
        self.country_combo.currentTextChanged.connect(self._show_region_guess)
        self.os_id_edit = QLineEdit()
        self.os_id_edit.setPlaceholderText("Open Supply Hub ID, if known")
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText("brand-side sourcing owner (copied on CAP e-mails)")
        self.owner_email_edit = QLineEdit()
        self.brands_edit = QLineEdit()
        self.brands_edit.setPlaceholderText("other brands sharing the factory")
        self.notes_edit = QPlainTextEdit()

        profile = QWidget()
        form = QFormLayout(profile)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Supplier code", self.code_edit)
        form.addRow("Name *", self.name_edit)
        form.addRow("Local name", self.local_name_edit)
        form.addRow("Country", self.country_combo)
        form.addRow("Type", self.type_combo)
        form.addRow("Sector", self.sector_edit)
        form.addRow("Address", self.address_edit)
        form.addRow("Region", self.region_edit)
        form.addRow("OS ID", self.os_id_edit)
        form.addRow("Sourcing owner", self.owner_edit)
        form.addRow("Owner's e-mail", self.owner_email_edit)
        form.addRow("Other brands", self.brands_edit)

        self.contacts = _GridEditor(("Role", "Name", "E-mail", "Phone", "Language"), "Add contact")
        self.contacts.set_choices(0, CONTACT_ROLES)
        self.contacts.set_choices(4, LANGUAGES)
        for column, sample in ((1, "Nguyễn Thị Thu Hương"), (2, "compliance@factory-name.example"),
                               (3, "+86 769 1234 5678")):
            self.contacts.set_typing_room(column, sample)
        self.certifications = _GridEditor(("Scheme", "Reference", "Issued (YYYY-MM-DD)", "Expires (YYYY-MM-DD)"),
                                          "Add certification")
        self.certifications.set_choices(0, CERTIFICATION_SCHEMES)
        self.certifications.set_typing_room(1, "WRAP-2026-001234")
        notes = QWidget()
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.notes_edit)

        self.tabs = QTabWidget()
        self.tabs.addTab(profile, "Profile")
        self.tabs.addTab(self.contacts, "Contacts")
        self.tabs.addTab(self.certifications, "Certifications")
        self.tabs.addTab(notes, "Notes")

        self.error_label = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("primary")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if detail is not None:
            self._fill(detail)
        else:
            self.contacts.add_row(("compliance contact", "", "", "", "en"))
        self._show_region_guess()
        # Typing at once fills the name (the field a new supplier needs; the one most often corrected), not the tab
        # bar, which would otherwise take the first focus.
        self.name_edit.setFocus()
        theme.decorate(self)
        # Wide enough for a contact's long e-mail address beside its role and phone (the window is 1360 px).
        self.resize(max(780, self.sizeHint().width()), max(520, self.sizeHint().height()))

    def _fill(self, detail: SupplierDetail) -> None:
        data = supplier_input_from_detail(detail)
        self.code_edit.setText(data.code)
        self.name_edit.setText(data.name)
        self.local_name_edit.setText(data.local_name)
        self.country_combo.setCurrentText(data.country)
        index = self.type_combo.findText(data.supplier_type)
        if index < 0:
            self.type_combo.addItem(data.supplier_type)
            index = self.type_combo.count() - 1
        self.type_combo.setCurrentIndex(index)
        self.sector_edit.setText(data.sector)
        self.address_edit.setPlainText(data.address)
        self.region_edit.setText(data.region)
        self.os_id_edit.setText(data.os_id)
        self.owner_edit.setText(data.sourcing_owner)
        self.owner_email_edit.setText(data.sourcing_owner_email)
        self.brands_edit.setText(data.other_brands or "")
        self.notes_edit.setPlainText(data.notes)
        for c in data.contacts or []:
            self.contacts.add_row((c.role, c.name, c.email, c.phone, c.language))
        for c in data.certifications or []:
            self.certifications.add_row((c.scheme, c.reference, c.issued.isoformat() if c.issued else "",
                                         c.expires.isoformat() if c.expires else ""))

    def _show_region_guess(self, *_args) -> None:
        guess = guess_region(self.country_combo.currentText(), self.address_edit.toPlainText())
        self.region_edit.setPlaceholderText(f"{guess} (from the address)" if guess
                                            else "province or district where the law differs, if any")

    def collect(self) -> SupplierInput:
        """The form as a SupplierInput; raises ValueError with a message for what is plainly wrong."""
        name = self.name_edit.text().strip()
        if not name:
            self.tabs.setCurrentIndex(0)
            self.name_edit.setFocus()
            raise ValueError("A supplier needs a name.")
        owner_email = self.owner_email_edit.text().strip()
        if owner_email and not _EMAIL.match(owner_email):
            self.tabs.setCurrentIndex(0)
            self.owner_email_edit.setFocus()
            raise ValueError(f"{owner_email!r} is not an e-mail address.")
        country = self._checked_country()
        contacts = []
        for role, cname, email, phone, language in self.contacts.rows():
            if not (cname or email or phone):
                continue
            if email and not _EMAIL.match(email):
                self.tabs.setCurrentIndex(1)
                raise ValueError(f"Contact {cname or role}: {email!r} is not an e-mail address.")
            contacts.append(ContactInput(role=role or "compliance contact", name=cname, email=email, phone=phone,
                                         language=language or "en"))
        certifications = []
        for scheme, reference, issued, expires in self.certifications.rows():
            if not (scheme or reference or issued or expires):
                continue
            if not (reference or issued or expires):
                # "Add certification" fills in a scheme: a row left like that was saved as a certificate with no
                # expiry, which rated the supplier Satisfactory with nothing to check it by.
                self.tabs.setCurrentIndex(2)
                raise ValueError(f"The {scheme} certification has no reference and no dates: fill them in, or "
                                 "Remove the row. (Without its expiry date a certificate cannot stand in for an "
                                 "assessment.)")
            try:
                cert = CertificationInput(scheme=scheme, reference=reference,
                                          issued=typed_date(issued, f"{scheme or 'certification'} issue date"),
                                          expires=typed_date(expires, f"{scheme or 'certification'} expiry date"))
            except ValueError:
                self.tabs.setCurrentIndex(2)
                raise
            certifications.append(cert)
        return SupplierInput(
            name=name, code=self.code_edit.text().strip(), local_name=self.local_name_edit.text().strip(),
            country=country, address=self.address_edit.toPlainText().strip(),
            region=self.region_edit.text().strip(),
            supplier_type=self.type_combo.currentText(), sector=self.sector_edit.text().strip(),
            os_id=self.os_id_edit.text().strip(), sourcing_owner=self.owner_edit.text().strip(),
            sourcing_owner_email=owner_email, other_brands=self.brands_edit.text().strip(),
            latitude=self.detail.latitude if self.detail else None,
            longitude=self.detail.longitude if self.detail else None,
            notes=self.notes_edit.toPlainText(), contacts=contacts, certifications=certifications,
            seen_version=self.detail.version if self.detail else None,
        )

    def _checked_country(self) -> str:
        """The typed country, once it is one csrdesk knows, one already used in the workspace, or one the user
        confirmed by saving again: 'Chin' is refused once with "did you mean China?" (it used to be kept as typed,
        with a made-up SU- code and no country laws)."""
        try:
            return self.country_combo.checked("a country csrdesk does not know gets a code starting SU- and no "
                                              "country laws")
        except ValueError:
            self.tabs.setCurrentIndex(0)
            self.country_combo.setFocus()
            raise

    def show_error(self, message: str) -> None:
        _say(self.error_label, message)

    def save(self) -> None:
        try:
            data = self.collect()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.save_button.setEnabled(False)
        if self.detail is None:
            self.ctx.run(create_supplier, self.ctx.db, data, on_done=self._saved, on_error=self._failed, parent=self)
        else:
            self.ctx.run(update_supplier, self.ctx.db, self.detail.row.code, data, on_done=self._saved,
                         on_error=self._failed, parent=self)

    def _saved(self, detail: SupplierDetail) -> None:
        self.save_button.setEnabled(True)
        self.result_detail = detail
        self.ctx.notify("suppliers")
        self.saved.emit(detail)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if is_user_error(exc):
            self.show_error(" ".join(str(exc).split()))
            if isinstance(exc, ConcurrentEdit):
                offer_reload(self, exc, self.reload)
        else:
            show_error(self, exc)

    def reload(self) -> None:
        """Shows the supplier as saved now (after someone else changed it); the person's edits are dropped."""
        if self.detail is None:
            return

        def done(detail: SupplierDetail) -> None:
            self.detail = detail
            self._fill(detail)
            self.show_error("Reloaded: this is the supplier as saved now.")

        self.ctx.run(supplier_detail, self.ctx.db, self.detail.row.id, on_done=done, parent=self)


class StatusDialog(QDialog):
    """Moves a supplier along its lifecycle. A refused move shows the reason here and changes nothing."""

    changed = Signal(object)  # the SupplierDetail after the change

    def __init__(self, ctx: AppContext, detail: SupplierDetail, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setWindowTitle(f"Change status of {detail.row.code}")
        self.setMinimumWidth(480)
        current = QLabel(f"<b>{detail.row.code}</b> {detail.row.name}<br>Current status: <b>{detail.row.status}</b>")
        current.setTextFormat(Qt.TextFormat.RichText)
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(detail.allowed_statuses))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("Why (kept in the change history)")
        self.note_edit.setFixedHeight(70)
        self.error_label = _error_label()
        hint = QLabel("Approval needs a pre-production assessment rated Satisfactory or Needs Improvement"
                      " and, when vetting is required, a vetting decision.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("New status", self.status_combo)
        form.addRow("Note", self.note_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Change status", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("primary")
        self.apply_button.setEnabled(bool(detail.allowed_statuses))
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        theme.decorate(self)

    def apply(self) -> None:
        target = self.status_combo.currentText()
        if not target:
            return
        self.error_label.setVisible(False)
        self.apply_button.setEnabled(False)
        self.ctx.run(change_status, self.ctx.db, self.detail.row.code, target,
                     note=self.note_edit.toPlainText().strip(), on_done=self._done, on_error=self._failed, parent=self)

    def _done(self, detail: SupplierDetail) -> None:
        self.apply_button.setEnabled(True)
        self.ctx.notify("suppliers")
        self.changed.emit(detail)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.apply_button.setEnabled(True)
        if is_user_error(exc):
            _say(self.error_label, " ".join(str(exc).split()))
        else:
            show_error(self, exc)


def open_supplier_dialog(ctx: AppContext, parent: QWidget, detail: Optional[SupplierDetail] = None,
                         countries: Sequence[str] = (),
                         on_saved: Optional[Callable[[SupplierDetail], None]] = None) -> SupplierDialog:
    """Opens the add/edit dialog window-modal (not blocking) and returns it."""
    dialog = SupplierDialog(ctx, detail, countries=countries, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_saved is not None:
        dialog.saved.connect(on_saved)
    dialog.open()
    return dialog


def open_status_dialog(ctx: AppContext, parent: QWidget, detail: SupplierDetail,
                       on_changed: Optional[Callable[[SupplierDetail], None]] = None) -> StatusDialog:
    dialog = StatusDialog(ctx, detail, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_changed is not None:
        dialog.changed.connect(on_changed)
    dialog.open()
    return dialog
