"""Texts are not cut off: dashboard and supplier tables size their columns to their contents, rating names show
whole, the vetting list needs no sideways scrolling beside an empty half, and a screen's title stays on one line."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from csrdesk.domain.scoring import Rating
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier
from csrdesk.services.vetting import start_screen
from tests.ui.conftest import wait_idle

LONG_EMAIL = "nasrin.islam@shapla-fashions-and-knitwear.example"


@pytest.fixture(scope="module")
def seeded(ui_db):
    """A factory with a long e-mail address and overdue CAP items, and a vetting screen of it."""
    supplier = create_supplier(ui_db, SupplierInput(
        name="Shapla Fashions and Knitwear Industries Ltd.", code="BD-0301", country="Bangladesh",
        contacts=[ContactInput(role="compliance contact", name="Nasrin Islam", email=LONG_EMAIL,
                               phone="+880 45 2673 6123")]), status="active")
    record_assessment(ui_db, AssessmentInput(
        supplier_code="BD-0301", date=date.today() - timedelta(days=200), findings=[
            FindingInput(title="Fire exit blocked", severity="critical", days_allowed=30),
            FindingInput(title="No overtime records", severity="major", days_allowed=60)]))
    start_screen(ui_db, "new_supplier_screening", supplier_code="BD-0301")
    return supplier


def _fits(view) -> None:
    """No sideways scroll, and every column title whole: its text and the header's margins in the header's own
    font, and on the sorted column room for the sort arrow too (Qt's size hint)."""
    from PySide6.QtWidgets import QStyle

    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width() + 1, (header.length(), view.viewport().width())
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for i in range(view.model().columnCount()):
        title = str(view.model().headerData(i, 1) or "")
        needed = header.fontMetrics().horizontalAdvance(title) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == i:
            needed = header.sectionSizeHint(i)
        assert view.columnWidth(i) >= needed, (title, view.columnWidth(i), needed)


def test_dashboard_tables_show_their_titles_whole(qtbot, window, seeded):
    """'Oldest due date' and the other column titles of the dashboard tables are not cut; no sideways scroll."""
    window.go("dashboard")
    page = window.dashboard
    page.refresh()  # the window read the dashboard before the data above was added
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.overdue_model.total_count > 0)
    _fits(page.overdue_view)
    _fits(page.follow_view)


def test_rating_names_show_whole_in_the_suppliers_list(qtbot, window, seeded):
    """The rating column is wide enough for 'Needs Improvement' in bold."""
    window.go("suppliers")
    wait_idle(qtbot, window.ctx)
    view = window.suppliers.view
    column = [c.title for c in window.suppliers.model.columns].index("Rating")
    font = QFont(view.font())
    font.setBold(True)
    needed = max(QFontMetrics(font).horizontalAdvance(r.value) for r in Rating)
    assert view.columnWidth(column) >= needed + 8


def test_contacts_show_the_whole_e_mail_and_phone(qtbot, window, seeded):
    """On the supplier page the contacts table shows the long e-mail address and the phone number whole."""
    window.show_supplier(seeded.row.id)
    wait_idle(qtbot, window.ctx)
    view = window.supplier_page.contacts_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    qtbot.wait(30)  # the queued column fitting (the page may just have been resized)
    _fits(view)
    columns = [c.title for c in view.model().columns]
    metrics = view.fontMetrics()
    assert view.columnWidth(columns.index("E-mail")) >= metrics.horizontalAdvance(LONG_EMAIL)
    assert view.columnWidth(columns.index("Phone")) >= metrics.horizontalAdvance("+880 45 2673 6123")


def test_vetting_list_needs_no_sideways_scroll_and_titles_fit_one_line(qtbot, window, seeded):
    """With no screen open the list gets the room for its columns; an open screen's title (who is screened) takes
    one line whatever fonts the machine has: it is measured with the label's own font, shows whole where it fits, and
    where it does not it ends in … with the whole name in its tooltip; the checklist's name is on the line under it."""
    window.go("vetting")
    page = window.pages["vetting"]
    qtbot.waitUntil(lambda: not page.loading and not window.ctx.busy)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert page.form_stack.currentWidget() is page.placeholder
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width() + 1
    page.open_item("vetting_screen", page.model.row_at(0).id)
    qtbot.waitUntil(lambda: page.form.detail is not None and not window.ctx.busy)
    title = page.form.title
    full = "BD-0301 Shapla Fashions and Knitwear Industries Ltd."
    assert title.full_text() == full
    metrics = title.fontMetrics()
    assert title.height() <= metrics.lineSpacing() * 1.6
    shown = title.text()
    assert metrics.horizontalAdvance(shown) <= title.contentsRect().width()
    if shown != full:
        assert shown.endswith("…") and title.toolTip() == full
    assert "New supplier social and environmental screening" in page.form.subtitle.text()
    # The same label at a width too small for the name stays on one line and says it was shortened.
    title.resize(metrics.horizontalAdvance(full) // 2, title.height())
    assert title.text().endswith("…") and title.toolTip() == full
    assert metrics.horizontalAdvance(title.text()) <= title.contentsRect().width()


def test_the_cap_item_panel_shows_every_tab_title_without_scroll_arrows(qtbot, window, seeded):
    """At 1360x840 with a CAP item open, the item panel's tab titles all show: no scroll arrows on its tab bar,
    every tab inside the bar (measured by the tab bar with its own font); the table beside it scrolls not sideways."""
    from tests.ui.layout_check import tab_bar_problem

    window.resize(1360, 840)
    window.go("caps")
    page = window.pages["caps"]
    qtbot.waitUntil(lambda: page.first_rows_shown() and not window.ctx.busy)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.panel.detail is not None and not window.ctx.busy)
    qtbot.wait(30)
    bar = page.panel.tabs.tabBar()
    assert tab_bar_problem(bar) is None
    assert sum(bar.tabRect(i).width() for i in range(bar.count())) <= bar.width()
    assert not page.table.horizontalScrollBar().isVisible()


@pytest.fixture
def wider_font(ui_app):
    """The machine's own font a tenth larger (as on a machine whose UI font runs wider, e.g. Noto Sans 9.5 where
    the tests get DejaVu 9): what fits must fit by measure, not by the fonts of the machine the test runs on."""
    from PySide6.QtWidgets import QApplication

    before = QFont(QApplication.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * 1.1)
    QApplication.setFont(font)
    yield font
    QApplication.setFont(before)


def test_the_vetting_list_needs_no_sideways_scroll_beside_an_open_screen(qtbot, window, seeded, wider_font):
    """At 1360x840 with an undecided screen open beside it (the decision form showing), the screens list shows its
    columns without a sideways scroll bar: the list keeps its narrowest measured columns, the screen its measured
    minimum (its questions and decision panel whole, nothing cut on the right)."""
    from tests.ui.layout_check import problems

    window.resize(1360, 840)
    window.go("vetting")
    page = window.pages["vetting"]
    qtbot.waitUntil(lambda: not page.loading and not window.ctx.busy)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    row = next(r for r in page.model.all_rows() if not r.decision)
    page.open_item("vetting_screen", row.id)
    qtbot.waitUntil(lambda: page.form.detail is not None and not window.ctx.busy)
    qtbot.wait(60)
    assert page.form.decision_box.isVisible()
    table = page.table
    assert not table.horizontalScrollBar().isVisible()
    assert table.horizontalHeader().length() <= table.viewport().width() + 1
    assert not [p for p in problems(page, "vetting") if "scrolls sideways" in p or "cut on the right" in p]


@pytest.mark.parametrize("scale", ["as installed", "a tenth wider"])
def test_the_library_table_and_its_editor_fit_side_by_side(qtbot, window, seeded, ui_app, scale):
    """At 1360x840 with a finding type open, the library table needs no sideways scroll (the finding title
    stretches, the other columns are measured) and the editor's form is whole: not wider than the room it shows in,
    every field inside it, the long victim-protection option shortened (its whole text in the tooltip), the long
    title showing its beginning. With the fonts installed and with a font a tenth wider."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.layout_check import problems

    before = QFont(QApplication.font())
    if scale != "as installed":
        font = QFont(before)
        font.setPointSizeF(before.pointSizeF() * 1.1)
        QApplication.setFont(font)
    try:
        window.resize(1360, 840)
        window.go("library")
        page = window.pages["library"]
        page.tabs.setCurrentIndex(0)
        qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not window.ctx.busy)
        page.table.selectRow(0)
        qtbot.waitUntil(lambda: page.editor.info is not None)
        qtbot.wait(60)
        table, editor = page.table, page.editor
        assert not table.horizontalScrollBar().isVisible()
        assert table.horizontalHeader().length() <= table.viewport().width() + 1
        form = editor.form_scroll.widget()
        assert form.width() <= editor.form_scroll.viewport().width() + 1
        for field in (editor.title, editor.category, editor.severity, editor.description, editor.victim):
            right = field.mapTo(editor, field.rect().topRight()).x()
            assert right <= editor.form_scroll.geometry().right(), field
        assert editor.title.cursorPosition() == 0
        assert "forced labour" in editor.victim.toolTip()
        found = [p for p in problems(page, "library") if "sideways" in p or "cut on the right" in p]
        assert not found, found
    finally:
        QApplication.setFont(before)


def test_assessment_findings_grid_fits_the_default_window(qtbot, window, seeded):
    """At 1360x840 with an assessment open, the findings grid needs no sideways scroll; #, type, severity, points and
    repeat show every value whole (measured with the grid's own font, bold where the cell is bold); the finding's
    title is the widest column with room for a readable start (it was 42 px wide); and every title and category
    cut short can be read whole in its tooltip."""
    from csrdesk.ui.widgets.findings_grid import COL_CATEGORY, COL_POINTS, COL_REPEAT, COL_SEVERITY, COL_TITLE

    long_title = "Fire doors on the second floor of the sewing building chained shut during working hours"
    saved = record_assessment(window.ctx.db, AssessmentInput(
        supplier_code="BD-0301", date=date.today() - timedelta(days=20), findings=[
            FindingInput(title="Emergency exits locked or blocked", severity="zero tolerance",
                         violation_type="HSF-007", category="health-safety"),
            FindingInput(title=long_title, severity="critical", category="freedom-of-association"),
            FindingInput(title="No overtime records", severity="major", category="hours")]))
    window.ctx.notify("assessments")
    window.resize(1360, 840)
    window.go("assessments")
    page = window.pages["assessments"]
    wait_idle(qtbot, window.ctx)
    assert page.open_item("assessment", saved.id)
    qtbot.waitUntil(lambda: page.editor.assessment_id == saved.id)
    wait_idle(qtbot, window.ctx)
    qtbot.wait(30)  # the queued column fitting
    grid = page.editor.grid
    model = grid.model()
    header = grid.horizontalHeader()
    assert header.length() <= grid.viewport().width() + 1, (header.length(), grid.viewport().width())
    bold_font = QFont(grid.font())
    bold_font.setBold(True)
    shown = [c for c in (0, 1, COL_SEVERITY, COL_POINTS, COL_REPEAT) if not grid.isColumnHidden(c)]
    for col in shown:  # (the type makes way for the finding when the grid is narrow: its key is in the tooltip)
        for row in range(model.rowCount()):
            index = model.index(row, col)
            text = str(model.data(index) or "")
            font = model.data(index, 6)  # FontRole
            metrics = QFontMetrics(bold_font) if font is not None and font.bold() else grid.fontMetrics()
            assert grid.columnWidth(col) >= metrics.horizontalAdvance(text) + 6, (col, text, grid.columnWidth(col))
    title_width = grid.columnWidth(COL_TITLE)
    # The title (two lines of it since issue 16's fresh pass) is wider than every column of short values and has
    # room for a readable start on each line; the category beside it shows every word (on two lines if need be).
    assert title_width >= max(grid.columnWidth(c) for c in shown)
    assert title_width >= grid.fontMetrics().averageCharWidth() * 16, title_width
    assert grid.wordWrap() and grid.rowHeight(1) >= 2 * grid.fontMetrics().lineSpacing()
    assert long_title in model.data(model.index(1, COL_TITLE), 3)  # ToolTipRole
    assert model.data(model.index(1, COL_CATEGORY), 3) == "Freedom of association and worker voice"
    # The supplier box shows the start of "BD-0301 · Shapla Fashions..." (its code), not the end of the name.
    assert page.editor.supplier_box.lineEdit().cursorPosition() == 0
    # The list beside the editor keeps its columns without sideways scrolling too.
    assert page.table.horizontalHeader().length() <= page.table.viewport().width() + 1
