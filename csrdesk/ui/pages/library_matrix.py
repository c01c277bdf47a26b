"""The scoring matrix editor of the Library page (default points per severity, per-type overrides) and the dialog
that shows which open assessments a matrix change would re-rate before it is saved."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFrame, QGridLayout, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from csrdesk.domain.scoring import DEFAULT_POINTS, Rating, ScoringMatrix, Severity, band_for
from csrdesk.errors import UserError
from csrdesk.services.library import MatrixChange, RerateImpact, ViolationTypeInfo
from csrdesk.ui.widgets.findings_grid import SEVERITY_COLOURS
from csrdesk.ui.widgets.rating_badge import text_colour_on

SEVERITIES = tuple(Severity)


@dataclass(frozen=True)
class OverrideRow:
    """A finding type whose points override its severity's default in the scoring matrix editor."""

    key: str
    severity: str
    points: int


class MatrixEditor(QWidget):
    """Default points per severity and per-type overrides, edited as a working copy of the saved matrix."""

    changed = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.saved = ScoringMatrix()
        self.titles: dict[str, str] = {}
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 8, 4, 4)
        intro = QLabel(
            "Every finding gets points by severity, or by its type where you set points for that type. An "
            "assessment's score is the sum; the rating follows from the score (Satisfactory 0–7, Needs Improvement "
            "8–29, Unsatisfactory 30–799, Zero Tolerance 800 or more). Typed points on a finding are kept."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        outer.addWidget(intro)

        defaults = QFrame()
        defaults.setObjectName("card")
        grid = QGridLayout(defaults)
        grid.setContentsMargins(12, 10, 12, 10)
        title = QLabel("Default points per severity")
        title.setObjectName("sectionTitle")
        grid.addWidget(title, 0, 0, 1, 3)
        self.default_spins: dict[Severity, QSpinBox] = {}
        self.default_hints: dict[Severity, QLabel] = {}
        for row, s in enumerate(SEVERITIES, start=1):
            label = QLabel(s.value)
            label.setStyleSheet(f"color: {SEVERITY_COLOURS[s.value]}; font-weight: 600;")
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.valueChanged.connect(self._edited)
            hint = QLabel("")
            hint.setObjectName("muted")
            self.default_spins[s] = spin
            self.default_hints[s] = hint
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(hint, row, 2)
        grid.setColumnStretch(2, 1)
        outer.addWidget(defaults)

        overrides = QFrame()
        overrides.setObjectName("card")
        o_layout = QVBoxLayout(overrides)
        o_layout.setContentsMargins(12, 10, 12, 10)
        o_title = QLabel("Points for particular finding types")
        o_title.setObjectName("sectionTitle")
        o_layout.addWidget(o_title)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Type", "Finding type", "Severity", "Points"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 90)
        self.table.setColumnWidth(2, 110)
        self.table.setColumnWidth(3, 110)
        self.empty = QLabel("No type has its own points: every finding takes the defaults above.")
        self.empty.setObjectName("muted")
        o_layout.addWidget(self.empty)
        o_layout.addWidget(self.table, 1)
        add = QHBoxLayout()
        self.type_box = QComboBox()
        self.type_box.setEditable(True)
        self.type_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.type_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.type_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.type_box.lineEdit().setPlaceholderText("Finding type (key or title)")
        self.severity_box = QComboBox()
        for s in SEVERITIES:
            self.severity_box.addItem(s.value, s.value)
        self.points_spin = QSpinBox()
        self.points_spin.setRange(0, 100000)
        self.add_button = QPushButton("Set points")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("The selected types go back to the default points")
        add.addWidget(self.type_box, 1)
        add.addWidget(self.severity_box)
        add.addWidget(self.points_spin)
        add.addWidget(self.add_button)
        add.addStretch(0)
        add.addWidget(self.remove_button)
        o_layout.addLayout(add)
        outer.addWidget(overrides, 1)
        self.add_button.clicked.connect(self._add_override)
        self.remove_button.clicked.connect(self._remove_selected)
        self._working_overrides: dict[str, dict[Severity, int]] = {}
        self.load(ScoringMatrix())

    # --- loading -----------------------------------------------------------------------------------------------
    def set_types(self, types: Sequence[ViolationTypeInfo]) -> None:
        self.titles = {v.key: v.title for v in types}
        with QSignalBlocker(self.type_box):
            self.type_box.clear()
            for v in types:
                self.type_box.addItem(f"{v.key} — {v.title}", v.key)
            self.type_box.setCurrentIndex(-1)

    def load(self, matrix: ScoringMatrix) -> None:
        self.saved = matrix
        self._loading = True
        try:
            for s, spin in self.default_spins.items():
                spin.setValue(int(matrix.default_points.get(s, DEFAULT_POINTS[s])))
            self._working_overrides = {k: dict(v) for k, v in matrix.overrides.items()}
            self._fill_overrides()
        finally:
            self._loading = False
        self._edited()

    def _fill_overrides(self) -> None:
        rows = [(k, s, p) for k, per in sorted(self._working_overrides.items()) for s, p in
                sorted(per.items(), key=lambda sp: SEVERITIES.index(sp[0]))]
        self.table.setRowCount(len(rows))
        for r, (key, severity, points) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(key))
            self.table.setItem(r, 1, QTableWidgetItem(self.titles.get(key, "")))
            sev = QTableWidgetItem(severity.value)
            sev.setForeground(QColor(SEVERITY_COLOURS[severity.value]))
            self.table.setItem(r, 2, sev)
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.setValue(int(points))
            spin.valueChanged.connect(lambda value, k=key, s=severity: self._override_edited(k, s, value))
            self.table.setCellWidget(r, 3, spin)
        self.empty.setVisible(not rows)

    # --- editing -----------------------------------------------------------------------------------------------
    def _override_edited(self, key: str, severity: Severity, value: int) -> None:
        self._working_overrides.setdefault(key, {})[severity] = int(value)
        self._edited()

    def select_type(self, key: str) -> None:
        index = self.type_box.findData(key)
        self.type_box.setCurrentIndex(index)
        self.type_box.setFocus()

    def _chosen_type(self) -> Optional[str]:
        text = self.type_box.currentText().strip()
        index = self.type_box.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.type_box.itemData(index)
        key = text.split(" ")[0].upper()
        return key if key in self.titles else None

    def set_override(self, key: str, severity: str, points: int) -> None:
        if key not in self.titles:
            raise UserError(f"No finding type {key!r} in the library.")
        self._working_overrides.setdefault(key, {})[Severity(severity)] = int(points)
        self._fill_overrides()
        self._edited()

    def _add_override(self) -> None:
        key = self._chosen_type()
        if key is None:
            self.type_box.setFocus()
            return
        self.set_override(key, self.severity_box.currentData(), self.points_spin.value())

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for r in rows:
            key = self.table.item(r, 0).text()
            severity = Severity(self.table.item(r, 2).text())
            self._working_overrides.get(key, {}).pop(severity, None)
            if not self._working_overrides.get(key):
                self._working_overrides.pop(key, None)
        if rows:
            self._fill_overrides()
            self._edited()

    def _edited(self, *_args) -> None:
        for s, hint in self.default_hints.items():
            pts = self.default_spins[s].value()
            hint.setText(f"one {s.value} finding alone rates {band_for(pts).value}")
        if not self._loading:
            self.changed.emit()

    def change(self) -> MatrixChange:
        """The difference between the working copy and the saved matrix."""
        change = MatrixChange()
        for s, spin in self.default_spins.items():
            if spin.value() != int(self.saved.default_points.get(s, DEFAULT_POINTS[s])):
                change.defaults[s.value] = spin.value()
        keys = set(self.saved.overrides) | set(self._working_overrides)
        for key in keys:
            old = self.saved.overrides.get(key, {})
            new = self._working_overrides.get(key, {})
            for s in set(old) | set(new):
                if s not in new:
                    change.per_type[(key, s.value)] = None
                elif old.get(s) != new[s]:
                    change.per_type[(key, s.value)] = new[s]
        return change

    def is_dirty(self) -> bool:
        c = self.change()
        return bool(c.defaults or c.per_type)


class ImpactDialog(QDialog):
    """Before a matrix change is saved: the open assessments whose score or rating it would change."""

    def __init__(self, change: MatrixChange, impacts: Sequence[RerateImpact], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save the scoring matrix change?")
        self.resize(820, 480)
        layout = QVBoxLayout(self)
        parts = [f"{sev} {pts} points by default" for sev, pts in change.defaults.items()]
        parts += [f"{key} {sev}: " + ("back to the default" if pts is None else f"{pts} points")
                  for (key, sev), pts in change.per_type.items()]
        what = QLabel("The change: " + "; ".join(parts) + ".")
        what.setWordWrap(True)
        layout.addWidget(what)
        rating_changes = sum(1 for i in impacts if i.old_rating != i.new_rating)
        if impacts:
            summary = (f"{len(impacts):,} open assessment{'s' if len(impacts) != 1 else ''} would be re-scored; "
                       f"{rating_changes:,} would change rating. Typed points on findings stay as they are.")
        else:
            summary = "No open assessment changes score or rating with this change."
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(impacts), 6)
        self.table.setHorizontalHeaderLabels(["Supplier", "Name", "Assessment", "Score", "Rating now", "Rating after"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        order = sorted(impacts, key=lambda i: (i.old_rating == i.new_rating, i.supplier_code, i.date))
        for r, i in enumerate(order):
            cells = [i.supplier_code, i.supplier_name, i.date, f"{i.old_score} → {i.new_score}", i.old_rating,
                     i.new_rating]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (4, 5):
                    colour = Rating(text).colour
                    item.setBackground(QColor(colour))
                    item.setForeground(QColor(text_colour_on(colour)))
                if c == 5 and i.old_rating != i.new_rating:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(impacts))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save and re-rate", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
