"""The Country laws tab of the Library page: the law references by country and topic, edited beside the table,
reviewed when stale, imported and exported as Excel (the dashboard's list of references due for review, and the
columns both show, are in ui.pages.stale_laws)."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.domain.laws import TOPICS, VERIFY_NOTE, LawEntry, is_stale
from csrdesk.domain.reporting import plural
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.services import laws
from csrdesk.services.laws import LawChange, LawInput, LawsImportPreview, OutdatedCitation
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.pages.stale_laws import LAW_COLUMNS, where_text
from csrdesk.ui.tables import FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.wheel_guard import wheel_only_with_focus
from csrdesk.ui.widgets.date_edit import typed_date
from csrdesk.ui.widgets.placeholder import hint
from csrdesk.ui.widgets.shortcuts import shortcut

log = logging.getLogger(__name__)
TOPIC = "laws"  # the change notice of the law library
ANY = "Any"



def outdated_text(outdated: Sequence[OutdatedCitation]) -> str:
    """The open findings that cite an out-of-date figure, one per line, for a message box."""
    return "\n".join(f"{o.supplier_code} · assessment {o.assessment_id} · {o.title} ({o.status}): cites {o.cites}; "
                     f"{o.reason}" + (f"; now {o.now}" if o.now else "") for o in outdated)




class LawEditor(QWidget):
    """The selected law reference, editable; Save sends it to the service."""

    save_requested = Signal(object, object)  # law id (None: new), LawInput

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.entry: Optional[LawEntry] = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 0, 0, 0)
        self.heading = QLabel("Select a law reference, or add one.")
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setContentsMargins(0, 4, 8, 4)
        self.country = QComboBox()
        self.country.setEditable(True)
        self.region = QLineEdit()
        hint(self.region, "empty: the whole country",
             "Leave empty for the whole country. For a region, the larger area first: West Java - Bekasi Regency")
        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.topic.addItems(list(TOPICS))
        self.requirement = QPlainTextEdit()
        self.requirement.setFixedHeight(86)
        self.value = QLineEdit()
        hint(self.value, "e.g. 12500", "The figure: an amount, hours, an age or a percentage")
        self.unit = QLineEdit()
        hint(self.unit, "e.g. CNY/month", "Its unit: CNY/month, hours/week, years, %")
        self.currency = QLineEdit()
        self.currency.setMaxLength(10)
        self.effective = QLineEdit()
        hint(self.effective, "YYYY-MM-DD", "The date the law or the figure took effect")
        self.source = QLineEdit()
        self.source.setPlaceholderText("act and section, or the decree or notice")
        self.link = QLineEdit()
        self.checked = QLineEdit()
        hint(self.checked, "YYYY-MM-DD", "When someone last compared it with the law (Today fills in today)")
        self.today = QPushButton("Today")
        self.today.clicked.connect(lambda: self.checked.setText(date.today().isoformat()))
        checked_row = QHBoxLayout()
        checked_row.addWidget(self.checked, 1)
        checked_row.addWidget(self.today)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        figure_row = QHBoxLayout()
        figure_row.addWidget(self.value, 2)
        figure_row.addWidget(self.unit, 2)
        figure_row.addWidget(QLabel("Currency"))
        figure_row.addWidget(self.currency, 1)
        form.addRow("Country *", self.country)
        form.addRow("Region", self.region)
        form.addRow("Topic *", self.topic)
        form.addRow("Requirement *", self.requirement)
        form.addRow("Figure", figure_row)
        form.addRow("Effective from", self.effective)
        form.addRow("Legal source", self.source)
        form.addRow("Link", self.link)
        form.addRow("Last checked", checked_row)
        form.addRow("Notes", self.notes)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form_widget)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.save_button = primary_button("Save")
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self._save())
        self.save_button.setToolTip("Save (Ctrl+S)")
        # Ctrl+S saves from any box of the entry, as in the assessment editor.
        shortcut(QKeySequence.StandardKey.Save, self, self._save)
        self.revert_button.clicked.connect(lambda: self.show_entry(self.entry))
        wheel_only_with_focus(self.country, self.topic)
        self.show_entry(None)

    def set_countries(self, countries: Sequence[str]) -> None:
        current = self.country.currentText()
        self.country.clear()
        self.country.addItems(list(countries))
        self.country.setCurrentText(current)

    def show_entry(self, entry: Optional[LawEntry], *, new: bool = False) -> None:
        self.entry = entry
        e = entry
        if e is None:
            self.heading.setText("New law reference" if new else "Select a law reference, or add one.")
        else:
            origin = "built-in, edited by you" if e.user_edited else ("built-in" if e.builtin else "your own entry")
            self.heading.setText(f"{where_text(e)} · {e.topic} ({origin})")
        self.country.setCurrentText(e.country if e else "")
        self.region.setText(e.region if e else "")
        self.topic.setCurrentText(e.topic if e else "")
        self.requirement.setPlainText(e.requirement if e else "")
        self.value.setText(f"{e.value:g}" if e and e.value is not None else "")
        self.unit.setText(e.unit if e else "")
        self.currency.setText(e.currency if e else "")
        self.effective.setText(e.effective.isoformat() if e and e.effective else "")
        self.source.setText(e.source if e else "")
        self.link.setText(e.link if e else "")
        self.checked.setText(e.checked.isoformat() if e and e.checked else "")
        self.notes.setPlainText(e.notes if e else "")
        for w in (self.region, self.source, self.link):
            w.setCursorPosition(0)
        editing = e is not None or new
        for w in (self.save_button, self.revert_button):
            w.setEnabled(editing)
        self.message.setText("")

    def collect(self) -> LawInput:
        text = self.value.text().strip().replace(",", "")
        try:
            value = float(text) if text else None
        except ValueError:
            raise UserError(f"The figure {self.value.text()!r} is not a number.") from None
        return LawInput(
            country=self.country.currentText(), region=self.region.text(), topic=self.topic.currentText(),
            requirement=self.requirement.toPlainText(), value=value, unit=self.unit.text(),
            currency=self.currency.text(), effective=typed_date(self.effective.text(), "effective date"),
            source=self.source.text(), link=self.link.text(), checked=typed_date(self.checked.text(), "checked date"),
            notes=self.notes.toPlainText(),
        )

    def _save(self) -> None:
        try:
            data = self.collect()
        except UserError as exc:
            self.show_message(str(exc), error=True)
            return
        self.save_requested.emit(self.entry.id if self.entry else None, data)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        theme.set_text_colour(self.message, theme.OVERDUE if error else theme.OK)


class ImportPreviewDialog(QDialog):
    """What a law-reference workbook would add and change, and the open findings that would cite an old figure."""

    def __init__(self, preview: LawsImportPreview, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {preview.file}")
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        summary = QLabel(f"{preview.added} new and {preview.updated} changed law {'reference' if preview.added + preview.updated == 1 else 'references'}; "
                         f"{preview.unchanged} unchanged. Nothing is saved until you import.")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        lines = []
        for r in preview.rows:
            if r.action == "add":
                lines.append(f"Row {r.row}: add {where_text(r.entry)} · {r.entry.topic} {r.entry.figure()}".rstrip())
            elif r.action == "update":
                changes = "; ".join(f"{name}: {old[:40]!r} → {new[:40]!r}" for name, old, new in r.changes)
                lines.append(f"Row {r.row}: change {where_text(r.entry)} · {r.entry.topic}: {changes}")
        if preview.outdated:
            lines.append("")
            lines.append(f"{plural(len(preview.outdated), 'open finding')} would cite an out-of-date figure:")
            lines.append(outdated_text(preview.outdated))
        lines.extend(f"Note: {n}" for n in preview.notes)
        details = QPlainTextEdit("\n".join(lines) or "Nothing to change.")
        details.setReadOnly(True)
        layout.addWidget(details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("primary")
        self.import_button.setEnabled(bool(preview.added or preview.updated))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        theme.decorate(self)


class LawsTab(QWidget):
    """Country law references: filter by country and topic, edit, review, import and export."""

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._pending_select: Optional[int] = None
        self.last_change: Optional[LawChange] = None
        self.last_message = ""
        self._build()
        ctx.change_notice.connect(self._on_changed)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.banner = QLabel(VERIFY_NOTE)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"QLabel {{ background: {theme.WARNING_BG}; color: {theme.WARNING}; "
                                  f"border: 1px solid #f5c77e; border-radius: 4px; padding: 6px 8px; }}")
        layout.addWidget(self.banner)
        filters = QHBoxLayout()
        self.model = RowTableModel(LAW_COLUMNS, self)
        self.filter_box = FilterBox(self.model, self, placeholder="Filter country, topic, source…")
        self.country_filter = QComboBox()
        self.country_filter.addItem("Any country", None)
        self.topic_filter = QComboBox()
        self.topic_filter.addItem("Any topic", None)
        for t in TOPICS:
            self.topic_filter.addItem(t, t)
        self.stale_box = QCheckBox("Due for review")
        self.new_button = QPushButton("New…")
        self.delete_button = QPushButton("Delete")
        self.checked_button = QPushButton("Checked today")
        self.checked_button.setToolTip("Record that the selected references were compared with the law today")
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.country_filter, 1)
        filters.addWidget(self.topic_filter, 1)
        filters.addWidget(self.stale_box)
        for b in (self.new_button, self.delete_button, self.checked_button, self.import_button, self.export_button):
            filters.addWidget(b)
        layout.addLayout(filters)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.setContentsMargins(0, 0, 0, 0)
        self.table = TableView(left, settings_key="library_laws", placeholder="No law references.")
        self.table.setModel(self.model)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        l_layout.addWidget(self.table, 1)
        l_layout.addWidget(self.count_label)
        self.editor = LawEditor()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 520])
        layout.addWidget(self.splitter, 1)
        wheel_only_with_focus(self.country_filter, self.topic_filter)

        self.model.filtered.connect(self._update_count)
        self.country_filter.currentIndexChanged.connect(self._apply_predicate)
        self.topic_filter.currentIndexChanged.connect(self._apply_predicate)
        self.stale_box.toggled.connect(lambda _on: self._apply_predicate())
        self.table.selection_changed_rows.connect(self._selection_changed)
        self.new_button.clicked.connect(lambda: self.editor.show_entry(None, new=True))
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.checked_button.clicked.connect(lambda: self.mark_checked())
        self.import_button.clicked.connect(lambda: self.choose_import())
        self.export_button.clicked.connect(lambda: self.choose_export())
        self.editor.save_requested.connect(self.save)

    # --- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self.ctx.run(laws.list_laws, self.ctx.db, on_done=self._loaded, parent=self)

    def _loaded(self, entries: list[LawEntry]) -> None:
        countries = sorted({e.country for e in entries}, key=str.casefold)
        current = self.country_filter.currentData()
        self.country_filter.blockSignals(True)
        self.country_filter.clear()
        self.country_filter.addItem("Any country", None)
        for c in countries:
            self.country_filter.addItem(c, c)
        self.country_filter.setCurrentIndex(max(self.country_filter.findData(current), 0))
        self.country_filter.blockSignals(False)
        self.editor.set_countries(countries)
        self.model.set_rows(entries)
        self._apply_predicate()
        self.table.fit_columns(stretch=5)
        stale = sum(1 for e in entries if is_stale(e))
        builtin = sum(1 for e in entries if e.builtin and not e.user_edited)
        self.banner.setText(f"{VERIFY_NOTE} {builtin} of the {len(entries)} references are built-in and unedited; "
                            f"{stale} have not been checked in the last 12 months (shown in red).")
        if self._pending_select is not None:
            law_id, self._pending_select = self._pending_select, None
            self.table.select_id(law_id)
        elif self.editor.entry is not None:
            fresh = next((e for e in entries if e.id == self.editor.entry.id), None)
            self.editor.show_entry(fresh)

    def _apply_predicate(self) -> None:
        country, topic, stale = self.country_filter.currentData(), self.topic_filter.currentData(), \
            self.stale_box.isChecked()
        if country is None and topic is None and not stale:
            self.model.set_predicate(None)
        else:
            self.model.set_predicate(lambda e: (country is None or e.country == country)
                                     and (topic is None or e.topic == topic) and (not stale or is_stale(e)))
        self._update_count()

    def _update_count(self, *_args) -> None:
        self.count_label.setText(count_text(self.model, "law reference"))

    def _selection_changed(self, rows) -> None:
        self.editor.show_entry(rows[0] if len(rows) == 1 else None)

    # --- changes -----------------------------------------------------------------------------------------------
    def save(self, law_id: Optional[int], data: LawInput) -> None:
        def done(change: LawChange) -> None:
            self._pending_select = change.entry.id if change.entry else None
            self._changed(change, "Saved.")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConcurrentEdit):  # told once, by the question that offers to reload
                offer_reload(self, exc, self.reload)
            elif isinstance(exc, UserError):
                self.editor.show_message(str(exc), error=True)
            else:
                self.ctx.show_error(self, exc)

        seen = self.editor.entry.version if law_id is not None and self.editor.entry is not None else None
        self.ctx.run(laws.save_law, self.ctx.db, data, law_id, seen_version=seen, on_done=done, on_error=failed,
                     parent=self)

    def delete_selected(self) -> None:
        rows = self.table.selected_rows()
        if len(rows) != 1:
            self._say("Select the one law reference to delete.")
            return
        e = rows[0]
        answer = QMessageBox.question(self, "Delete law reference",
                                      f"Delete {where_text(e)} · {e.topic}? Findings keep the text they were filled with"
                                      + ("; a built-in entry does not come back with an upgrade." if e.builtin
                                         else "."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.run(laws.delete_law, self.ctx.db, e.id, on_done=lambda change: self._changed(change, "Deleted."),
                     parent=self)

    def mark_checked(self) -> None:
        ids = [e.id for e in self.table.selected_rows()]
        if not ids:
            self._say("Select the law references you checked against the law.")
            return

        def done(n: int) -> None:
            self._say(f"{plural(n, 'law reference')} marked as checked today.")
            self._notify()

        self.ctx.run(laws.mark_checked, self.ctx.db, ids, on_done=done, parent=self)

    def _changed(self, change: LawChange, words: str) -> None:
        self.last_change = change
        self.editor.show_message(words)
        self._notify()
        if change.outdated:
            self._show_outdated(change.outdated)

    def _show_outdated(self, outdated: Sequence[OutdatedCitation]) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Open findings cite the old figure",
                          f"{plural(len(outdated), 'open finding')} {'cites' if len(outdated) == 1 else 'cite'} a figure this change made out of date. Their legal "
                          "requirement was not changed: update it in the assessment, and tell the factory.",
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(outdated_text(outdated))
        box.open()
        self.outdated_box = box

    def _say(self, text: str) -> None:
        self.last_message = text
        self.editor.show_message(text)

    # --- Excel -------------------------------------------------------------------------------------------------
    def choose_export(self) -> None:
        # In the home folder: a bare name would open wherever csrdesk was started.
        path, _ = QFileDialog.getSaveFileName(self, "Export law references", str(Path.home() / "law-references.xlsx"),
                                              "Excel workbook (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        country = self.country_filter.currentData()
        self.ctx.run(laws.export_laws, self.ctx.db, path, country=country, label="Writing the workbook…",
                     on_done=lambda p: self._say(f"Written to {p}."), parent=self)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import law references", "", "Excel workbook (*.xlsx)")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path, confirm: bool = True) -> None:
        """Shows what the file would change (on the worker), then imports it if the user agrees."""
        def previewed(preview: LawsImportPreview) -> None:
            self.last_preview = preview
            if confirm:
                dialog = ImportPreviewDialog(preview, self)
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
            elif not (preview.added or preview.updated):
                return
            self.ctx.run(laws.apply_laws_import, self.ctx.db, path, expected_sha256=preview.sha256,
                         label="Importing law references…", on_done=imported, parent=self)

        def imported(result) -> None:
            p = result.preview
            self._say(f"Imported {p.added} new and {p.updated} changed law {'reference' if p.added + p.updated == 1 else 'references'}.")
            self._notify()
            if p.outdated:
                self._show_outdated(p.outdated)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self._say(str(exc))
                self.editor.show_message(str(exc), error=True)
            else:
                self.ctx.show_error(self, exc)

        self.ctx.run(laws.preview_laws_import, self.ctx.db, path, label="Reading the workbook…",
                     on_done=previewed, on_error=failed, parent=self)

    # --- refreshing --------------------------------------------------------------------------------------------
    def _notify(self) -> None:
        self.ctx.notify(TOPIC, origin=self)  # other screens refresh; this tab reloads itself
        self.reload()

    def _on_changed(self, change) -> None:
        if change.origin is self or change.topic not in (TOPIC, "all"):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()
