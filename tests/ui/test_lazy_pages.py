"""The window starts with the first page only: the other pages (and the modules behind them) are built the first
time they are shown, styled and wired like the rest, so a page opened later behaves as one built at start."""
from __future__ import annotations

import pytest

from csrdesk.ui.app import close_window, open_window
from tests.ui.conftest import wait_idle


@pytest.fixture
def fresh_window(qtbot, ui_app, db):
    ctx, win = open_window(db, install_hooks=False)
    win.resize(1360, 840)
    win.show()
    yield win
    win.close()
    close_window(ctx, win)


def test_pages_are_built_when_first_shown_and_work_like_the_others(qtbot, fresh_window, supplier):
    """Only the pages needed at start exist; going to CAPs builds the CAPs page, which loads its items, and its
    requests to open something reach the window (wired like the pages built at start)."""
    window = fresh_window
    built = {key for key, _page in window.pages.built_items()}
    assert built == {"dashboard", "suppliers", "supplier"}
    assert set(window.pages) >= {"assessments", "caps", "vetting", "verification", "complaints", "library"}
    assert "caps" in window.pages

    window.go("caps")
    caps = window.current_page()
    assert caps is window.pages["caps"] and caps is window.caps
    wait_idle(qtbot, window.ctx)
    assert caps.loads == 1 and caps.subtitle.text().startswith("0 open items")
    assert {key for key, _page in window.pages.built_items()} == built | {"caps"}
    caps.navigate_requested.emit("supplier", supplier.row.id)
    qtbot.waitUntil(lambda: window.current_page() is window.supplier_page, timeout=5000)


def test_closing_asks_only_pages_that_were_built(qtbot, fresh_window):
    """Closing the window does not build the pages never shown."""
    window = fresh_window
    window.go("library")
    wait_idle(qtbot, window.ctx)
    window.close()
    assert {key for key, _page in window.pages.built_items()} == {"dashboard", "suppliers", "supplier", "library"}
