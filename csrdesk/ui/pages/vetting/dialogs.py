"""The vetting page's dialogs: starting a screen, and previewing a returned questionnaire before it is applied."""
from __future__ import annotations

import html
from typing import Callable, Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget, QVBoxLayout,
    QWidget,
)

from csrdesk.ui import theme
from csrdesk.ui.pages.base import section_title



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
        self.setMinimumWidth(640)
        e = result.evaluation
        who = result.supplier_code or result.subject
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{esc(result.file.name)}</b>: screen {result.screen_id} ({esc(who)}), "
                                f"{esc(result.template_key)} version {result.template_version}"))
        changes = QListWidget()
        for c in result.changes:
            changes.addItem(c.describe())
            if c.conflict:
                changes.item(changes.count() - 1).setForeground(QColor(theme.WARNING))
        if not result.changes:
            changes.addItem("No answer differs from what is saved.")
        layout.addWidget(section_title(f"Changes ({len(result.changes)})"))
        layout.addWidget(changes, 1)
        if result.problems:
            layout.addWidget(section_title(f"Problems ({len(result.problems)}): nothing can be applied"))
            problems = QListWidget()
            for p in result.problems:
                problems.addItem(p)
                problems.item(problems.count() - 1).setForeground(QColor(theme.OVERDUE))
            layout.addWidget(problems)
        colour = DECISION_COLOURS[e.suggested.value]
        knock = f" · <b style='color:{theme.OVERDUE}'>{len(e.knockouts)} knock-out(s)</b>" if e.knockouts else ""
        layout.addWidget(QLabel(f"With these answers: score <b>{e.score:g}</b>, suggested "
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
        self.supplier_combo = QComboBox()
        self.supplier_combo.setEditable(True)
        self.supplier_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for s in suppliers:
            self.supplier_combo.addItem(f"{s.code}  {s.name}", s.code)
        if supplier_code:
            self.supplier_combo.setCurrentIndex(max(0, self.supplier_combo.findData(supplier_code)))
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
        return key, text.split()[0] if text else "", ""


