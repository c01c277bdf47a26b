"""The dashboard's "Follow-up assessments owed" tile opens what it counts, like every other tile: a click brings the
table of follow-ups owed (further down the same page) into view (it used to do nothing)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import wait_idle


def test_follow_up_tile_shows_the_follow_ups_owed(qtbot, ctx):
    from csrdesk.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360 - 200, 840 - 90)  # the page's room in the default window
    page.show()
    page.refresh()
    wait_idle(qtbot, ctx)
    qtbot.wait(30)
    viewport = page.scroll.viewport()
    table = page.follow_view

    def table_in_view() -> bool:
        top = table.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + min(table.height(), 120) <= viewport.height()

    assert not table_in_view()  # below the fold at first
    assert page.card_follow.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(page.card_follow.value_label, Qt.MouseButton.LeftButton)
    qtbot.wait(30)
    assert table_in_view()
