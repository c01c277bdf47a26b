"""The checklist template editor: questions added, changed, reordered and removed; saving stores a new version."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QInputDialog,
    QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from csrdesk.domain.vetting import (
    KIND_LABELS, QUESTION_TYPES, TYPE_LABELS, YES, Option, Question, Section, Template, TemplateError, Thresholds,
)
from csrdesk.domain.vetting_editing import (
    add_question, add_section, move_question, new_question_id, remove_question, replace_question, validate,
)
from csrdesk.services import checklists as service
from csrdesk.errors import UserError
from csrdesk.ui import theme
from csrdesk.ui.pages.base import muted
from csrdesk.ui.widgets.buttons import primary_button


def _optional_number(text: str, what: str) -> Optional[float]:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise TemplateError(f"{what} must be a number or empty, not {text!r}.") from None


class QuestionEditor(QWidget):
    """The fields of one question; `question()` reads them back (raising TemplateError on nonsense)."""

    edited = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.id_label = QLabel()
        self.type_combo = QComboBox()
        for t in QUESTION_TYPES:
            self.type_combo.addItem(TYPE_LABELS[t], t)
        self.text_edit = QLineEdit()
        self.text_zh_edit = QLineEdit()
        self.help_edit = QLineEdit()
        self.help_zh_edit = QLineEdit()
        self.weight_spin = QDoubleSpinBox()
        self.weight_spin.setRange(0, 100)
        self.weight_spin.setDecimals(1)
        self.required_check = QCheckBox("Required")
        self.evidence_check = QCheckBox("Evidence required")
        self.na_check = QCheckBox("May be answered n/a")
        flags = QHBoxLayout()
        for w in (self.required_check, self.evidence_check, self.na_check):
            flags.addWidget(w)
        flags.addStretch(1)
        self.expected_combo = QComboBox()
        self.expected_combo.addItem("Yes", "yes")
        self.expected_combo.addItem("No", "no")
        self.knockout_combo = QComboBox()
        self.knockout_combo.addItem("none", None)
        self.knockout_combo.addItem("Yes rejects", "yes")
        self.knockout_combo.addItem("No rejects", "no")
        self.options_table = QTableWidget(0, 5)
        self.options_table.setHorizontalHeaderLabels(["Value", "Label", "中文", "Score 0–1", "Knock-out"])
        self.options_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.options_table.verticalHeader().setVisible(False)
        self.options_table.setMinimumHeight(120)
        add_option = QPushButton("Add option")
        add_option.clicked.connect(lambda: self._add_option(Option("", "")))
        remove_option = QPushButton("Remove option")
        remove_option.clicked.connect(self._remove_option)
        option_buttons = QHBoxLayout()
        option_buttons.addWidget(add_option)
        option_buttons.addWidget(remove_option)
        option_buttons.addStretch(1)
        self.options_box = QWidget()
        ob = QVBoxLayout(self.options_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addWidget(self.options_table)
        ob.addLayout(option_buttons)
        self.good_min, self.good_max = QLineEdit(), QLineEdit()
        self.ko_below, self.ko_above = QLineEdit(), QLineEdit()
        for w, tip in ((self.good_min, "earns the weight from"), (self.good_max, "earns the weight up to"),
                       (self.ko_below, "rejects below"), (self.ko_above, "rejects above")):
            w.setPlaceholderText("—")
            w.setToolTip(tip + " (for dates: days from the day of the screen, negative in the past)")
        self.unit_edit = QLineEdit()
        ranges = QHBoxLayout()
        for label, w in (("good from", self.good_min), ("to", self.good_max), ("knock-out below", self.ko_below),
                         ("above", self.ko_above), ("unit", self.unit_edit)):
            ranges.addWidget(QLabel(label))
            ranges.addWidget(w)
        self.ranges_box = QWidget()
        self.ranges_box.setLayout(ranges)
        self.condition_edit = QLineEdit()
        self.condition_edit.setPlaceholderText("proposed as a condition when the answer falls short")
        self.condition_days = QSpinBox()
        self.condition_days.setRange(0, 3650)
        self.condition_days.setSuffix(" days")
        cond = QHBoxLayout()
        cond.addWidget(self.condition_edit, 1)
        cond.addWidget(self.condition_days)
        form = QFormLayout(self)
        form.addRow("Id", self.id_label)
        form.addRow("Type", self.type_combo)
        form.addRow("Question", self.text_edit)
        form.addRow("问题", self.text_zh_edit)
        form.addRow("Help", self.help_edit)
        form.addRow("说明", self.help_zh_edit)
        form.addRow("Weight", self.weight_spin)
        form.addRow(flags)
        self.expected_label, self.knockout_label = QLabel("Expected answer"), QLabel("Knock-out")
        form.addRow(self.expected_label, self.expected_combo)
        form.addRow(self.knockout_label, self.knockout_combo)
        form.addRow(self.options_box)
        form.addRow(self.ranges_box)
        form.addRow("Condition", cond)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        for w in (self.text_edit, self.text_zh_edit, self.help_edit, self.help_zh_edit, self.good_min, self.good_max,
                  self.ko_below, self.ko_above, self.unit_edit, self.condition_edit):
            w.textEdited.connect(lambda _t: self.edited.emit())
        for w in (self.required_check, self.evidence_check, self.na_check):
            w.toggled.connect(lambda _b: self.edited.emit())
        for w in (self.type_combo, self.expected_combo, self.knockout_combo):
            w.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.weight_spin.valueChanged.connect(lambda _v: self.edited.emit())
        self.condition_days.valueChanged.connect(lambda _v: self.edited.emit())
        self.options_table.itemChanged.connect(lambda _i: self.edited.emit())
        self._qid = ""

    def _type_changed(self, *_args) -> None:
        t = self.type_combo.currentData()
        for w in (self.expected_label, self.expected_combo, self.knockout_label, self.knockout_combo):
            w.setVisible(t == "yesno")
        self.options_box.setVisible(t == "choice")
        self.ranges_box.setVisible(t in ("number", "date"))

    def _add_option(self, o: Option) -> None:
        r = self.options_table.rowCount()
        self.options_table.insertRow(r)
        for c, value in enumerate((o.value, o.label, o.label_zh, f"{o.score:g}")):
            self.options_table.setItem(r, c, QTableWidgetItem(value))
        ko = QTableWidgetItem()
        ko.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        ko.setCheckState(Qt.CheckState.Checked if o.knockout else Qt.CheckState.Unchecked)
        self.options_table.setItem(r, 4, ko)

    def _remove_option(self) -> None:
        rows = sorted({i.row() for i in self.options_table.selectedIndexes()}, reverse=True)
        for r in rows or [self.options_table.rowCount() - 1]:
            if r >= 0:
                self.options_table.removeRow(r)
        self.edited.emit()

    def set_question(self, q: Question) -> None:
        blockers = [QSignalBlocker(w) for w in self.findChildren(QWidget)]
        self._qid = q.id
        self.id_label.setText(q.id)
        self.type_combo.setCurrentIndex(self.type_combo.findData(q.type))
        self.text_edit.setText(q.text)
        self.text_zh_edit.setText(q.text_zh)
        self.help_edit.setText(q.help)
        self.help_zh_edit.setText(q.help_zh)
        self.weight_spin.setValue(q.weight)
        self.required_check.setChecked(q.required)
        self.evidence_check.setChecked(q.evidence)
        self.na_check.setChecked(q.allow_na)
        self.expected_combo.setCurrentIndex(self.expected_combo.findData(q.expected))
        self.knockout_combo.setCurrentIndex(self.knockout_combo.findData(q.knockout_answer))
        self.options_table.setRowCount(0)
        for o in q.options:
            self._add_option(o)
        for w, v in ((self.good_min, q.good_min), (self.good_max, q.good_max), (self.ko_below, q.knockout_below),
                     (self.ko_above, q.knockout_above)):
            w.setText("" if v is None else f"{v:g}")
        self.unit_edit.setText(q.unit)
        self.condition_edit.setText(q.condition)
        self.condition_days.setValue(q.condition_days)
        del blockers
        self._type_changed()

    def question(self) -> Question:
        t = self.type_combo.currentData()
        options: list[Option] = []
        if t == "choice":
            for r in range(self.options_table.rowCount()):
                cells = [self.options_table.item(r, c) for c in range(5)]
                label = cells[1].text().strip() if cells[1] else ""
                if not label:
                    continue
                value = (cells[0].text().strip() if cells[0] else "") or label
                try:
                    score = float(cells[3].text()) if cells[3] and cells[3].text().strip() else 1.0
                except ValueError:
                    raise TemplateError(f"The score of option {label!r} must be a number from 0 to 1.") from None
                options.append(Option(value, label, cells[2].text().strip() if cells[2] else "", score,
                                      bool(cells[4] and cells[4].checkState() == Qt.CheckState.Checked)))
        return Question(
            id=self._qid, type=t, text=self.text_edit.text().strip(), text_zh=self.text_zh_edit.text().strip(),
            help=self.help_edit.text().strip(), help_zh=self.help_zh_edit.text().strip(),
            weight=self.weight_spin.value(), required=self.required_check.isChecked(),
            evidence=self.evidence_check.isChecked(), allow_na=self.na_check.isChecked(),
            expected=self.expected_combo.currentData() if t == "yesno" else YES,
            knockout_answer=self.knockout_combo.currentData() if t == "yesno" else None,
            options=tuple(options),
            good_min=_optional_number(self.good_min.text(), "Good from") if t in ("number", "date") else None,
            good_max=_optional_number(self.good_max.text(), "Good to") if t in ("number", "date") else None,
            knockout_below=_optional_number(self.ko_below.text(), "Knock-out below") if t in ("number", "date") else None,
            knockout_above=_optional_number(self.ko_above.text(), "Knock-out above") if t in ("number", "date") else None,
            unit=self.unit_edit.text().strip() if t in ("number", "date") else "",
            condition=self.condition_edit.text().strip(), condition_days=self.condition_days.value(),
        )


class TemplateEditor(QWidget):
    """Edits a checklist: add, change, reorder and remove questions; saving stores a new version."""

    saved = Signal(object)  # ChecklistInfo

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.template: Optional[Template] = None
        self.templates = []
        self._dirty = False
        self._current_qid: Optional[str] = None
        self._question_dirty = False

        self.template_combo = QComboBox()
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        self.versions_label = muted()
        self.status = muted()
        copy_button = QPushButton("New template from this…")
        copy_button.clicked.connect(self.copy_template)
        self.save_button = primary_button("Save as new version")
        self.save_button.clicked.connect(lambda: self.save())
        top = QHBoxLayout()
        top.addWidget(QLabel("Checklist"))
        top.addWidget(self.template_combo, 1)
        top.addWidget(self.versions_label)
        top.addWidget(copy_button)
        top.addWidget(self.save_button)

        self.title_edit = QLineEdit()
        self.title_zh_edit = QLineEdit()
        self.approve_spin = QDoubleSpinBox()
        self.conditional_spin = QDoubleSpinBox()
        for spin in (self.approve_spin, self.conditional_spin):
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.valueChanged.connect(lambda _v: self._mark_dirty())
        self.title_edit.textEdited.connect(lambda _t: self._mark_dirty())
        self.title_zh_edit.textEdited.connect(lambda _t: self._mark_dirty())
        head = QFormLayout()
        head.addRow("Title", self.title_edit)
        head.addRow("标题", self.title_zh_edit)
        thresholds = QHBoxLayout()
        thresholds.addWidget(QLabel("approve at"))
        thresholds.addWidget(self.approve_spin)
        thresholds.addWidget(QLabel("approve with conditions at"))
        thresholds.addWidget(self.conditional_spin)
        thresholds.addStretch(1)
        head.addRow("Thresholds", thresholds)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Question", "Type", "Weight", "Knock-out"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._item_chosen)
        self.add_button = QPushButton("Add question")
        self.add_button.clicked.connect(lambda: self.add_question())
        self.add_section_button = QPushButton("Add section")
        self.add_section_button.clicked.connect(self.add_section)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move(+1))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        tree_buttons = QHBoxLayout()
        for b in (self.add_button, self.add_section_button, self.up_button, self.down_button, self.remove_button):
            tree_buttons.addWidget(b)
        tree_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(tree_buttons)

        self.editor = QuestionEditor()
        self.editor.edited.connect(self._question_edited)
        self.apply_button = QPushButton("Apply to question")
        self.apply_button.clicked.connect(self.apply_question)
        self.editor_error = QLabel()
        self.editor_error.setWordWrap(True)
        self.editor_error.setStyleSheet(f"color: {theme.OVERDUE};")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.editor)
        right_layout.addWidget(self.editor_error)
        right_layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        right_layout.addStretch(1)
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setWidget(right)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right_scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(head)
        layout.addWidget(split, 1)
        self._update_buttons()

    @property
    def dirty(self) -> bool:
        return self._dirty or self._question_dirty

    def _mark_dirty(self) -> None:
        self._dirty = True
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.template is not None
        on_question = self._current_qid is not None
        self.save_button.setEnabled(has and self.dirty)
        for b in (self.up_button, self.down_button, self.remove_button):
            b.setEnabled(on_question)
        self.apply_button.setEnabled(on_question and self._question_dirty)
        self.editor.setEnabled(on_question)

    # -- loading ---------------------------------------------------------------------------------------------------
    def reload(self, select_key: Optional[str] = None) -> None:
        def loaded(rows) -> None:
            self.templates = rows
            key = select_key or (self.template.key if self.template else None)
            with QSignalBlocker(self.template_combo):
                self.template_combo.clear()
                for t in rows:
                    self.template_combo.addItem(f"{t.title}  ·  v{t.version}{'' if t.builtin else ' (edited)'}", t.key)
                index = self.template_combo.findData(key) if key else 0
                self.template_combo.setCurrentIndex(max(index, 0))
            if not self.dirty:
                self._template_chosen()

        self.ctx.run(service.list_checklists, self.ctx.db, on_done=loaded, parent=self)

    def _template_chosen(self, *_args) -> None:
        key = self.template_combo.currentData()
        if not key:
            return
        self.ctx.run(service.get_template, self.ctx.db, key, on_done=self.show_template, parent=self)

    def show_template(self, template: Template) -> None:
        self.template = template
        info = next((t for t in self.templates if t.key == template.key), None)
        self.versions_label.setText(f"version {template.version} · {KIND_LABELS.get(template.kind, template.kind)}"
                                    + ("" if info is None or info.builtin else " · edited"))
        with QSignalBlocker(self.title_edit), QSignalBlocker(self.title_zh_edit), \
                QSignalBlocker(self.approve_spin), QSignalBlocker(self.conditional_spin):
            self.title_edit.setText(template.title)
            self.title_zh_edit.setText(template.title_zh)
            self.approve_spin.setValue(template.thresholds.approve)
            self.conditional_spin.setValue(template.thresholds.conditional)
        self._dirty = False
        self._question_dirty = False
        self._fill_tree()

    def _fill_tree(self, select: Optional[str] = None) -> None:
        t = self.template
        with QSignalBlocker(self.tree):
            self.tree.clear()
            numbering = t.numbering() if t else {}
            chosen = None
            for si, s in enumerate(t.sections if t else (), start=1):
                top = QTreeWidgetItem([f"{si}. {s.title}"])
                top.setData(0, Qt.ItemDataRole.UserRole, ("section", s.id))
                font = top.font(0)
                font.setBold(True)
                top.setFont(0, font)
                self.tree.addTopLevelItem(top)
                for q in s.questions:
                    item = QTreeWidgetItem([f"{numbering[q.id]} {q.text}", TYPE_LABELS[q.type], f"{q.weight:g}",
                                            "yes" if q.has_knockout else ""])
                    item.setData(0, Qt.ItemDataRole.UserRole, ("question", q.id))
                    item.setToolTip(0, q.text_zh or q.text)
                    top.addChild(item)
                    if q.id == select:
                        chosen = item
                top.setExpanded(True)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        else:
            self._current_qid = None
            self._update_buttons()

    def _item_chosen(self, current, previous) -> None:
        if self._question_dirty and self._current_qid and not self.apply_question():
            with QSignalBlocker(self.tree):
                self.tree.setCurrentItem(previous)
            return
        data = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        if data and data[0] == "question" and self.template is not None:
            self._current_qid = data[1]
            self.editor.set_question(self.template.question(data[1]))
        else:
            self._current_qid = None
        self._question_dirty = False
        self.editor_error.setText("")
        self._update_buttons()

    def _question_edited(self) -> None:
        self._question_dirty = True
        self._update_buttons()

    def _selected_section(self) -> Optional[str]:
        item = self.tree.currentItem()
        if item is None:
            return self.template.sections[-1].id if self.template and self.template.sections else None
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data[0] == "section":
            return data[1]
        return self.template.section_of(data[1]).id

    # -- editing ---------------------------------------------------------------------------------------------------
    def _change(self, fn: Callable[[Template], Template], select: Optional[str] = None) -> bool:
        try:
            self.template = fn(self.template)
        except (TemplateError, KeyError) as exc:
            self.ctx.show_error(self, UserError(str(exc)))
            return False
        self._dirty = True
        self._fill_tree(select)
        self._update_buttons()
        return True

    def apply_question(self) -> bool:
        """Puts the edited fields into the question; a nonsensical question is refused with the reason."""
        if self.template is None or self._current_qid is None:
            return True
        try:
            q = self.editor.question()
            candidate = validate(replace_question(self.template, self._current_qid, q))
        except (TemplateError, KeyError) as exc:
            self.editor_error.setText(str(exc))
            return False
        self.editor_error.setText("")
        self._question_dirty = False
        self.template = candidate
        self._dirty = True
        self._fill_tree(q.id)
        return True

    def add_question(self, text: str = "New question", qtype: str = "yesno") -> Optional[str]:
        if self.template is None:
            return None
        if self._question_dirty and not self.apply_question():
            return None
        section = self._selected_section()
        qid = new_question_id(self.template, "q")
        position = None
        item = self.tree.currentItem()
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole)[0] == "question":
            s = self.template.section_of(item.data(0, Qt.ItemDataRole.UserRole)[1])
            position = [q.id for q in s.questions].index(item.data(0, Qt.ItemDataRole.UserRole)[1]) + 1
        q = Question(id=qid, type=qtype, text=text, weight=1,
                     options=(Option("a", "Option A"), Option("b", "Option B", score=0)) if qtype == "choice" else ())
        if self._change(lambda t: add_question(t, section, q, position), select=qid):
            return qid
        return None

    def add_section(self) -> None:
        if self.template is None:
            return
        title, ok = QInputDialog.getText(self, "Add section", "Section title")
        if not ok or not title.strip():
            return
        sid = new_question_id(self.template, "section")
        while any(s.id == sid for s in self.template.sections):
            sid += "_"
        qid = new_question_id(self.template, "q")
        section = Section(sid, title.strip(), "", (Question(id=qid, type="yesno", text="New question"),))
        self._change(lambda t: add_section(t, section), select=qid)

    def move(self, delta: int) -> None:
        if self._current_qid is None:
            return
        if self._question_dirty and not self.apply_question():
            return
        qid = self._current_qid
        self._change(lambda t: move_question(t, qid, delta), select=qid)

    def remove(self) -> None:
        if self._current_qid is None:
            return
        qid = self._current_qid
        self._question_dirty = False
        self._change(lambda t: remove_question(t, qid))

    def _edited_template(self) -> Template:
        t = self.template
        return replace(t, title=self.title_edit.text().strip(), title_zh=self.title_zh_edit.text().strip(),
                       thresholds=Thresholds(self.approve_spin.value(), self.conditional_spin.value()))

    def save(self, then: Optional[Callable[[], None]] = None) -> None:
        """Saves the checklist as a new version on the worker, then calls `then`; a question that does not make
        sense, or a failed save, keeps the edits (and `then` is not called)."""
        if self.template is None:
            return
        if self._question_dirty and not self.apply_question():
            return
        template = self._edited_template()

        def done(info) -> None:
            self._dirty = False
            self._question_dirty = False
            self.status.setText(f"Saved as version {info.version}. New screens use it; screens already filled keep "
                                "their own version.")
            self.saved.emit(info)
            self.reload(info.key)
            if then is not None:
                then()

        self.ctx.run(service.save_template, self.ctx.db, template, on_done=done, label="Saving the checklist…",
                     parent=self)

    def discard(self) -> None:
        """Throws the edits away: the checklist as saved is read again."""
        self._dirty = self._question_dirty = False
        self.status.setText("")
        self.reload()

    def copy_template(self) -> None:
        if self.template is None:
            return
        title, ok = QInputDialog.getText(self, "New template", "Title of the new checklist",
                                         text=f"{self.template.title} (copy)")
        if not ok or not title.strip():
            return
        base = "".join(ch if ch.isalnum() else "_" for ch in title.lower()).strip("_")[:60] or "checklist"
        if not base[0].isalpha():
            base = "c_" + base
        keys = {t.key for t in self.templates}
        key, n = base, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        self.template = replace(self._edited_template(), key=key, version=1, title=title.strip(), builtin_version=None)
        self.title_edit.setText(title.strip())
        self._dirty = True
        self.versions_label.setText("new, not saved yet")
        self._fill_tree()
        self._update_buttons()


# -- the page -----------------------------------------------------------------------------------------------------
