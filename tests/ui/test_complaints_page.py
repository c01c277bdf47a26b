"""The Complaints page as a user drives it: the register (open, by age, retaliation risk), filter as you type, the
complaint screen with its timeline and steps, the masked identity and Reveal with a reason, a missing key."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from csrdesk.services import complaint_reports as figures
from csrdesk.services import complaints as svc
from csrdesk.services import identity_key
from csrdesk.services.history import history_for
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui.pages.complaint_dialogs import NewComplaintDialog, StepDialog
from csrdesk.ui.pages.complaints import MASK
from tests.ui.conftest import wait_idle

TODAY = date.today()
NAME, PHONE = "王秀英", "+86 139 2468 1357"


def day(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture(scope="module")
def factory(ui_db):
    create_supplier(ui_db, SupplierInput(name="Pearl Delta Garments", code="CN-0701", country="China"))
    return "CN-0701"


@pytest.fixture
def page(qtbot, window, factory):
    assert window.go("complaints")
    page = window.complaints
    page.filter_box.clear()
    page.show_filter.setCurrentIndex(0)
    page.risk_filter.setCurrentIndex(0)
    page.refresh()
    wait_idle(qtbot, window.ctx)
    return page


def add(db, summary: str, *, received=30, risk="low", name="", contact="", supplier="CN-0701"):
    return svc.add_complaint(db, svc.ComplaintInput(day(received), "hotline", "wages", summary,
                                                    supplier_code=supplier, complainant_name=name, contact=contact,
                                                    retaliation_risk=risk))


def show(qtbot, page, complaint_id: int) -> None:
    page.refresh()
    wait_idle(qtbot, page.ctx)
    assert page.view.select_id(complaint_id)
    wait_idle(qtbot, page.ctx)
    assert page.panel.detail is not None and page.panel.detail.id == complaint_id


def test_the_register_lists_open_complaints_oldest_first_with_risk_in_sight(qtbot, page, ui_db):
    """Open complaints only by default, the longest waiting first; a high risk row is red; closed ones on demand."""
    old = add(ui_db, "Sunday overtime at the normal rate", received=80, risk="high")
    new = add(ui_db, "Late wages last month", received=10)
    done = add(ui_db, "Drinking water missing", received=60)
    svc.acknowledge(ui_db, done.id, day(59))
    svc.resolve(ui_db, done.id, "withdrawn", "", day(50))
    svc.close(ui_db, done.id, day(49))
    page.refresh()
    wait_idle(qtbot, page.ctx)
    refs = [r.reference for r in page.model.visible_rows()]
    assert old.row.reference in refs and new.row.reference in refs and done.row.reference not in refs
    assert refs.index(old.row.reference) < refs.index(new.row.reference)
    risk_col = next(i for i, c in enumerate(page.model.columns) if c.title == "Retaliation risk")
    index = page.model.index_of(old.id, risk_col)
    assert page.model.data(index) == "HIGH"
    assert page.model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#b42318"
    assert "high retaliation risk" in page.subtitle.text()
    assert done.row.reference not in [r.reference for r in page.model.all_rows()]  # opens on the open ones
    page.show_filter.setCurrentIndex(page.show_filter.findData("closed"))
    wait_idle(qtbot, page.ctx)  # closed complaints are read when asked for
    assert [r.reference for r in page.model.visible_rows()] == [done.row.reference]


def test_filter_as_you_type(qtbot, page, ui_db):
    a = add(ui_db, "Fire exits locked on the third floor")
    add(ui_db, "Masks missing in the spray room")
    page.refresh()
    wait_idle(qtbot, page.ctx)
    qtbot.keyClicks(page.filter_box, "third floor")
    qtbot.waitUntil(lambda: [r.id for r in page.model.visible_rows()] == [a.id], timeout=3000)
    page.filter_box.clear()
    page.risk_filter.setCurrentIndex(page.risk_filter.findData("high"))
    assert all(r.retaliation_risk == "high" for r in page.model.visible_rows())


def test_identity_is_masked_and_revealed_only_with_a_reason(qtbot, page, ui_db, monkeypatch):
    """Reveal asks why; cancelling shows nothing; with a reason the name and phone appear and the reason is
    recorded; another complaint and back hides it again."""
    c = add(ui_db, "Supervisor insults workers", name=NAME, contact=PHONE, risk="high")
    other = add(ui_db, "Overtime not paid")
    show(qtbot, page, c.id)
    panel = page.panel
    assert MASK in panel.identity.text() and NAME not in panel.identity.text()
    assert panel.reveal_button.isVisible() and "HIGH" in panel.risk_badge.text()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.ctx)
    assert NAME not in panel.identity.text()
    assert not [h for h in history_for(ui_db, "complaint", c.id) if h.field == "identity"]
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Worker asked to be called back", True)))
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.ctx)
    assert NAME in panel.identity.text() and PHONE in panel.identity.text()
    assert "Worker asked to be called back" in panel.identity.text()
    records = [h for h in history_for(ui_db, "complaint", c.id) if h.field == "identity"]
    assert len(records) == 1 and records[0].note == "Worker asked to be called back"
    assert any(e.kind == "identity" for e in panel.timeline_model.all_rows())
    table_text = " ".join(page.model.data(page.model.index(r, col)) or ""
                          for r in range(page.model.rowCount()) for col in range(len(page.model.columns)))
    assert NAME not in table_text and PHONE not in table_text
    show(qtbot, page, other.id)
    show(qtbot, page, c.id)
    assert NAME not in panel.identity.text() and MASK in panel.identity.text()


def test_steps_from_the_screen_and_a_refusal_shown_in_the_dialog(qtbot, page, ui_db):
    c = add(ui_db, "Wages paid two weeks late")
    show(qtbot, page, c.id)
    panel = page.panel
    assert not panel.step_buttons["resolve"].isEnabled()  # acknowledge first
    dialog = panel.start_step("acknowledge")
    assert isinstance(dialog, StepDialog)
    dialog.date_edit.set_date(day(40))  # before receipt
    dialog.apply()
    wait_idle(qtbot, page.ctx)
    assert dialog.isVisible() and "before the complaint was received" in dialog.error_label.text()
    dialog.date_edit.set_date(day(29))
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.apply()
    wait_idle(qtbot, page.ctx)
    assert panel.detail.row.status == "acknowledged" and panel.step_buttons["resolve"].isEnabled()
    dialog = panel.start_step("resolve")
    dialog.choice.setCurrentIndex(dialog.choice.findData("substantiated"))
    dialog.date_edit.set_date(day(5))
    dialog.apply()
    wait_idle(qtbot, page.ctx)
    assert "needs its remedy" in dialog.error_label.text()
    dialog.text.setPlainText("Back pay with interest")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.apply()
    wait_idle(qtbot, page.ctx)
    assert panel.detail.row.outcome == "substantiated"
    assert [e.kind for e in panel.timeline_model.all_rows()][-2:] == ["acknowledged", "resolved"]
    assert panel.step_buttons["to_cap"].isEnabled() and panel.step_buttons["compliance"].isEnabled()


def test_new_complaint_dialog_records_and_forgets_the_identity(qtbot, page, ui_db):
    page.new_complaint()
    wait_idle(qtbot, page.ctx)
    dialog = page.new_dialog
    assert isinstance(dialog, NewComplaintDialog)
    dialog.received.set_date(day(3))
    dialog.supplier.setCurrentIndex(dialog.supplier.findData("CN-0701"))
    dialog.provision.setCurrentIndex(dialog.provision.findData("hours"))
    dialog.summary.setPlainText("Forced Sunday shifts before shipment")
    dialog.risk.setCurrentIndex(dialog.risk.findData("medium"))
    dialog.name.setText("Ayşe Yılmaz")
    dialog.contact.setText("+90 532 000 0000")
    with qtbot.waitSignal(dialog.done, timeout=5000) as saved:
        dialog.apply()
    detail = saved.args[0]
    assert detail.row.identity == "hidden" and detail.row.provision == "hours"
    assert dialog.name.text() == "" and dialog.contact.text() == ""
    wait_idle(qtbot, page.ctx)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.id == detail.id, timeout=5000)


def test_a_missing_key_is_said_on_the_page(qtbot, page, ui_db, tmp_path, monkeypatch):
    """The database opens on a computer without the key: a banner says how to restore it; identities read
    unavailable; the rest of the complaint is there."""
    c = add(ui_db, "Pregnant workers pressed to resign", name=NAME, contact=PHONE)
    monkeypatch.setenv("CSRDESK_HOME", str(tmp_path / "elsewhere"))
    identity_key.forget_cache()
    show(qtbot, page, c.id)
    assert page.banner.isVisible() and "not on this computer" in page.banner.text()
    assert "Import" in page.banner.text()
    assert "Unavailable" in page.panel.identity.text() and not page.panel.reveal_button.isVisible()
    assert page.panel.summary.text() == "Pregnant workers pressed to resign"


def test_make_cap_item_from_the_screen(qtbot, page, ui_db, monkeypatch):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment

    create_supplier(ui_db, SupplierInput(name="Lotus Footwear", code="VN-0702", country="Vietnam"))
    record_assessment(ui_db, AssessmentInput("VN-0702", day(90), "periodic",
                                             findings=[FindingInput("No fire drill", "major")]))
    c = add(ui_db, "Overtime premium missing", supplier="VN-0702", name=NAME)
    svc.acknowledge(ui_db, c.id, day(29))
    svc.resolve(ui_db, c.id, "substantiated", "Premium paid back", day(10))
    show(qtbot, page, c.id)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    qtbot.mouseClick(page.panel.step_buttons["to_cap"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.ctx)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.cap_item_id is not None,
                    timeout=5000)
    assert not page.panel.step_buttons["to_cap"].isEnabled()
    shown = page.panel.fact_labels["CAP item"].text()  # the CAP and the item's finding, no internal item number
    assert shown.startswith("CAP ") and "Worker complaint" in shown
    assert f"item {page.panel.detail.row.cap_item_id}" not in shown


def test_supplier_page_tab_and_dashboard_tile(qtbot, window, ui_db, factory):
    add(ui_db, "Night shifts without premium", risk="high")
    supplier_id = next(r.supplier_id for r in svc.list_complaints(ui_db) if r.supplier_code == "CN-0701")
    window.show_supplier(supplier_id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    assert page.tabs.tabText(3).startswith("Complaints (")
    assert page.complaints_model.rowCount() >= 1
    assert NAME not in " ".join(r.summary for r in page.complaints_model.all_rows())
    window.go("dashboard")
    window.dashboard.refresh()
    wait_idle(qtbot, window.ctx)
    tile = figures.complaints_tile(ui_db)
    assert window.dashboard.card_complaints.value_label.text() == f"{tile.open:,}"
    assert "high retaliation risk" in window.dashboard.card_complaints.note.text()


def test_the_fast_filter_text_is_the_columns_text(ui_db, factory):
    """The page's own filter text (written out for speed) matches what the table's searchable columns show."""
    from csrdesk.ui.pages.complaints import complaint_columns, search_texts
    from csrdesk.ui.tables import build_search_texts

    c = add(ui_db, "Sunday overtime", risk="high")
    svc.acknowledge(ui_db, c.id, day(29))
    svc.record_retaliation(ui_db, c.id, day(20), "Overtime cut")
    svc.resolve(ui_db, c.id, "partly_substantiated", "Premium paid", day(10))
    svc.add_complaint(ui_db, svc.ComplaintInput(day(5), "union", "hours", "Night work", factory_name="Other Co"))
    rows = svc.list_complaints(ui_db)
    assert search_texts(rows) == build_search_texts(complaint_columns(), rows)


def test_choices_do_not_change_under_the_mouse_wheel_without_focus(qtbot, page):
    """Scrolling over the risk filter (not clicked) leaves it alone; once focused, the wheel moves it."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    combo = page.risk_filter
    combo.setCurrentIndex(0)
    page.filter_box.setFocus()

    def wheel() -> None:
        centre = QPointF(combo.rect().center())
        event = QWheelEvent(centre, QPointF(combo.mapToGlobal(combo.rect().center())), QPoint(0, 0),
                            QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(combo, event)

    wheel()
    assert combo.currentIndex() == 0
    combo.window().activateWindow()  # dialogs of earlier tests may have held the activation
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    wheel()
    assert combo.currentIndex() == 1
    combo.setCurrentIndex(0)
