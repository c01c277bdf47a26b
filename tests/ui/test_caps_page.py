"""The CAPs page: open items across suppliers, filters, status changes one at a time and in bulk, the item's detail."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from PySide6.QtCore import Qt

from csrdesk import paths
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import cap_detail, item_detail, update_item
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui import theme
from csrdesk.ui.pages.caps import SHOW_DUE_SOON, SHOW_OVERDUE, CapsPage
from csrdesk.ui.tables import RowRole


@pytest.fixture
def ctx(ctx):
    ctx.errors = []
    ctx.show_error = lambda parent, exc: ctx.errors.append(exc)  # no modal dialogs in tests
    return ctx


@pytest.fixture
def caps(db, supplier):
    """CN-0001: an audit 200 days ago (three overdue items); VN-0001: one 20 days ago (one due soon, one later)."""
    create_supplier(db, SupplierInput(name="Saigon Stitch Co.", code="VN-0001", country="Vietnam"), status="active")
    old = record_assessment(db, AssessmentInput(
        supplier_code="CN-0001", date=date.today() - timedelta(days=200), findings=[
            FindingInput(title="Weekly working hours exceed the legal limit", severity="major", violation_type="HRS-001"),
            FindingInput(title="No written social compliance policy", severity="minor", violation_type="MGT-001"),
            FindingInput(title="Wages below the legal minimum wage", severity="critical", violation_type="WAG-001"),
        ]))
    recent = record_assessment(db, AssessmentInput(
        supplier_code="VN-0001", date=date.today() - timedelta(days=20), findings=[
            FindingInput(title="Fire extinguishers not inspected", severity="major", days_allowed=30),
            FindingInput(title="Canteen hygiene certificate expired", severity="minor", days_allowed=120),
        ]))
    return old, recent


@pytest.fixture
def page(qtbot, ctx, caps):
    widget = CapsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    qtbot.waitUntil(lambda: not widget._loading)
    return widget


def _rows(page):
    return page.model.visible_rows()


def _select(qtbot, page, finding_title):
    row = next(r for r in _rows(page) if r.finding == finding_title)
    assert page.table.select_id(row.id)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.id == row.id)
    return row.id


def test_filter_by_overdue_shows_the_late_items_standing_out(qtbot, page):
    """'Overdue' keeps only the three late items of CN-0001; their rows are tinted and their due dates red."""
    assert page.model.visible_count == 5
    assert "3 overdue" in page.subtitle.text()
    page.set_show(SHOW_OVERDUE)
    rows = _rows(page)
    assert len(rows) == 3 and all(r.overdue and r.supplier_code == "CN-0001" for r in rows)
    assert page.count_label.text() == "3 of 5 items"
    index = page.model.index(0, 0)
    assert page.model.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == theme.OVERDUE_BG.lower()
    assert page.model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == theme.OVERDUE.lower()
    assert page.model.data(page.model.index(0, 1)).endswith(" d")  # days overdue shown

    page.set_show(SHOW_DUE_SOON)
    assert [r.finding for r in _rows(page)] == ["Fire extinguishers not inspected"]


def test_filters_by_status_supplier_category_and_text(qtbot, page):
    """The supplier, category and status boxes and the filter text narrow the list together."""
    page.supplier_box.setCurrentIndex(page.supplier_box.findText("VN-0001 · Saigon Stitch Co."))
    assert {r.supplier_code for r in _rows(page)} == {"VN-0001"}
    page.supplier_box.setCurrentIndex(0)
    page.category_box.setCurrentIndex(page.category_box.findData("wages"))
    assert [r.finding for r in _rows(page)] == ["Wages below the legal minimum wage"]
    page.category_box.setCurrentIndex(0)
    qtbot.keyClicks(page.filter_box, "policy")
    assert [r.finding for r in _rows(page)] == ["No written social compliance policy"]
    page.filter_box.clear()
    page.status_box.setCurrentIndex(page.status_box.findData("action planned"))
    assert _rows(page) == []


def test_an_item_moves_through_its_states_only_when_its_facts_allow(qtbot, page, ctx, tmp_path, monkeypatch):
    """Open -> action planned is refused without a root cause, allowed once the factory's answer is saved; then
    evidence, verification and closing, each refused until its facts are there."""
    item_id = _select(qtbot, page, "Weekly working hours exceed the legal limit")
    panel = page.panel
    assert [b.text() for b in panel.findChildren(type(panel.save_button)) if b.text() == "action planned"]

    page.change_status("action planned", [item_id])
    qtbot.waitUntil(lambda: page.last_error is not None)
    assert "root cause" in page.last_error and "Not changed" in page.message.text()
    assert item_detail(ctx.db, item_id).row.status == "open"

    panel.root_cause.setPlainText("No production planning against capacity; late order changes")
    panel.preventive.setPlainText("Capacity planning procedure with weekly review of hours by the HR manager")
    panel.leader.setText("Zhang Min")
    assert panel.save_button.isEnabled()
    page.activateWindow()  # Ctrl+S where the user types: the item's form, not the whole window
    qtbot.waitUntil(page.isActiveWindow)
    panel.root_cause.setFocus()
    qtbot.keyClick(panel.root_cause, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Saved" in panel.message.text())
    assert item_detail(ctx.db, item_id).row.project_leader == "Zhang Min"

    page.last_error = None
    page.change_status("action planned", [item_id])
    qtbot.waitUntil(lambda: page.panel.detail.row.status == "action planned")
    assert page.last_error is None
    assert next(r for r in page.model.all_rows() if r.id == item_id).status == "action planned"

    page.change_status("evidence submitted", [item_id])
    qtbot.waitUntil(lambda: page.last_error is not None)
    assert "evidence" in page.last_error

    evidence = tmp_path / "timesheets-march.pdf"
    evidence.write_bytes(b"%PDF-1.4 timesheets")
    panel.attach_requested.emit([evidence])
    qtbot.waitUntil(lambda: len(page.panel.detail.evidence) == 1)
    evidence.unlink()  # the original moves away; the copy in the data folder stays
    stored = page.panel.detail.evidence[0]
    assert stored.exists and str(paths.evidence_dir()) in str(stored.path)
    opened = []
    monkeypatch.setattr("csrdesk.ui.widgets.evidence_list.QDesktopServices.openUrl", lambda url: opened.append(url))
    panel.evidence.list.setCurrentRow(0)
    panel.evidence.open_button.click()
    assert unquote(opened[0].toLocalFile()) == str(stored.path)

    page.last_error = None
    page.change_status("evidence submitted", [item_id])
    qtbot.waitUntil(lambda: page.panel.detail.row.status == "evidence submitted")

    monkeypatch.setattr(page, "ask_verification_notes", lambda count: "Checked March timesheets on site: max 60 h")
    page.change_status("verified", [item_id])
    qtbot.waitUntil(lambda: page.panel.detail.row.status == "verified")
    assert "max 60 h" in panel.verification_notes.toPlainText()
    assert "Verified on" in panel.verification_dates.text()
    # A verified item is no longer open: it leaves the open-items list.
    assert item_id not in [r.id for r in _rows(page)]


def test_bulk_status_change_moves_every_selected_item_or_none(qtbot, page, ctx, monkeypatch):
    """Several selected items move together; one item that may not move refuses the whole batch, with the reason."""
    monkeypatch.setattr(page, "confirm_bulk", lambda count, target: True)
    ids = [r.id for r in _rows(page) if r.supplier_code == "CN-0001"]
    for item_id in ids[:2]:
        update_item(ctx.db, item_id, root_cause="No HR procedure", preventive_action="HR procedure and training",
                    project_leader="Li Wei")
    ctx.notify("caps")
    qtbot.waitUntil(lambda: not page._loading)

    page.change_status("action planned", ids)  # the third has no answer yet
    qtbot.waitUntil(lambda: page.last_error is not None)
    third = next(r for r in _rows(page) if r.id == ids[2])
    assert f"“{third.finding}”" in page.last_error and "root cause" in page.last_error
    assert f"Item {ids[2]}" not in page.last_error  # named as the user sees it, not by an internal number
    assert {item_detail(ctx.db, i).row.status for i in ids} == {"open"}

    page.table.clearSelection()
    for item_id in ids[:2]:
        index = page.model.index_of(item_id)
        page.table.selectionModel().select(index, page.table.selectionModel().SelectionFlag.Select
                                           | page.table.selectionModel().SelectionFlag.Rows)
    assert sorted(r.id for r in page.table.selected_rows()) == sorted(ids[:2])
    assert page.status_button.text() == "Change status of 2 items…"
    page._fill_status_menu()
    labels = [a.text() for a in page.status_menu.actions()]
    assert labels == ["Move 2 items to action planned"]
    page.last_error = None
    page.status_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: page.message.text().startswith("2 items moved"))
    assert [item_detail(ctx.db, i).row.status for i in ids] == ["action planned", "action planned", "open"]
    assert any(p.name.startswith("csrdesk") or "cap-status" in p.name for p in paths.backups_dir().iterdir())
    # A mixed selection offers only the moves every item allows.
    assert page.common_targets([r for r in page.model.all_rows() if r.id in ids]) == []


def test_cap_view_shows_its_status_and_moves_it(qtbot, page, ctx, caps):
    """Opening a CAP lists its items only, shows its status and allowed moves; sending it sets the issue date."""
    old, _recent = caps
    assert page.open_item("cap", old.cap_id)
    qtbot.waitUntil(lambda: not page._loading and page.panel.cap is not None)
    assert {r.cap_id for r in _rows(page)} == {old.cap_id} and len(_rows(page)) == 3
    assert page.cap_chip.isVisible() and f"CAP #{old.cap_id}" in page.cap_chip.text()
    assert "Status <b>draft</b>" in page.panel.cap_facts.text()
    page.change_cap_status(old.cap_id, "sent")
    qtbot.waitUntil(lambda: page.panel.cap is not None and page.panel.cap.status == "sent")
    cap = cap_detail(ctx.db, old.cap_id)
    assert cap.status == "sent" and cap.issued_date == date.today()
    page.change_cap_status(old.cap_id, "closed")
    qtbot.waitUntil(lambda: page.last_error is not None)
    assert "cannot become closed" in page.last_error
    page.set_cap_filter(None)
    assert page.model.visible_count == 5


def test_opening_a_cap_item_selects_it_and_unsaved_answers_ask_first(qtbot, page, ctx, monkeypatch):
    """A search hit on a CAP item selects it; leaving an edited answer asks, and Cancel keeps the edit."""
    target = next(r for r in _rows(page) if r.finding == "Canteen hygiene certificate expired")
    page.set_show(SHOW_OVERDUE)
    assert page.open_item("cap_item", target.id)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.id == target.id)
    page.panel.leader.setText("Nguyen Van An")
    monkeypatch.setattr(page, "ask_unsaved", lambda: __import__("PySide6.QtWidgets").QtWidgets.QMessageBox.StandardButton.Cancel)
    other = next(r for r in _rows(page) if r.id != target.id)
    page.table.select_id(other.id)
    assert page.panel.detail.row.id == target.id and page.panel.leader.text() == "Nguyen Van An"
    assert page.has_unsaved_changes()
    assert page.table.current_row().id == target.id


@pytest.fixture
def many(db, supplier):
    """CN-0001: 40 items overdue (an audit 300 days ago); VN-0002: 40 items due later (an audit last week)."""
    create_supplier(db, SupplierInput(name="Hanoi Knit Co.", code="VN-0002", country="Vietnam"), status="active")
    record_assessment(db, AssessmentInput(
        supplier_code="CN-0001", date=date.today() - timedelta(days=300), findings=[
            FindingInput(title=f"Old finding {i:02d}", severity="major", days_allowed=30 + i) for i in range(40)]))
    record_assessment(db, AssessmentInput(
        supplier_code="VN-0002", date=date.today() - timedelta(days=7), findings=[
            FindingInput(title=f"New finding {i:02d}", severity="minor", days_allowed=90) for i in range(40)]))


@pytest.fixture
def long_page(qtbot, ctx, many):
    widget = CapsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitUntil(lambda: not widget._loading and not ctx.busy)
    return widget


def test_changing_a_filter_starts_the_list_at_the_top(qtbot, long_page):
    """Scrolled down the open items, choosing 'Overdue' shows the list from its first row, not mid-list."""
    page = long_page
    bar = page.table.verticalScrollBar()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: bar.value() > 0)
    page.set_show(SHOW_OVERDUE)
    assert page.model.visible_count == 40
    assert bar.maximum() > 0 and bar.value() == 0
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: bar.value() > 0)
    qtbot.keyClicks(page.filter_box, "Old")
    assert bar.value() == 0


def test_the_panel_shows_the_selected_row_or_nothing_after_filtering(qtbot, long_page, ctx):
    """An item hidden by a new filter leaves the selection and the panel; one still listed stays selected and
    shown."""
    page = long_page
    old = next(r for r in _rows(page) if r.finding == "Old finding 05")
    _select(qtbot, page, "Old finding 05")
    page.filter_box.setText("VN-0002")
    qtbot.waitUntil(lambda: not ctx.busy)
    assert page.table.selected_rows() == []
    assert page.panel.detail is None and "Select an item" in page.panel.heading.text()

    page.filter_box.clear()
    _select(qtbot, page, "Old finding 05")
    page.set_show(SHOW_OVERDUE)
    qtbot.waitUntil(lambda: not ctx.busy)
    assert [r.id for r in page.table.selected_rows()] == [old.id]
    assert page.panel.detail.row.id == old.id


def test_unsaved_answer_of_a_hidden_item_is_kept_and_pointed_out(qtbot, long_page, ctx):
    """Filtering away an item with unsaved edits keeps the edits in the panel and says so."""
    page = long_page
    _select(qtbot, page, "Old finding 05")
    page.panel.leader.setText("Wang Fang")
    page.filter_box.setText("VN-0002")
    assert page.panel.leader.text() == "Wang Fang" and page.panel.is_dirty()
    assert "hidden by the filters" in page.panel.message.text()


def test_item_details_are_read_off_the_gui_thread_and_late_answers_dropped(qtbot, long_page, ctx, monkeypatch):
    """The detail of a selected item is read on the database worker; of two quick selections only the last is
    shown."""
    import threading

    from csrdesk.services import caps as cap_service

    page = long_page
    threads, shown = [], []
    real = cap_service.item_detail
    monkeypatch.setattr(cap_service, "item_detail",
                        lambda *a, **k: threads.append(threading.current_thread()) or real(*a, **k))
    real_show = page.panel.show_item
    monkeypatch.setattr(page.panel, "show_item",
                        lambda d, c: shown.append(d.row.finding if d else None) or real_show(d, c))
    rows = _rows(page)
    page.table.select_id(rows[3].id)
    page.table.select_id(rows[4].id)
    qtbot.waitUntil(lambda: not ctx.busy)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert shown == [rows[4].finding]
    assert page.panel.detail.row.id == rows[4].id


def test_guided_root_cause_saved_from_the_caps_page_says_the_item_is_planned(qtbot, page, ctx, db):
    """Saving a complete guided entry from the CAPs page moves the open item to action planned and the page says
    so (it used to close without a word, the item still open)."""
    from csrdesk.domain.rootcause import PreventiveAction
    from csrdesk.domain.rootcause_flow import Step

    _select(qtbot, page, "Fire extinguishers not inspected")
    qtbot.waitUntil(lambda: page.panel.detail is not None
                    and page.panel.detail.row.finding == "Fire extinguishers not inspected")
    item_id = page.panel.detail.row.id
    page.open_guided_root_cause()
    qtbot.waitUntil(lambda: getattr(page.root_cause_task, "wizard", None) is not None, timeout=5000)
    wizard = page.root_cause_task.wizard
    flow = wizard.flow
    flow.data.whys = ["No one is named to check the extinguishers each month"]
    flow.data.categories = ["responsibility"]
    flow.data.actions = [PreventiveAction("Safety officer named to inspect every extinguisher monthly",
                                          "HR manager", None, "Inspection tags", "responsibility")]
    flow.data.project_leader = "Nguyen Van An"
    while flow.step is not Step.REVIEW:
        flow.next()
    qtbot.mouseClick(wizard.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved and is now action planned" in page.message.text(), timeout=5000)
    assert item_detail(db, item_id).row.status == "action planned"


def test_evidence_a_shared_database_holds_is_brought_then_opened(qtbot, page, tmp_path, monkeypatch):
    """In a team database an evidence file is not on this computer until it is opened: a double-click brings it on
    the database worker (not the GUI thread) and then opens the copy; one already here opens at once."""
    import dataclasses
    import threading

    from csrdesk.services import caps as cap_service

    _select(qtbot, page, "Weekly working hours exceed the legal limit")
    panel = page.panel
    photo = tmp_path / "timesheet.jpg"
    photo.write_bytes(b"\xff\xd8\xff timesheet")
    panel.attach_requested.emit([photo])
    qtbot.waitUntil(lambda: len(panel.detail.evidence) == 1)
    kept = panel.detail.evidence[0]
    remote = dataclasses.replace(kept, path=tmp_path / "cache" / "not-here-yet.jpg")  # held by the server only
    panel.evidence.set_files([remote])
    brought, opened = [], []

    def bring(db, evidence_id):
        brought.append((evidence_id, threading.current_thread() is threading.main_thread()))
        return photo

    monkeypatch.setattr(cap_service, "evidence_copy", bring)
    panel.evidence.opener = opened.append
    panel.evidence.list.setCurrentRow(0)
    panel.evidence.open_button.click()
    qtbot.waitUntil(lambda: opened == [photo])
    assert brought == [(kept.id, False)]
    panel.evidence.set_files([kept])
    panel.evidence.open_button.click()
    assert opened == [photo, kept.path] and len(brought) == 1


def test_a_refused_move_is_told_once_beside_the_button_used(qtbot, page, ctx, caps):
    """A move the rules refuse (no root cause yet) from the item panel's "action planned" button is told once, on
    the panel's message line under it: no dialog on top. From the list's menu it is told on the list's line. A
    refused CAP move on the CAP tab is told on the panel's line, once, too."""
    item_id = _select(qtbot, page, "Weekly working hours exceed the legal limit")
    button = next(b for b in page.panel.findChildren(type(page.panel.save_button)) if b.text() == "action planned")
    button.click()
    qtbot.waitUntil(lambda: page.last_error is not None)
    qtbot.waitUntil(lambda: not ctx.busy)
    assert ctx.errors == []  # no dialog
    assert page.panel.message.text().startswith("Not changed:") and "root cause" in page.panel.message.text()
    assert "Not changed" not in page.message.text()
    assert item_detail(ctx.db, item_id).row.status == "open"

    page.last_error = None
    page._fill_status_menu()
    page.status_menu.actions()[0].trigger()  # "Move to action planned", from under the list
    qtbot.waitUntil(lambda: page.last_error is not None)
    qtbot.waitUntil(lambda: not ctx.busy)
    assert ctx.errors == []
    assert page.message.text().startswith("Not changed:")
    assert not page.panel.message.text().startswith("Not changed:")  # the older telling went

    old, _recent = caps
    page.last_error = None
    page.panel.cap_status_requested.emit(old.cap_id, "closed")
    qtbot.waitUntil(lambda: page.last_error is not None)
    qtbot.waitUntil(lambda: not ctx.busy)
    assert ctx.errors == [] and "cannot become closed" in page.panel.message.text()
