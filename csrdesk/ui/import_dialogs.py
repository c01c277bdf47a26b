"""File > Import: suppliers from a spreadsheet (checked first, then imported) and an auditor's findings file."""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from csrdesk.services import findings_import, supplier_import
from csrdesk.ui.widgets.supplier_box import SupplierBox
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error

SPREADSHEETS = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"


def describe_report(report: Any) -> str:
    """A readable text of an import report, whatever its exact shape (dataclass, dict, list or text)."""
    if report is None:
        return "Done."
    for attr in ("summary_text", "summary", "describe"):
        fn = getattr(report, attr, None)
        if callable(fn):
            try:
                text = fn()
            except TypeError:
                continue
            if isinstance(text, str) and text.strip():
                return text
    if isinstance(report, str):
        return report
    if dataclasses.is_dataclass(report):
        data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    elif isinstance(report, dict):
        data = report
    else:
        return str(report)
    lines: list[str] = []
    details: list[str] = []
    for key, value in data.items():
        label = key.replace("_", " ")
        if isinstance(value, (list, tuple, set)):
            items = list(value)
            lines.append(f"{label}: {len(items)}")
            if items and not all(isinstance(v, (int, float)) for v in items):
                details.append(f"\n{label.capitalize()}:")
                for v in items[:200]:
                    details.append(f"  • {describe_report(v) if dataclasses.is_dataclass(v) else v}")
                if len(items) > 200:
                    details.append(f"  … and {len(items) - 200} more")
        elif isinstance(value, dict):
            lines.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        elif value is None or value == "":
            continue
        else:
            lines.append(f"{label}: {value}")
    return "\n".join(lines + details)


class ReportDialog(QDialog):
    """Shows what an import found (or did); with `confirm_text`, offers to go ahead."""

    def __init__(self, title: str, intro: str, report_text: str, confirm_text: str = "",
                 parent: Optional[QWidget] = None, option_text: str = "", option_tip: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumSize(560, 420)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.text = QPlainTextEdit(report_text)
        self.text.setReadOnly(True)
        self.option: Optional[QCheckBox] = None
        if option_text:
            self.option = QCheckBox(option_text)
            self.option.setToolTip(option_tip)
        buttons = QDialogButtonBox()
        if confirm_text:
            go = buttons.addButton(confirm_text, QDialogButtonBox.ButtonRole.AcceptRole)
            go.setObjectName("primary")
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text, 1)
        if self.option is not None:
            layout.addWidget(self.option)
        layout.addWidget(buttons)
        theme.decorate(self)

    @property
    def option_checked(self) -> bool:
        return self.option is not None and self.option.isChecked()


class EncodingDialog(QDialog):
    """Asks which text encoding a CSV is in, previewing the file as each plausible encoding reads it."""

    def __init__(self, file_name: str, message: str, readings: list[tuple[str, str, str]],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("encodingDialog")
        self.setWindowTitle("Choose the text encoding")
        self.setMinimumSize(620, 420)
        self.readings = readings
        intro = QLabel(f"csrdesk cannot tell for sure how the text of {file_name} is encoded. Choose the "
                       "encoding in which the names below read correctly; nothing is imported until you confirm.")
        intro.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel changes it only with focus
        for encoding, label, _preview in readings:
            self.choice.addItem(label, encoding)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("encodingPreview")
        self.preview.setReadOnly(True)
        self.choice.currentIndexChanged.connect(lambda _index: self._show())
        buttons = QDialogButtonBox()
        use = buttons.addButton("Use this encoding", QDialogButtonBox.ButtonRole.AcceptRole)
        use.setObjectName("primary")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Encoding", self.choice)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self._show()
        theme.decorate(self)

    def _show(self) -> None:
        index = max(self.choice.currentIndex(), 0)
        self.preview.setPlainText(self.readings[index][2] if self.readings else "")

    def chosen(self) -> str:
        return str(self.choice.currentData())


def import_suppliers_flow(ctx: AppContext, parent: QWidget, path: Optional[str] = None) -> None:
    """Checks the file (dry run), shows what would change, and imports on confirmation. A CSV whose encoding is
    unsure is previewed in each plausible encoding for the user to choose, then checked again in that one."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import suppliers", str(Path.home()), SPREADSHEETS)
        if not path:
            return
    fn = supplier_import.import_suppliers
    encoding: list[Optional[str]] = [None]

    def check() -> None:
        ctx.run(fn, ctx.db, Path(path), dry_run=True, encoding=encoding[0], on_done=checked, on_error=refused,
                label="Checking the file…", cancellable=True, parent=parent)

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, supplier_import.EncodingUnsure):
            show_error(parent, exc)
            return
        dialog = EncodingDialog(Path(path).name, str(exc), list(exc.readings), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen() -> None:
            encoding[0] = dialog.chosen()
            check()
        dialog.accepted.connect(chosen)
        dialog.open()

    def checked(report) -> None:
        dialog = ReportDialog(
            "Import suppliers", f"Checked {Path(path).name}. Nothing has been changed yet; this is what the import "
            "would do:", describe_report(report), "Import", parent,
            option_text="These suppliers are already in production: import them as active",
            option_tip="For the supplier base you already buy from when you start with csrdesk. Left unticked, "
                       "they come in as prospects, to be vetted and approved after a pre-production assessment.")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: ctx.run(fn, ctx.db, Path(path), dry_run=False, encoding=encoding[0],
                                                existing=dialog.option_checked,
                                                on_done=imported, label="Importing suppliers…", cancellable=True,
                                                parent=parent))
        dialog.open()

    def imported(report) -> None:
        ctx.notify("suppliers")
        dialog = ReportDialog("Import suppliers", f"Imported {Path(path).name}.", describe_report(report),
                              parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    check()


class ImportFindingsDialog(QDialog):
    """Which supplier, date and type the auditor's findings file belongs to."""

    def __init__(self, ctx: AppContext, suppliers: list, parent: Optional[QWidget] = None,
                 assessment_types: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import an auditor's findings")
        self.setMinimumWidth(520)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("the auditor's findings file (.xlsx or .csv)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.supplier_combo = SupplierBox([(row.code, row.name) for row in suppliers])
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.type_combo = QComboBox()
        self.type_combo.addItems(list(assessment_types))
        index = self.type_combo.findText("periodic")
        if index >= 0:
            self.type_combo.setCurrentIndex(index)
        self.denied_check = QCheckBox("The auditor was denied access")
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Supplier", self.supplier_combo)
        form.addRow("Assessment date", self.date_edit)
        form.addRow("Type", self.type_combo)
        form.addRow("", self.denied_check)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {theme.OVERDUE};")
        self.error_label.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("primary")
        buttons.accepted.connect(self.run_import)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.result_detail = None
        theme.decorate(self)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Auditor's findings", str(Path.home()), SPREADSHEETS)
        if path:
            self.file_edit.setText(path)

    def _supplier_code(self) -> str:
        return self.supplier_combo.code()

    def _error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def run_import(self) -> None:
        path = self.file_edit.text().strip()
        if not path or not Path(path).is_file():
            self._error("Choose the auditor's findings file.")
            return
        code = self._supplier_code()
        if not code:
            self._error("Choose the supplier the assessment belongs to.")
            return
        on = date.fromisoformat(self.date_edit.date().toString("yyyy-MM-dd"))
        self._error("")
        self.import_button.setEnabled(False)
        fn = findings_import.import_assessment
        kwargs: dict[str, Any] = dict(supplier_code=code, on=on, assessment_type=self.type_combo.currentText(),
                                      denied=self.denied_check.isChecked())
        self.ctx.run(fn, self.ctx.db, Path(path), on_done=self._done, on_error=self._failed,
                     label="Importing the findings…", parent=self, **kwargs)

    def _done(self, result) -> None:
        self.import_button.setEnabled(True)
        self.result_detail = result
        self.ctx.notify("assessments")
        self.ctx.notify("caps")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if is_user_error(exc):
            self._error(" ".join(str(exc).split()))
        else:
            show_error(self, exc)
