"""The assessment editor's findings: the picker, the grid, the selected finding's text, adding free-text
findings and asking for their category and severity."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, QRect, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QAbstractItemView, QComboBox, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel,
    QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QStyle, QTableView, QVBoxLayout, QWidget,
)

from csrdesk.ui import theme
from csrdesk.ui.widgets.elided_label import ElidedLabel
from csrdesk.ui.widgets.finding_picker import FindingPicker
from csrdesk.ui.widgets.findings_grid import (
    COL_CATEGORY, COL_POINTS, COL_SEVERITY, COL_TITLE, COLUMNS, SEVERITIES, CategoryDelegate, FindingDraft,
    PointsDelegate, SeverityDelegate,
)


TITLE_MIN_CHARS = 27  # the finding keeps room for about this many average characters a line: 80 on three lines
CELL_PADDING = 12  # the cell's margins around a text
MAX_LINES = 2  # a category wraps onto at most this many lines in the grid
TITLE_LINES = 3  # a finding onto at most this many, when they show it whole (see fit_finding_rows)
ROW_PADDING = 8  # above and below a row's text
COL_TYPE = 1  # the library key (HSF-007), also shown with the finding below the grid and in its tooltip


def fit_finding_columns(grid: QTableView) -> None:
    """Sizes the findings grid to its width: the short columns (#, type, severity, points, repeat) to their widest
    text and title, measured with the grid's own font (bold where the cell is bold); the category to its widest
    text, wrapping onto two lines (every word shown) when the finding would otherwise have less than about
    TITLE_MIN_CHARS characters a line; the finding takes the rest and wraps onto up to three lines (see
    fit_finding_rows). When that is still too little (the default 1360x840 window), the type column makes way: the
    key is in the finding's tooltip and beside it below the grid, and comes back when the grid is wide enough."""
    model = grid.model()
    header = grid.horizontalHeader()
    available = grid.viewport().width()
    if model is None or available <= 50:
        return
    plain = grid.fontMetrics()
    bold_font = QFont(grid.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    rows = min(model.rowCount(), 300)
    titles = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)

    def title_width(col: int) -> int:  # the column's title, whole, with the header's margins
        text = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""
        return titles.horizontalAdvance(str(text)) + 2 * margin + 6

    need: dict[int, int] = {}
    for col in range(model.columnCount()):
        if col == COL_TITLE:
            continue
        widest = title_width(col)
        for row in range(rows):
            index = model.index(row, col)
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            font = model.data(index, Qt.ItemDataRole.FontRole)
            metrics = bold if font is not None and font.bold() else plain
            widest = max(widest, metrics.horizontalAdvance(str(text)) + CELL_PADDING)
        need[col] = widest
    title_min = max(title_width(COL_TITLE), plain.averageCharWidth() * TITLE_MIN_CHARS + CELL_PADDING)
    over = sum(need.values()) + title_min - available
    if over > 0:  # the category wraps onto two lines (every word shown), down to what its texts need so
        categories = [str(model.data(model.index(r, COL_CATEGORY), Qt.ItemDataRole.DisplayRole) or "")
                      for r in range(rows)]
        floor = max(title_width(COL_CATEGORY), _two_line_width(plain, categories) + CELL_PADDING)
        need[COL_CATEGORY] = max(floor, need[COL_CATEGORY] - over)
        over = sum(need.values()) + title_min - available
    if grid.isColumnHidden(COL_TYPE) != (over > 0):
        grid.setColumnHidden(COL_TYPE, over > 0)
    if over > 0:
        del need[COL_TYPE]
    for col, width in need.items():
        if header.sectionSize(col) != width:
            header.resizeSection(col, width)
    fit_finding_rows(grid)


def _two_line_width(metrics: QFontMetrics, texts: list[str]) -> int:
    """The narrowest width at which each of `texts` wraps onto at most MAX_LINES lines (no word cut)."""
    texts = sorted({t for t in texts if t.strip()})  # a few categories, each measured once
    if not texts:
        return 0
    words = max(metrics.horizontalAdvance(w) for t in texts for w in t.split())
    low, high = words, max(metrics.horizontalAdvance(t) for t in texts)

    def fits(width: int) -> bool:
        return all(_lines(metrics, t, width) <= MAX_LINES for t in texts)

    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _lines(metrics: QFontMetrics, text: str, width: int) -> int:
    rect = metrics.boundingRect(QRect(0, 0, max(width, 1), 100000), int(Qt.TextFlag.TextWordWrap), text)
    return max(1, round(rect.height() / max(metrics.lineSpacing(), 1)))


def fit_finding_rows(grid: QTableView) -> None:
    """Each row as tall as its wrapped finding and category need: the category up to MAX_LINES lines, the finding
    up to TITLE_LINES when that shows it whole (a longer one keeps MAX_LINES and ends in …, whole in its tooltip and
    in the detail below the grid: a third line would not finish it, and would cost the grid a row); a row of
    one-line texts stays one line high."""
    model = grid.model()
    metrics = grid.fontMetrics()
    one = metrics.height() + ROW_PADDING

    def lines(row: int, col: int) -> int:
        text = str(model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole) or "")
        return _lines(metrics, text, grid.columnWidth(col) - CELL_PADDING)

    for row in range(model.rowCount()):
        title = lines(row, COL_TITLE)
        needed = max(title if title <= TITLE_LINES else MAX_LINES, min(lines(row, COL_CATEGORY), MAX_LINES))
        height = one + metrics.lineSpacing() * (needed - 1)
        if grid.rowHeight(row) != height:
            grid.setRowHeight(row, height)


class _FitFindingColumns(QObject):
    """Keeps the findings grid fitted (see fit_finding_columns) as its rows change and as it is resized."""

    def __init__(self, grid: QTableView) -> None:
        super().__init__(grid)
        self._grid = grid
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(lambda: fit_finding_columns(self._grid))
        grid.installEventFilter(self)
        model = grid.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(lambda *_a: self._timer.start())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self._grid and event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.FontChange):
            self._timer.start()
        return False


class _SplitWhenSized(QObject):
    """Calls `split` once the splitter has its first real height (the window laid out), then no more: after that
    the user's own split stands."""

    def __init__(self, splitter: QSplitter, split) -> None:
        super().__init__(splitter)
        self._split = split
        splitter.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and obj.height() > 100:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self._split)
        return False


class FindingsSection:
    """Mixin of AssessmentEditor: the findings pane (left of the rating) and its actions."""

    def _detail_min_height(self) -> int:
        """The finding's text keeps at least its title, the library's wording and the description in view."""
        card = self._detail_card
        margins = card.layout().contentsMargins()
        card.layout().activate()
        if card.height() > 50:  # laid out: where the description box ends, measured
            edit = self.description_edit
            return edit.mapTo(card, QPoint(0, edit.height())).y() + margins.bottom() + 2
        spacing = max(card.layout().verticalSpacing(), 0)
        lines = self.detail_title.heightForWidth(max(self.detail_title.width(), 200))
        return (margins.top() + margins.bottom() + lines + self.library_hint.sizeHint().height()
                + self.description_edit.height() + 2 * spacing + 2)

    def _split_findings(self) -> None:
        """The grid takes the spare height: the text below gets what keeps its title and description in view."""
        total = sum(self.findings_split.sizes())
        if total <= 0:
            return
        detail = min(self._detail_min_height(), total // 2)
        self.detail_scroll.setMinimumHeight(detail)  # the grid grows with the window, the text keeps this
        self.findings_split.setSizes([total - detail, detail])

    def _build_findings(self, body: QSplitter) -> QWidget:
        left = QWidget(body)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 6, 6, 0)
        add_row = QHBoxLayout()
        self.picker = FindingPicker(left)
        self.free_severity = QComboBox(left)
        self.free_severity.addItem("Severity…", "")
        for s in SEVERITIES:
            self.free_severity.addItem(s, s)
        self.free_severity.setToolTip("Severity of the next free-text finding, if you know it already (library "
                                      "findings bring their own; otherwise you are asked after adding)")
        self.add_button = QPushButton("Add", left)
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click keeps the box and its suggestions
        self.add_button.setToolTip("Add the highlighted suggestion, or your text as a free-text finding (Enter); "
                                   "Ctrl+Enter adds your own text even when suggestions are shown")
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.free_severity)
        add_row.addWidget(self.add_button)
        left_layout.addLayout(add_row)
        # What the box just did, said by the box (not at the bottom of the editor, where a new user does not look).
        self.picker_note = QLabel("", left)
        self.picker_note.setObjectName("pickerNote")
        self.picker_note.setWordWrap(True)
        self.picker_note.setVisible(False)
        left_layout.addWidget(self.picker_note)
        self.picker.textEdited.connect(lambda _t: self._say_by_box(""))

        self.grid = QTableView(left)
        self.grid.setModel(self.model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.verticalHeader().setVisible(False)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(True)  # the finding and its category wrap (see fit_finding_rows)
        self.grid.setItemDelegateForColumn(COL_SEVERITY, SeverityDelegate(self.grid))
        self.grid.setItemDelegateForColumn(COL_POINTS, PointsDelegate(self.grid))
        self.grid.setItemDelegateForColumn(COL_CATEGORY, CategoryDelegate(lambda: self._categories, self.grid))
        for i, c in enumerate(COLUMNS):
            self.grid.setColumnWidth(i, c.width)
        header = self.grid.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(16)  # "#" needs only its digits
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # no sideways scrolling
        self.grid.setTextElideMode(Qt.TextElideMode.ElideRight)  # a cut text ends in …, whole in its tooltip
        self._column_fitter = _FitFindingColumns(self.grid)
        # The grid and the selected finding's text share the height: the grid takes what is spare (the text keeps
        # its title and description in view, and scrolls for the requirements); the user moves the line between.
        self.findings_split = QSplitter(Qt.Orientation.Vertical, left)
        self.findings_split.setChildrenCollapsible(False)
        self.findings_split.addWidget(self.grid)

        self.empty_hint = QLabel(
            "No findings yet. Type in the box above: a library key (HRS-001), words of the title in English or "
            "Chinese, or your own text; Enter adds it. An assessment with no findings is rated Satisfactory."
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("muted")
        left_layout.addWidget(self.empty_hint)

        detail = QFrame(left)
        detail.setObjectName("card")
        form = QFormLayout(detail)
        form.setContentsMargins(10, 8, 10, 8)
        self.detail_title = QLabel("Select a finding to describe what the auditor saw.")
        self.detail_title.setWordWrap(True)
        self.detail_title.setStyleSheet("font-weight: 600;")
        # The library's wording of the selected finding's type, as a guide (a label, not a placeholder: a
        # placeholder is not repainted when only its text changes, so it could show another finding's text).
        self.library_hint = ElidedLabel("")
        self.library_hint.setObjectName("muted")
        self.description_edit = QPlainTextEdit(detail)
        self.description_edit.setPlaceholderText("What the auditor saw: facts, numbers, where")
        self.legal_edit = QPlainTextEdit(detail)
        self.legal_edit.setPlaceholderText("The law it breaks (article, requirement)")
        self.code_edit = QPlainTextEdit(detail)
        self.code_edit.setPlaceholderText("The code of conduct requirement")
        for edit in (self.description_edit, self.legal_edit, self.code_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(52)
        form.addRow(self.detail_title)
        form.addRow(self.library_hint)
        form.addRow("Description", self.description_edit)
        form.addRow("Legal requirement", self.legal_edit)
        form.addRow("Code requirement", self.code_edit)
        self.detail_scroll = QScrollArea(left)
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(detail)
        self.findings_split.addWidget(self.detail_scroll)
        self.findings_split.setStretchFactor(0, 1)
        self.findings_split.setStretchFactor(1, 0)
        left_layout.insertWidget(left_layout.indexOf(self.empty_hint) + 1, self.findings_split, 1)
        self._detail_card = detail
        self._split_once = _SplitWhenSized(self.findings_split, self._split_findings)

        grid_buttons = QHBoxLayout()
        self.remove_button = QPushButton("Remove finding", left)
        self.remove_button.setToolTip("Remove the selected findings (Delete)")
        self.undo_button = QPushButton("Undo", left)
        self.redo_button = QPushButton("Redo", left)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        grid_buttons.addWidget(self.remove_button)
        grid_buttons.addWidget(self.undo_button)
        grid_buttons.addWidget(self.redo_button)
        grid_buttons.addStretch(1)
        grid_buttons.addWidget(self.count_label)
        left_layout.addLayout(grid_buttons)
        return left

    # --- adding and removing findings --------------------------------------------------------------------------
    def add_from_picker(self) -> None:
        """The Add button does what Enter in the box does: the highlighted suggestion, else the library entry the
        text names, else the close library matches to choose from ("did you mean"), else the text as a free-text
        finding; the keyboard stays in the box and what happened is said by the box."""
        self.picker.setFocus()
        if not self.picker.text().strip():
            if self.picker.suggestions_visible():
                self.picker.submit()
            elif any(not d.severity for d in self.model.drafts()):
                self.prompt_next_unclassified()
            else:
                self._say_by_box("Type a finding first: a library key (HSF-007), words of its title, or your own "
                                 "text.", error=True)
            return
        self.picker.submit()
        if self.picker.offering_close_matches():
            self._say_by_box("Not in the library as typed: did you mean one of the entries listed? ↑↓ and Enter (or "
                             "Add) take one; the last row adds your own text.")

    def _say_by_box(self, text: str, *, error: bool = False) -> None:
        self.picker_note.setText(text)
        colour = theme.OVERDUE if error else theme.TEXT
        self.picker_note.setStyleSheet(f"color: {colour};" + (" font-weight: 600;" if error else ""))
        self.picker_note.setVisible(bool(text))

    def add_own_text(self) -> None:
        """Ctrl+Enter: the typed words themselves, even when the library suggests entries."""
        if self.picker.text().strip():
            self.picker.submit_free()
        else:
            self.picker.setFocus()

    def add_library_finding(self, key: str) -> None:
        v = self._library.get(key)
        if v is None:
            self._set_message(f"{key} is not in the finding library.", error=True)
            return
        qd = self.date_edit.date()
        fill = self._laws.fill(v.legal_topic, date(qd.year(), qd.month(), qd.day())) if self._laws else None
        draft = FindingDraft(
            title=v.title, severity=v.severity, violation_type=v.key, category=v.category,
            code_requirement=v.code_requirement, legal_requirement=fill.text if fill else "",
            law_reference_id=fill.entry.id if fill else None,
        )
        self._add(draft, f"Add {v.key}")

    def add_free_finding(self, text: str) -> None:
        """A finding the library does not have. It is never without a category: it gets the category of the
        library entry closest to its words (else that of the finding above it, else the first), said by the box
        and changeable in the grid. Its severity is the one chosen beside the box, or none yet: it is not scored,
        nor saved, until the user chooses one (Enter in the empty box asks)."""
        severity = self.free_severity.currentData() or ""
        self.free_severity.setCurrentIndex(0)  # chosen for one finding, not silently for the next ones
        titles = dict(self._categories)
        category = self.picker.guess_category(text)
        guessed = bool(category)
        if not category:
            above = [d.category for d in self.model.drafts() if d.category]
            category = above[-1] if above else (self._categories[0][0] if self._categories else "")
        self._add(FindingDraft(title=text, severity=severity, category=category), "Add free-text finding")
        where = titles.get(category, category)
        why = "closest library entries" if guessed else "finding above" if self.model.rowCount() > 1 else "default"
        # The choices are not opened here: keys typed for the next finding would land in them. Enter in the empty
        # box (or a double-click in the grid) opens them.
        if severity:
            self._say_by_box(f"“{text}” is not in the library: added as your own {severity} finding under {where} "
                             f"(from the {why}; change it in the grid).")
        else:
            self._say_by_box(f"“{text}” is not in the library: added under {where} (from the {why}). Choose its "
                             "severity, and check its category: Enter in the empty box, or in the grid. Save needs "
                             "a severity.", error=True)

    def prompt_next_unclassified(self) -> None:
        """Asks for the category and severity of the first free-text finding still without them."""
        rows = [i for i, d in enumerate(self.model.drafts()) if not d.severity or (not d.category
                                                                                   and not d.violation_type)]
        if rows:
            self.prompt_classification(rows[0])

    def prompt_classification(self, row: int) -> None:
        """Opens the category choice of a free-text finding in the grid; the severity choice follows, then the
        keyboard goes back to the box for the next finding. Escape ends the prompts."""
        if not self.grid.isVisible() or not 0 <= row < self.model.rowCount():
            return
        self._prompting = row
        self._edit_cell(row, COL_CATEGORY)

    def _edit_cell(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.grid.setFocus()
        self.grid.setCurrentIndex(index)
        self.grid.edit(index)

    def _category_editor_closed(self, _editor, hint=None) -> None:
        row, self._prompting = self._prompting, None
        if row is None:
            return
        if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:  # Escape: no more questions
            return

        def next_step() -> None:
            if not 0 <= row < self.model.rowCount():
                return
            if not self.model.draft(row).severity:
                self._prompting = row
                self._edit_cell(row, COL_SEVERITY)
            else:
                self._prompt_done()

        QTimer.singleShot(0, self, next_step)

    def _severity_editor_closed(self, _editor, hint=None) -> None:
        row, self._prompting = self._prompting, None
        if row is None or hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:
            return
        if 0 <= row < self.model.rowCount() and self.model.draft(row).severity:
            QTimer.singleShot(0, self, self._prompt_done)

    def _prompt_done(self) -> None:
        if not self.model.unclassified():
            self._say_by_box("")
        self.picker.setFocus()

    def _add(self, draft: FindingDraft, label: str) -> int:
        row = self.model.add([draft], label)
        self.select_finding(row)
        self.grid.scrollTo(self.model.index(row, 0))
        self._set_message("")
        self._say_by_box("")
        self.picker.setFocus()
        return row

    def select_finding(self, row: int) -> None:
        """Makes one finding the selection and the current row (QTableView.selectRow would add to it)."""
        index = self.model.index(row, 0)
        if not index.isValid():
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.grid.selectionModel().setCurrentIndex(index, flags)
        self.grid.scrollTo(index)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.grid.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        if rows:
            self.model.remove(rows)
            if self.model.rowCount():
                self.select_finding(min(rows[0], self.model.rowCount() - 1))

    def _selection_changed(self, *_args) -> None:
        self.remove_button.setEnabled(bool(self.grid.selectionModel().selectedRows()))

    # --- the selected finding's text ---------------------------------------------------------------------------
    def _show_detail(self, *_args) -> None:
        index = self.grid.currentIndex()
        has = index.isValid()
        for edit in (self.description_edit, self.legal_edit, self.code_edit):
            edit.setEnabled(has)
        if not has or index.row() >= self.model.rowCount():
            self.detail_title.setText("Select a finding to describe what the auditor saw.")
            self.library_hint.set_full_text("")
            self.library_hint.setVisible(False)
            for edit in (self.description_edit, self.legal_edit, self.code_edit):
                with QSignalBlocker(edit):
                    edit.setPlainText("")
            return
        d = self.model.draft(index.row())
        lib = self._library.get(d.violation_type or "")
        self.detail_title.setText(f"{index.row() + 1}. {d.title}")
        hint = f"Library ({lib.key}): {lib.description}" if lib and lib.description else ""
        self.library_hint.set_full_text(hint)
        self.library_hint.setVisible(bool(hint))
        for edit, value in ((self.description_edit, d.description), (self.legal_edit, d.legal_requirement),
                            (self.code_edit, d.code_requirement)):
            if edit.toPlainText() != value:
                with QSignalBlocker(edit):
                    edit.setPlainText(value)

    def _detail_edited(self, field: str, edit: QPlainTextEdit) -> None:
        index = self.grid.currentIndex()
        if not index.isValid():
            return
        self.model.set_fields(index.row(), "Edit " + field.replace("_", " "), **{field: edit.toPlainText()})
