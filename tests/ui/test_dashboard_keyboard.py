"""The dashboard's tiles and bars open what they count from the keyboard too, not by mouse only: Tab reaches each
tile in reading order, Enter or Space opens it, the focused tile shows a frame in the palette's highlight colour and
has an accessible name; in a bar chart the arrow keys choose a bar and Enter opens what it counts."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from tests.ui.conftest import wait_idle


def _page(qtbot, ctx):
    from csrdesk.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360 - 200, 840 - 90)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    wait_idle(qtbot, ctx)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def _edge_colour(card) -> QColor:
    image = card.grab().toImage()
    return image.pixelColor(1, image.height() // 2)


def test_tab_reaches_every_tile_and_enter_or_space_opens_it(qtbot, ctx):
    page = _page(qtbot, ctx)
    opened = []
    page.open_requested.connect(lambda key, kind, value: opened.append((key, kind, value)))
    first = page.tiles[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    seen = [first]
    for _ in page.tiles[1:]:
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
        seen.append(page.focusWidget())
    assert seen == list(page.tiles)  # reading order: the first row of four, then the second of three
    page.card_overdue.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(page.card_overdue, Qt.Key.Key_Return)
    page.card_suppliers.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(page.card_suppliers, Qt.Key.Key_Space)
    assert opened == [("caps", "show", "overdue"), ("suppliers", "status", "")]
    assert page.card_overdue.accessibleName().startswith("Overdue CAP items: ")
    chain, widget = [], page.tiles[-1]
    for _ in range(5):  # after the tiles: the charts and tables, each with a name a screen reader can say
        widget = widget.nextInFocusChain()
        while not (widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
        chain.append(widget.accessibleName())
    assert chain == ["Suppliers by rating", "Suppliers by status", "Most overdue suppliers", "CAPs by status",
                     "Follow-up assessments owed"]
    assert "overdue CAP items" in page.card_overdue.accessibleDescription()


def test_the_focused_tile_is_framed_in_the_highlight_colour(qtbot, ctx):
    page = _page(qtbot, ctx)
    card = page.card_due
    highlight = card.palette().color(QPalette.ColorRole.Highlight)
    page.card_suppliers.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: not card.hasFocus())
    assert _edge_colour(card) != highlight
    card.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(card.hasFocus)
    edge = _edge_colour(card)
    assert abs(edge.red() - highlight.red()) + abs(edge.green() - highlight.green()) \
        + abs(edge.blue() - highlight.blue()) < 40, (edge.name(), highlight.name())


def test_arrow_keys_choose_a_bar_and_enter_opens_it(qtbot, ctx):
    page = _page(qtbot, ctx)
    opened = []
    page.open_requested.connect(lambda key, kind, value: opened.append((key, kind, value)))
    bars = page.statuses
    assert len(bars.items()) >= 2 and bars.accessibleName() == "Suppliers by status"
    last_tile = page.card_complaints
    last_tile.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(last_tile, Qt.Key.Key_Tab)
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
    assert page.focusWidget() is bars  # the tiles, then the rating bars, then these
    qtbot.keyClick(bars, Qt.Key.Key_Down)
    qtbot.keyClick(bars, Qt.Key.Key_Enter)
    status = page.summary.by_status[1][0]
    assert opened == [("suppliers", "status", status)]
    assert status.lower() in bars.accessibleDescription().lower()


def test_ctrl_c_copies_the_focused_chart_without_its_focus_frame(qtbot, ctx):
    """The chart's right-click menu has a key too: Ctrl+C on the focused bars copies the chart, as the menu's Copy
    chart does, and the copy (like a saved PNG) carries no focus frame."""
    from PySide6.QtGui import QGuiApplication

    page = _page(qtbot, ctx)
    bars = page.ratings
    QGuiApplication.clipboard().clear()
    bars.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bars.hasFocus)
    from PySide6.QtCore import QPoint, QRect

    on_screen = page.grab(QRect(bars.mapTo(page, QPoint(0, 0)), bars.size())).toImage()  # as the window shows it
    qtbot.keyClick(bars, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().pixmap()
    assert not copied.isNull() and copied.size() == bars.size()
    highlight = bars.palette().color(QPalette.ColorRole.Highlight)
    row_middle = bars.current * bars._row_height() + bars._row_height() // 2
    assert copied.toImage().pixelColor(1, row_middle) != highlight
    shown = on_screen.pixelColor(1, row_middle)
    assert abs(shown.red() - highlight.red()) + abs(shown.blue() - highlight.blue()) < 40, shown.name()
