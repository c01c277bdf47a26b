"""File > Reports…: choose a report (program report, its Excel figures, a supplier scorecard, the public summary),
its period or supplier, the language and where to save; it is made on the database worker with progress and cancel.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from csrdesk.services.program_report import default_period
from csrdesk.ui.context import AppContext

PROGRAM, FIGURES, SCORECARD, PUBLIC = "program", "figures", "scorecard", "public"
KINDS = ((PROGRAM, "Program report (Word, with charts)", ".docx"),
         (FIGURES, "Program report figures (Excel, behind every chart)", ".xlsx"),
         (SCORECARD, "Supplier scorecard (Word)", ".docx"),
         (PUBLIC, "Public summary of a year (Excel)", ".xlsx"))


def make_report(db, kind: str, path: Path, *, date_from: date, date_to: date, code: str = "", year: int = 0,
                with_names: bool = False, lang: str = "en", progress=None):
    """The one call the dialog runs on the worker; returns the file written."""
    from csrdesk.progress import NO_PROGRESS
    from csrdesk.services.public_summary import write_public_summary
    from csrdesk.services.reports import write_program_report, write_scorecard

    progress = progress or NO_PROGRESS
    if kind in (PROGRAM, FIGURES):
        return write_program_report(db, path, date_from, date_to, lang=lang, progress=progress).path
    if kind == SCORECARD:
        return write_scorecard(db, code, path, lang=lang, progress=progress).path
    progress.step(0, 1, "Counting…")
    write_public_summary(db, year, path, with_names=with_names)
    return Path(path)


PATH_MAX_CHARS = 90  # the Save-as field widens to show a path whole up to about this many average characters


class PathEdit(QLineEdit):
    """A file path to type in, showing its end (the file name) whenever the user is not typing in it: a path longer
    than the field otherwise showed its start, the file name cut off. The whole path is in the tooltip; the field is
    as wide as the path needs, up to PATH_MAX_CHARS average characters of its own font."""

    resized = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(lambda _text: self._fit())

    def shows_whole(self) -> bool:
        """Whether the whole path fits the field."""
        return self.fontMetrics().horizontalAdvance(self.text()) <= self.contentsRect().width() - 8

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self.hasFocus():
            self.setCursorPosition(len(self.text()))
        self.resized.emit()

    def _fit(self) -> None:
        text = self.text()
        self.setToolTip(text)
        metrics = self.fontMetrics()
        room = 2 * metrics.averageCharWidth() + 12  # the frame and text margins of the field
        need = metrics.horizontalAdvance(text) + room
        name = metrics.horizontalAdvance(Path(text).name) + room
        self.setMinimumWidth(max(name, min(need, metrics.averageCharWidth() * PATH_MAX_CHARS)))
        if not self.hasFocus():
            self.setCursorPosition(len(text))

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.setCursorPosition(len(self.text()))


class FolderLine(QLabel):
    """The folder of a path, shortened in the middle (…) to the width it has: its start and its last folder stay
    readable; the whole folder is in the tooltip. Shown only when the path does not fit its field."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._folder = ""
        self.setObjectName("muted")
        self.setTextFormat(Qt.TextFormat.PlainText)
        from PySide6.QtWidgets import QSizePolicy

        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_folder(self, folder: str) -> None:
        self._folder = folder
        self.setToolTip(folder)
        self._elide()

    def full_text(self) -> str:
        return self._folder

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        prefix = "in "
        width = max(self.contentsRect().width() - self.fontMetrics().horizontalAdvance(prefix), 40)
        super().setText(prefix + self.fontMetrics().elidedText(self._folder, Qt.TextElideMode.ElideMiddle, width))


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ReportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None, supplier_code: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Reports")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 48)  # room for a folder and a file name
        self.written: Optional[Path] = None
        today = date.today()
        start, end = default_period(today)
        self.kind = QComboBox()
        for key, label, _suffix in KINDS:
            self.kind.addItem(label, key)
        self.date_from, self.date_to = QDateEdit(_qdate(start)), QDateEdit(_qdate(end))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("to"))
        period.addWidget(self.date_to)
        period.addStretch(1)
        self.code = QLineEdit(supplier_code)
        self.code.setPlaceholderText("supplier code, e.g. CN-0001")
        self.year = QSpinBox()
        self.year.setRange(1990, today.year)
        self.year.setValue(today.year - 1 if today.month < 4 else today.year)
        self.with_names = QCheckBox("Publish the factory names (tick only when the list is to be made public)")
        self.lang = QComboBox()
        self.lang.addItem("English", "en")
        self.lang.addItem("English and Chinese headings", "zh-en")
        self.path = PathEdit()
        self.folder_line = FolderLine()
        self.browse_button = browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse())
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.form = QFormLayout()
        self.form.addRow("Report", self.kind)
        self.form.addRow("Period", period)
        self.form.addRow("Supplier", self.code)
        self.form.addRow("Year", self.year)
        self.form.addRow("", self.with_names)
        self.form.addRow("Language", self.lang)
        self.form.addRow("Save as", where)
        self.form.addRow("", self.folder_line)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.open_after = QCheckBox("Open the report when it is made")
        self.open_after.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.make_button = buttons.addButton("Make report", QDialogButtonBox.ButtonRole.AcceptRole)
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(lambda: self.make())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.open_after)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        # "Saved …/Program report….docx" is about the report made before: it goes once the next one is being set up.
        for signal in (self.kind.currentIndexChanged, self.date_from.dateChanged, self.date_to.dateChanged,
                       self.code.textEdited, self.year.valueChanged, self.lang.currentIndexChanged,
                       self.path.textEdited):
            signal.connect(lambda *_args: self.status.setText(""))
        self.path.textChanged.connect(lambda _text: self._show_folder())
        self.path.resized.connect(self._show_folder)
        if supplier_code:  # opened from a supplier's page: its scorecard
            self.kind.setCurrentIndex(self.kind.findData(SCORECARD))
        self._kind_changed()

    def _suffix(self) -> str:
        return next(s for k, _l, s in KINDS if k == self.kind.currentData())

    def _default_name(self) -> str:
        kind = self.kind.currentData()
        if kind == SCORECARD:
            return f"Scorecard {self.code.text().strip() or 'supplier'}.docx"
        if kind == PUBLIC:
            return f"Public summary {self.year.value()}.xlsx"
        return (f"Program report {self.date_from.date().toString('yyyy-MM-dd')} to "
                f"{self.date_to.date().toString('yyyy-MM-dd')}{self._suffix()}")

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        for row, shown in ((1, kind in (PROGRAM, FIGURES)), (2, kind == SCORECARD), (3, kind == PUBLIC),
                           (4, kind == PUBLIC), (5, kind in (PROGRAM, SCORECARD))):  # (Save as, its folder: 6, 7)
            self.form.setRowVisible(row, shown)
        folder = Path(self.path.text()).parent if self.path.text().strip() else Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        self.path.setText(str(folder / self._default_name()))

    def _show_folder(self) -> None:
        """A path too long for its field: its folder on a line below, shortened in the middle (the field shows the
        file name)."""
        text = self.path.text().strip()
        self.folder_line.set_folder(str(Path(text).parent) if text else "")
        self.form.setRowVisible(7, bool(text) and not self.path.shows_whole())
        layout = self.layout()
        if layout is not None:  # a longer path widens the field: the dialog grows with it (never past the screen)
            layout.activate()
            need = layout.totalMinimumSize().width()
            if self.width() < need:
                self.resize(need, self.height())

    def _browse(self) -> None:
        suffix = self._suffix()
        kind = "Word document (*.docx)" if suffix == ".docx" else "Excel workbook (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, "Save the report as", self.path.text(), kind)
        if path:
            self.path.setText(path if path.lower().endswith(suffix) else path + suffix)

    def make(self):
        """Makes the report on the worker (progress and Cancel after a moment); returns the task."""
        text = self.path.text().strip()
        if not text:
            self.status.setText("Choose where to save the report.")
            return None
        kind = self.kind.currentData()
        if kind == SCORECARD and not self.code.text().strip():
            self.status.setText("Give the supplier's code.")
            return None
        self.make_button.setEnabled(False)
        self.status.setText("Making the report…")
        qf, qt = self.date_from.date(), self.date_to.date()
        return self.ctx.run(
            make_report, self.ctx.db, kind, Path(text),
            date_from=date(qf.year(), qf.month(), qf.day()), date_to=date(qt.year(), qt.month(), qt.day()),
            code=self.code.text().strip(), year=self.year.value(), with_names=self.with_names.isChecked(),
            lang=self.lang.currentData(), label="Making the report…", cancellable=True, parent=self,
            on_done=self._done, on_error=self._failed)

    def _done(self, path: Path) -> None:
        self.written = Path(path)
        self.make_button.setEnabled(True)
        self.status.setText(f"Saved {path}")
        if self.open_after.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _failed(self, exc: BaseException) -> None:
        from csrdesk.progress import Cancelled

        self.make_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.status.setText("Cancelled; no file was written.")
            return
        from csrdesk.ui.context import show_error

        self.status.setText(" ".join(str(exc).split()))
        show_error(self, exc)


def open_report_dialog(ctx: AppContext, parent: Optional[QWidget] = None, supplier_code: str = "") -> ReportDialog:
    dialog = ReportDialog(ctx, parent, supplier_code)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
