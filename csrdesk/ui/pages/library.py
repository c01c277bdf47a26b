"""The Library page: the finding library (browse, edit, add types) and the scoring matrix, whose changes show the
assessments they would re-rate before they are saved."""
from __future__ import annotations

import logging
from typing import Callable, Any, Optional, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
    QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from csrdesk.domain.scoring import DEFAULT_POINTS, ScoringMatrix, Severity
from csrdesk.services import library
from csrdesk.errors import UserError
from csrdesk.services.library import MatrixChange, RerateImpact, ViolationTypeInfo
from csrdesk.ui import theme
from csrdesk.ui.pages.base import Page, page_header
from csrdesk.ui.pages.laws_tab import LawsTab
from csrdesk.ui.pages.library_matrix import ImpactDialog, MatrixEditor
from csrdesk.ui.pages.risk_map import RiskMapTab
from csrdesk.ui.table_fit import column_floors
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.findings_grid import SEVERITY_COLOURS
from csrdesk.ui.widgets.placeholder import hint
from csrdesk.ui.widgets.record_form import RecordFormMixin

log = logging.getLogger(__name__)

SEVERITIES = tuple(Severity)
_SEVERITY_QCOLOURS = {k: QColor(v) for k, v in SEVERITY_COLOURS.items()}


class _Matrix:
    """The matrix the library table shows points from (set when the page reads it)."""

    current: ScoringMatrix = ScoringMatrix()
    categories: dict[str, str] = {}


def _points_of(v: ViolationTypeInfo) -> Optional[int]:
    try:
        return _Matrix.current.points(Severity(v.severity), v.key)
    except ValueError:
        return None


FINDING_TYPE = 1  # the column that stretches
TYPE_COLUMNS = [
    Column("Key", lambda v: v.key, width=80),
    Column("Finding type", lambda v: v.title, width=270,
           tooltip=lambda v: v.title + (f"\n\n{v.description}" if v.description else "")),
    Column("中文", lambda v: v.title_zh, width=150, tooltip=lambda v: v.title_zh or None),
    Column("Category", lambda v: _Matrix.categories.get(v.category, v.category), width=150,
           tooltip=lambda v: _Matrix.categories.get(v.category, v.category)),
    Column("Severity", lambda v: v.severity, colour=lambda v: _SEVERITY_QCOLOURS.get(v.severity), width=106,
           sort_key=lambda v: [s.value for s in SEVERITIES].index(v.severity)
           if v.severity in [s.value for s in SEVERITIES] else -1),
    Column("Points", _points_of, width=54, searchable=False,
           bold=lambda v: v.key in _Matrix.current.overrides,
           tooltip=lambda v: "Points set for this type in the scoring matrix" if v.key in _Matrix.current.overrides
           else "The matrix default for its severity"),
    Column("Days", lambda v: v.days_allowed, width=48, searchable=False, hidden=True),
    Column("Source", lambda v: "yours" if not v.builtin else ("edited" if v.user_modified else "built in"),
           width=80, colour=lambda v: QColor(theme.ACCENT) if (not v.builtin or v.user_modified) else None),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class TypeEditor(RecordFormMixin, QWidget):
    """Edits one violation type: titles, category, severity, time allowed, requirements and guidance."""

    save_requested = Signal(str, dict)
    points_requested = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.info: Optional[ViolationTypeInfo] = None
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 0, 0, 0)
        self.heading = QLabel("Select a finding type to read or edit it.")
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        self.source = QLabel("")
        self.source.setObjectName("muted")
        self.source.setWordWrap(True)
        outer.addWidget(self.heading)
        outer.addWidget(self.source)
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setContentsMargins(0, 4, 8, 4)
        self.title = QLineEdit()
        self.title_zh = QLineEdit()
        self.category = QComboBox()
        self.severity = QComboBox()
        for s in SEVERITIES:
            self.severity.addItem(s.value, s.value)
        self.days = QSpinBox()
        self.days.setRange(0, 730)
        self.days.setSuffix(" days")
        self.legal_topic = QLineEdit()
        hint(self.legal_topic, "e.g. working hours", "The legal topic links the finding to the law references of "
                                                     "the supplier's country (Library > Country laws).")
        self.description = QPlainTextEdit()
        self.code_requirement = QPlainTextEdit()
        self.remediation = QPlainTextEdit()
        self.root_causes = QPlainTextEdit()
        self.root_causes.setPlaceholderText("Examples of root causes, one per line")
        self.root_causes.setToolTip("Shown to help whoever reviews a factory's root cause analysis")
        self.preventive = QPlainTextEdit()
        self.preventive.setPlaceholderText("Examples of preventive actions, one per line")
        self.victim = QCheckBox("Victim protection needed")  # short: the form is never wider than its half
        self.victim.setToolTip("The finding needs victim-protection measures (forced labour, trafficking)")
        self.schemes = QLabel("")
        self.schemes.setWordWrap(True)
        self.schemes.setObjectName("muted")
        for edit in (self.description, self.code_requirement, self.remediation, self.root_causes, self.preventive):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(64)
            edit.setMaximumHeight(110)
        points_row = QHBoxLayout()
        self.points_label = QLabel("")
        self.points_label.setWordWrap(True)
        self.points_button = QPushButton("Set points…")
        self.points_button.setToolTip("Give this finding type its own points in the scoring matrix")
        self.points_button.clicked.connect(lambda: self.info and self.points_requested.emit(self.info.key))
        points_row.addWidget(self.points_button)
        points_row.addStretch(1)
        form.addRow("Title", self.title)
        form.addRow("Title (Chinese)", self.title_zh)
        form.addRow("Category", self.category)
        form.addRow("Severity", self.severity)
        form.addRow("Points", self.points_label)  # a field of its own: wrapped beside a button it was cut
        form.addRow("", points_row)
        form.addRow("Time allowed", self.days)
        form.addRow("Legal topic", self.legal_topic)
        form.addRow("Description", self.description)
        form.addRow("Code requirement", self.code_requirement)
        form.addRow("Remediation", self.remediation)
        form.addRow("Root causes", self.root_causes)
        form.addRow("Preventive actions", self.preventive)
        form.addRow("", self.victim)
        form.addRow("Schemes", self.schemes)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_widget)
        self.form_scroll = scroll
        outer.addWidget(scroll, 1)
        outer.addLayout(self.save_bar("Save type", "Save the finding type (Ctrl+S)"))
        self.watch(self.title, self.title_zh, self.legal_topic, self.description, self.code_requirement,
                   self.remediation, self.root_causes, self.preventive, self.category, self.severity, self.days,
                   self.victim)
        self.show_type(None)

    def minimumSizeHint(self):  # noqa: N802 - the splitter never cuts the form's fields on the right
        hint = super().minimumSizeHint()
        margins = self.layout().contentsMargins()
        needed = (self.form_scroll.widget().minimumSizeHint().width() + margins.left() + margins.right()
                  + self.form_scroll.verticalScrollBar().sizeHint().width() + 2)
        hint.setWidth(max(hint.width(), needed))
        return hint

    def set_categories(self, categories: Sequence[tuple[str, str]]) -> None:
        with QSignalBlocker(self.category):
            current = self.category.currentData()
            self.category.clear()
            for key, title in categories:
                self.category.addItem(title, key)
            self.category.setCurrentIndex(max(self.category.findData(current), 0))

    def show_type(self, info: Optional[ViolationTypeInfo]) -> None:
        self.info = info
        self._loading = True
        try:
            self.form_scroll.setEnabled(info is not None)
            if info is None:
                self.heading.setText("Select a finding type to read or edit it.")
                self.source.setText("")
                return
            self.heading.setText(f"{info.key} · {info.title}")
            if not info.builtin:
                self.source.setText("Added by you.")
            elif info.user_modified:
                self.source.setText("Built in, edited by you: library updates no longer overwrite it.")
            else:
                self.source.setText("Built in. Once edited, library updates leave your version alone.")
            self.title.setText(info.title)
            self.title_zh.setText(info.title_zh)
            self.category.setCurrentIndex(max(self.category.findData(info.category), 0))
            self.severity.setCurrentIndex(max(self.severity.findData(info.severity), 0))
            self.days.setValue(info.days_allowed)
            self.legal_topic.setText(info.legal_topic or "")
            self.description.setPlainText(info.description)
            self.code_requirement.setPlainText(info.code_requirement)
            self.remediation.setPlainText(info.suggested_remediation)
            self.root_causes.setPlainText("\n".join(info.root_cause_examples))
            self.preventive.setPlainText("\n".join(info.preventive_action_examples))
            for edit in (self.title, self.title_zh, self.legal_topic):
                edit.setCursorPosition(0)  # a long title shows its beginning, not its end
            self.victim.setChecked(info.victim_protection)
            self.schemes.setText(" · ".join(f"{k.upper()}: {v}" for k, v in info.schemes.items()) or "—")
            self.update_points()
        finally:
            self._loading = False
        self._edited()

    def update_points(self) -> None:
        info = self.info
        if info is None:
            self.points_label.setText("")
            return
        own = _Matrix.current.overrides.get(info.key, {})
        parts = []
        for s in SEVERITIES:
            pts = _Matrix.current.points(s, info.key)
            parts.append(f"<b>{s.value} {pts}</b>" if s in own else f"{s.value} {pts}")
        self.points_label.setText(" · ".join(parts))

    # --- editing (changes, is_dirty, revert and messages come from RecordFormMixin) --------------------------------
    def form_values(self) -> dict[str, Any]:
        return {
            "title": " ".join(self.title.text().split()),
            "title_zh": self.title_zh.text().strip(),
            "category": self.category.currentData(),
            "severity": self.severity.currentData(),
            "days_allowed": self.days.value(),
            "legal_topic": self.legal_topic.text().strip() or None,
            "description": self.description.toPlainText().strip(),
            "code_requirement": self.code_requirement.toPlainText().strip(),
            "suggested_remediation": self.remediation.toPlainText().strip(),
            "root_cause_examples": _lines(self.root_causes.toPlainText()),
            "preventive_action_examples": _lines(self.preventive.toPlainText()),
            "victim_protection": self.victim.isChecked(),
        }

    def saved_values(self) -> Optional[dict[str, Any]]:
        info = self.info
        if info is None:
            return None
        return {
            "title": info.title, "title_zh": info.title_zh, "category": info.category, "severity": info.severity,
            "days_allowed": info.days_allowed, "legal_topic": info.legal_topic or None,
            "description": info.description.strip(), "code_requirement": info.code_requirement.strip(),
            "suggested_remediation": info.suggested_remediation.strip(),
            "root_cause_examples": list(info.root_cause_examples),
            "preventive_action_examples": list(info.preventive_action_examples),
            "victim_protection": info.victim_protection,
        }

    def show_saved(self) -> None:
        self.show_type(self.info)

    def _save(self) -> None:
        changes = self.changes()
        if self.info is not None and changes:
            if "title" in changes and not changes["title"]:
                self.set_message("A finding type needs a title.", error=True)
                return
            self.save_requested.emit(self.info.key, changes)


class NewTypeDialog(QDialog):
    """Asks for the key, title, category and severity of a new finding type."""

    def __init__(self, categories: Sequence[tuple[str, str]], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New finding type")
        form = QFormLayout(self)
        self.key = QLineEdit()
        self.key.setPlaceholderText("e.g. HRS-101")
        self.title = QLineEdit()
        self.category = QComboBox()
        for key, title in categories:
            self.category.addItem(title, key)
        self.severity = QComboBox()
        for s in SEVERITIES:
            self.severity.addItem(s.value, s.value)
        self.severity.setCurrentIndex(1)
        self.days = QSpinBox()
        self.days.setRange(0, 730)
        self.days.setValue(60)
        self.days.setSuffix(" days")
        form.addRow("Key", self.key)
        form.addRow("Title", self.title)
        form.addRow("Category", self.category)
        form.addRow("Severity", self.severity)
        form.addRow("Time allowed", self.days)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, dict[str, Any]]:
        return self.key.text().strip(), {
            "title": " ".join(self.title.text().split()), "category": self.category.currentData(),
            "severity": self.severity.currentData(), "days_allowed": self.days.value(),
        }


class LibraryPage(Page):
    """The finding library and the scoring matrix."""

    title = "Library"
    topics = ("library",)

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)  # read when first shown, so starting the window stays quick
        self._loading = False
        self._shown_key: Optional[str] = None
        self._pending_key: Optional[str] = None  # a type to select once the library is read
        self._categories: list[tuple[str, str]] = []
        self.last_impacts: Optional[list[RerateImpact]] = None
        self.last_error: Optional[str] = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header, self.subtitle = page_header("Library", "")
        layout.addWidget(header)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        # Finding library.
        types_tab = QWidget()
        t_layout = QVBoxLayout(types_tab)
        t_layout.setContentsMargins(8, 8, 8, 8)
        self.model = RowTableModel(TYPE_COLUMNS, self, id_getter=lambda v: v.key)
        filters = QHBoxLayout()
        self.filter_box = FilterBox(self.model, types_tab, placeholder="Filter key, title, 中文…  (Ctrl+F)")
        self.category_filter = QComboBox()
        self.category_filter.addItem("Any category", None)
        self.severity_filter = QComboBox()
        self.severity_filter.addItem("Any severity", None)
        for s in SEVERITIES:
            self.severity_filter.addItem(s.value, s.value)
        self.archived_box = QCheckBox("Archived too")
        self.new_button = QPushButton("New finding type…")
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.category_filter, 1)
        filters.addWidget(self.severity_filter)
        filters.addWidget(self.archived_box)
        filters.addWidget(self.new_button)
        t_layout.addLayout(filters)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.setContentsMargins(0, 0, 0, 0)
        self.table = TableView(left, settings_key="library_types", placeholder="The finding library is empty.")
        self.table.setModel(self.model)
        # The finding type is what the list is read by: it keeps room for a few words ("Child labour below the
        # minimum age") while the Chinese title and the category give way (whole in their tooltips).
        self.table.setProperty("stretch_min", self.table.fontMetrics().averageCharWidth() * 24)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        l_layout.addWidget(self.table, 1)
        l_layout.addWidget(self.count_label)
        self.editor = TypeEditor()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 600])  # measured again once the types are read (see _fit_split)
        t_layout.addWidget(self.splitter, 1)
        self.tabs.addTab(types_tab, "Finding library")

        # Scoring matrix.
        matrix_tab = QWidget()
        m_layout = QVBoxLayout(matrix_tab)
        self.matrix = MatrixEditor()
        m_layout.addWidget(self.matrix, 1)
        m_buttons = QHBoxLayout()
        self.matrix_message = QLabel("")
        self.matrix_message.setWordWrap(True)
        self.matrix_revert = QPushButton("Revert")
        self.matrix_save = primary_button("Preview and save…")
        self.matrix_save.setToolTip("Shows the open assessments the change would re-rate before anything is saved")
        m_buttons.addWidget(self.matrix_message, 1)
        m_buttons.addWidget(self.matrix_revert)
        m_buttons.addWidget(self.matrix_save)
        m_layout.addLayout(m_buttons)
        self.tabs.addTab(matrix_tab, "Scoring matrix")

        # Country law references and the risk map live in modules of their own.
        self.laws_tab = LawsTab(self.ctx, self)
        self.tabs.addTab(self.laws_tab, "Country laws")
        self.risk_tab = RiskMapTab(self.ctx, self)
        self.tabs.addTab(self.risk_tab, "Risk map")

        self.model.filtered.connect(self._update_count)
        self.category_filter.currentIndexChanged.connect(self._apply_predicate)
        self.severity_filter.currentIndexChanged.connect(self._apply_predicate)
        self.archived_box.toggled.connect(lambda _: self.reload())
        self.new_button.clicked.connect(self.new_type)
        self.table.selection_changed_rows.connect(self._selection_changed)
        self.editor.save_requested.connect(self.save_type)
        self.editor.points_requested.connect(self._points_for_type)
        self.matrix.changed.connect(self._matrix_edited)
        self.matrix_save.clicked.connect(self.preview_matrix)
        self.matrix_revert.clicked.connect(lambda: self.matrix.load(self.matrix.saved))
        state = self.ctx.settings().value("library/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    # --- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._loading = True
        db, archived = self.ctx.db, self.archived_box.isChecked()

        def load():
            return (library.list_categories(db), library.list_violation_types(db, include_archived=archived),
                    library.get_matrix(db))

        self.ctx.run(load, on_done=self._loaded, on_error=self._load_failed, parent=self)

    def _loaded(self, result) -> None:
        categories, types, matrix = result
        self._loading = False
        self._categories = [(c.key, c.title) for c in categories]
        _Matrix.categories = dict(self._categories)
        _Matrix.current = matrix
        with QSignalBlocker(self.category_filter):
            current = self.category_filter.currentData()
            self.category_filter.clear()
            self.category_filter.addItem("Any category", None)
            for key, title in self._categories:
                self.category_filter.addItem(title, key)
            self.category_filter.setCurrentIndex(max(self.category_filter.findData(current), 0))
        self.editor.set_categories(self._categories)
        self.matrix.set_types(types)
        if not self.matrix.is_dirty():
            self.matrix.load(matrix)
        else:
            self.matrix.saved = matrix
        self.model.set_rows(types)
        self._fit_split()
        self._update_count()
        d = matrix.default_points
        self.subtitle.setText(
            f"{len(types):,} finding types in {len(categories)} categories · default points: "
            + ", ".join(f"{s.value} {d.get(s, DEFAULT_POINTS[s])}" for s in SEVERITIES)
        )
        if self._pending_key is not None:
            key, self._pending_key = self._pending_key, None
            self.open_item("violation_type", key)
        elif self._shown_key is not None and not self.editor.is_dirty():
            match = next((t for t in types if t.key == self._shown_key), None)
            self.editor.show_type(match)
            self.table.select_id(self._shown_key)

    def _fit_split(self) -> None:
        """The finding title stretches and the other columns are measured (short values whole, long texts down to
        their titles, whole in tooltips); the splitter then gives the table at least what those columns need and the
        editor at least what its fields need, sharing what is left 3:2. A remembered split that still gives both
        their needs is kept."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FINDING_TYPE, header.ResizeMode.Stretch)
        total = sum(self.splitter.sizes())
        if total <= 0 or not self.model.rowCount():
            return
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        floors = column_floors(self.table, shown)
        floors[FINDING_TYPE] = max(floors.get(FINDING_TYPE, 0), int(self.table.property("stretch_min") or 0))
        table = (sum(floors.values()) + self.table.frameWidth() * 2
                 + self.table.verticalScrollBar().sizeHint().width() + 2)
        editor = self.editor.minimumSizeHint().width()
        left, right = self.splitter.sizes()
        if left >= table and right >= editor or table + editor > total:
            return
        spare = total - table - editor
        left = table + spare * 3 // 5
        self.splitter.setSizes([left, total - left])

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_split)  # once the splitter has its real width

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.ctx.show_error(self, exc)

    def _update_count(self, *_args) -> None:
        self.count_label.setText(count_text(self.model, "finding type"))

    def _apply_predicate(self, *_args) -> None:
        category = self.category_filter.currentData()
        severity = self.severity_filter.currentData()
        if category is None and severity is None:
            self.model.set_predicate(None)
            return
        self.model.set_predicate(lambda v: (category is None or v.category == category)
                                 and (severity is None or v.severity == severity))

    # --- the finding library -----------------------------------------------------------------------------------
    def _selection_changed(self, rows: list) -> None:
        key = rows[0].key if len(rows) == 1 else None
        if key == self._shown_key:
            return
        with QSignalBlocker(self.table.selectionModel()):  # the shown type stays chosen until it is left
            self.table.select_id(self._shown_key)
        chosen = rows[0] if key else None

        def move() -> None:
            self._shown_key = key
            with QSignalBlocker(self.table.selectionModel()):
                self.table.select_id(key) if key else self.table.clearSelection()
            self.editor.show_type(chosen)

        self._leave_type(move)

    def save_type(self, key: str, changes: dict, then: Optional[Callable[[], None]] = None) -> None:
        """Saves a finding type on the worker; `then` runs once saved (a failure keeps the edits, with why)."""
        def saved(info: ViolationTypeInfo) -> None:
            self._type_saved(info)
            if then is not None:
                then()

        self.ctx.run(library.update_violation_type, self.ctx.db, key, **changes, on_done=saved,
                     on_error=self._type_failed, label="Saving the finding type…", parent=self)

    def _type_saved(self, info: ViolationTypeInfo) -> None:
        self.last_error = None
        if not self.model.replace_row(info):
            self.reload()
        if self.editor.info is not None and self.editor.info.key == info.key:
            self.editor.show_type(info)
            self.editor.set_message("Saved. New findings of this type take it from now on.")
        self._notify("library")

    def _type_failed(self, exc: BaseException) -> None:
        text = " ".join(str(exc).split())
        self.last_error = text
        self.editor.set_message("Not saved: " + text, error=True)
        if not isinstance(exc, UserError):
            self.ctx.show_error(self, exc)

    def ask_new_type(self) -> Optional[tuple[str, dict]]:
        dialog = NewTypeDialog(self._categories, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def new_type(self) -> None:
        self._leave_type(self._ask_and_create_type)

    def _ask_and_create_type(self) -> None:
        answer = self.ask_new_type()
        if answer is None:
            return
        key, values = answer

        def created(info: ViolationTypeInfo) -> None:
            self.last_error = None
            self._shown_key = None
            rows = self.model.all_rows() + [info]
            self.model.set_rows(rows)
            self.filter_box.clear()
            self.table.select_id(info.key)
            self.editor.set_message(f"{info.key} added to the library.")
            self._notify("library")

        self.ctx.run(library.create_violation_type, self.ctx.db, key, **values, on_done=created,
                     on_error=self._type_failed, parent=self)

    def _points_for_type(self, key: str) -> None:
        self.tabs.setCurrentIndex(1)
        self.matrix.select_type(key)

    def _leave_type(self, then: Callable[[], None]) -> bool:
        """Leaves the finding type shown: its unsaved edits are saved through the worker (or thrown away) first."""
        if not self.editor.is_dirty():
            then()
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self.save_type(self.editor.info.key, self.editor.changes(), then=then)
            return True
        if answer == QMessageBox.StandardButton.Discard:
            self.editor.revert()
            then()
            return True
        return False

    # --- the scoring matrix ------------------------------------------------------------------------------------
    def _matrix_edited(self) -> None:
        dirty = self.matrix.is_dirty()
        self.matrix_save.setEnabled(dirty)
        self.matrix_revert.setEnabled(dirty)
        self._set_matrix_message("● Unsaved changes to the matrix" if dirty else "", warning=dirty)

    def _set_matrix_message(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.matrix_message.setText(text)
        colour = theme.OVERDUE if error else (theme.WARNING if warning else theme.OK)
        self.matrix_message.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def confirm_impacts(self, change: MatrixChange, impacts: list[RerateImpact]) -> bool:
        """Shows what the change would re-rate; True to save. A separate method so tests can answer it."""
        dialog = ImpactDialog(change, impacts, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def preview_matrix(self) -> None:
        """Works out which open assessments the change would re-rate, asks, and only then saves it."""
        change = self.matrix.change()
        if not (change.defaults or change.per_type):
            return
        self.last_impacts = None

        def previewed(impacts: list[RerateImpact]) -> None:
            self.last_impacts = impacts
            if not self.confirm_impacts(change, impacts):
                self._set_matrix_message("Not saved: the matrix is as it was. Your edits are still here.",
                                         warning=True)
                return
            db = self.ctx.db

            def save_and_read():  # on the worker: the matrix as saved comes back with the impacts
                impacts = library.save_matrix_change(db, change)
                return impacts, library.get_matrix(db)

            self.ctx.run(save_and_read, on_done=saved, on_error=self._matrix_failed,
                         label="Saving the matrix and re-rating assessments…", parent=self)

        def saved(result) -> None:
            impacts, matrix = result
            self.last_error = None
            _Matrix.current = matrix
            self.matrix.load(matrix)
            self.editor.update_points()
            self.model.set_rows(self.model.all_rows())  # points per type follow the matrix
            changed = sum(1 for i in impacts if i.old_rating != i.new_rating)
            self._set_matrix_message(
                f"Saved. {len(impacts):,} open assessment{'s' if len(impacts) != 1 else ''} re-scored, "
                f"{changed:,} changed rating.")
            self._notify("library", "assessments", "suppliers")

        self.ctx.run(library.preview_matrix_change, self.ctx.db, change, on_done=previewed,
                     on_error=self._matrix_failed, label="Working out which assessments change…", parent=self)

    def _matrix_failed(self, exc: BaseException) -> None:
        text = " ".join(str(exc).split())
        self.last_error = text
        self._set_matrix_message("Not saved: " + text, error=True)
        if not isinstance(exc, UserError):
            self.ctx.show_error(self, exc)

    # --- navigation and change notices ---------------------------------------------------------------------------
    def open_item(self, kind: str, item_id: Any) -> bool:
        if kind != "violation_type":
            return False
        self.tabs.setCurrentIndex(0)
        key = str(item_id)
        if self._loading or self._stale:
            self._pending_key = key
            if not self._loading:
                self.reload()
            return True
        if self.model.position_of(key) is None:
            self.filter_box.clear()
            with QSignalBlocker(self.category_filter), QSignalBlocker(self.severity_filter):
                self.category_filter.setCurrentIndex(0)
                self.severity_filter.setCurrentIndex(0)
            self.model.set_predicate(None)
        return self.table.select_id(key)

    def focus_filter(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.filter_box.setFocus()
            self.filter_box.selectAll()

    def has_unsaved_changes(self) -> bool:
        return self.editor.is_dirty() or self.matrix.is_dirty()

    def unsaved_question(self) -> tuple[str, str]:
        return "Unsaved finding type", "The finding type has changes that are not saved. Save them first?"

    def leave(self, then: Callable[[], None]) -> bool:
        """The finding type's edits are saved (or thrown away) first; edits of the scoring matrix are only saved
        after their preview, so leaving them can throw them away or stay."""
        def matrix_then() -> None:
            if self.matrix.is_dirty():
                answer = QMessageBox.question(
                    self, "Unsaved scoring matrix",
                    "The scoring matrix has changes that are not saved. Leave without saving them?",
                    QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel,
                )
                if answer != QMessageBox.StandardButton.Discard:
                    self.tabs.setCurrentIndex(1)
                    return
                self.matrix.load(self.matrix.saved)
            then()

        return self._leave_type(matrix_then)

    def _notify(self, *topics: str) -> None:
        self.notify(*topics)  # the page already shows what it changed; other screens refresh

    def hideEvent(self, event) -> None:  # noqa: N802
        self.ctx.settings().setValue("library/splitter", self.splitter.saveState())
        super().hideEvent(event)
