"""A box that cannot be typed into looks it: the complaint intake's Factory box (disabled until the factory is
outside the program) was white with its placeholder, the same as a box waiting for input."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def _background(edit: QLineEdit):
    image = edit.grab().toImage()
    return image.pixelColor(image.width() - 6, image.height() // 2).name()


def test_a_disabled_box_is_grey_and_an_enabled_one_white(qtbot, ui_app):
    enabled, disabled = QLineEdit(), QLineEdit()
    for edit in (enabled, disabled):
        qtbot.addWidget(edit)
        edit.setPlaceholderText("The factory's name and town")
        edit.resize(300, edit.sizeHint().height())
    disabled.setEnabled(False)
    assert _background(enabled) == "#ffffff"
    assert _background(disabled) != _background(enabled)


def test_the_complaint_intakes_factory_box_is_grey_until_the_factory_is_outside_the_program(qtbot, window):
    from csrdesk.ui.pages.complaint_dialogs import NewComplaintDialog

    dialog = NewComplaintDialog(window.ctx, [("CN-0001", "Pearl River Knitwear")],
                                [("wages", "Wages and benefits")], window)
    qtbot.addWidget(dialog)
    assert not dialog.factory_name.isEnabled()
    grey = _background(dialog.factory_name)
    dialog.outside.setChecked(True)
    assert dialog.factory_name.isEnabled() and _background(dialog.factory_name) != grey
