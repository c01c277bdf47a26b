"""Columns sized to what they show, at the default 1360x840 window over the demo data: the suppliers list, the CAPs
list, the letters dialog and the CAP review give their room to the names and findings, not to dates and counts; a
column of short values shows them whole and is not much wider; nothing scrolls sideways. Measured with each table's
own fonts (tests/ui/layout_check.py), so it holds whatever fonts the machine has."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from tests.ui.conftest import wait_idle
from tests.ui.layout_check import _cell_needs, _cell_problems

WIDTH, HEIGHT = 1360, 840


@pytest.fixture(scope="module")
def demo(ui_db):
    from csrdesk.services.demo import generate_demo

    return generate_demo(ui_db, suppliers=40, seed=7)


def _settle(qtbot, window) -> None:
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)  # the queued column fitting
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)


def _column(view, title: str) -> int:
    model = view.model()
    return next(i for i in range(model.columnCount()) if model.headerData(i, Qt.Orientation.Horizontal) == title)


def _widest(view, column: int) -> int:
    rows = range(max(0, view.rowAt(0)), min(view.model().rowCount(), max(0, view.rowAt(0)) + 30))
    return max(_cell_needs(view, r, column) for r in rows)


def _title(view, column: int) -> int:
    header = view.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    title = str(view.model().headerData(column, Qt.Orientation.Horizontal))
    return header.fontMetrics().horizontalAdvance(title) + 2 * margin


def _snug(view, titles: list[str], slack: int = 30) -> None:
    """These columns of short values show them whole and are at most `slack` px wider than their values or title."""
    for title in titles:
        i = _column(view, title)
        needed = max(_widest(view, i), _title(view, i))
        assert _widest(view, i) <= view.columnWidth(i), (title, view.columnWidth(i), _widest(view, i))
        assert view.columnWidth(i) <= needed + slack, (title, view.columnWidth(i), needed)


def _no_sideways(view) -> None:
    assert view.horizontalHeader().length() <= view.viewport().width() + 1
    assert not view.horizontalScrollBar().isVisible()


def test_the_suppliers_list_gives_its_room_to_the_names(qtbot, window, demo):
    """The Name column is no longer cut while Rating, Production, Last assessment and the counts are much wider
    than what they show: those are snug, the name shows whole (or is the widest column when it cannot)."""
    window.resize(WIDTH, HEIGHT)
    window.go("suppliers")
    window.suppliers.refresh()
    _settle(qtbot, window)
    view = window.suppliers.view
    qtbot.waitUntil(lambda: view.model().rowCount() >= 40)
    _settle(qtbot, window)
    _no_sideways(view)
    assert not _cell_problems(view), _cell_problems(view)
    _snug(view, ["Code", "Country", "Production", "Last assessment", "Open items", "Overdue", "Progress"])
    name = _column(view, "Name")
    assert view.columnWidth(name) >= min(_widest(view, name), max(view.columnWidth(i) for i in range(11) if i != name))


def test_the_caps_list_shows_finding_and_status(qtbot, window, demo):
    """Finding and Status are not cut while Due, Overdue and Repeat are wider than their values: those are snug,
    Status and Severity as wide as their longest value (on whatever row), the finding the widest column."""
    window.resize(WIDTH, HEIGHT)
    window.go("caps")
    page = window.pages["caps"]
    qtbot.waitUntil(lambda: page.first_rows_shown() and not window.ctx.busy)
    page.table.selectRow(0)
    _settle(qtbot, window)
    view = page.table
    _no_sideways(view)
    assert not _cell_problems(view), _cell_problems(view)
    _snug(view, ["Due", "Overdue", "Supplier", "Repeat"])
    from csrdesk.domain.lifecycle import ItemStatus
    from csrdesk.domain.scoring import Severity

    metrics = view.fontMetrics()  # every status and severity whole, also on the rows further down
    for title, values in (("Status", ItemStatus), ("Severity", Severity)):
        needed = max(metrics.horizontalAdvance(v.value) for v in values) + 6
        assert needed <= view.columnWidth(_column(view, title)) <= needed + 40, (title, view.columnWidth(
            _column(view, title)), needed)
    finding = _column(view, "Finding")
    assert view.columnWidth(finding) == max(view.columnWidth(i) for i in range(view.model().columnCount()))


def test_the_caps_splitter_stays_where_the_user_put_it(qtbot, window, demo):
    """The splitter between the list and the item stays where the user put it while the Show filter changes (the
    count under the list, '313 of 2,187 items', widened the list's least width and pushed it)."""
    window.resize(WIDTH, HEIGHT)
    window.go("caps")
    page = window.pages["caps"]
    qtbot.waitUntil(lambda: page.first_rows_shown() and not window.ctx.busy)
    _settle(qtbot, window)
    left = page.splitter.widget(0).minimumSizeHint().width()
    total = sum(page.splitter.sizes())
    page.splitter.setSizes([left + 2, total - left - 2])  # the list as narrow as it goes
    _settle(qtbot, window)
    placed = page.splitter.sizes()
    for index in list(range(page.show_box.count())) + [0]:
        page.show_box.setCurrentIndex(index)
        _settle(qtbot, window)
        assert page.splitter.sizes() == placed, (page.show_box.currentText(), page.splitter.sizes(), placed)


def test_the_letters_dialog_shows_names_with_titles_over_their_values(qtbot, window, demo, ui_db):
    """The CAP list of the letters dialog: the name is not cut while the e-mail column is the widest, the short
    columns are snug, and the titles stand left over their values as in every other table."""
    from csrdesk.services.caps import list_items
    from csrdesk.ui.dialogs.letters import LettersDialog

    item = next(i for i in list_items(ui_db) if i.due_date is not None)
    dialog = LettersDialog(window.ctx, [item.cap_id], window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 10)
    _settle(qtbot, window)
    view = dialog.table
    _no_sideways(view)
    assert not _cell_problems(view), _cell_problems(view)
    _snug(view, ["CAP", "Supplier", "Assessment", "Rating"])
    name, mail = _column(view, "Name"), _column(view, "Contact e-mail")
    if view.columnWidth(name) < _widest(view, name):  # cut: then the e-mail is cut too, and not wider
        assert view.columnWidth(mail) < _widest(view, mail)
    alignment = view.horizontalHeader().defaultAlignment()
    assert alignment & Qt.AlignmentFlag.AlignLeft
    dialog.reject()


def test_the_cap_review_shows_status_root_cause_and_leader(qtbot, window, demo, ui_db):
    """The CAP review's items: Status shows every status whole; root cause and project leader have a readable
    start (about 16 characters each where they are longer), not 'No daily m…'; no sideways scroll."""
    from csrdesk.services.caps import list_items
    from csrdesk.ui.pages.cap_review import CapReviewDialog

    item = next(i for i in list_items(ui_db) if i.due_date is not None)
    dialog = CapReviewDialog(window.ctx, item.cap_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.check is not None)
    _settle(qtbot, window)
    view = dialog.table
    _no_sideways(view)
    assert not _cell_problems(view), _cell_problems(view)
    _snug(view, ["#", "Severity", "Status", "Planned"])
    chars = view.fontMetrics().averageCharWidth()
    for title in ("Root cause", "Project leader"):
        i = _column(view, title)
        assert view.columnWidth(i) >= min(_widest(view, i), 16 * chars), (title, view.columnWidth(i))
    dialog.reject()


def test_the_cut_cell_measure_sees_a_cut_name_beside_a_roomy_date(qtbot, ui_app):
    """The measure itself: a name cut short while the date beside it has room to spare is reported, and so is a
    status cut short; the same table with the room given to the name is not."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    table = QTableView()
    qtbot.addWidget(table)
    model = QStandardItemModel(0, 3, table)
    model.setHorizontalHeaderLabels(["Name", "Status", "Date"])
    model.appendRow([QStandardItem("Shapla Fashions and Knitwear Industries Ltd."), QStandardItem("action planned"),
                     QStandardItem("2026-12-03")])
    table.setModel(model)
    table.resize(700, 200)
    table.show()
    qtbot.waitExposed(table)
    table.setColumnWidth(0, 80)
    table.setColumnWidth(1, 50)
    table.setColumnWidth(2, 300)
    found = "\n".join(_cell_problems(table))
    assert "'Name' cuts its values" in found and "'Date'" in found
    assert "'Status' cuts its values" in found
    needs = [_cell_needs(table, 0, i) for i in range(3)]
    for i, width in enumerate(needs):
        table.setColumnWidth(i, width + 4)
    assert not _cell_problems(table)


def _text_room(edit) -> int:
    """The width a line edit has for its text: the style's contents rectangle less Qt's margins."""
    from PySide6.QtWidgets import QStyleOptionFrame

    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return rect.width() - margins.left() - margins.right() - 4


@pytest.mark.parametrize("scale", [1.0, 1.1])
def test_the_assessment_editor_shows_audit_firm_and_the_audit_report_line_whole(qtbot, window, demo, ui_app, scale):
    """At 1360x840 with a new assessment (and with the machine's font a tenth larger) the 'Audit firm' box shows
    its example 'e.g. Bureau Veritas' whole, and the audit report line says its whole sentence (it was 'Audit …')."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    before = QFont(QApplication.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * scale)
    QApplication.setFont(font)
    try:
        window.resize(WIDTH, HEIGHT)
        window.go("assessments")
        page = window.pages["assessments"]
        _settle(qtbot, window)
        page.new_assessment()
        _settle(qtbot, window)
        editor = page.editor
        for edit in (editor.firm_edit, editor.standard_edit):
            needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
            assert _text_room(edit) >= needed, (edit.placeholderText(), _text_room(edit), needed)
        label = editor.report_bar.label
        assert label.full_text().startswith("Audit report: ")
        assert label.text() == label.full_text(), label.text()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    finally:
        QApplication.setFont(before)


def test_a_column_the_user_widens_keeps_its_width_in_this_session_and_the_next(qtbot, ui_app, csrdesk_home):
    """Fitting leaves alone a column the user dragged wider on the header: it keeps its width when the table is
    resized and when it is opened again (remembered with the table's columns)."""
    from dataclasses import dataclass

    from PySide6.QtCore import QPoint

    from csrdesk.ui.tables import Column, RowTableModel, TableView

    @dataclass(frozen=True)
    class Row:
        id: int
        name: str
        due: str

    def table() -> TableView:
        model = RowTableModel([Column("Name", lambda r: r.name), Column("Due", lambda r: r.due)])
        model.set_rows([Row(i, f"Factory number {i} Garments Ltd.", "2026-12-03") for i in range(5)])
        view = TableView(settings_key="test.user_sized")
        qtbot.addWidget(view)
        view.setModel(model)
        view.resize(700, 300)
        view.show()
        qtbot.waitExposed(view)
        qtbot.wait(20)
        return view

    view = table()
    header = view.horizontalHeader()
    snug = view.columnWidth(1)
    assert snug < 150
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    header.resizeSection(1, 260)  # as a drag of the column's edge does
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    view.resize(760, 300)
    qtbot.wait(20)
    assert view.columnWidth(1) == 260
    assert header.length() <= view.viewport().width() + 1
    view.save_state()

    again = table()
    assert again.columnWidth(1) == 260


def test_a_table_too_narrow_for_its_short_values_keeps_them_whole(qtbot, ui_app):
    """Dates and statuses only, in a table narrower than they need: each keeps its widest value (the table scrolls
    sideways rather than cut a date), and fitting does not fail."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from csrdesk.ui.table_fit import fit_to_width

    table = QTableView()
    qtbot.addWidget(table)
    model = QStandardItemModel(0, 4, table)
    model.setHorizontalHeaderLabels(["Due", "Status", "Planned", "Booked"])
    model.appendRow([QStandardItem(t) for t in ("2026-12-03", "action planned", "2026-12-10", "2026-12-24")])
    table.setModel(model)
    table.resize(160, 120)
    table.show()
    qtbot.waitExposed(table)
    fit_to_width(table)
    for i in range(4):
        assert table.columnWidth(i) >= _cell_needs(table, 0, i), (i, table.columnWidth(i))
