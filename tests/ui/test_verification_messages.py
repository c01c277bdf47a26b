"""The Verification page tells what an action did on a line of its own, and it stays there: "Visit N saved…" after a
visit was recorded (the reload that follows wrote the page's summary over it before), a booking confirmed with its
date; an overdue visit is booked from today on, not on its past due date."""
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def overdue_cap(ui_db):
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.verification import set_meeting_date

    create_supplier(ui_db, SupplierInput(name="Mekong Handbags", code="KH-7201", country="Cambodia"),
                    status="active")
    day = date.today() - timedelta(days=150)
    d = record_assessment(ui_db, AssessmentInput("KH-7201", day, findings=[
        FindingInput(f"Fire exit {n} locked", "major", category="health-safety") for n in range(3)]))
    caps_service.change_cap_status(ui_db, d.cap_id, "sent", today=day)
    set_meeting_date(ui_db, d.cap_id, date.today() - timedelta(days=90))  # the visit fell due 48 days ago
    return d.cap_id


def _page(qtbot, window):
    window.go("verification")
    wait_idle(qtbot, window.ctx)
    return window.verification


def test_an_overdue_visit_is_booked_from_today_and_the_booking_is_confirmed(qtbot, window, overdue_cap):
    page = _page(qtbot, window)
    page.tabs.setCurrentIndex(0)
    assert page.plan_view.select_id(overdue_cap)
    seen = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen["day"] = dialog.date.date().toPython()
        dialog.accept()

    QTimer.singleShot(0, answer)
    page.book()
    wait_idle(qtbot, window.ctx)
    assert seen["day"] == date.today(), f"the booking dialog offered {seen['day']}, a date already past"
    assert f"Visit of CAP #{overdue_cap} (KH-7201) booked for {date.today().isoformat()}" in page.message.text()


def test_a_recorded_visit_is_told_after_the_page_reloads(qtbot, window, overdue_cap):
    page = _page(qtbot, window)
    dialog = page.record_visit(overdue_cap)
    wait_idle(qtbot, window.ctx)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, "1")
    with qtbot.waitSignal(dialog.recorded, timeout=10000):
        dialog.save()
    wait_idle(qtbot, window.ctx)
    qtbot.wait(50)
    wait_idle(qtbot, window.ctx)
    assert "saved: 1 verified" in page.message.text()
    assert "CAPs planned" in page.subtitle.text()  # the summary is still the summary


def test_record_visit_with_nothing_chosen_says_what_to_choose(qtbot, window, overdue_cap, monkeypatch):
    """No CAP chosen: the page says where to choose one instead of asking for a CAP number (it offered CAP 1)."""
    from PySide6.QtWidgets import QInputDialog

    asked = []
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: asked.append(a) or (1, False))
    page = _page(qtbot, window)
    page.tabs.setCurrentIndex(2)  # the Escalations tab: no CAP chosen there
    assert page.record_visit() is None
    assert not asked and "Choose a CAP on the Visits due tab" in page.message.text()
