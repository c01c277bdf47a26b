"""Ctrl+K finds worker complaints by their reference and by words of their summary, and choosing one opens it on the
Complaints page; it never finds one by the complainant's name, which is sealed and never searched."""
from __future__ import annotations

from datetime import date, timedelta

from csrdesk.services.search import search
from tests.ui.conftest import open_with_ctrl_k


def _complaint(db):
    from csrdesk.services import complaints as svc
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    create_supplier(db, SupplierInput(name="Lotus Knit", code="VN-7601", country="Vietnam"), status="active")
    return svc.add_complaint(db, svc.ComplaintInput(
        received=date.today() - timedelta(days=2), channel="hotline", provision="hours",
        summary="Sunday shifts are forced before shipment", supplier_code="VN-7601",
        complainant_name="Nguyen Thi Hoa", contact="+84 90 000 0000", retaliation_risk="medium",
        worker_agrees_factory_told=False))


def test_search_finds_a_complaint_never_its_complainant(qtbot, window, ui_db):
    detail = _complaint(ui_db)
    by_reference = search(ui_db, detail.row.reference)
    assert any(h.kind == "complaint" and h.id == detail.id for h in by_reference)
    assert any(h.kind == "complaint" and h.id == detail.id for h in search(ui_db, "sunday shifts"))
    assert not any(h.kind == "complaint" for h in search(ui_db, "Nguyen Thi Hoa"))
    assert not any("Nguyen" in h.title + h.detail for h in by_reference)

    open_with_ctrl_k(qtbot, window, detail.row.reference, "complaint", detail.id)
    page = window.pages["complaints"]
    qtbot.waitUntil(lambda: window.current_page() is page and page.panel.detail is not None
                    and page.panel.detail.id == detail.id, timeout=10000)
