"""Texts a fresh new-user pass found cut at the default 1360x840 window (issue 16), each at its cause, with the demo
data and realistic long texts (a 300-character finding, long supplier names, a deep folder). Measured with the
widgets' own fonts, so they hold whatever fonts the machine has."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import wait_idle

WIDTH, HEIGHT = 1360, 840
DEEP_FOLDER = "/home/anna.schmidt/OneDrive - Northwind Apparel GmbH/Documents/CSR programme/Reports 2026"
LONG_NAME_TAIL = " Garment Manufacturing and Knitwear Industries Co., Ltd."  # after the first word of each name
LONG_FINDING = ("Fire exits on the second and third floors of the sewing building were locked with padlocks during "
                "working hours, and the keys were kept by the security guard at the main gate; the evacuation route "
                "from the cutting section was blocked by stacked cartons of finished goods; no drill held this year.")


@pytest.fixture(scope="module")
def long_demo(ui_db):
    """The demo data with long, realistic texts: every supplier's name as long as a real registered name, and the
    first two findings of every assessment (and their CAP items) a 296-character finding as auditors write them."""
    from sqlalchemy import text

    from csrdesk.services.demo import generate_demo

    result = generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)
    with ui_db.engine.begin() as connection:
        connection.execute(text("UPDATE suppliers SET name = substr(name, 1, instr(name, ' ') - 1) || :tail"),
                           {"tail": LONG_NAME_TAIL})
        connection.execute(text("UPDATE findings SET title = :title WHERE position IN (0, 1)"),
                           {"title": LONG_FINDING})
    return result


def _settle(qtbot, window) -> None:
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)


def _visible_span(edit) -> tuple[int, int]:
    """The first and last character positions a line edit shows."""
    rect = edit.contentsRect()
    y = rect.center().y()
    return edit.cursorPositionAt(QPoint(rect.left() + 4, y)), edit.cursorPositionAt(QPoint(rect.right() - 4, y))


def test_reports_save_as_shows_the_file_name_and_where_it_goes(qtbot, window):
    """Reports: a report saved in a deep folder shows its file name whole in the Save-as field and its folder
    readable (whole, or shortened in the middle: its start and its last folder), the whole path in the tooltip;
    the dialog stays within the window."""
    from csrdesk.ui.dialogs.reports import ReportDialog

    window.resize(WIDTH, HEIGHT)
    dialog = ReportDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.path.setText(f"{DEEP_FOLDER}/old.docx")
    dialog._kind_changed()  # the default name for the chosen report, in the folder of the path
    _settle(qtbot, window)
    path = dialog.path.text()
    name = path.rsplit("/", 1)[1]
    assert name.startswith("Program report")
    first, last = _visible_span(dialog.path)
    assert last == len(path) and first <= len(path) - len(name), f"shows {path[first:last]!r} of {path!r}"
    assert dialog.path.toolTip() == path
    if first > 0:  # the start of the path is scrolled away: the folder is shown below, shortened in the middle
        line = dialog.folder_line
        assert line.isVisible()
        shown = line.text()
        assert shown == f"in {DEEP_FOLDER}" or "…" in shown and shown.startswith("in /home/") \
            and shown.endswith("Reports 2026"), shown
        assert line.fontMetrics().horizontalAdvance(shown) <= line.contentsRect().width() + 2
        assert line.toolTip() == DEEP_FOLDER
    assert dialog.path.geometry().right() < dialog.browse_button.geometry().left()  # beside Browse…, not under it
    assert dialog.width() <= WIDTH
    dialog.reject()


def test_country_laws_hints_are_whole_in_their_boxes(qtbot, window):
    """Library > Country laws, a new law reference: every empty box shows its hint whole (region, figure, unit,
    dates), the longer explanation in its tooltip."""
    from PySide6.QtWidgets import QLineEdit

    from tests.ui.layout_check import placeholder_problem

    window.resize(WIDTH, HEIGHT)
    window.go("library")
    library = window.pages["library"]
    library.tabs.setCurrentWidget(library.laws_tab)
    _settle(qtbot, window)
    editor = library.laws_tab.editor
    boxes = [e for e in editor.findChildren(QLineEdit) if e.isVisible() and e.placeholderText()]
    assert len(boxes) >= 5
    cut = {e.placeholderText(): placeholder_problem(e) for e in boxes if placeholder_problem(e)}
    assert not cut, cut
    region = next(e for e in boxes if "whole country" in e.placeholderText())
    assert "West Java" in region.toolTip()  # the example moved to the tooltip, not lost


def _cell_cut(view, column: int) -> list[str]:
    """The texts of a column that do not fit its width (measured as the layout walk does)."""
    from tests.ui.layout_check import SLACK, _cell_needs

    model = view.model()
    width = view.horizontalHeader().sectionSize(column)
    return [str(model.data(model.index(row, column))) for row in range(model.rowCount())
            if _cell_needs(view, row, column) > width + SLACK]


def test_vetting_list_shows_each_decision_whole_beside_an_open_screen(qtbot, window, long_demo):
    """Vetting, a screen open beside the list, suppliers with long names: the Decision column shows every decision
    whole ("(approve with conditions)", not "(approv…"); the long name gives way instead."""
    window.resize(WIDTH, HEIGHT)
    window.go("vetting")
    page = window.vetting
    page.refresh()
    _settle(qtbot, window)
    rows = page.model.all_rows()
    assert any("conditions" in (r.decision or r.suggested_decision or "") for r in rows)
    page.open_item("vetting_screen", rows[0].id)
    _settle(qtbot, window)
    qtbot.wait(50)
    decision = next(i for i, c in enumerate(page.model.columns) if c.title == "Decision")
    assert page.table.isVisible() and not page.table.horizontalHeader().isSectionHidden(decision)
    assert not _cell_cut(page.table, decision)
    # Every decision the column can show fits, not only those listed now.
    from csrdesk.domain.vetting import Decision
    from PySide6.QtGui import QFont, QFontMetrics

    bold = QFont(page.table.font())
    bold.setBold(True)
    widest = max(QFontMetrics(bold).horizontalAdvance(f"({d.value})") for d in Decision)
    assert page.table.horizontalHeader().sectionSize(decision) >= widest


def _wrapped_fits(view, row: int, column: int) -> bool:
    """Whether a cell's text, wrapped at its column's width, fits its row's height (its lines all shown)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFontMetrics

    model = view.model()
    text = str(model.data(model.index(row, column)) or "")
    width = view.horizontalHeader().sectionSize(column) - 8
    needed = QFontMetrics(view.font()).boundingRect(QRect(0, 0, width, 10000), int(Qt.TextFlag.TextWordWrap),
                                                    text).height()
    return needed <= view.rowHeight(row) and view.wordWrap()


def test_dashboard_production_not_allowed_shows_why_whole(qtbot, window, long_demo):
    """Dashboard, suppliers rated Zero Tolerance or Denied with long names: each one's Why reads whole (the
    sentence wraps onto the lines it needs), every row shown whole in the table."""
    window.resize(WIDTH, HEIGHT)
    window.go("dashboard")
    page = window.pages["dashboard"]
    page.refresh()
    _settle(qtbot, window)
    view = page.blocked_view
    model = view.model()
    assert page.blocked_panel.isVisible() and model.rowCount() >= 1
    why = next(i for i in range(model.columnCount()) if model.headerData(i, Qt.Orientation.Horizontal) == "Why")
    for row in range(model.rowCount()):
        assert _wrapped_fits(view, row, why), model.data(model.index(row, why))
        rect = view.visualRect(model.index(row, why))
        assert view.viewport().rect().contains(rect), f"row {row} is not shown whole"
    assert not view.horizontalScrollBar().isVisible()


def test_cap_review_lets_the_user_read_a_long_finding_whole(qtbot, window, long_demo, ui_db):
    """Review CAP…, an item whose finding runs to 296 characters: the items table ends it in … with the whole
    finding in its tooltip, and beside the table the finding reads whole (its lines all drawn, scrolling with the
    factory's answer and the warnings when they need more room than the dialog has)."""
    from csrdesk.services.caps import list_items
    from csrdesk.ui.pages.cap_review import CapReviewDialog

    window.resize(WIDTH, HEIGHT)
    item = next(i for i in list_items(ui_db) if i.due_date is not None and i.finding == LONG_FINDING)
    dialog = CapReviewDialog(window.ctx, item.cap_id, window, item_id=item.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.check is not None)
    _settle(qtbot, window)
    assert dialog.width() <= WIDTH and dialog.height() <= HEIGHT
    model, table = dialog.model, dialog.table
    finding = next(i for i, c in enumerate(model.columns) if c.title == "Finding")
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == item.id)
    assert model.data(model.index(row, finding), Qt.ItemDataRole.ToolTipRole) == LONG_FINDING
    title = dialog.item_title
    assert LONG_FINDING in title.text()
    assert title.height() >= title.heightForWidth(title.width()), "the finding's last lines are cut off"
    # All of it can be brought into view: the reading pane scrolls down to its last line.
    scroll = dialog.reading_scroll
    scroll.ensureWidgetVisible(title, 0, 0)
    assert title.geometry().bottom() <= scroll.widget().height()
    dialog.reject()


def _wrapped_lines(metrics, text: str, width: int) -> int:
    from PySide6.QtCore import QRect

    rect = metrics.boundingRect(QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), text)
    return max(1, round(rect.height() / metrics.lineSpacing()))


def test_assessment_editor_grid_takes_the_height_and_shows_categories_whole(qtbot, window, long_demo):
    """Assessments, a 17-finding assessment open at 1360x840 (its first finding 296 characters long, its supplier's
    name long): the findings grid shows at least six findings at once (it showed four), every category whole
    (every word, on two lines if need be), each finding on two lines (ending in … only past them, whole in its
    tooltip and in the text below the grid); the list beside the editor needs no sideways scroll."""
    from csrdesk.ui.widgets.findings_grid import COL_CATEGORY, COL_TITLE

    window.resize(WIDTH, HEIGHT)
    window.go("assessments")
    page = window.pages["assessments"]
    page.refresh()
    _settle(qtbot, window)
    chosen = max(page.list_model.all_rows(), key=lambda r: r.findings)
    assert chosen.findings >= 10
    assert page.open_item("assessment", chosen.id)
    qtbot.waitUntil(lambda: page.editor.assessment_id == chosen.id)
    _settle(qtbot, window)
    qtbot.wait(50)
    editor = page.editor
    grid, model = editor.grid, editor.grid.model()
    shown = [r for r in range(model.rowCount())
             if grid.viewport().rect().contains(grid.visualRect(model.index(r, COL_TITLE)))]
    assert len(shown) >= 6, f"{len(shown)} findings shown whole of {model.rowCount()}"
    metrics = grid.fontMetrics()
    for row in shown:
        category = str(model.data(model.index(row, COL_CATEGORY)) or "")
        room = grid.columnWidth(COL_CATEGORY) - 8
        assert all(metrics.horizontalAdvance(w) <= room for w in category.split()), category
        lines = _wrapped_lines(metrics, category, room)
        assert lines * metrics.lineSpacing() <= grid.rowHeight(row), (category, lines, grid.rowHeight(row))
        title = str(model.data(model.index(row, COL_TITLE)) or "")
        title_lines = _wrapped_lines(metrics, title, grid.columnWidth(COL_TITLE) - 8)
        assert min(title_lines, 2) * metrics.lineSpacing() <= grid.rowHeight(row), (title, grid.rowHeight(row))
        assert title in str(model.data(model.index(row, COL_TITLE), Qt.ItemDataRole.ToolTipRole) or "")
    # The 296-character finding reads whole below the grid once chosen.
    editor.select_finding(0)
    _settle(qtbot, window)
    assert LONG_FINDING in editor.detail_title.text()
    assert editor.detail_title.height() >= editor.detail_title.heightForWidth(editor.detail_title.width())
    assert page.table.horizontalHeader().length() <= page.table.viewport().width() + 1


def test_a_cut_cell_shows_its_whole_text_when_the_mouse_rests_on_it(qtbot, ui_app):
    """Any table of the app (here a plain table of contacts): an e-mail address cut short shows whole in the tooltip
    when the mouse rests on it; a cell with its own tooltip keeps it; a cell shown whole gets none."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem, QToolTip

    table = QTableWidget(3, 1)
    qtbot.addWidget(table)
    email = "saravanan.subramanian@vel-knitfashions.example"
    table.setItem(0, 0, QTableWidgetItem(email))
    own = QTableWidgetItem("kavitha.pillai@vel-knitfashions.example")
    own.setToolTip("Kavitha Pillai, compliance manager")
    table.setItem(1, 0, own)
    table.setItem(2, 0, QTableWidgetItem("a@b.cn"))
    table.setColumnWidth(0, 120)
    table.resize(300, 200)
    table.show()
    qtbot.waitExposed(table)

    def hover(row: int) -> str:
        QToolTip.hideText()
        rect = table.visualRect(table.model().index(row, 0))
        QApplication.sendEvent(table.viewport(), QHelpEvent(QEvent.Type.ToolTip, rect.center(),
                                                           table.viewport().mapToGlobal(rect.center())))
        text = QToolTip.text() if QToolTip.isVisible() else ""
        QToolTip.hideText()
        return text

    assert hover(0) == email
    assert hover(1) == "Kavitha Pillai, compliance manager"
    assert email not in hover(2) and "a@b.cn" not in hover(2)


def test_library_finding_types_are_readable_beside_the_editor(qtbot, window):
    """Library at 1360x840: the Finding type column (what the list is read by) keeps room for a few words
    ("Child below the legal minim…"), the Chinese title and the category give way; it was about 80 px ("Child belo…")
    while the Chinese column had twice that."""
    from tests.ui.conftest import wait_idle

    window.resize(1360, 840)
    window.go("library")
    page = window.library
    wait_idle(qtbot, window.ctx)
    qtbot.wait(50)
    from csrdesk.ui.pages.library import FINDING_TYPE

    view = page.table
    finding = view.columnWidth(FINDING_TYPE)
    assert finding >= 20 * view.fontMetrics().averageCharWidth(), finding
    chinese = view.columnWidth(FINDING_TYPE + 1)
    assert finding > chinese, (finding, chinese)
