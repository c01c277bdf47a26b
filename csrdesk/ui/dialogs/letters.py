"""The letters dialog: CAP letters, trackers and e-mail drafts for the chosen CAPs, written off the GUI thread.

The user ticks CAPs (those passed in are ticked), chooses the template and language, what to write and where; the
batch runs on the database worker with a progress dialog and Cancel. The result lists the files and any factory
that failed, with buttons to open the folder or the drafts in the mail program. "Copy default to edit" puts a
default template into the user's templates folder, where it overrides the default of its name.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from csrdesk.domain.reporting import plural
from csrdesk.services.shared_files import files_in_database
from csrdesk.ui.context import AppContext, show_error
from csrdesk.ui.table_fit import column_widths, fit_to_width, keep_fitted

LANGUAGE_CHOICES = (("The factory contact's language", None), ("English", "en"),
                    ("English and Simplified Chinese", "zh-en"))
KIND_CHOICES = (("CAP letter", "cap_letter"), ("Overdue reminder", "overdue_reminder"))
MAX_DRAFTS_TO_OPEN = 10  # opening more than this many compose windows at once helps nobody


def default_output_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(documents) / "csrdesk letters" / date.today().isoformat()


def open_path(path: Path) -> bool:
    """Opens a file or folder with the system's program for it (the mail program for a .eml draft)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class LettersDialog(QDialog):
    def __init__(self, ctx: AppContext, cap_ids: Optional[Sequence[int]] = None,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preselected = set(int(i) for i in (cap_ids or ()))
        self.result_value = None
        self.task = None
        self.prefs = None  # the user's preferences (name and company sign the letters), read on the worker
        self.settings_dialog = None
        self.setWindowTitle("Letters, trackers and e-mail drafts")
        self.resize(900, 760)
        self.setMinimumWidth(900)  # the CAP list shows its columns whole
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("CAPs to write for:"))
        top.addStretch(1)
        self.show_closed = QCheckBox("Show closed CAPs")
        self.show_closed.toggled.connect(self.load_caps)
        top.addWidget(self.show_closed)
        all_button = QPushButton("Select all")
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button = QPushButton("Select none")
        none_button.clicked.connect(lambda: self._check_all(False))
        top.addWidget(all_button)
        top.addWidget(none_button)
        layout.addLayout(top)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["CAP", "Supplier", "Name", "Assessment", "Rating", "Contact e-mail"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Titles above their values (left), columns sized to their contents: the room left goes to the name, and a
        # long name and e-mail address share the width (see table_fit.fit_to_width), never a sideways scroll.
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        keep_fitted(self.table, follow_model=False)
        self.table.itemChanged.connect(lambda _item: self._update_buttons())
        self.table.setMinimumHeight(12 * self.table.verticalHeader().defaultSectionSize())
        layout.addWidget(self.table, 5)  # the list takes the room the dialog has

        options = QGroupBox("What to write")
        form = QFormLayout(options)
        self.kind = QComboBox()
        for label, value in KIND_CHOICES:
            self.kind.addItem(label, value)
        self.kind.currentIndexChanged.connect(self._fill_templates)
        form.addRow("Letter", self.kind)
        template_row = QHBoxLayout()
        self.template = QComboBox()
        template_row.addWidget(self.template, 1)
        self.copy_button = QPushButton("Copy default to edit…")
        self.copy_button.setToolTip("Copy the chosen default template into your templates folder to edit it in Word; "
                                    "your copy is then used instead of the default")
        self.copy_button.clicked.connect(self.copy_template)
        template_row.addWidget(self.copy_button)
        folder_button = QPushButton("Templates folder")
        folder_button.clicked.connect(self.open_templates_folder)
        template_row.addWidget(folder_button)
        # A shared team database keeps templates for everyone: a member shares the copy they edited.
        self.share_button = QPushButton("Share with the team")
        self.share_button.setToolTip("Check your copy of the chosen template and keep it in the shared database, "
                                     "so every member's letters use it")
        self.share_button.clicked.connect(lambda: self.share_template())
        self.share_button.setVisible(files_in_database(ctx.db))
        template_row.addWidget(self.share_button)
        self.template.currentIndexChanged.connect(lambda _i: self._update_share())
        form.addRow("Template", template_row)
        self.language = QComboBox()
        for label, value in LANGUAGE_CHOICES:
            self.language.addItem(label, value)
        form.addRow("Language", self.language)
        outputs = QHBoxLayout()
        self.write_letters = QCheckBox("Letters (.docx)")
        self.write_letters.setChecked(True)
        self.write_trackers = QCheckBox("CAP trackers (.xlsx)")
        self.write_drafts = QCheckBox("E-mail drafts (.eml, letter and tracker attached)")
        for box in (self.write_letters, self.write_trackers, self.write_drafts):
            box.toggled.connect(self._update_buttons)
            outputs.addWidget(box)
        outputs.addStretch(1)
        form.addRow("Files", outputs)
        self.open_drafts = QCheckBox(f"Open the drafts in my mail program when done (up to {MAX_DRAFTS_TO_OPEN})")
        form.addRow("", self.open_drafts)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(str(default_output_folder()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow("Save in", folder_row)
        layout.addWidget(options)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 12)
        self.report.setMaximumHeight(110)
        self.report.setPlaceholderText("The files written and any problem appear here.")
        layout.addWidget(self.report, 1)

        buttons = QHBoxLayout()
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(lambda: open_path(Path(self.folder.text())))
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        self.write_button = QPushButton("Write")
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.write_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self._fill_templates()
        if files_in_database(ctx.db):  # what other members shared since this database was opened
            from csrdesk.services.shared_templates import sync_team_templates

            ctx.run(sync_team_templates, ctx.db, on_done=lambda _folder: self._fill_templates(), parent=self)
        self.load_caps()
        self.read_preferences()

    # -- the sender --------------------------------------------------------------------------------------------------
    def read_preferences(self, then=None) -> None:
        from csrdesk.services.settings import load_preferences

        def done(prefs) -> None:
            self.prefs = prefs
            if then is not None:
                then()

        self.ctx.run(load_preferences, self.ctx.db, on_done=done, parent=self)

    def missing_sender(self) -> list[str]:
        """What the letters' signature lacks: 'name', 'company' (empty when both are set)."""
        if self.prefs is None:
            return []
        return [label for label, value in (("name", self.prefs.user_name), ("company", self.prefs.company))
                if not (value or "").strip()]

    def ask_unsigned(self, missing: list[str]) -> str:
        """'settings', 'write' or 'cancel'; a separate method so tests can answer it."""
        what = " and ".join(missing)
        verb = "are" if len(missing) > 1 else "is"
        box = QMessageBox(QMessageBox.Icon.Warning, "Letters would go out unsigned",
                          f"Your {what} {verb} empty; letters will go out unsigned. Open Settings?", parent=self)
        settings = box.addButton("Open Settings…", QMessageBox.ButtonRole.AcceptRole)
        anyway = box.addButton("Write unsigned", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(settings)
        box.exec()
        clicked = box.clickedButton()
        return "settings" if clicked is settings else ("write" if clicked is anyway else "cancel")

    def open_settings(self) -> None:
        """Opens Settings over this dialog; what is saved there is read again for the next Write."""
        from csrdesk.ui.settings_dialog import open_settings

        self.settings_dialog = open_settings(self.ctx, self)
        self.settings_dialog.finished.connect(lambda _code: self.read_preferences())

    # -- the CAP list -----------------------------------------------------------------------------------------------
    def load_caps(self) -> None:
        from csrdesk.services.letters import letter_candidates

        self.table.setEnabled(False)
        self.ctx.run(letter_candidates, self.ctx.db, include_closed=self.show_closed.isChecked(),
                     on_done=self._show_caps, parent=self)

    def _show_caps(self, rows) -> None:
        checked = self.checked_caps() or sorted(self.preselected)
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            first = QTableWidgetItem(str(c.cap_id))
            first.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            first.setCheckState(Qt.CheckState.Checked if c.cap_id in checked else Qt.CheckState.Unchecked)
            first.setData(Qt.ItemDataRole.UserRole, c.cap_id)
            self.table.setItem(r, 0, first)
            for col, text in enumerate((c.supplier_code, c.supplier_name, c.assessment_date.isoformat(), c.rating,
                                        c.contact_email or "(none: no e-mail draft)"), start=1):
                self.table.setItem(r, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self._widen_for_the_list()
        fit_to_width(self.table)
        self.table.setEnabled(True)
        self._update_buttons()

    def _widen_for_the_list(self) -> None:
        """Widens the dialog (never narrows it) until the CAP list shows every column whole, a long name and an
        e-mail address such as compliance.manager@dhaka-knitwear-garments.com.bd included, as far as the window (or
        the screen) has room; at 900 px the address was cut to "compliance.manager@dhaka-…" with the window wide
        enough for it."""
        header = self.table.horizontalHeader()
        sections = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        if not sections or not self.table.rowCount():
            return
        _floors, wanted = column_widths(self.table, sections)
        scroll_bar = 0 if self.table.verticalScrollBar().isVisible() else \
            self.table.verticalScrollBar().sizeHint().width()
        extra = sum(wanted.values()) + scroll_bar + 2 - self.table.viewport().width()
        parent = self.parentWidget()
        if parent is not None:  # over the window, as wide as it at most
            room = parent.window().width() - 40
        else:
            room = self.screen().availableGeometry().width() - 40 if self.screen() is not None else self.width()
        target = min(self.width() + extra, room)
        if target <= self.width():
            return
        left = self.x() - (target - self.width()) // 2  # widened about its middle: it stays where it was shown
        self.resize(target, self.height())
        if self.isVisible():
            self.move(max(left, parent.window().x() + 20 if parent is not None else 0), self.y())

    def checked_caps(self) -> list[int]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _check_all(self, on: bool) -> None:
        for r in range(self.table.rowCount()):
            self.table.item(r, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # -- templates --------------------------------------------------------------------------------------------------
    def _fill_templates(self) -> None:
        from csrdesk.services.letters import list_templates

        kind = self.kind.currentData()
        self.template.clear()
        self.template.addItem("Default for the language", None)
        for t in list_templates(kind):
            if not t.in_use:
                continue
            label = t.name + ("  (the team's, replaces the default)" if t.source == "team" and t.overrides_default
                              else "  (the team's template)" if t.source == "team"
                              else "  (your copy, replaces the default)" if t.overrides_default
                              else "  (your template)" if t.source == "user" else "")
            self.template.addItem(label, t.name)
            self.template.setItemData(self.template.count() - 1, t.source, Qt.ItemDataRole.UserRole + 1)
        self._update_share()

    def _update_share(self) -> None:
        source = self.template.currentData(Qt.ItemDataRole.UserRole + 1)
        self.share_button.setEnabled(source == "user")
        if source != "user":
            self.share_button.setToolTip("Choose one of your own templates (copy a default and edit it) to share it")
        else:
            self.share_button.setToolTip("Check your copy of the chosen template and keep it in the shared database, "
                                         "so every member's letters use it")

    def share_template(self) -> None:
        from csrdesk.services.shared_templates import share_template

        name = self.template.currentData()
        if not name:
            return

        def done(info) -> None:
            self._fill_templates()
            QMessageBox.information(self, "Template shared",
                                    f"{info.name} is shared with the team: every member's letters use it from now on "
                                    "(unless they keep their own copy of that name).")

        self.ctx.run(share_template, self.ctx.db, name, on_done=done, parent=self, label="Sharing the template…")

    def copy_template(self) -> None:
        from csrdesk.services.letters import copy_default_template, list_templates

        kind = self.kind.currentData()
        name = self.template.currentData()
        defaults = [t.name for t in list_templates(kind) if t.source == "default"]
        if name not in defaults:
            language = self.language.currentData() or "en"
            name = f"{kind}_{language}.docx" if f"{kind}_{language}.docx" in defaults else defaults[0]
        try:
            path = copy_default_template(name)
        except Exception as exc:
            show_error(self, exc)
            return
        self._fill_templates()
        QMessageBox.information(self, "Template copied",
                                f"{name} was copied to\n{path}\n\nEdit it in Word; csrdesk uses your copy from now on "
                                "and checks it before every use. docs/templates.md lists the variables you can use.")
        open_path(path.parent)

    def open_templates_folder(self) -> None:
        from csrdesk import paths

        open_path(paths.user_templates_dir())

    # -- writing ----------------------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Save letters in", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _update_buttons(self) -> None:
        anything = any(b.isChecked() for b in (self.write_letters, self.write_trackers, self.write_drafts))
        caps = bool(self.checked_caps())
        self.write_button.setEnabled(anything and caps and self.task is None)
        # A greyed Write says what it waits for (a new user took it for a hidden dialog blocking it).
        missing = ("Tick the CAPs to write for, in the list above." if not caps else
                   "Tick what to write: letters, CAP trackers or e-mail drafts." if not anything else "")
        self.write_button.setToolTip(missing or "Write the chosen files into the folder below (Enter)")
        self.report.setPlaceholderText(f"{missing} The files written and any problem appear here.".strip())
        self.open_drafts.setEnabled(self.write_drafts.isChecked())

    def write(self) -> None:
        caps = self.checked_caps()
        if not caps or not self.folder.text().strip():
            return
        if self.prefs is None:  # not read yet (the dialog was just opened): read, then carry on
            self.read_preferences(then=self.write)
            return
        missing = self.missing_sender()
        if missing and (self.write_letters.isChecked() or self.write_drafts.isChecked()):
            answer = self.ask_unsigned(missing)
            if answer == "settings":
                self.report.setPlainText("Nothing written yet: fill in your name and company in Settings, "
                                         "then press Write again.")
                self.open_settings()
                return
            if answer != "write":
                return
        self._start_writing(caps)

    def _start_writing(self, caps: list[int]) -> None:
        from csrdesk.services.letters import run_batch

        folder = Path(self.folder.text().strip()).expanduser()
        self.report.setPlainText(f"Writing for {plural(len(caps), 'CAP')}…")
        self.task = self.ctx.run(
            run_batch, self.ctx.db, caps, folder, letters=self.write_letters.isChecked(),
            trackers=self.write_trackers.isChecked(), drafts=self.write_drafts.isChecked(),
            letter_kind=self.kind.currentData(), template=self.template.currentData(),
            lang=self.language.currentData(), label=f"Writing letters for {plural(len(caps), 'CAP')}…", cancellable=True,
            on_done=self._written, on_error=self._failed, parent=self,
        )
        self._update_buttons()

    def _written(self, result) -> None:
        self.task = None
        self.result_value = result
        lines = [result.summary() + "."]
        for f in result.failures:
            cap = f"CAP #{f.cap_id}" if f.cap_id else "no CAP"
            lines.append(f"Problem: {f.supplier_code or '-'} ({cap}): {f.message}")
        for o in result.outputs:
            lines.append(f"{o.what}: {o.path.name}")
        self.report.setPlainText("\n".join(lines))
        self.open_folder_button.setEnabled(bool(result.outputs))
        self._update_buttons()
        if self.open_drafts.isChecked():
            drafts = [o.path for o in result.outputs if o.what == "e-mail"][:MAX_DRAFTS_TO_OPEN]
            for path in drafts:
                open_path(path)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.report.setPlainText(f"Nothing was written: {exc}")
        self._update_buttons()
        show_error(self, exc)
