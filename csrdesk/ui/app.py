"""Starting the window: the Qt application, logging, the workspace, the crash hook, the main window.

Kept light: nothing here imports matplotlib, openpyxl or docxtpl; pages load those when first needed.
"""
from __future__ import annotations

import gc
import logging
import os
import sys
import time
from typing import Optional

log = logging.getLogger(__name__)


def _last_database() -> Optional[str]:
    """The database opened last through File > Open, when it still exists."""
    from csrdesk.ui.context import window_settings

    value = window_settings().value("database/last")
    if not isinstance(value, str) or not value:
        return None
    from csrdesk.services.startup import database_file

    path = database_file(value)
    if path is None and value.startswith("sqlite"):
        return None  # not readable as a SQLite URL
    if path is not None and not path.exists():
        return None
    return value


_qt_log = logging.getLogger("qt")
_qt_log.addHandler(logging.NullHandler())  # with no log file set up (a script), Qt's notes are not printed either
_qt_handler = None  # kept referenced while installed


def _qt_message(mode, context, message: str) -> None:
    """Qt's own messages (plugin notes, style sheet problems) go to csrdesk's log file, never to stderr."""
    from PySide6.QtCore import QtMsgType

    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)
    if level == logging.WARNING and message.startswith("OpenType support missing"):
        # Said for every text drawn in a font without a script's shaping tables (fonts-noto-core provides them):
        # a note, not a warning, or it fills the log.
        level = logging.DEBUG
    where = ""
    if context is not None and getattr(context, "category", None) and context.category != "default":
        where = f"[{context.category}] "
    _qt_log.log(level, "%s%s", where, message)
    if level == logging.WARNING and where.startswith("[qt.qpa"):
        _platform_notes.append(message.strip().splitlines()[0] if message.strip() else "")
    if level == logging.CRITICAL:
        # Qt aborts the process after a fatal message (a display it cannot reach, a platform plugin that cannot
        # load): one line on stderr says why, with the platform's own reason, and the exit is a user's error (2)
        # rather than a silent abort (134).
        first = (message.strip().splitlines() or ["Qt stopped"])[0]
        reason = next((n for n in reversed(_platform_notes) if n), "")
        sys.stderr.write(f"csrdesk: the window cannot start: {reason + '; ' if reason else ''}{first}\n")
        sys.stderr.flush()
        logging.shutdown()
        os._exit(2)


_platform_notes: list[str] = []


def display_problem(environ=None, platform: Optional[str] = None) -> Optional[str]:
    """Why no window can open here (a Linux session with no display at all), or None. Checked before Qt starts,
    since Qt aborts the process without a word on stderr when it finds no display."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")) or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set, as in an SSH "
            "or server session); start csrdesk from a desktop session, or use its commands (csrdesk --help).")


def install_qt_message_handler():
    """Routes Qt's messages to the log (warnings at WARNING level). Returns the handler it replaced. Installed
    once; calling again does nothing."""
    global _qt_handler
    from PySide6.QtCore import qInstallMessageHandler

    if _qt_handler is not None:
        return None
    _qt_handler = _qt_message
    return qInstallMessageHandler(_qt_handler)


def remove_qt_message_handler(previous=None) -> None:
    """Puts back the handler that was there before (tests use it)."""
    global _qt_handler
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(previous)
    _qt_handler = None


# The modules of the first window that do not use Qt, imported before PySide6 is. PySide6 hooks every import made
# after it (for its `from __feature__ import ...` switch) and reads the whole source of each module newly imported to
# look for the word "PySide6": about 300 files (SQLAlchemy's among them) and a tenth of a second of every start.
# Imported first, they are never read. A module missing here costs only that reading, nothing else.
_NOT_QT_FIRST = ("csrdesk.services.startup", "csrdesk.services.dashboard", "csrdesk.services.complaint_reports",
                 "csrdesk.services.verification_overview", "csrdesk.services.laws", "csrdesk.services.search")


def _import_before_qt() -> None:
    if "PySide6.QtCore" in sys.modules:
        return  # too late to help (tests, a second window): nothing to gain
    import importlib

    for name in _NOT_QT_FIRST:
        importlib.import_module(name)


# Layers that never use Qt (tests/test_layers.py holds them to it), and everything outside csrdesk but Qt itself.
_WITHOUT_QT = ("csrdesk.domain", "csrdesk.services", "csrdesk.storage", "csrdesk.exchange", "csrdesk.reports",
               "csrdesk.errors", "csrdesk.progress", "csrdesk.paths", "csrdesk.logsetup")


def _no_source_reading_for_modules_without_qt() -> None:
    """Tells PySide6's import hook up front what it would find by reading the source of each module already
    imported when a later `from <module> import ...` names it: that the module does not use PySide6 (-1, "ignore
    this module", what the hook itself records for such a module). Without this it reads typing.py, enum.py,
    logging and the rest once each at start (about 70 files, 15 ms). Nothing is marked when PySide6 keeps its
    table elsewhere."""
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    for name in list(sys.modules):
        ours = name == "csrdesk" or name.startswith("csrdesk.")
        if name.startswith(("PySide6", "shiboken", "__feature__")) or (ours and not name.startswith(_WITHOUT_QT)):
            continue
        table.setdefault(name, -1)


def ensure_application(argv: Optional[list[str]] = None):
    """The QApplication (created once), with the csrdesk name, icon and look; Qt's messages go to the log."""
    _import_before_qt()
    from PySide6.QtWidgets import QApplication

    _no_source_reading_for_modules_without_qt()

    from csrdesk import __version__
    from csrdesk.ui import theme
    from csrdesk.ui.main_window import app_icon

    install_qt_message_handler()
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("csrdesk")
    app.setOrganizationName("csrdesk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    if not getattr(app, "_csrdesk_themed", False):
        theme.apply_theme(app)
        app._csrdesk_themed = True
    from csrdesk.ui.widgets.wheel_guard import install_wheel_guard

    install_wheel_guard(app)
    from csrdesk.ui.widgets.dialog_keys import install_dialog_keys

    install_dialog_keys(app)
    from csrdesk.ui.widgets.cell_tips import install_cell_tips

    install_cell_tips(app)  # a cut cell shows its whole text on hover, in every table
    return app


def open_window(db, *, install_hooks: bool = True):
    """The AppContext and the main window over an open database (used by run_gui, tests and the benchmark)."""
    from csrdesk.ui.context import AppContext
    from csrdesk.ui.errors import ExceptionBridge
    from csrdesk.ui.main_window import MainWindow

    if _starting:  # the first window's thousands of events go by the filter until it is shown (end_start_when_ready)
        from PySide6.QtWidgets import QApplication

        from csrdesk.ui.widgets.app_events import app_events

        app_events(QApplication.instance()).hold()
    ctx = AppContext(db)
    window = MainWindow(ctx)
    if install_hooks:
        bridge = ExceptionBridge(lambda: window if window.isVisible() else None, window)
        bridge.install()
        window._exception_bridge = bridge
    return ctx, window


# Set, the window prints "READY" once its first page shows its data and then closes: installer/measure_start.py
# times the frozen app against the source this way. Set to "pages", it first shows every page in turn, each with
# its data, then closes (the exit test quits a window that has loaded everything).
STARTUP_PROBE_ENV = "CSRDESK_STARTUP_PROBE"


def _probe_startup(app, ctx, window, tour: bool = False) -> None:
    from PySide6.QtCore import QTimer

    pages = list(window._nav_keys) if tour else []

    def check() -> None:
        if ctx.busy:
            QTimer.singleShot(5, check)
            return
        window.repaint()
        if pages:
            window.go(pages.pop(0))
            QTimer.singleShot(5, check)
            return
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        app.quit()

    QTimer.singleShot(0, check)


# Python's cycle collector runs after every few hundred new objects. The start creates a few million (SQLAlchemy,
# the models, Qt's classes and enums) that all live as long as the app: collecting among them found nothing and
# took a tenth of a second of every start. It is off from the start until the first page shows its data, then on
# again, with what the start built set aside from later collections (gc.freeze).
_starting = False


def begin_start() -> None:
    """The start's quiet time. Python's cycle collector is off until the first page has its data (it would walk
    the few million objects the start builds, all kept for the app's life, and find nothing: a tenth of a second),
    and the application's event filter waits while open_window builds the window (its 4,000 events would each
    cross into Python for nothing: 30 ms) until the window is shown."""
    global _starting
    if not _starting:
        _starting = True
        if gc.isenabled():
            gc.disable()


def _release_app_events() -> None:
    widgets = sys.modules.get("PySide6.QtWidgets")  # a start that stopped before Qt was loaded has no filter
    app = widgets.QApplication.instance() if widgets is not None else None
    events = getattr(app, "_csrdesk_app_events", None)
    if events is not None:
        events.release()


def end_start() -> None:
    """Ends the quiet time: the event filter is back, and the collector collects once what the start left, sets
    the rest aside (it lives as long as the app) and is turned back on. Harmless when no start began."""
    global _starting
    _release_app_events()
    if _starting:
        _starting = False
        gc.collect()
        gc.freeze()
        gc.enable()


def end_start_when_ready(ctx, deadline_ms: int = 15000) -> None:
    """Called once the window is shown: the event filter is back at once (before the event loop runs, so nothing
    the user does can miss it), the collector once the window's first page has its data (the worker is idle), at
    the latest after deadline_ms."""
    from PySide6.QtCore import QTimer

    _release_app_events()
    QTimer.singleShot(0, ctx, lambda: ctx.when_idle(end_start))
    QTimer.singleShot(deadline_ms, ctx, end_start)  # with ctx: dropped if the window's context is gone by then


def run_gui(db_url: Optional[str] = None, *, create_folder: bool = False) -> int:
    """Opens the window on the database at db_url (or the last or default one). Returns the exit code."""
    started = time.perf_counter()
    begin_start()
    try:
        return _run_gui(db_url, create_folder=create_folder, started=started)
    finally:
        end_start()  # a start that failed before its window was ready


def _run_gui(db_url: Optional[str], *, create_folder: bool, started: float) -> int:
    from csrdesk.logsetup import setup_logging

    log_path = setup_logging()
    problem = display_problem()
    if problem:
        from csrdesk.errors import UserError

        raise UserError(problem)
    app = ensure_application()
    from PySide6.QtWidgets import QMessageBox

    from csrdesk.errors import DatabaseError
    from csrdesk.services.startup import database_set_by_environment, open_workspace

    url = db_url
    if not url and not database_set_by_environment():
        url = _last_database()
    try:
        db = open_workspace(url, create_folder=create_folder)
    except DatabaseError as exc:
        log.warning("could not open the database: %s", exc)
        QMessageBox.critical(None, "csrdesk", f"csrdesk cannot open the database.\n\n{exc}")
        return 2
    except Exception as exc:  # a bug while opening: say where the details are
        log.exception("unexpected error while opening the database")
        QMessageBox.critical(None, "csrdesk", f"csrdesk could not start: {exc}\n\nThe details are in {log_path}")
        return 1
    ctx, window = open_window(db)
    window.show()
    end_start_when_ready(ctx)
    log.info("window ready in %.2f s on %s", time.perf_counter() - started, db.display_name)
    probe = os.environ.get(STARTUP_PROBE_ENV)
    if probe:
        _probe_startup(app, ctx, window, tour=probe == "pages")
    try:
        return int(app.exec())
    finally:
        close_window(ctx, window)


def close_window(ctx, window) -> None:
    """Ends what open_window started, in an order that leaves nothing to the interpreter's finalization: the worker
    finishes and its late answers are dropped, the windows are deleted while Qt still runs, then the context (its
    thread pool joins the worker thread) and the database go."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication
    from shiboken6 import isValid

    db = ctx.db
    ctx.shutdown(10000)
    bridge = getattr(window, "_exception_bridge", None)
    if bridge is not None:
        bridge.uninstall()
    app = QApplication.instance()
    # Hidden, not closed: the window was already closed (or the app quit), so nothing may ask about unsaved edits.
    for widget in list(app.topLevelWidgets()) if app is not None else ():
        if isValid(widget):
            widget.hide()
            widget.deleteLater()
    if isValid(window):
        window.deleteLater()
    ctx.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    db.dispose()
