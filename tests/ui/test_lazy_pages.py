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
    """Only the first page exists at start; going to CAPs builds the CAPs page, which loads its items, and its
    requests to open something reach the window (wired like the pages built at start)."""
    window = fresh_window
    built = {key for key, _page in window.pages.built_items()}
    assert built == {"dashboard"}
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


def test_the_suppliers_list_and_a_supplier_page_are_built_on_first_use_and_wired(qtbot, fresh_window, supplier):
    """The suppliers list and the supplier page are built when first shown (not at start): a supplier chosen in
    the list opens its page, the page's back goes to the list, Suppliers in the navigation returns to it."""
    window = fresh_window
    assert not window.showing("suppliers") and not window.showing("supplier")
    assert {key for key, _page in window.pages.built_items()} == {"dashboard"}  # asking did not build them
    window.go("suppliers")
    wait_idle(qtbot, window.ctx)
    assert window.showing("suppliers") and window.suppliers.model.total_count == 1
    window.suppliers.supplier_requested.emit(supplier.row.id)
    qtbot.waitUntil(lambda: window.showing("supplier"), timeout=5000)
    wait_idle(qtbot, window.ctx)
    assert window.supplier_page.supplier_id == supplier.row.id
    window.supplier_page.back_requested.emit()
    qtbot.waitUntil(lambda: window.showing("suppliers"), timeout=5000)
    window.show_supplier(supplier.row.id)
    qtbot.waitUntil(lambda: window.showing("supplier"), timeout=5000)
    window._nav_clicked(window.navigation.item(window._nav_keys.index("suppliers")))
    qtbot.waitUntil(lambda: window.showing("suppliers"), timeout=5000)


def test_closing_asks_only_pages_that_were_built(qtbot, fresh_window):
    """Closing the window does not build the pages never shown."""
    window = fresh_window
    window.go("library")
    wait_idle(qtbot, window.ctx)
    window.close()
    assert {key for key, _page in window.pages.built_items()} == {"dashboard", "library"}


def test_the_index_is_read_after_the_first_page_has_its_figures(qtbot, ui_app, db, monkeypatch):
    """At start the dashboard's figures are read first and the search index only once they are shown: read at the
    same time they shared the interpreter and the figures came later (here the figures take half a second)."""
    import time

    import csrdesk.ui.pages.dashboard as dashboard_page
    from csrdesk.ui.context import AppContext

    slow_summary = dashboard_page.dashboard_summary

    def summary_taking_its_time(*args, **kwargs):
        time.sleep(0.5)
        return slow_summary(*args, **kwargs)

    monkeypatch.setattr(dashboard_page, "dashboard_summary", summary_taking_its_time)
    index_asked_with_figures: list[bool] = []
    real_run = AppContext.run

    def recorded(self, fn, *args, **kwargs):
        if getattr(fn, "__name__", "") == "start_search_index":
            index_asked_with_figures.append(win.dashboard.summary is not None)
        return real_run(self, fn, *args, **kwargs)

    monkeypatch.setattr(AppContext, "run", recorded)
    ctx, win = open_window(db, install_hooks=False)
    try:
        win.resize(1360, 840)
        win.show()
        qtbot.waitUntil(lambda: win.search_box.index is not None, timeout=20000)
        assert index_asked_with_figures == [True]
    finally:
        win.close()
        close_window(ctx, win)
