"""The findings grid of the assessment editor: editable rows, matrix points, repeat marks, undo for every edit."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIntValidator, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QWidget

from csrdesk.domain.caps import PastFinding, is_repeat
from csrdesk.domain.scoring import ScoringMatrix, Severity
from csrdesk.services.assessments import FindingInput, FindingRow

SEVERITIES = tuple(s.value for s in Severity)
SEVERITY_COLOURS = {
    "minor": "#546e7a", "major": "#ef6c00", "critical": "#c62828", "zero tolerance": "#6a1b9a",
}
MISSING_TEXT = "choose…"
MISSING_COLOUR = "#c62828"
MISSING_BACKGROUND = "#fdecea"


@dataclass(frozen=True)
class FindingDraft:
    """One finding as it stands in the editor. points None means: whatever the matrix gives."""

    title: str
    severity: str = ""  # empty until the user chooses one (a free-text finding has no default)
    violation_type: Optional[str] = None
    category: str = ""
    points: Optional[int] = None
    description: str = ""
    legal_requirement: str = ""
    code_requirement: str = ""
    suggested_remediation: str = ""
    days_allowed: Optional[int] = None
    finding_id: Optional[int] = None
    law_reference_id: Optional[int] = None  # the law reference the legal requirement was filled from

    @classmethod
    def from_row(cls, row: FindingRow) -> "FindingDraft":
        return cls(
            title=row.title, severity=row.severity, violation_type=row.violation_type, category=row.category,
            points=row.points if row.points_overridden else None, description=row.description,
            legal_requirement=row.legal_requirement, code_requirement=row.code_requirement,
            finding_id=row.id, law_reference_id=row.law_reference_id,
        )

    def to_input(self) -> FindingInput:
        return FindingInput(
            title=self.title, severity=self.severity, category=self.category, violation_type=self.violation_type,
            description=self.description, legal_requirement=self.legal_requirement,
            code_requirement=self.code_requirement, suggested_remediation=self.suggested_remediation,
            days_allowed=self.days_allowed, points=self.points, finding_id=self.finding_id,
            law_reference_id=self.law_reference_id,
        )


DRAFT_FIELDS = tuple(f.name for f in fields(FindingDraft))


@dataclass(frozen=True)
class GridColumn:
    """A column of the findings grid: its title, the field it shows, whether it is editable, its width."""

    title: str
    field: Optional[str]
    editable: bool = False
    width: int = 100


COLUMNS = (
    GridColumn("#", None, width=30),
    GridColumn("Type", "violation_type", width=72),
    GridColumn("Finding", "title", editable=True, width=300),
    GridColumn("Category", "category", editable=True, width=130),
    GridColumn("Severity", "severity", editable=True, width=112),
    GridColumn("Points", "points", editable=True, width=56),
    GridColumn("Repeat", None, width=84),
)
COL_TITLE, COL_CATEGORY, COL_SEVERITY, COL_POINTS, COL_REPEAT = 2, 3, 4, 5, 6
DRAFT_ROLE = Qt.ItemDataRole.UserRole + 10


TYPING_FIELDS = ("description", "legal_requirement", "code_requirement", "title")
_TYPING_ID = 4711


class SetFieldCommand(QUndoCommand):
    def __init__(self, model: "FindingsModel", row: int, changes: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self._model = model
        self._row = row
        self._new = changes
        self._old = {name: getattr(model.draft(row), name) for name in changes}

    def id(self) -> int:
        # Typing in a text box makes one undo step per box, not one per keystroke.
        if len(self._new) == 1 and next(iter(self._new)) in TYPING_FIELDS[:3]:
            return _TYPING_ID
        return -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, SetFieldCommand) or other._row != self._row or set(other._new) != set(self._new):
            return False
        self._new = dict(other._new)
        return True

    def redo(self) -> None:
        self._model._replace(self._row, **self._new)

    def undo(self) -> None:
        self._model._replace(self._row, **self._old)


class InsertCommand(QUndoCommand):
    def __init__(self, model: "FindingsModel", row: int, drafts: Sequence[FindingDraft], text: str) -> None:
        super().__init__(text)
        self._model, self._row, self._drafts = model, row, list(drafts)

    def redo(self) -> None:
        self._model._insert(self._row, self._drafts)

    def undo(self) -> None:
        self._model._remove_rows([self._row + i for i in range(len(self._drafts))])


class RemoveCommand(QUndoCommand):
    def __init__(self, model: "FindingsModel", rows: Sequence[int], text: str) -> None:
        super().__init__(text)
        self._model = model
        self._removed = [(r, model.draft(r)) for r in sorted(set(rows))]

    def redo(self) -> None:
        self._model._remove_rows([r for r, _ in self._removed])

    def undo(self) -> None:
        for r, d in self._removed:  # ascending order puts every row back at its old place
            self._model._insert(r, [d])


class FindingsModel(QAbstractTableModel):
    """The editor's findings. Every user edit goes through the undo stack; `edited` fires after any change."""

    edited = Signal()

    def __init__(self, undo_stack: QUndoStack, parent=None) -> None:
        super().__init__(parent)
        self._stack = undo_stack
        self._rows: list[FindingDraft] = []
        self._matrix = ScoringMatrix()
        self._past: list[PastFinding] = []
        self._date: Optional[date] = None
        self._category_titles: dict[str, str] = {}
        self._repeat_cache: list[bool] = []

    # --- the data the grid shows -------------------------------------------------------------------------------
    def set_matrix(self, matrix: ScoringMatrix) -> None:
        self._matrix = matrix
        self._changed_all(COL_POINTS)

    def set_history(self, past: Sequence[PastFinding], on: Optional[date]) -> None:
        """Earlier findings of the supplier and the assessment date, to mark repeats as the user types."""
        self._past = list(past)
        self._date = on
        self._changed_all(COL_REPEAT)

    def set_category_titles(self, titles: dict[str, str]) -> None:
        self._category_titles = dict(titles)
        self._changed_all(COL_CATEGORY)

    def load(self, drafts: Sequence[FindingDraft]) -> None:
        """Replaces every row without an undo step (opening an assessment is not an edit)."""
        self.beginResetModel()
        self._rows = list(drafts)
        self._recompute_repeats()
        self.endResetModel()
        self.edited.emit()

    def drafts(self) -> list[FindingDraft]:
        return list(self._rows)

    def draft(self, row: int) -> FindingDraft:
        return self._rows[row]

    def matrix_points(self, d: FindingDraft) -> Optional[int]:
        try:
            return self._matrix.points(Severity(d.severity), d.violation_type)
        except (ValueError, KeyError):
            return None

    def effective_points(self, d: FindingDraft) -> Optional[int]:
        return d.points if d.points is not None else self.matrix_points(d)

    def is_overridden(self, d: FindingDraft) -> bool:
        return d.points is not None and d.points != self.matrix_points(d)

    def is_repeat(self, row: int) -> bool:
        return self._repeat_cache[row] if row < len(self._repeat_cache) else False

    # --- user edits (undoable) ---------------------------------------------------------------------------------
    def add(self, drafts: Sequence[FindingDraft], text: str = "Add finding") -> int:
        row = len(self._rows)
        self._stack.push(InsertCommand(self, row, drafts, text))
        return row

    def remove(self, rows: Sequence[int]) -> None:
        rows = [r for r in rows if 0 <= r < len(self._rows)]
        if rows:
            self._stack.push(RemoveCommand(self, rows, "Remove finding" if len(rows) == 1 else f"Remove {len(rows)} findings"))

    def set_fields(self, row: int, text: str = "Edit finding", **changes: Any) -> None:
        current = self._rows[row]
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if changes:
            self._stack.push(SetFieldCommand(self, row, changes, text))

    # --- Qt model ----------------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and COLUMNS[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role == DRAFT_ROLE:
            return d
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(index.row() + 1)
            if col == 1:
                return d.violation_type or "free text"
            if col == COL_TITLE:
                return d.title
            if col == COL_CATEGORY:
                if not d.category:
                    return "" if d.violation_type else MISSING_TEXT
                return self._category_titles.get(d.category, d.category)
            if col == COL_SEVERITY:
                return d.severity or MISSING_TEXT
            if col == COL_POINTS:
                pts = self.effective_points(d)
                return "" if pts is None else (f"{pts} ✎" if self.is_overridden(d) else str(pts))
            if col == COL_REPEAT:
                return "↻ repeat" if self.is_repeat(index.row()) else ""
        if role == Qt.ItemDataRole.EditRole:
            if col == COL_POINTS:
                return "" if d.points is None else str(d.points)
            if col == COL_CATEGORY:
                return d.category
            if col == COL_SEVERITY:
                return d.severity
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_SEVERITY and not d.severity:
            return QBrush(QColor(MISSING_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_SEVERITY:
                return QBrush(QColor(SEVERITY_COLOURS.get(d.severity, MISSING_COLOUR)))
            if col == COL_CATEGORY and not d.category:
                return QBrush(QColor("#8a94a0"))
            if col == COL_REPEAT:
                return QBrush(QColor("#c62828"))
            if col in (0, 1):
                return QBrush(QColor("#607d8b"))
        if role == Qt.ItemDataRole.FontRole:
            if (col == COL_POINTS and self.is_overridden(d)) or (col == COL_REPEAT) or col == COL_SEVERITY:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, COL_POINTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_POINTS:
                matrix = self.matrix_points(d)
                if self.is_overridden(d):
                    return f"Typed points. The scoring matrix gives {matrix}; clear the cell to go back to it."
                return "Points from the scoring matrix; type a number to override them."
            if col == COL_REPEAT and self.is_repeat(index.row()):
                return "An earlier assessment of this supplier had a finding of the same type."
            if col == COL_SEVERITY and not d.severity:
                return "Choose the severity of this free-text finding (double-click or type); it is not scored until then."
            if col == COL_CATEGORY and not d.category:
                return "Choose the category of this finding (double-click)."
            if col == COL_TITLE:  # the whole title, however narrow the column, its library key (the type column
                # makes way for the title in a narrow grid) and what the auditor saw
                head = f"{d.title}\nLibrary {d.violation_type}" if d.violation_type else d.title
                return f"{head}\n\n{d.description}" if d.description else head
            if col == COL_CATEGORY and d.category:
                return self._category_titles.get(d.category, d.category)
        return None

    def unclassified(self) -> list[int]:
        """Rows without a severity (free-text findings the user has not graded yet)."""
        return [i for i, d in enumerate(self._rows) if not d.severity]

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        if col == COL_TITLE:
            title = " ".join(str(value or "").split())
            if not title:
                return False
            self.set_fields(row, "Edit finding title", title=title)
        elif col == COL_CATEGORY:
            self.set_fields(row, "Change category", category=str(value or ""))
        elif col == COL_SEVERITY:
            try:
                severity = Severity.parse(str(value)).value
            except ValueError:
                return False
            self.set_fields(row, "Change severity", severity=severity)
        elif col == COL_POINTS:
            text = str(value if value is not None else "").strip()
            if text == "":
                points = None
            else:
                try:
                    points = int(text)
                except ValueError:
                    return False
                if points < 0:
                    return False
                if points == self.matrix_points(self._rows[row]):
                    points = None  # the matrix value typed again: keep following the matrix
            self.set_fields(row, "Change points", points=points)
        else:
            return False
        return True

    # --- applied by the undo commands --------------------------------------------------------------------------
    def _replace(self, row: int, **changes: Any) -> None:
        self._rows[row] = replace(self._rows[row], **changes)
        self._recompute_repeats()
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if {"title", "violation_type"} & set(changes):
            self._changed_all(COL_REPEAT)
        self.edited.emit()

    def _insert(self, row: int, drafts: Sequence[FindingDraft]) -> None:
        self.beginInsertRows(QModelIndex(), row, row + len(drafts) - 1)
        self._rows[row:row] = list(drafts)
        self._recompute_repeats()
        self.endInsertRows()
        self._changed_all()
        self.edited.emit()

    def _remove_rows(self, rows: Sequence[int]) -> None:
        for r in sorted(rows, reverse=True):
            self.beginRemoveRows(QModelIndex(), r, r)
            del self._rows[r]
            self.endRemoveRows()
        self._recompute_repeats()
        self._changed_all()
        self.edited.emit()

    def _recompute_repeats(self) -> None:
        if self._date is None or not self._past:
            self._repeat_cache = [False] * len(self._rows)
        else:
            self._repeat_cache = [is_repeat(d.violation_type, d.title, self._date, self._past) for d in self._rows]

    def _changed_all(self, *columns: int) -> None:
        """Tells the view that these columns changed in every row (by default the row numbers and the repeat
        marks). Only those columns: a change notice over a cell being edited would reset its open editor."""
        self._recompute_repeats()
        if self._rows:
            for column in columns or (0, COL_REPEAT):
                self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))


class _WholeComboDelegate(QStyledItemDelegate):
    """A combo editor as wide as its longest choice, over the cells beside it if its own is narrower (the category
    box read "Health and s" in a narrow column). It keeps the row's height, so the cell's text does not show around
    it."""

    def updateEditorGeometry(self, editor: QWidget, option, index) -> None:  # noqa: N802
        cell = option.rect
        hint = editor.sizeHint()
        width = max(cell.width(), hint.width())
        viewport = editor.parentWidget()
        right = viewport.width() if viewport is not None else cell.left() + width
        left = max(0, min(cell.left(), right - width))
        editor.setGeometry(left, cell.top(), min(width, right), cell.height())


class SeverityDelegate(_WholeComboDelegate):
    """A severity combo; an ungraded finding starts on an empty entry, so no severity is chosen by accident."""

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802
        combo = QComboBox(parent)
        if not index.data(Qt.ItemDataRole.EditRole):
            combo.addItem("")
        combo.addItems(SEVERITIES)
        return combo

    def setEditorData(self, editor: QComboBox, index) -> None:  # noqa: N802
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QComboBox, model, index) -> None:  # noqa: N802
        if editor.currentText():
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class CategoryDelegate(_WholeComboDelegate):
    """A finding category combo, by title."""

    def __init__(self, categories: Callable[[], list[tuple[str, str]]], parent=None) -> None:
        super().__init__(parent)
        self._categories = categories

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItem("(none)", "")
        for key, title in self._categories():
            combo.addItem(title, key)
        return combo

    def setEditorData(self, editor: QComboBox, index) -> None:  # noqa: N802
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QComboBox, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PointsDelegate(QStyledItemDelegate):
    """A number, or empty to take the matrix points again."""

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802
        edit = QLineEdit(parent)
        edit.setValidator(QIntValidator(0, 100000, edit))
        edit.setPlaceholderText("matrix")
        return edit

    def setEditorData(self, editor: QLineEdit, index) -> None:  # noqa: N802
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QLineEdit, model, index) -> None:  # noqa: N802
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
