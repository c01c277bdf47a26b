"""What every screen shares: the open database, the one database worker, change notices and error display.

Screens never call services on the GUI thread for anything that may take time: they hand the call to
`AppContext.run`, which runs it on a single worker thread (one database call at a time), shows a progress dialog
only when the work outlasts a short delay, and calls back on the GUI thread. After a change a screen calls
`notify("suppliers", origin=self)` (or another topic) and every screen decides for itself whether to refresh; the
origin lets the screen that made the change skip its own echo.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QSettings, QThreadPool, QTimer, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from csrdesk.progress import Cancelled, Progress
from csrdesk.ui.errors import is_user_error, show_error  # noqa: F401  (pages take them from here)

log = logging.getLogger(__name__)

# The topics a screen may be told about through AppContext.changed.
TOPICS = ("suppliers", "assessments", "caps", "library", "settings", "vetting", "verification", "complaints", "all",
          "partners")

PROGRESS_DELAY_MS = 300
# Progress from the worker reaches the GUI at most this often, so a tight loop cannot flood the event queue.
_PROGRESS_INTERVAL_S = 0.05


@dataclass(frozen=True)
class Change:
    """A change notice: what changed (one of TOPICS) and which screen or part of one caused it (None: elsewhere)."""

    topic: str
    origin: object = None


def window_settings() -> QSettings:
    """Window state (geometry, splitters, column widths): an INI file in the config folder, apart from preferences.

    The config folder follows CSRDESK_HOME, so tests and portable installs never touch the user's own file.
    """
    from csrdesk import paths

    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


class _Bridge(QObject):
    """Carries what the worker reports to the GUI thread: one object for the whole app, a child of the AppContext.

    The signals carry (task id, value) pairs; being emitted on the worker and received by this object, which lives on
    the GUI thread, their slots run there. Tasks are plain Python objects that the worker never holds: no QObject is
    made and deleted per call, and no last reference to a task (or to a widget its callbacks close over) is dropped
    on the worker thread.
    """

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)

    def __init__(self, parent: "AppContext") -> None:
        super().__init__(parent)
        self.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)

    def _task(self, task_id: int) -> Optional["Task"]:
        return self.parent()._tasks.get(task_id)

    @Slot(object)
    def _done(self, message) -> None:
        task = self._task(message[0])
        if task is not None:
            task._finish_ok(message[1])

    @Slot(object)
    def _failed(self, message) -> None:
        task = self._task(message[0])
        if task is not None:
            task._finish_error(message[1])

    @Slot(object)
    def _progressed(self, message) -> None:
        task = self._task(message[0])
        if task is not None:
            task._show_progress(*message[1:])


class _Reporter:
    """The progress callback the work calls on the worker thread: at most every _PROGRESS_INTERVAL_S to the GUI."""

    def __init__(self, bridge: _Bridge, task_id: int) -> None:
        self._bridge = bridge
        self._task_id = task_id
        self._last_emit = 0.0

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_emit >= _PROGRESS_INTERVAL_S:
            self._last_emit = now
            self._bridge.progressed.emit((self._task_id, int(done), int(total), str(message or "")))


class _Job(QRunnable):
    """The call, run on the worker thread: the function, its arguments and where to report, never the Task."""

    def __init__(self, task_id: int, fn: Callable, args: tuple, kwargs: dict, progress: Optional[Progress],
                 bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._work: Optional[tuple] = (fn, args, kwargs)
        self._progress = progress
        self._bridge = bridge

    def run(self) -> None:  # on the worker thread
        work, self._work = self._work, None
        progress, self._progress = self._progress, None
        if progress is not None and progress.cancelled:
            self._bridge.failed.emit((self._task_id, Cancelled("Cancelled; nothing was changed.")))
            return
        fn, args, kwargs = work
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._bridge.failed.emit((self._task_id, exc))
        else:
            self._bridge.done.emit((self._task_id, result))


class Task:
    """One call running on the database worker; its callbacks run on the GUI thread. `on_finished` callables run
    after on_done or on_error."""

    def __init__(self, ctx: "AppContext", task_id: int, fn: Callable, args: tuple, kwargs: dict, *, on_done,
                 on_error, label: str, cancellable: bool, with_progress: bool, parent: Optional[QWidget]) -> None:
        self._ctx = ctx
        self.id = task_id
        self._fn = fn
        self._args = args
        self._kwargs = dict(kwargs)
        self._on_done = on_done
        self._on_error = on_error
        self.label = label
        self.cancellable = cancellable
        self._parent = parent
        self._dialog: Optional[QProgressDialog] = None
        self._last = (0, 0, "")
        self.is_done = False
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.started_at = time.perf_counter()
        self.elapsed: Optional[float] = None
        self.on_finished: list[Callable[[], None]] = []
        self.progress: Optional[Progress] = None
        if with_progress:
            self.progress = Progress(_Reporter(ctx._bridge, task_id))
            self._kwargs["progress"] = self.progress
        if label:
            # A lambda, not the bound method: PySide keeps a lambda alive until the timer fires, but not the object
            # behind a bound method of a plain Python object (it would be called after being freed).
            QTimer.singleShot(PROGRESS_DELAY_MS, ctx, lambda: self._open_dialog())

    # -- GUI side ------------------------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Asks the work to stop at its next progress step; it then ends with Cancelled and changes nothing."""
        if self.progress is not None:
            self.progress.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Cancelling…")

    @property
    def dialog(self) -> Optional[QProgressDialog]:
        return self._dialog

    def _open_dialog(self) -> None:
        if self.is_done or self._dialog is not None:
            return
        parent = self._parent if self._parent is not None and not self._parent_gone() else QApplication.activeWindow()
        dialog = QProgressDialog(self.label, "Cancel" if self.cancellable else "", 0, 0, parent)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.setWindowTitle("csrdesk")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(380)
        if self.cancellable:
            dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        done, total, message = self._last
        if total:
            self._show_progress(done, total, message)
        dialog.show()

    def _show_progress(self, done: int, total: int, message: str) -> None:
        self._last = (done, total, message)
        dialog = self._dialog
        if dialog is None or self.is_done:
            return
        if self.progress is not None and self.progress.cancelled:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        text = self.label
        if message:
            text = f"{self.label}\n{message}"
        dialog.setLabelText(text)

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            dialog.hide()
            if dialog.parent() is not None:
                dialog.deleteLater()  # owned by its window; without a parent it goes with this last reference

    def _parent_gone(self) -> bool:
        """True when the widget the work was for has been deleted (a dialog closed before its data came): its
        callbacks would touch deleted widgets, so they are skipped."""
        if self._parent is None:
            return False
        from shiboken6 import isValid

        return not isValid(self._parent)

    def _finish_ok(self, result: Any) -> None:
        self.is_done = True
        self.result = result
        self.elapsed = time.perf_counter() - self.started_at
        self._close_dialog()
        if self._parent_gone():
            log.debug("%s finished after its window closed", getattr(self._fn, "__name__", self._fn))
            self._settle()
            return
        try:
            if self._on_done is not None:
                self._on_done(result)
        except Exception as exc:  # a bug in the callback: report it, keep the app running
            log.exception("error in the completion handler of %s", getattr(self._fn, "__name__", self._fn))
            show_error(self._parent, exc)
        finally:
            self._settle()

    def _finish_error(self, exc: BaseException) -> None:
        self.is_done = True
        self.error = exc
        self.elapsed = time.perf_counter() - self.started_at
        self._close_dialog()
        if not is_user_error(exc) and not isinstance(exc, Cancelled):
            log.error("unexpected error in %s", getattr(self._fn, "__name__", self._fn),
                      exc_info=(type(exc), exc, exc.__traceback__))
        if self._parent_gone():
            self._settle()
            return
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                show_error(self._parent, exc)
        except Exception as inner:
            log.exception("error in the error handler")
            show_error(self._parent, inner)
        finally:
            self._settle()

    def _settle(self) -> None:
        self._ctx._task_settled(self)
        # Callbacks and their widgets are not kept past the end of the work.
        self._on_done = self._on_error = None
        self._args, self._kwargs = (), {}
        self._parent = None
        finished, self.on_finished = self.on_finished, []
        for fn in finished:
            fn()


class AppContext(QObject):
    """The open database and everything screens share. Lives on the GUI thread."""

    changed = Signal(str)  # the topic of every change notice
    change_notice = Signal(object)  # the same notice as a Change, with its origin
    busy_changed = Signal(bool)

    def __init__(self, db, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one database worker: calls run one at a time, in order
        self._pool.setExpiryTimeout(-1)
        self._bridge = _Bridge(self)
        self._tasks: dict[int, Task] = {}
        self._task_ids = itertools.count(1)

    # -- change notices -------------------------------------------------------------------------------------------
    def notify(self, what: str, origin: object = None) -> None:
        """Tells every screen that `what` changed ("suppliers", "caps", ..., or "all"); `origin` is the screen (or
        the part of one) whose action changed it, so it can tell its own echo from other changes."""
        if what not in TOPICS:
            log.warning("unknown change topic %r", what)
        self.change_notice.emit(Change(what, origin))
        self.changed.emit(what)

    # -- background work ------------------------------------------------------------------------------------------
    def run(self, fn: Callable, *args, on_done: Optional[Callable[[Any], None]] = None,
            on_error: Optional[Callable[[BaseException], None]] = None, label: str = "", cancellable: bool = False,
            parent: Optional[QWidget] = None, with_progress: Optional[bool] = None, **kwargs) -> Task:
        """Runs fn(*args, **kwargs) on the database worker and calls back on the GUI thread.

        With `label`, a progress dialog appears when the work takes longer than PROGRESS_DELAY_MS. When
        `cancellable` (or `with_progress`) is true, fn receives `progress=Progress(...)`; its step() moves the
        dialog's bar and, after Cancel, raises Cancelled so the work stops and rolls back. Errors go to
        on_error, or by default to show_error (a warning for user errors, the error dialog for bugs).
        """
        if with_progress is None:
            with_progress = cancellable
        task = Task(self, next(self._task_ids), fn, args, kwargs, on_done=on_done, on_error=on_error, label=label,
                    cancellable=cancellable, with_progress=with_progress, parent=parent)
        was_idle = not self._tasks
        self._tasks[task.id] = task
        if was_idle:
            self.busy_changed.emit(True)
        self._pool.start(_Job(task.id, fn, args, task._kwargs, task.progress, self._bridge))
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _task_settled(self, task: Task) -> None:
        self._tasks.pop(task.id, None)
        if not self._tasks:
            self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    def when_idle(self, fn: Callable[[], object]) -> None:
        """Runs fn on the GUI thread once the worker has nothing left to run: at once when it is idle, else when it
        becomes so (the first page's data in at start, say)."""
        if not self.busy:
            fn()
            return

        def changed(busy: bool) -> None:
            if not busy:
                self.busy_changed.disconnect(changed)
                fn()

        self.busy_changed.connect(changed)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Blocks until the worker has nothing left to run (used on close and in tests)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Before the context goes: cancels what can stop, waits for the worker, and drops the answers still on
        their way to the GUI thread, so no callback runs on a window being closed. False if the work did not end
        in time."""
        self.cancel_all()
        idle = self._pool.waitForDone(timeout_ms)
        QCoreApplication.removePostedEvents(self._bridge)
        self._tasks.clear()
        self.busy_changed.emit(False)
        return idle

    # -- helpers -------------------------------------------------------------------------------------------------
    def show_error(self, parent: Optional[QWidget], exc: BaseException) -> None:
        show_error(parent, exc)

    def settings(self) -> QSettings:
        return window_settings()

    def set_database(self, db) -> None:
        """Switches to another open database (File > Open); every screen reloads."""
        self.wait_idle()
        old, self.db = self.db, db
        if old is not None and old is not db:
            try:
                old.dispose()
            except Exception:  # pragma: no cover - disposing a broken engine must not stop the switch
                log.exception("could not close the previous database")
        self.notify("all")


def on_gui_thread() -> bool:
    app = QApplication.instance()
    return app is not None and threading.current_thread() is threading.main_thread()
