"""The tracker import dialog: changes per item and field, conflicts highlighted, accept item by item, apply off
the GUI thread."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from csrdesk.exchange.tracker import COLUMN_INDEX, HEADER_ROW, ITEMS_SHEET
from csrdesk.services import trackers
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import cap_detail, change_cap_status, item_detail, update_item
from csrdesk.ui.dialogs import tracker_import as dialogs


@pytest.fixture
def returned(db, supplier, tmp_path):
    """A tracker of three items returned with answers on all three; item 1 was also changed in the app."""
    detail = record_assessment(db, AssessmentInput("CN-0001", date(2026, 1, 10), findings=[
        FindingInput("Overtime above 60 hours", "major"), FindingInput("Fire exit blocked", "critical"),
        FindingInput("No payslips", "minor")]))
    change_cap_status(db, detail.cap_id, "sent", today=date(2026, 1, 12))
    path = trackers.export_tracker(db, detail.cap_id, tmp_path / "tracker.xlsx")
    ids = [i.row.id for i in cap_detail(db, detail.cap_id).items]
    wb = load_workbook(path)
    ws = wb[ITEMS_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}
    ws.cell(rows[ids[0]], COLUMN_INDEX["root_cause"]).value = "没有产能计划"
    ws.cell(rows[ids[1]], COLUMN_INDEX["project_leader"]).value = "Zhang Wei"
    ws.cell(rows[ids[2]], COLUMN_INDEX["evidence_notes"]).value = "payslip samples.pdf"
    wb.save(tmp_path / "returned.xlsx")
    update_item(db, ids[0], root_cause="Agreed at the CAP meeting")
    return tmp_path / "returned.xlsx", ids


def test_dialog_shows_changes_conflicts_and_applies_chosen_items(qtbot, ctx, db, returned, monkeypatch):
    """Changes appear per item and field; the conflict is highlighted and unticked; Apply takes the ticked items,
    on the worker thread, and leaves the others alone."""
    path, ids = returned
    threads = []
    real_apply = trackers.apply_tracker_import

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(trackers, "apply_tracker_import", spy)
    dialog = dialogs.TrackerImportDialog(ctx, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    tree = dialog.tree
    assert tree.topLevelItemCount() == 3
    nodes = {tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole): tree.topLevelItem(i) for i in range(3)}
    conflict = nodes[ids[0]].child(0)
    assert conflict.text(0) == "Root cause (conflict)"
    assert conflict.text(1) == "Agreed at the CAP meeting" and conflict.text(2) == "没有产能计划"
    assert conflict.background(1).color() == dialogs.CONFLICT_BG
    assert nodes[ids[0]].checkState(0) == Qt.CheckState.Unchecked
    change = nodes[ids[1]].child(0)
    assert (change.text(0), change.text(1), change.text(2)) == ("Project leader", "(empty)", "Zhang Wei")
    assert dialog.accepted_items() == {ids[1], ids[2]}

    dialog.set_checked(ids[2], False)
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        dialog.apply_button.click()
    assert threads == [False]
    assert item_detail(db, ids[1]).row.project_leader == "Zhang Wei"
    assert item_detail(db, ids[2]).evidence_notes == ""
    assert item_detail(db, ids[0]).row.root_cause == "Agreed at the CAP meeting"


def test_the_window_says_what_was_applied_in_the_previews_words(qtbot, ctx, db, returned, monkeypatch):
    """After Apply, the message counts changes and items as the preview did ("2 changes in 2 items"; it said
    "Applied 2 answers" beside a preview of "changes") and says the CAP's new status."""
    path, _ids = returned
    said = []
    monkeypatch.setattr(dialogs.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(dialogs, "_status", lambda parent, text: said.append(text))
    dialog = dialogs.import_tracker_flow(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.summary.text().startswith("2 changes in 3 items")  # and a conflict
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        dialog.apply_button.click()
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert said[0].startswith("Applied 2 changes in 2 items from returned.xlsx")
    assert "is now response received" in said[0]


def test_accept_all_takes_the_factorys_answer_in_conflicts(qtbot, ctx, db, returned):
    """Accept all ticks every item, conflicts included: the factory's answer replaces the app's value."""
    path, ids = returned
    dialog = dialogs.TrackerImportDialog(ctx, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    dialog.all_button.click()
    assert dialog.accepted_items() == set(ids)
    with qtbot.waitSignal(dialog.applied, timeout=10000):
        dialog.apply_button.click()
    assert item_detail(db, ids[0]).row.root_cause == "没有产能计划"
    assert dialog.result_value is not None and len(dialog.result_value.applied) == 3


def test_refused_file_is_explained_once_and_cannot_be_applied(qtbot, ctx, db, tmp_path, monkeypatch):
    """A file that is not a tracker: the dialog says why, and there is nothing to apply. The refusal is said once,
    in the dialog (a message box on top repeated it word for word)."""
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, exc: shown.append(str(exc)))
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog = dialogs.TrackerImportDialog(ctx, bad)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.title.text() == "This tracker cannot be imported", timeout=10000)
    assert "not an Excel .xlsx file" in dialog.summary.text()
    assert not dialog.apply_button.isEnabled() and dialog.tree.topLevelItemCount() == 0
    assert shown == []


def test_a_bug_while_reading_a_tracker_still_opens_the_error_dialog(qtbot, ctx, db, tmp_path, monkeypatch):
    """Not a refusal but a bug: besides the dialog's line, the error dialog with its details and the log's place."""
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, exc: shown.append(exc))
    monkeypatch.setattr(dialogs.trackers, "preview_tracker_import", lambda *a, **k: 1 / 0)
    dialog = dialogs.TrackerImportDialog(ctx, tmp_path / "returned.xlsx")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert isinstance(shown[0], ZeroDivisionError)


def test_choose_cap_dialog_filters(qtbot, db, returned):
    """The CAP chooser lists CAPs with their supplier and filters as one types."""
    choices = trackers.cap_choices(db)
    dialog = dialogs.ChooseCapDialog(choices)
    qtbot.addWidget(dialog)
    assert dialog.chosen_cap_id() == choices[0].cap_id
    dialog.filter.setText("nobody")
    assert dialog.chosen_cap_id() is None
    dialog.filter.setText("cn-0001")
    assert dialog.tree.topLevelItem(0).isHidden() is False


def test_choose_cap_dialog_shows_ratings_and_statuses_whole(qtbot):
    """The chooser's short columns (CAP, date, rating, status, open items) are as wide as their longest value, so
    "Needs Improvement" and "response received" read whole; the supplier takes the rest, also whole at its size."""
    choices = [
        trackers.CapChoice(140, "VN-10037", "Golden Thread Garments Co., Ltd.", date(2026, 12, 3), "Zero Tolerance",
                           "sent", 3, 3),
        trackers.CapChoice(93, "IN-10027", "Sai Apparels Pvt. Ltd.", date(2026, 11, 12), "Needs Improvement",
                           "response received", 5, 5),
        trackers.CapChoice(8, "KH-10013", "Tonle Handbags (Cambodia) Co., Ltd.", date(2026, 9, 29), "Unsatisfactory",
                           "in remediation", 123, 1234),
    ]
    dialog = dialogs.ChooseCapDialog(choices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree, metrics = dialog.tree, dialog.tree.fontMetrics()
    assert tree.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    for column in range(tree.columnCount()):
        # What the column's widest cell needs, by Qt's own measure (text, margins) and by the text alone.
        widest = max(metrics.horizontalAdvance(tree.topLevelItem(r).text(column)) for r in range(len(choices)))
        assert tree.columnWidth(column) >= max(tree.sizeHintForColumn(column), widest + 6), column


ROOT_CAUSE = ("The sewing line supervisors were never trained on the legal limits of overtime, and the production "
              "planning team accepted the brand's peak-season orders without checking the factory's real capacity; the "
              "weekly hours were set by the order deadlines and no one compared them with the law.")
PREVENTIVE = ("Train all supervisors and planners on the overtime limits by the end of next month; plan capacity before "
              "accepting orders, with the HR manager signing off the weekly hours plan; review the time records every "
              "Friday and report any week above 60 hours to the general manager and to the brand within three days.")


def test_long_answers_read_whole_in_the_preview(qtbot, ctx, db, supplier, tmp_path):
    """Import CAP tracker at the default 1360x840: a root cause and a preventive action of about 300 characters
    read whole in the preview (their cells wrap onto the lines they need, the rows grow), not cut to one line
    ending in … and readable only on hover; the item's finding heading wraps whole too."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFontMetrics

    detail = record_assessment(db, AssessmentInput("CN-0001", date(2026, 1, 10), findings=[
        FindingInput("Working hours above the legal limit of 60 hours a week in the sewing section", "major")]))
    change_cap_status(db, detail.cap_id, "sent", today=date(2026, 1, 12))
    path = trackers.export_tracker(db, detail.cap_id, tmp_path / "tracker.xlsx")
    wb = load_workbook(path)
    ws = wb[ITEMS_SHEET]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value)
    ws.cell(row, COLUMN_INDEX["root_cause"]).value = ROOT_CAUSE
    ws.cell(row, COLUMN_INDEX["preventive_action"]).value = PREVENTIVE
    wb.save(tmp_path / "returned.xlsx")
    assert len(ROOT_CAUSE) >= 250 and len(PREVENTIVE) >= 250

    dialog = dialogs.TrackerImportDialog(ctx, tmp_path / "returned.xlsx")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    qtbot.wait(50)  # the rows laid out again at their columns' widths
    assert dialog.width() <= 1360 and dialog.height() <= 840
    tree = dialog.tree
    node = tree.topLevelItem(0)
    answers = {node.child(i).text(0): node.child(i) for i in range(node.childCount())}
    metrics = QFontMetrics(tree.font())
    margin = 2 * (tree.style().pixelMetric(tree.style().PixelMetric.PM_FocusFrameHMargin, None, tree) + 1)
    for field, text in (("Root cause", ROOT_CAUSE), ("Preventive action", PREVENTIVE)):
        child = answers[field]
        assert child.text(2) == text  # the whole answer, not its first 160 characters
        width = tree.columnWidth(2) - margin
        needed = metrics.boundingRect(QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), text).height()
        rect = tree.visualItemRect(child)
        assert needed >= 3 * metrics.lineSpacing(), "the answer should need several lines at this width"
        assert rect.height() >= needed, (field, rect.height(), needed)
    heading = tree.visualItemRect(node)
    assert "Working hours above the legal limit of 60 hours a week in the sewing section" in node.text(0)
    assert heading.height() >= 2 * metrics.lineSpacing()  # the finding wraps onto a second line, not cut at 70
