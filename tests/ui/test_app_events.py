"""The application's one event filter: the features that need every widget's events (the wheel guard, the dialogs'
keyboard path, the whole text of a cut cell) share one filter that lets every other event go by untouched, and the
filter steps aside while the first window is built."""
from __future__ import annotations

import gc

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QPlainTextEdit, QVBoxLayout

from csrdesk.ui import app as ui_app_module
from csrdesk.ui.widgets.app_events import AppEvents


def _our_filters(app) -> list:
    return [child for child in app.children() if type(child).__name__ in ("AppEvents", "WheelGuard", "DialogKeys",
                                                                        "CellTips")]


def test_one_application_filter_serves_the_wheel_guard_the_dialog_keys_and_the_cell_tips(ui_app):
    """Each of the three used to be a filter of its own, so every event of the app crossed into Python three times
    (and made a Python enum of its type twice): now one filter, one dictionary lookup per event."""
    filters = _our_filters(ui_app)
    assert len(filters) == 1 and isinstance(filters[0], AppEvents)
    for name in ("wheel guard", "dialog keys: show", "dialog keys: Ctrl+Enter", "cell tips"):
        assert filters[0].has(name)


def test_events_no_feature_needs_are_not_looked_at(ui_app, qtbot, monkeypatch):
    """A paint, a resize or a layout request goes back to Qt without any handler being called."""
    seen = []
    events = ui_app._csrdesk_app_events
    for cls in list(events._handlers):
        for i, handler in enumerate(events._handlers[cls]):
            events._handlers[cls][i] = (lambda h: lambda obj, ev: seen.append(type(ev).__name__) or h(obj, ev))(handler)
    events._by_class.clear()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    QVBoxLayout(dialog).addWidget(QPlainTextEdit())
    dialog.resize(300, 200)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.repaint()
    assert seen and set(seen) <= {"QShowEvent", "QKeyEvent", "QWheelEvent", "QHelpEvent"}


def test_the_start_keeps_the_filter_aside_while_the_window_is_built_and_puts_it_back_once_shown(qtbot, ui_app, ui_db):
    """While open_window builds the first window (its thousands of events), no event crosses into the filter. Before
    it, the start's message boxes (a database that cannot be opened) keep the filter; once the window is shown, it
    is back at once, before the event loop runs, while the collector waits for the first page's data. A dialog
    opened then has its keyboard path (Tab leaves its note box) and a wheel over a box without focus leaves the
    box alone."""
    events = ui_app._csrdesk_app_events
    gc_was_on = gc.isenabled()
    ui_app_module.begin_start()
    built = None
    try:
        ui_app_module.ensure_application()
        assert not events.held
        built = ui_app_module.open_window(ui_db, install_hooks=False)
        assert events.held
        built[1].show()
        ui_app_module.end_start_when_ready(built[0])
        assert not events.held  # back before any event of the shown window is handled
        assert not gc.isenabled()  # the first page's data still to come
        qtbot.waitUntil(gc.isenabled, timeout=10000)
    finally:
        ui_app_module.end_start()
        if not gc_was_on:
            gc.disable()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    note = QPlainTextEdit()
    box = QComboBox()
    box.addItems(["approve with conditions", "reject"])
    layout = QVBoxLayout(dialog)
    layout.addWidget(note)
    layout.addWidget(box)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert note.tabChangesFocus()
    note.setFocus()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(box.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(box, wheel)
    assert box.currentIndex() == 0
    built[1].hide()
    built[1].deleteLater()
    built[0].shutdown()
