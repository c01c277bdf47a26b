"""Ctrl+K finds assessments and vetting screens too: a supplier's code brings its newest assessments and screens,
a standard or audit firm finds the assessments it names, 'screen N' finds that screen; choosing one opens it."""
from __future__ import annotations

from datetime import date

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.search import search
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.services.vetting import screen_choices, start_screen
from tests.ui.conftest import open_with_ctrl_k, search_with_ctrl_k


def _seed(db):
    create_supplier(db, SupplierInput(name="Search Me Textiles", code="SR-001", country="India"))
    detail = record_assessment(db, AssessmentInput(
        supplier_code="SR-001", date=date(2026, 3, 2), assessment_type="pre-production", audit_firm="Quill Audits",
        standard="SMETA 6.1", findings=[FindingInput(title="No fire drill records", severity="major")]))
    template = next(t for t in screen_choices(db).templates if t.kind == "supplier")
    screen = start_screen(db, template.key, supplier_code="SR-001")
    return detail, screen


def test_search_finds_assessments_and_screens(db):
    assessment, screen = _seed(db)
    by_code = search(db, "SR-001")
    kinds = [h.kind for h in by_code]
    assert "assessment" in kinds and "vetting_screen" in kinds
    assert any(h.kind == "assessment" and h.id == assessment.id and "Pre-production" in h.title for h in by_code)
    assert any(h.kind == "assessment" and h.id == assessment.id for h in search(db, "quill audits"))
    assert search(db, f"screen {screen.id}")[0].kind == "vetting_screen"


def test_ctrl_k_opens_a_vetting_screen(qtbot, window, ui_db):
    _assessment, screen = _seed(ui_db)
    open_with_ctrl_k(qtbot, window, f"screen {screen.id}", "vetting_screen", screen.id)
    page = window.pages["vetting"]
    qtbot.waitUntil(lambda: window.current_page() is page and page.form.detail is not None
                    and page.form.detail.id == screen.id, timeout=10000)


def test_ctrl_k_finds_a_cap_by_its_number_and_opens_it(qtbot, window, ui_db):
    """'CAP #140', 'cap 140', '#140' or '140' (as letters and e-mails name a CAP) find that CAP first, with its
    supplier; choosing it shows the CAP whole on the CAPs page (the search found nothing by CAP number)."""
    create_supplier(ui_db, SupplierInput(name="Numbered Cap Knitwear", code="SR-002", country="India"))
    assessment = record_assessment(ui_db, AssessmentInput(
        supplier_code="SR-002", date=date(2026, 3, 9), findings=[FindingInput(title="Fire exit locked", severity="major")]))
    cap_id = assessment.cap_id
    assert [h.kind for h in search(ui_db, f"CAP #{cap_id}")][:1] == ["cap"]
    for text in (f"cap {cap_id}", f"#{cap_id}", str(cap_id)):
        first = search(ui_db, text)[0]
        assert (first.kind, first.id, first.supplier_code) == ("cap", cap_id, "SR-002") and "item" in first.detail
    box = search_with_ctrl_k(qtbot, window, f"CAP #{cap_id}",
                             until=lambda hits: bool(hits) and hits[0].kind == "cap")
    box.choose(0)
    page = window.pages["caps"]
    qtbot.waitUntil(lambda: window.current_page() is page and page.model.visible_count > 0, timeout=10000)
    assert {r.cap_id for r in page.model.visible_rows()} == {cap_id}
