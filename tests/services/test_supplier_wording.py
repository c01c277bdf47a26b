"""The supplier list and approval say what is true: CAP progress is never 100% beside open items, and the refusal to
approve a prospect says what to do."""
from __future__ import annotations

from csrdesk.services.demo import generate_demo
from csrdesk.services.suppliers import SupplierInput, approval_gate, create_supplier, list_suppliers


def test_progress_agrees_with_open_items(db):
    generate_demo(db, suppliers=14, findings_per_assessment=12, seed=7)
    rows = list_suppliers(db)
    assert any(r.open_items for r in rows)
    for r in rows:
        if r.open_items:
            assert r.progress is None or r.progress < 100, (r.code, r.open_items, r.progress)


def test_a_prospect_is_told_how_to_get_approved(db):
    create_supplier(db, SupplierInput(name="Wording Knit", code="WK-001", country="India"))
    reason, *missing = approval_gate(db, "WK-001")
    assert reason == "This supplier is still a prospect: move it to vetting before approving it."
    assert "approval is given from vetting" not in reason and "approved from vetting" not in reason
    # and what approval from vetting would then still need
    assert any("no vetting screen has a decision yet" in m for m in missing)
    assert any("no pre-production assessment" in m for m in missing)
