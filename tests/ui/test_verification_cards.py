"""The Verification page's cards open the list behind their figure, by a click or from the keyboard (they looked
like the dashboard's tiles and opened nothing; found by the keyboard pass)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import wait_idle


def test_each_card_opens_its_tab_by_click_and_by_enter(qtbot, window):
    window.go("verification")
    page = window.verification
    wait_idle(qtbot, window.ctx)
    page.tabs.setCurrentIndex(1)
    qtbot.mouseClick(page.card_escalated, Qt.MouseButton.LeftButton)
    assert page.tabs.currentIndex() == 2
    qtbot.mouseClick(page.card_overdue, Qt.MouseButton.LeftButton)
    assert page.tabs.currentIndex() == 0
    page.card_ready.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(page.card_ready, Qt.Key.Key_Return)
    assert page.tabs.currentIndex() == 3
    assert page.card_ready.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert "ready for the final inspection" in page.card_ready.toolTip()
