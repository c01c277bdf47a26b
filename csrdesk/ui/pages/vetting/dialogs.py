"""The vetting page's dialogs: starting a screen, and previewing a returned questionnaire before it is applied."""
from __future__ import annotations

import html
from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget, QVBoxLayout,
    QWidget,
)

from csrdesk.domain.reporting import plural
from csrdesk.ui import theme
from csrdesk.ui.pages.base import section_title
from csrdesk.ui.widgets.supplier_box import match_code



DECISION_COLOURS = {"approve": theme.OK, "approve with conditions": theme.WARNING, "reject": theme.OVERDUE}


def esc(text: str) -> str:
    """Text from the database in rich text."""
    return html.escape(text or "")



def run_import(ctx, parent: QWidget, path: str, screen_id: Optional[int],
               on_applied: Callable[[int], None]) -> None:
    """Reads a returned questionnaire, shows what it changes, and applies it when the user agrees."""
    from csrdesk.services.vetting import import_questionnaire

    def preview(result) -> None:
        dialog = ImportPreviewDialog(result, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ctx.run(import_questionnaire, ctx.db, path, screen_id=result.screen_id, apply=True,
                on_done=lambda r: on_applied(r.screen_id), label="Saving the answers…", parent=parent)

    ctx.run(import_questionnaire, ctx.db, path, screen_id=screen_id, on_done=preview,
            label="Reading the questionnaire…", parent=parent)


class ImportPreviewDialog(QDialog):
    """What a returned questionnaire changes, its problems and the score it gives; apply or cancel."""

    def __init__(self, result, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import answers")
        # Room for a question and its old and new answer on two or three lines; each change wraps rather than
        # scrolling sideways (they were cut at "answer (none) → Ayse Demi" in a 640 px box).
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 62)
        self.resize(self.minimumWidth(), self.fontMetrics().height() * 30)
        e = result.evaluation
        who = result.supplier_code or result.subject
        layout = QVBoxLayout(self)
        checklist = result.template_title or result.template_key
        title = QLabel(f"<b>{esc(result.file.name)}</b>: screen {result.screen_id} ({esc(who)}), "
                       f"{esc(checklist)} version {result.template_version}")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.changes = changes = QListWidget()
        changes.setWordWrap(True)
        changes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        changes.setTextElideMode(Qt.TextElideMode.ElideNone)
        for c in result.changes:
            changes.addItem(c.describe())
            if c.conflict:
                changes.item(changes.count() - 1).setForeground(QColor(theme.WARNING))
        if not result.changes:
            changes.addItem("No answer differs from what is saved.")
        layout.addWidget(section_title(f"Changes ({len(result.changes)})"))
        layout.addWidget(changes, 1)
        if result.notes:  # how an ambiguous date such as 5/3/2027 was read: the user checks it before applying
            layout.addWidget(section_title("Read as"))
            notes = QLabel("<br>".join(esc(n) for n in result.notes))
            notes.setTextFormat(Qt.TextFormat.RichText)
            notes.setWordWrap(True)
            notes.setStyleSheet(f"color: {theme.WARNING};")
            layout.addWidget(notes)
        if result.problems:
            layout.addWidget(section_title(f"Problems ({len(result.problems)}): nothing can be applied"))
            problems = QListWidget()
            for p in result.problems:
                problems.addItem(p)
                problems.item(problems.count() - 1).setForeground(QColor(theme.OVERDUE))
            layout.addWidget(problems)
        colour = DECISION_COLOURS[e.suggested.value]
        knock = f" · <b style='color:{theme.OVERDUE}'>{plural(len(e.knockouts), 'knock-out')}</b>" if e.knockouts else ""
        layout.addWidget(QLabel(f"With these answers: score <b>{e.score:g}</b> out of 100, suggested "
                                f"<b style='color:{colour}'>{e.suggested.value}</b>{knock}"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("Apply changes", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(bool(result.changes) and not result.problems)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# -- starting a screen --------------------------------------------------------------------------------------------

class NewScreenDialog(QDialog):
    """Chooses a checklist and who it is for: a supplier, or a consultant or audit firm by name."""

    def __init__(self, templates, suppliers, parent: Optional[QWidget] = None, supplier_code: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New vetting screen")
        self.setMinimumWidth(460)
        self.templates = templates
        self.template_combo = QComboBox()
        for t in templates:
            self.template_combo.addItem(f"{t.title} (v{t.version})", t.key)
        # A supplier checklist first: screening a supplier is the usual case, a consultant's the exception.
        first_supplier = next((i for i, t in enumerate(templates) if t.kind == "supplier"), 0)
        self.template_combo.setCurrentIndex(first_supplier)
        self.supplier_combo = QComboBox()
        self.supplier_combo.setEditable(True)
        self.supplier_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for s in suppliers:
            self.supplier_combo.addItem(f"{s.code}  {s.name}", s.code)
        # Typing finds a supplier by any part of its code or name.
        self.supplier_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.supplier_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.supplier_combo.lineEdit().setPlaceholderText("Supplier code or name")
        self.suppliers = list(suppliers)
        self.supplier_combo.setCurrentIndex(self.supplier_combo.findData(supplier_code) if supplier_code else -1)
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText("name of the consultant or audit firm")
        form = QFormLayout(self)
        form.addRow("Checklist", self.template_combo)
        self.supplier_label = QLabel("Supplier")
        self.subject_label = QLabel("Firm")
        form.addRow(self.supplier_label, self.supplier_combo)
        form.addRow(self.subject_label, self.subject_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.template_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def kind(self) -> str:
        i = self.template_combo.currentIndex()
        return self.templates[i].kind if 0 <= i < len(self.templates) else "supplier"

    def _kind_changed(self, *_args) -> None:
        firm = self.kind() == "consultant"
        for w in (self.supplier_label, self.supplier_combo):
            w.setVisible(not firm)
        for w in (self.subject_label, self.subject_edit):
            w.setVisible(firm)

    def choice(self) -> tuple[str, Optional[str], str]:
        key = self.template_combo.currentData()
        if self.kind() == "consultant":
            return key, None, self.subject_edit.text().strip()
        text = self.supplier_combo.currentText().strip()
        index = self.supplier_combo.currentIndex()
        if index >= 0 and text == self.supplier_combo.itemText(index):
            return key, self.supplier_combo.currentData(), ""
        return key, self.match_supplier(text), ""

    def match_supplier(self, text: str) -> str:
        """The code of the supplier the typed text names: its code, its name, or the one supplier whose code or name
        contains it; otherwise the first word as typed (the service says if no supplier has it)."""
        return match_code([(s.code, s.name) for s in self.suppliers], text)


