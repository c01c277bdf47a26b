"""The Complaints page's dialogs: a new complaint, a step of the work, the identity key, the publishable list."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Callable, Optional, Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QRadioButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from csrdesk.domain.complaints import Channel, RetaliationRisk
from csrdesk.services import complaint_reports as figures
from csrdesk.services import complaints as svc
from csrdesk.services import identity_key
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error
from csrdesk.ui.pages.base import button, muted, section_title
from csrdesk.ui.widgets.supplier_box import SupplierBox


class DateBox(QDateEdit):
    """A date box that opens its calendar on the date shown (today unless given) and reads back a `date`."""

    def __init__(self, value: Optional[date] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.set_date(value or date.today())

    def set_date(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))

    def value(self) -> date:
        d = self.date()
        return date(d.year(), d.month(), d.day())


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {theme.OVERDUE}; background: {theme.OVERDUE_BG}; border-radius: 5px; padding: 6px 8px;")
    label.setVisible(False)
    return label


def save_path(parent: QWidget, title: str, name: str, filters: str = "Excel workbooks (*.xlsx)") -> Optional[Path]:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / name), filters)
    return Path(path) if path else None


class _SavingDialog(QDialog):
    """A dialog whose Save runs a service on the worker: a refusal is shown in the dialog and nothing is saved;
    success tells every screen complaints changed, emits `done` with the result and closes."""

    done = Signal(object)

    def _lay_out(self, ok_text: str, *parts) -> None:
        """The parts (widgets or layouts) top to bottom, then the refusal line, then Cancel and the Save button."""
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for part in parts:
            if isinstance(part, QWidget):
                layout.addWidget(part)
            else:
                layout.addLayout(part)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        theme.decorate(self)

    def apply(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def _run(self, fn: Callable, *args) -> None:
        self.error_label.setVisible(False)
        self.ok_button.setEnabled(False)
        self.ctx.run(fn, *args, on_done=self._done, on_error=self._failed, parent=self)

    def _saved(self, result) -> None:
        """What a subclass does with the result before the dialog closes."""

    def _done(self, result) -> None:
        self.ok_button.setEnabled(True)
        self._saved(result)
        self.ctx.notify("complaints")
        self.done.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if is_user_error(exc):
            self.error_label.setText(" ".join(str(exc).split()))
            self.error_label.setVisible(True)
            self._fit_height()
        else:
            show_error(self, exc)

    def _fit_height(self) -> None:
        """Grows the dialog to what its layout needs at its width: a shown dialog keeps its height, and a refusal
        that wraps to two or three lines would otherwise be cut at its top and bottom."""
        layout = self.layout()
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)


class StepDialog(_SavingDialog):
    """One step of a complaint: a date, perhaps a choice (outcome, decision) and a text. A refusal is shown here and
    nothing is saved. `done` carries the ComplaintDetail after the step."""

    def __init__(self, ctx: AppContext, title: str, intro: str, action: Callable, *, choices=(),
                 choice_label: str = "", text_label: str = "", text_hint: str = "", with_date: bool = True, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.action = action
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.date_edit = DateBox()
        if with_date:
            form.addRow("Date", self.date_edit)
        self.choice = QComboBox()
        for value, label in choices:
            self.choice.addItem(label, value)
        if choices:
            form.addRow(choice_label, self.choice)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(text_hint)
        self.text.setFixedHeight(90)
        if text_label:
            form.addRow(text_label, self.text)
        self._lay_out("Save", muted(intro), form)

    def apply(self) -> None:
        self._run(self.action, self.date_edit.value(), self.choice.currentData(), self.text.toPlainText().strip())


class NewComplaintDialog(_SavingDialog):
    """Intake: when and how it came, which factory, which provision, what happened, the risk, and who complained
    (sealed at once; leave both empty for an anonymous complaint). `done` carries the new ComplaintDetail."""

    def __init__(self, ctx: AppContext, suppliers: Sequence[tuple[str, str]], provisions: Sequence[tuple[str, str]],
                 parent: Optional[QWidget] = None, *, supplier_code: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("New worker complaint")
        self.setMinimumWidth(620)
        self.received = DateBox()
        self.channel = QComboBox()
        for ch in Channel:
            self.channel.addItem(ch.label, ch.value)
        self.in_program = QRadioButton("A supplier")
        self.outside = QRadioButton("A factory outside the program")
        self.in_program.setChecked(True)
        self.supplier = SupplierBox(suppliers)  # a code or a name, or part of one
        if supplier_code:  # opened from a supplier's page: that supplier
            self.supplier.setCurrentIndex(self.supplier.findData(supplier_code))
        self.factory_name = QLineEdit()
        self.factory_name.setPlaceholderText("The factory's name and town")
        self.factory_name.setEnabled(False)
        self.outside.toggled.connect(lambda on: (self.factory_name.setEnabled(on), self.supplier.setEnabled(not on)))
        self.provision = QComboBox()
        for key, title in provisions:
            self.provision.addItem(title, key)
        # None chosen until the user chooses: the first category as a default put complaints under "Management
        # systems" in every report when it was not changed.
        self.provision.setPlaceholderText("Choose the code provision it is about")
        self.provision.setCurrentIndex(-1)
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText("What the worker reports. Leave out anything that tells who they are "
                                        "(name, line, shift): the summary goes into reports.")
        self.summary.setFixedHeight(80)
        self.risk = QComboBox()
        for level in RetaliationRisk:
            self.risk.addItem(level.label, level.value)
        self.agrees = QCheckBox("The worker agreed that the factory may be told of the complaint")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Leave empty for an anonymous complaint")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Phone, e-mail or how to reach them safely")
        where = QHBoxLayout()
        where.addWidget(self.in_program)
        where.addWidget(self.outside)
        where.addStretch(1)
        form = QFormLayout()
        form.addRow("Received", self.received)
        form.addRow("Channel", self.channel)
        form.addRow("About", where)
        form.addRow("Supplier", self.supplier)
        form.addRow("Factory", self.factory_name)
        form.addRow("Provision", self.provision)
        form.addRow("Summary", self.summary)
        form.addRow("Retaliation risk", self.risk)
        form.addRow("", self.agrees)
        form.addRow(section_title("Complainant (confidential)"))
        form.addRow("Name", self.name)
        form.addRow("Contact", self.contact)
        note = muted("The name and contact are encrypted before they are saved, with a key kept outside the "
                     "database. They are shown only when someone reveals them for a reason, which is recorded, and "
                     "never go into letters, trackers, reports, e-mails, search or the log.")
        self._lay_out("Record complaint", form, note)

    def _supplier_code(self) -> str:
        return self.supplier.code()

    def data(self) -> svc.ComplaintInput:
        outside = self.outside.isChecked()
        return svc.ComplaintInput(
            received=self.received.value(), channel=self.channel.currentData(),
            provision=self.provision.currentData() or "", summary=self.summary.toPlainText().strip(),
            supplier_code="" if outside else self._supplier_code(),
            factory_name=self.factory_name.text().strip() if outside else "",
            complainant_name=self.name.text(), contact=self.contact.text(),
            retaliation_risk=self.risk.currentData(), worker_agrees_factory_told=self.agrees.isChecked(),
        )

    def apply(self) -> None:
        self._run(svc.add_complaint, self.ctx.db, self.data())

    def _saved(self, detail) -> None:
        # The typed identity leaves the widgets as soon as it is sealed.
        self.name.clear()
        self.contact.clear()


class KeyDialog(QDialog):
    """Where the identity key is, whether every identity opens here, and its recovery copy (export and import)."""

    def __init__(self, ctx: AppContext, status: svc.IdentityStatus, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Complainants' identity key")
        self.setMinimumWidth(600)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        explain = muted(
            "Names and contacts of complainants are encrypted with a key kept outside the database (in the "
            "system's keyring where there is one, else in a file only you can read). A copy of the database, a "
            "backup or a shared server shows nothing without it.\n\n"
            "Keep a recovery copy: Export the key to a file and keep it apart from the database (a USB stick in a "
            "locked drawer, your password manager). On a new computer, or for a colleague who shares the "
            "database, Import that file. Lose every copy of the key and nobody can read the identities again.")
        self.export_button = button("Export key…", tooltip="Write the recovery copy of the key to a file")
        self.import_button = button("Import key…", tooltip="Add the keys of a recovery copy to this computer")
        self.export_button.clicked.connect(self.export_key)
        self.import_button.clicked.connect(self.import_key)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addWidget(close)
        self.show_status(status)
        theme.decorate(self)

    def show_status(self, status: svc.IdentityStatus) -> None:
        self.status = status
        colour = theme.OVERDUE if status.missing_key_ids else theme.TEXT
        self.status_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.status_label.setText(status.message)

    def export_key(self) -> None:
        path = save_path(self, "Export the identity key", "csrdesk-identity-key.json", "Key files (*.json)")
        if path is not None:
            self.ctx.run(identity_key.export_keys, path, parent=self,
                         on_done=lambda result: QMessageBox.information(
                             self, "Key exported", f"The recovery copy is in {result[0]} (readable by you only). "
                             "Keep it safe and apart from the database."))

    def import_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import an identity key", str(Path.home()), "Key files (*.json)")
        if path:
            self.ctx.run(_import_then_status, self.ctx.db, Path(path), on_done=self._imported, parent=self)

    def _imported(self, result) -> None:
        added, status = result
        self.show_status(status)
        self.ctx.notify("complaints")
        QMessageBox.information(self, "Key imported", f"Imported {'key' if len(added) == 1 else 'keys'} {', '.join(added)}." if added else
                                "Every key in that file was already on this computer.")


def _import_then_status(db, path: Path):
    added = identity_key.import_keys(path)
    return added, svc.identity_status(db)


class PublicListDialog(QDialog):
    """The publishable list for review: untick what must not go, reword a summary that could identify someone, then
    save. Nothing leaves until Save."""

    def __init__(self, ctx: AppContext, rows: Sequence[figures.PublicRow], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows = list(rows)
        self.setWindowTitle("Publishable list of complaints")
        self.resize(1100, 620)
        intro = muted("Like a public complaints overview: factory, date, status, who filed (never a name), summary "
                      "and outcome. Read every line before it leaves: untick a complaint to leave it out, and edit a "
                      "summary that could point to a worker (a line, a shift, a rare job).")
        self.table = QTableWidget(len(self.rows), 7)
        self.table.setHorizontalHeaderLabels(["Publish", "Factory", "Date", "Status", "Filed by", "Summary",
                                              "Outcome"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for r, row in enumerate(self.rows):
            check = QTableWidgetItem(row.reference)
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(r, 0, check)
            for c, value in enumerate((row.factory, row.received.isoformat(), row.status, row.filed_by), start=1):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
            summary = QTableWidgetItem(row.summary)
            summary.setToolTip("Double-click to reword before it leaves")
            self.table.setItem(r, 5, summary)
            outcome = QTableWidgetItem(row.outcome)
            outcome.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, 6, outcome)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        # Factory names can be long; the summary is what the reviewer reads, so it gets the room.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 200)
        # "Read every line": each summary and factory name whole, wrapped onto more lines, never cut with "…"
        # (the reviewer could not read what was about to leave); rows as tall as their text.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for r, row in enumerate(self.rows):
            self.table.item(r, 1).setToolTip(row.factory)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton("Save reviewed list…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        theme.decorate(self)

    def reviewed_rows(self) -> list[figures.PublicRow]:
        out = []
        for r, row in enumerate(self.rows):
            if self.table.item(r, 0).checkState() == Qt.CheckState.Checked:
                out.append(replace(row, summary=self.table.item(r, 5).text().strip()))
        return out

    def save(self) -> None:
        rows = self.reviewed_rows()
        if not rows:
            QMessageBox.information(self, "Nothing to publish", "Every complaint is unticked.")
            return
        path = save_path(self, "Save the publishable list", "complaints-public.xlsx")
        if path is not None:
            self.ctx.run(figures.write_publishable_list, rows, path, parent=self, on_done=lambda _p: self.accept())
