"""A complaint step that is refused says why inside its dialog, in full: the dialog grows to the refusal's lines."""
from __future__ import annotations

from PySide6.QtCore import Qt

from csrdesk.errors import UserError
from csrdesk.ui.pages.complaint_dialogs import StepDialog
from tests.ui.layout_check import problems

REFUSAL = ("Complaint GRV-2026-0007: A confirmed complaint is closed only after a check that compliance held; "
           "record the compliance check date first.")


def _refuse(*_args):
    raise UserError(REFUSAL)


def test_a_refused_close_shows_its_whole_reason(qtbot, work_ctx):
    """Close... on a confirmed complaint without a compliance check: the refusal's two lines show whole (they were
    cut at the top and bottom, as the dialog kept the height it had before the refusal)."""
    dialog = StepDialog(work_ctx, "Close GRV-2026-0007", "Close the complaint.", _refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.ok_button.isEnabled())
    qtbot.wait(50)  # the layout settles
    assert dialog.error_label.text() == REFUSAL
    assert problems(dialog, "refused close") == []
    assert dialog.error_label.height() >= dialog.error_label.heightForWidth(dialog.error_label.width())
