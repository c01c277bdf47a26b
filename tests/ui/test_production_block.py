"""A Zero Tolerance supplier in the window: the supplier page says production is not allowed and proposes suspension,
the dashboard lists it first, the suppliers list marks it; a certificate that stands in is named on the page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.suppliers import CertificationInput, SupplierInput, add_certification, create_supplier
from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def blocked(ui_db):
    d = create_supplier(ui_db, SupplierInput(name="Hengtai Knitting Co., Ltd.", code="CN-0901", country="China"),
                        status="active")
    record_assessment(ui_db, AssessmentInput("CN-0901", date.today() - timedelta(days=4), findings=[
        FindingInput("Identity documents or passports retained by the employer", "zero tolerance",
                     violation_type="FRC-002")]))
    return d


def test_supplier_page_states_the_block_and_proposes_suspension(qtbot, window, blocked):
    window.show_supplier(blocked.row.id)
    page = window.supplier_page
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.bundle is not None and page.bundle.detail.row.code == "CN-0901")
    assert page.block_banner.isVisible()
    assert page.block_label.text().startswith("Production not allowed") and "Zero Tolerance" in page.block_label.text()
    assert page.suspend_button.isVisible()
    assert page.glance.values["Production"].text() == "NOT ALLOWED"


def test_dashboard_lists_blocked_suppliers_first(qtbot, window, blocked):
    window.go("dashboard")
    page = window.dashboard
    page.refresh()
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.summary is not None and bool(page.summary.production_blocked))
    assert page.blocked_panel.isVisible()
    codes = [page.blocked_model.row_at(i).supplier_code for i in range(page.blocked_model.rowCount())]
    assert "CN-0901" in codes
    assert "suspend" in page.blocked_note.text()


def test_suppliers_list_marks_production_not_allowed(qtbot, window, blocked):
    window.go("suppliers")
    wait_idle(qtbot, window.ctx)
    model = window.suppliers.model
    titles = [c.title for c in model.columns]
    column = titles.index("Production")
    qtbot.waitUntil(lambda: any(model.row_at(i).code == "CN-0901" for i in range(model.rowCount())))
    row = next(i for i in range(model.rowCount()) if model.row_at(i).code == "CN-0901")
    assert model.index(row, column).data() == "not allowed"


def test_certificate_standing_in_is_named(qtbot, window, ui_db):
    d = create_supplier(ui_db, SupplierInput(name="Certified Shoes Ltd", code="VN-0902", country="Vietnam"),
                        status="vetting")
    add_certification(ui_db, "VN-0902", CertificationInput("WRAP", "W-9", date.today() - timedelta(days=10),
                                                           date.today() + timedelta(days=200)))
    window.show_supplier(d.row.id)
    page = window.supplier_page
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.bundle is not None and page.bundle.detail.row.code == "VN-0902")
    assert "by certification" in page.glance.values["Current rating"].text()
    assert "WRAP" in page.glance.values["Why this rating"].text()
    assert not page.block_banner.isVisible()
