"""Quit and Settings have a key on every platform: Qt's standard Quit and Preferences keys are empty on Windows and
on the offscreen platform, so the File menu showed neither and no key reached them. Where the platform has no
standard key, Quit is Ctrl+Q and Settings Ctrl+, (shown in the menu, listed in Help > Keyboard shortcuts)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


def _file_menu_actions(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def _active(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_settings_and_quit_carry_a_key_in_the_file_menu(window):
    actions = _file_menu_actions(window)
    settings, quit_ = actions["Settings…"], actions["Quit"]
    for action, standard, fallback in ((settings, QKeySequence.StandardKey.Preferences, "Ctrl+,"),
                                       (quit_, QKeySequence.StandardKey.Quit, "Ctrl+Q")):
        assert not action.shortcut().isEmpty(), action.text()
        platform_key = QKeySequence(standard)
        assert action.shortcut() == (platform_key if not platform_key.isEmpty() else QKeySequence(fallback))
    keys = dict((v, k) for k, v in window.shortcut_rows())
    assert keys["Settings"] == settings.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert keys["Quit"] and keys["Letters and e-mail drafts"] == "Ctrl+L"


def test_ctrl_comma_opens_the_settings(qtbot, window, monkeypatch):
    import csrdesk.ui.settings_dialog as settings_dialog

    from PySide6.QtWidgets import QDialog

    opened = []

    def open_settings(ctx, parent):
        opened.append(parent)
        return QDialog(parent)  # the window listens to its accepted signal (to confirm the save)

    monkeypatch.setattr(settings_dialog, "open_settings", open_settings)
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened == [window]


def test_the_weekly_tracker_round_trip_has_keys(qtbot, window, monkeypatch):
    """Exporting a CAP tracker and importing the one a factory sent back, done every week, have keys too (they
    were reachable through the File menu only): Ctrl+Shift+E and Ctrl+Shift+I, listed in the shortcuts box."""
    import csrdesk.ui.dialogs.tracker_import as tracker_import

    ran = []
    monkeypatch.setattr(tracker_import, "export_tracker_flow", lambda ctx, parent: ran.append("export"))
    monkeypatch.setattr(tracker_import, "import_tracker_flow", lambda ctx, parent: ran.append("import"))
    actions = _file_menu_actions(window)
    assert actions["Export CAP tracker…"].shortcut() == QKeySequence("Ctrl+Shift+E")
    assert actions["Import returned CAP tracker…"].shortcut() == QKeySequence("Ctrl+Shift+I")
    _active(qtbot, window)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_E, modifiers)
    qtbot.keyClick(window, Qt.Key.Key_I, modifiers)
    assert ran == ["export", "import"]
    keys = dict(window.shortcut_rows())
    assert "Ctrl+Shift+E" in keys and "Ctrl+Shift+I" in keys


def test_ctrl_q_quits(qtbot, window):
    """Last in the module: it closes the module's window, as the user's Ctrl+Q does."""
    _active(qtbot, window)
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
