"""UI fixtures: one QApplication for the session (pytest-qt's), one main window per test module over its own
database, so the window is not rebuilt for every test."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def ui_app(qapp):
    """The QApplication with csrdesk's name, icon and look."""
    from csrdesk.ui.app import ensure_application

    return ensure_application()


@pytest.fixture(scope="module")
def ui_home(tmp_path_factory):
    """A data folder for the module's shared window (each test still gets its own CSRDESK_HOME for files)."""
    home = tmp_path_factory.mktemp("ui-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSRDESK_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def ui_db(ui_home):
    """A migrated database shared by one module's tests; tests add what they need with unique codes."""
    from csrdesk.services.startup import open_workspace

    database = open_workspace(str(ui_home / "ui.sqlite3"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def window(ui_app, ui_db):
    """The main window over the module's database, shown offscreen."""
    from csrdesk.ui.app import open_window

    from csrdesk.ui.app import close_window

    ctx, win = open_window(ui_db, install_hooks=False)
    win.resize(1360, 840)
    win.show()
    yield win
    win.close()  # as the user does: the window's state is saved
    close_window(ctx, win)


@pytest.fixture
def ctx(qtbot, ui_app, db):
    """An AppContext over the test's own database, for a page or dialog tested on its own; its worker is joined
    at the end."""
    from csrdesk.ui.context import AppContext

    context = AppContext(db)
    yield context
    context.shutdown()


@pytest.fixture
def ui_ctx(window):
    return window.ctx


def wait_idle(qtbot, ctx, timeout: int = 10000) -> None:
    """Waits until the database worker is idle and its callbacks ran on the GUI thread."""
    qtbot.waitUntil(lambda: not ctx.busy, timeout=timeout)


def search_with_ctrl_k(qtbot, window, text: str, until, timeout: int = 10000):
    """Seeds reach the search (a change notice), then Ctrl+K and `text` typed, until `until(hits)` holds; returns
    the search box."""
    window.ctx.notify("all")
    wait_idle(qtbot, window.ctx)
    box = window.search_box
    window.focus_search()
    box.setText(text)
    box.search_now()
    qtbot.waitUntil(lambda: until(box.hits), timeout=timeout)
    return box


def open_with_ctrl_k(qtbot, window, text: str, kind: str, item_id: int):
    """Ctrl+K, `text` typed, and the hit for that item chosen (as a click or Enter on it would)."""
    box = search_with_ctrl_k(qtbot, window, text,
                             until=lambda hits: any(h.kind == kind and h.id == item_id for h in hits))
    box.choose(next(i for i, h in enumerate(box.hits) if h.kind == kind and h.id == item_id))
    return box


def open_vetting_screen(qtbot, window, screen_id: int):
    """The Vetting page at 1360x840 with the screen open and read; returns the page."""
    window.resize(1360, 840)
    window.go("vetting")
    page = window.vetting
    wait_idle(qtbot, window.ctx)
    page.open_item("vetting_screen", screen_id)
    qtbot.waitUntil(lambda: page.form.detail is not None and page.form.detail.id == screen_id and not window.ctx.busy)
    return page


@pytest.fixture
def settle(qtbot):
    def _settle(ctx, timeout: int = 10000) -> None:
        wait_idle(qtbot, ctx, timeout)
    return _settle


os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item):
    """Deletes the widgets pytest-qt just closed (deleteLater) at once, while the test's fixtures still hold their
    Python wrappers. Left to the next test's event loop, a widget could be destroyed while its wrapper's last
    reference (a lambda connected to one of its children) goes away inside the destructor, which crashes PySide."""
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield


@pytest.fixture
def work_ctx(ctx):
    """An AppContext over the test's own database, with no window (dialogs and flows driven on their own)."""
    return ctx
