"""The shared UI machinery: work off the GUI thread, progress with cancel, errors shown the right way."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from csrdesk.errors import UserError
from csrdesk.progress import Cancelled
from csrdesk.ui import errors as ui_errors
from csrdesk.ui.context import AppContext, window_settings


@pytest.fixture
def ctx(qtbot, ui_app, db):
    context = AppContext(db)
    yield context
    context.cancel_all()
    context.wait_idle()
    dialog = ui_errors.current_error_dialog()
    if dialog is not None:
        dialog.close()
        qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is None)


def _wait(qtbot, task, timeout=10000):
    qtbot.waitUntil(lambda: task.is_done, timeout=timeout)


def test_work_runs_off_the_gui_thread_and_answers_on_it(qtbot, ctx):
    """A service call runs on the worker; its result arrives on the GUI thread, so screens can update safely."""
    seen = {}

    def work(a, b):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return a + b

    results = []
    task = ctx.run(work, 2, 3, on_done=lambda r: results.append((r, threading.current_thread() is threading.main_thread())))
    _wait(qtbot, task)
    assert seen["worker"] is True
    assert results == [(5, True)]


def test_database_calls_run_one_at_a_time_in_order(qtbot, ctx):
    """Two calls never overlap on the database: the second starts after the first ended."""
    log = []

    def work(name):
        log.append(("start", name))
        time.sleep(0.05)
        log.append(("end", name))
        return name

    first = ctx.run(work, "a")
    second = ctx.run(work, "b")
    _wait(qtbot, second)
    assert first.is_done
    assert log == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b")]


def test_a_bug_in_a_worker_opens_the_error_dialog_and_the_app_keeps_running(qtbot, ctx):
    """An unexpected exception shows the details and the log file; the next call still works."""
    def broken():
        raise RuntimeError("the disk caught fire")

    task = ctx.run(broken)
    _wait(qtbot, task)
    qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is not None)
    dialog = ui_errors.current_error_dialog()
    assert "RuntimeError: the disk caught fire" in dialog.details
    assert "Traceback" in dialog.details and "broken" in dialog.details
    assert "csrdesk.log" in dialog.log_label.text()
    dialog.copy_details()
    from PySide6.QtGui import QGuiApplication

    assert "the disk caught fire" in QGuiApplication.clipboard().text()
    dialog.close()
    qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is None)
    results = []
    again = ctx.run(lambda: "still here", on_done=results.append)
    _wait(qtbot, again)
    assert results == ["still here"]


def test_a_user_error_is_a_plain_message_not_a_bug_report(qtbot, ctx, monkeypatch):
    """A refusal the user can act on is shown as a one-line warning, never as the error dialog."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append(text)))

    def refuse():
        raise UserError("The supplier code CN-0001 is already in use.")

    task = ctx.run(refuse)
    _wait(qtbot, task)
    assert shown == ["The supplier code CN-0001 is already in use."]
    assert ui_errors.current_error_dialog() is None


def test_long_work_shows_progress_and_can_be_cancelled(qtbot, ctx):
    """After a short delay a progress dialog appears; Cancel stops the work at its next step and nothing is reported
    as an error."""
    steps = []
    done = []

    def long_work(total, progress=None):
        for i in range(total):
            time.sleep(0.01)
            progress.step(i + 1, total, f"supplier {i + 1}")
            steps.append(i)
        return "finished"

    task = ctx.run(long_work, 2000, label="Generating letters…", cancellable=True, on_done=done.append)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
    dialog = task.dialog
    qtbot.waitUntil(lambda: dialog.value() > 0 and dialog.maximum() == 2000, timeout=5000)
    assert "Generating letters…" in dialog.labelText()
    cancel = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    assert cancel, "a cancellable task has a Cancel button"
    cancel[0].click()
    _wait(qtbot, task)
    assert isinstance(task.error, Cancelled)
    assert done == []
    assert len(steps) < 2000
    assert ui_errors.current_error_dialog() is None


def test_quick_work_shows_no_progress_dialog(qtbot, ctx):
    """Work that ends before the delay never flashes a dialog."""
    task = ctx.run(lambda: 1, label="Saving…")
    _wait(qtbot, task)
    qtbot.wait(400)
    assert task.dialog is None


def test_cancelling_a_real_bulk_job_changes_nothing(qtbot, ctx):
    """Cancelling the demo generator half-way leaves the database as it was."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.suppliers import list_suppliers

    task = ctx.run(generate_demo, ctx.db, suppliers=400, label="Adding demo data…", cancellable=True)
    qtbot.waitUntil(lambda: task.is_done or (task.progress is not None and task.dialog is not None), timeout=20000)
    task.cancel()
    _wait(qtbot, task, timeout=60000)
    if task.error is None:
        pytest.skip("the demo data was generated before the cancel arrived (machine too fast)")
    assert isinstance(task.error, Cancelled)
    assert list_suppliers(ctx.db) == []


def test_an_exception_in_any_thread_reaches_the_error_dialog(qtbot, ui_app):
    """The crash hook carries an exception from a plain thread to the dialog on the GUI thread."""
    bridge = ui_errors.ExceptionBridge(lambda: None)
    bridge.install()
    try:
        thread = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError("bad value in a thread")))
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is not None)
        assert "bad value in a thread" in ui_errors.current_error_dialog().details
    finally:
        bridge.uninstall()
        dialog = ui_errors.current_error_dialog()
        if dialog is not None:
            dialog.close()
        qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is None)


def test_window_state_is_kept_in_the_csrdesk_home_folder(csrdesk_home):
    """Window sizes and column widths go to an INI file under CSRDESK_HOME, never the user's real settings."""
    settings = window_settings()
    settings.setValue("probe/value", 42)
    settings.sync()
    assert str(csrdesk_home) in settings.fileName()
    assert int(window_settings().value("probe/value")) == 42


def test_callbacks_of_a_closed_dialog_are_skipped(qtbot, ui_app, db):
    """Work started for a dialog that was closed and deleted before the answer came does not touch it (no crash,
    no error dialog); the context becomes idle."""
    from PySide6.QtWidgets import QDialog, QLineEdit

    from csrdesk.ui.context import AppContext

    import threading

    from shiboken6 import delete

    ctx = AppContext(db)
    dialog = QDialog()
    edit = QLineEdit(dialog)
    closed = threading.Event()
    calls = []

    def work() -> str:
        closed.wait(5)  # the answer comes only after the dialog is gone
        return "value"

    ctx.run(work, on_done=lambda v: calls.append(v) or edit.setText(v), parent=dialog)
    delete(dialog)
    closed.set()
    qtbot.waitUntil(lambda: not ctx.busy)
    assert calls == []


def test_thousands_of_change_notices_leave_the_interpreter_intact(qtbot, ctx):
    """A long session sends thousands of change notices and worker answers. Each is a signal emitted from Python;
    none may use up a reference of Python's True (PySide6 6.12.0 did, and the app aborted once True ran out,
    at the latest when it quit)."""
    import sys

    seen = []
    ctx.changed.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(2000):
        ctx.notify("suppliers")
    tasks = [ctx.run(lambda: True) for _ in range(50)]
    qtbot.waitUntil(lambda: all(t.is_done for t in tasks))
    assert len(seen) == 2000 and all(t.result is True for t in tasks)
    assert sys.getrefcount(True) >= before


def test_a_page_skips_only_its_own_echo(qtbot, ctx):
    """A page reloads after changes made elsewhere, but not after the notice of its own save; a part of the page
    (a form) that caused the change is named to it, so the page reloads everything but that part."""
    from csrdesk.ui.pages.base import Page

    class Probe(Page):
        topics = ("suppliers",)

        def __init__(self, ctx):
            super().__init__(ctx)
            self.seen = []

        def reload(self):
            self.seen.append([c.origin for c in self.changes])

    page = Probe(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loads == 1)
    page.notify("suppliers")  # its own save
    ctx.notify("caps")  # a topic it does not show
    assert page.loads == 1
    form = object()
    page.notify("suppliers", origin=form)
    ctx.notify("suppliers")
    assert page.seen[1:] == [[form], [None]]
    assert not page.changed_only_by(form)  # outside reload() no change is being answered


def test_an_error_in_a_closed_panel_never_silences_the_next_one(qtbot, ui_app):
    """A bug reported from a panel that is then closed keeps its report on the window, and once that report is
    gone the next bug opens a report of its own (before, a dialog deleted with its panel stayed 'open' for ever and
    every later error was only logged)."""
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    panel = QWidget(window)
    first = ui_errors.show_exception_dialog(panel, RuntimeError("first"))
    assert first is not None and first.parent() is window
    panel.deleteLater()
    qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is first)
    # The window itself goes (a dialog closed with its report still up): the report goes with it...
    window.deleteLater()
    qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is None)
    # ...and the next bug is shown, not swallowed.
    second = ui_errors.show_exception_dialog(None, ValueError("second"))
    try:
        assert second is not None and "second" in second.details
    finally:
        second.close()
        qtbot.waitUntil(lambda: ui_errors.current_error_dialog() is None)
