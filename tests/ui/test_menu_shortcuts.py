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

    opened = []
    monkeypatch.setattr(settings_dialog, "open_settings", lambda ctx, parent: opened.append(parent))
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened == [window]


def test_ctrl_q_quits(qtbot, window):
    """Last in the module: it closes the module's window, as the user's Ctrl+Q does."""
    _active(qtbot, window)
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
