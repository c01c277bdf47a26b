"""The letters dialog: ticked CAPs get their letters written off the GUI thread, problems are listed, templates copied."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exchange"))
from letter_support import add_supplier, brand_settings, docx_text, make_cap  # noqa: E402

from csrdesk.ui.context import AppContext  # noqa: E402


@pytest.fixture
def dialog(qtbot, ctx, db, monkeypatch, tmp_path):
    from csrdesk.ui.dialogs import letters as module

    brand_settings(db)
    add_supplier(db, "CN-0001", name="Golden Thread")
    add_supplier(db, "CN-0002", email=None, name="Silver Needle")
    caps = [make_cap(db, "CN-0001"), make_cap(db, "CN-0002")]
    opened = []
    monkeypatch.setattr(module, "open_path", lambda path: opened.append(Path(path)) or True)
    widget = module.LettersDialog(ctx, cap_ids=[caps[0]])
    widget.folder.setText(str(tmp_path / "letters"))
    widget.opened = opened
    widget.caps = caps
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.table.rowCount() == 2)
    return widget


def test_preselected_cap_is_ticked_and_its_letter_written(qtbot, dialog, tmp_path):
    """The CAP the dialog was opened for is ticked; Write puts its letter in the chosen folder."""
    assert dialog.checked_caps() == [dialog.caps[0]]
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=30000)
    files = sorted((tmp_path / "letters").glob("*.docx"))
    assert [f.name for f in files] == [f"CAP-CN-0001-{dialog.caps[0]:04d} letter.docx"]
    assert "Golden Thread" in docx_text(files[0])
    assert "1 of 1 CAP done, 1 file written" in dialog.report.toPlainText()
    assert dialog.open_folder_button.isEnabled()


def test_failing_factory_is_listed_and_drafts_opened(qtbot, dialog, tmp_path):
    """With drafts asked for, the factory without an e-mail is listed as a problem; the other draft is opened."""
    dialog._check_all(True)
    dialog.write_drafts.setChecked(True)
    dialog.write_letters.setChecked(False)
    dialog.open_drafts.setChecked(True)
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=30000)
    text = dialog.report.toPlainText()
    assert "Problem: CN-0002" in text and "no compliance contact with an e-mail address" in text
    assert [p.suffix for p in dialog.opened] == [".eml"]


def test_nothing_chosen_disables_write(qtbot, dialog):
    """With no CAP ticked, or no kind of file, there is nothing to write, and the greyed Write says what it waits
    for (on the button and in the empty report box)."""
    dialog._check_all(False)
    assert not dialog.write_button.isEnabled()
    assert "Tick the CAPs" in dialog.write_button.toolTip() and "Tick the CAPs" in dialog.report.placeholderText()
    dialog._check_all(True)
    assert dialog.write_button.isEnabled() and "Tick" not in dialog.report.placeholderText()
    dialog.write_letters.setChecked(False)
    assert not dialog.write_button.isEnabled()
    if not (dialog.write_trackers.isChecked() or dialog.write_drafts.isChecked()):
        assert "Tick what to write" in dialog.write_button.toolTip()


def test_copy_default_to_edit_adds_the_users_copy(qtbot, dialog, monkeypatch):
    """'Copy default to edit' copies the template into the data folder and offers it as the user's copy."""
    from csrdesk import paths

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    dialog.copy_button.click()
    assert (paths.user_templates_dir() / "cap_letter_en.docx").is_file()
    labels = [dialog.template.itemText(i) for i in range(dialog.template.count())]
    assert "cap_letter_en.docx  (your copy, replaces the default)" in labels
    assert dialog.opened[-1] == paths.user_templates_dir()


@pytest.fixture
def unsigned(qtbot, ctx, db, monkeypatch, tmp_path):
    """The dialog on a first start: no name or company in Settings; 25 CAPs to choose from."""
    from csrdesk.ui.dialogs import letters as module

    add_supplier(db, "CN-0001", name="Golden Thread")
    caps = [make_cap(db, "CN-0001") for _ in range(25)]
    monkeypatch.setattr(module, "open_path", lambda path: True)
    widget = module.LettersDialog(ctx, cap_ids=[caps[0]])
    widget.folder.setText(str(tmp_path / "letters"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.table.rowCount() == 25 and widget.prefs is not None)
    return widget


def test_empty_sender_warns_before_writing_and_opens_settings(qtbot, unsigned, tmp_path, monkeypatch):
    """With no name and company, Write asks first: 'Open Settings' opens them and writes nothing; 'Write unsigned'
    goes ahead."""
    asked = []
    monkeypatch.setattr(unsigned, "ask_unsigned", lambda missing: asked.append(missing) or "settings")
    qtbot.mouseClick(unsigned.write_button, Qt.MouseButton.LeftButton)
    assert asked == [["name", "company"]]
    assert unsigned.settings_dialog is not None and unsigned.settings_dialog.isVisible()
    assert not (tmp_path / "letters").exists()
    assert "Settings" in unsigned.report.toPlainText()
    unsigned.settings_dialog.reject()

    monkeypatch.setattr(unsigned, "ask_unsigned", lambda missing: asked.append(missing) or "write")
    qtbot.mouseClick(unsigned.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: unsigned.result_value is not None, timeout=30000)
    assert len(list((tmp_path / "letters").glob("*.docx"))) == 1


def test_the_question_names_what_is_missing(qtbot, unsigned, monkeypatch):
    """The warning says which of name and company is empty and offers Settings."""
    shown = []

    def fake_exec(box):
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert unsigned.ask_unsigned(["company"]) == "cancel"
    text, buttons = shown[0]
    assert text == "Your company is empty; letters will go out unsigned. Open Settings?"
    assert "Open Settings…" in buttons and "Write unsigned" in buttons


def test_the_cap_list_shows_many_rows(qtbot, unsigned):
    """The CAP list stretches: at least ten CAPs are visible at once in the dialog's normal size."""
    table = unsigned.table
    visible = table.viewport().height() // table.rowHeight(0)
    assert visible >= 10, visible
