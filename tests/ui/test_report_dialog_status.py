"""File > Reports…: "Saved <path>" describes the report just made; it goes as soon as the next report is being set
up (another kind, other dates), so it never sits beside a choice it does not describe."""
from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import wait_idle


def test_saved_goes_when_the_next_report_is_set_up(qtbot, window, tmp_path):
    from csrdesk.ui.dialogs.reports import ReportDialog

    dialog = ReportDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.open_after.setChecked(False)
    dialog.kind.setCurrentIndex(dialog.kind.findData("figures") if dialog.kind.findData("figures") >= 0 else 1)
    dialog.path.setText(str(tmp_path / f"figures{dialog._suffix()}"))
    dialog.make()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60000)
    assert Path(dialog.written).is_file() and dialog.status.text().startswith("Saved")
    dialog.kind.setCurrentIndex(0)  # the user goes on to the Word program report
    assert dialog.status.text() == ""
    wait_idle(qtbot, window.ctx)
