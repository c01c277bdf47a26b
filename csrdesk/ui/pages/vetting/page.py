"""The vetting page: the list of screens beside the open screen, the conditions, and the checklist templates."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFileDialog, QHBoxLayout, QPushButton, QSizePolicy, QSplitter, QStackedWidget,
    QTabWidget, QVBoxLayout, QWidget,
)

from csrdesk.domain.vetting import Decision
from csrdesk.services import vetting as service
from csrdesk.services.vetting import ScreenRow
from csrdesk.ui import theme
from csrdesk.ui.pages.vetting.checklist_editor import TemplateEditor
from csrdesk.ui.pages.vetting.dialogs import DECISION_COLOURS, NewScreenDialog, run_import
from csrdesk.ui.pages.vetting.screen_form import ScreenForm
from csrdesk.ui.pages.base import Page, muted, page_header
from csrdesk.ui.table_fit import column_floors
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.status_note import tell


# -- the page -----------------------------------------------------------------------------------------------------

_DECISION_Q = {k: QColor(v) for k, v in DECISION_COLOURS.items()}



def decision_tip(r) -> str:
    """The Decision column's tooltip: a decision in full, or what "(approve with conditions)" in brackets means."""
    if r.decision:
        return f"Decided: {r.decision}" + (f" on {r.decision_date}" if r.decision_date else "")
    if r.suggested_decision:
        return (f"Not decided yet. In brackets: the decision the score suggests ({r.suggested_decision}); the "
                "reviewer records the decision on the screen.")
    return "Not decided yet."

def screen_columns() -> list[Column]:
    def decision_colour(r: ScreenRow) -> Optional[QColor]:
        return _DECISION_Q.get(r.decision or r.suggested_decision or "")

    return [
        Column("Screen", lambda r: r.id, width=60),
        Column("Who", lambda r: r.name, width=200, tooltip=lambda r: r.name),
        Column("Checklist", lambda r: f"{r.template_title} v{r.template_version}", width=200, hidden=True,
               tooltip=lambda r: f"{r.template_title} v{r.template_version}"),
        Column("Score", lambda r: r.score, fmt=lambda v: "" if v is None else f"{v:g}", width=56, searchable=False),
        Column("Decision", lambda r: r.decision or f"({r.suggested_decision or ''})", colour=decision_colour,
               bold=lambda r: bool(r.decision), width=150, tooltip=decision_tip),
        Column("Decided", lambda r: r.decision_date, width=92, hidden=True),
        Column("Open conditions", lambda r: r.open_conditions or None, width=70, searchable=False, hidden=True),
    ]


def condition_columns() -> list[Column]:
    overdue = QColor(theme.OVERDUE)
    return [
        Column("Due", lambda c: c.due_date, colour=lambda c: overdue if c.overdue else None, bold=lambda c: c.overdue,
               width=92),
        Column("Status", lambda c: c.status + (" · overdue" if c.overdue else ""),
               colour=lambda c: overdue if c.overdue else None, width=110),
        Column("Who", lambda c: c.supplier_code or c.subject, width=160),
        Column("Condition", lambda c: c.text, width=420, tooltip=lambda c: c.text),
        Column("Screen", lambda c: c.screen_id, width=60),
        Column("Closed", lambda c: c.closed_date, width=92),
    ]


class VettingPage(Page):
    """Vetting screens, their conditions, and the checklist templates."""

    title = "Vetting"
    topics = ("vetting", "suppliers", "assessments", "settings")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self._shown_id: Optional[int] = None
        self._supplier_filter: Optional[int] = None
        self.loading = False

        new_button = primary_button("New screen…")
        new_button.clicked.connect(lambda: self.new_screen())
        import_button = QPushButton("Import answers…")
        import_button.setToolTip("Read a returned questionnaire (it names its own screen)")
        import_button.clicked.connect(self.import_any)
        header, self.subtitle = page_header("Vetting", "Screens of suppliers and firms, their decisions and "
                                            "conditions", [import_button, new_button])

        self.filter_box = FilterBox(placeholder="Filter screens…  (Ctrl+F)")
        self.model = RowTableModel(screen_columns(), self)
        self.filter_box.set_model(self.model)
        self.table = TableView(settings_key="vetting/screens", placeholder="No vetting screen yet: start one with "
                                                                             "New screen…")
        self.table.setModel(self.model)
        # A decision is one of three, never cut ("(approv…"): the column keeps room for each, suggested (in
        # brackets) and decided (bold), in the table's own font; the name ends in … first.
        decision = next(i for i, c in enumerate(self.model.columns) if c.title == "Decision")
        self.table.ensure_column_fits(decision, [f"({d.value})" for d in Decision] + [d.value for d in Decision],
                                      bold=True)
        self.table.selection_changed_rows.connect(self._selected)
        self.supplier_chip = QPushButton()
        self.supplier_chip.setVisible(False)
        self.supplier_chip.clicked.connect(lambda: self.show_supplier(None))
        self.count_label = muted()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.supplier_chip)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)

        self.form = ScreenForm(ctx)
        self.form.changed.connect(self._form_changed)
        self.form.shown.connect(lambda: QTimer.singleShot(0, self, self._fit_split))
        self.placeholder = muted("Choose a screen on the left, or start one with New screen…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(self.placeholder)
        self.form_stack.addWidget(self.form)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.form_stack)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([430, 1000])
        self.split = split
        # With no screen open the list takes the room it needs (no sideways scrolling beside an empty half);
        # an open screen gets the room back.
        self.form_stack.currentChanged.connect(lambda _i: self._fit_split())
        screens_tab = QWidget()
        st = QVBoxLayout(screens_tab)
        st.setContentsMargins(0, 6, 0, 0)
        st.addWidget(split)

        self.conditions_model = RowTableModel(condition_columns(), self)
        self.conditions_table = TableView(settings_key="vetting/conditions", multi_select=True,
                                          placeholder="No condition: approvals with conditions list theirs here.")
        self.conditions_table.setModel(self.conditions_model)
        self.conditions_table.row_activated.connect(lambda c: self.open_item("vetting_screen", c.screen_id))
        self.open_only = QCheckBox("Open only")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _b: self._load_conditions())
        met = QPushButton("Mark met")
        met.clicked.connect(lambda: self._conditions_to("closed"))
        again = QPushButton("Open again")
        again.clicked.connect(lambda: self._conditions_to("open"))
        withdraw = QPushButton("Withdraw")
        withdraw.clicked.connect(lambda: self._conditions_to("withdrawn"))
        row = QHBoxLayout()
        row.addWidget(self.open_only)
        row.addStretch(1)
        for b in (met, again, withdraw):
            row.addWidget(b)
        conditions_tab = QWidget()
        ct = QVBoxLayout(conditions_tab)
        ct.setContentsMargins(0, 6, 0, 0)
        ct.addLayout(row)
        ct.addWidget(self.conditions_table, 1)

        self.editor = TemplateEditor(ctx)
        self.editor.saved.connect(self._template_saved)

        self.tabs = QTabWidget()
        self.tabs.addTab(screens_tab, "Screens")
        self.tabs.addTab(conditions_tab, "Conditions")
        self.tabs.addTab(self.editor, "Checklist templates")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)

    def _fit_split(self) -> None:
        total = sum(self.split.sizes())
        if total <= 0:
            return
        header = self.table.horizontalHeader()
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        # The columns at their narrowest (titles whole, short values whole, long names ending in …), measured.
        narrowest = sum(column_floors(self.table, shown).values()) if self.model.rowCount() else header.length()
        frame = self.table.frameWidth() * 2 + self.table.verticalScrollBar().sizeHint().width() + 2
        empty = self.form_stack.currentWidget() is self.placeholder
        needed = (header.length() if empty else narrowest) + frame
        # A hidden form must not hold the stack at its own minimum width while only the hint shows.
        self.form.setSizePolicy(QSizePolicy.Policy.Ignored if empty else QSizePolicy.Policy.Preferred,
                                QSizePolicy.Policy.Preferred)
        if empty:
            left = min(needed, total - 240)
        else:
            # The open screen keeps what its questions and decision need (measured); the list the rest, which is
            # its narrowest columns' width whenever the window has it.
            form = self.form.minimumSizeHint().width()
            left = max(220, min(needed, total - form))
        self.split.setSizes([max(left, 200), total - max(left, 200)])

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_split)  # once the splitter has its real width

    # -- loading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.loading = True

        def loaded(rows) -> None:
            self.model.set_rows(rows)
            self._apply_supplier_filter()
            self.loading = False
            if self._shown_id is not None:
                with QSignalBlocker(self.table.selectionModel()):
                    self.table.select_id(self._shown_id)

        def failed(exc) -> None:
            self.loading = False
            self.ctx.show_error(self, exc)

        self.ctx.run(service.list_screens, self.ctx.db, on_done=loaded, on_error=failed, parent=self)
        self._load_conditions()
        # The form and the editor reload themselves after their own saves; other changes reload them here.
        if not self.editor.dirty and not self.changed_only_by(self.editor, self.form):
            self.editor.reload()
        if self.form.detail is not None and not self.form.dirty and not self.changed_only_by(self.form):
            self.form.load(self.form.detail.id)

    def _form_changed(self) -> None:
        if self.form.detail is None:  # the screen was deleted
            self._shown_id = None
            self.form_stack.setCurrentWidget(self.placeholder)
        self.notify("vetting", origin=self.form)

    def _load_conditions(self) -> None:
        self.ctx.run(service.list_conditions, self.ctx.db, open_only=self.open_only.isChecked(),
                     on_done=self.conditions_model.set_rows, parent=self)

    def _apply_supplier_filter(self) -> None:
        sid = self._supplier_filter
        self.model.set_predicate((lambda r: r.supplier_id == sid) if sid is not None else None)
        rows = [r for r in self.model.all_rows() if sid is not None and r.supplier_id == sid]
        self.supplier_chip.setVisible(sid is not None)
        if sid is not None:
            self.supplier_chip.setText(f"{rows[0].supplier_code if rows else 'supplier'} ✕")
        self.count_label.setText(count_text(self.model, "screen"))

    def show_supplier(self, supplier_id: Optional[int]) -> None:
        self._supplier_filter = supplier_id
        self._apply_supplier_filter()

    # -- screens ---------------------------------------------------------------------------------------------------
    def _selected(self, rows: list) -> None:
        if not rows:
            return
        row = rows[0]
        if row.id == self._shown_id:
            return
        with QSignalBlocker(self.table.selectionModel()):  # the shown screen stays chosen until it is left
            self.table.select_id(self._shown_id)
        self.leave(lambda: self.open_screen(row.id))

    def open_screen(self, screen_id: int) -> None:
        self._shown_id = screen_id
        self.form_stack.setCurrentWidget(self.form)
        with QSignalBlocker(self.table.selectionModel()):
            self.table.select_id(screen_id)
        self.form.load(screen_id)

    def open_item(self, kind: str, item_id) -> None:
        """Opens a screen ('vetting_screen'), one supplier's screens ('supplier') or a template ('checklist')."""
        if kind in ("vetting_screen", "screen"):
            self.tabs.setCurrentIndex(0)
            self.leave(lambda: self.open_screen(int(item_id)))
        elif kind == "supplier":
            self.tabs.setCurrentIndex(0)
            self.show_supplier(int(item_id))
        elif kind == "new_screen":  # a new screen of this supplier (its code)
            self.tabs.setCurrentIndex(0)
            self.leave(lambda: self.new_screen(str(item_id)))
        elif kind in ("checklist", "checklist_template"):
            self.tabs.setCurrentIndex(2)
            self.leave(lambda: self.editor.reload(str(item_id)))

    # -- unsaved answers and checklist edits -----------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.form.dirty or self.editor.dirty

    def unsaved_question(self) -> tuple[str, str]:
        what = "answers" if self.form.dirty else "checklist changes"
        return "Unsaved changes", f"Save the {what} before leaving?"

    def save_unsaved(self, then: Callable[[], None]) -> None:
        def save_checklist() -> None:
            self.editor.save(then=then) if self.editor.dirty else then()

        self.form.save(then=save_checklist) if self.form.dirty else save_checklist()

    def discard_unsaved(self) -> None:
        if self.form.dirty:
            self.form.discard()
        if self.editor.dirty:
            self.editor.discard()

    def new_screen(self, supplier_code: Optional[str] = None) -> None:
        """Asks for the checklist and who it is for: the supplier given, else the one whose screens are shown or
        whose screen is selected (not simply the first supplier of the list)."""
        preset = supplier_code or ""
        if not preset and self._supplier_filter is not None:
            rows = [r for r in self.model.all_rows() if r.supplier_id == self._supplier_filter]
            preset = rows[0].supplier_code if rows else ""
        if not preset:
            selected = self.table.selected_rows()
            preset = (selected[0].supplier_code or "") if selected else ""

        def ask(choices: service.ScreenChoices) -> None:
            dialog = NewScreenDialog(choices.templates, choices.suppliers, self, supplier_code=preset)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            key, code, subject = dialog.choice()
            self.start(key, supplier_code=code, subject=subject)

        self.ctx.run(service.screen_choices, self.ctx.db, on_done=ask, parent=self)

    def start(self, template_key: str, *, supplier_code: Optional[str] = None, subject: str = "") -> None:
        def started(detail) -> None:
            self.open_screen(detail.id)
            self.notify("vetting", origin=self.form)
            if detail.moved_to_vetting:  # a status change is never silent
                tell(self, f"{detail.supplier_code} {detail.supplier_name} moved from prospect to vetting with this "
                           "screen (in its change history).")

        self.ctx.run(service.start_screen, self.ctx.db, template_key, supplier_code=supplier_code or None,
                     subject=subject, on_done=started, parent=self)

    def import_any(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import answers", str(Path.home()), "Excel workbook (*.xlsx)")
        if not path:
            return

        def applied(screen_id: int) -> None:
            self.open_screen(screen_id)
            self.notify("vetting", origin=self.form)

        run_import(self.ctx, self, path, None, on_applied=applied)

    def _conditions_to(self, status: str) -> None:
        ids = [c.id for c in self.conditions_table.selected_rows()]
        if not ids:
            return

        # The screens and the open form show conditions too: the page reloads all of it.
        self.ctx.run(service.set_conditions_status, self.ctx.db, ids, status,
                     on_done=lambda _r: self.notify("vetting", origin=self.conditions_table), parent=self)

    def _template_saved(self, _info) -> None:
        self.notify("vetting", origin=self.editor)  # the editor reloads itself

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_box.setFocus()
        self.filter_box.selectAll()
