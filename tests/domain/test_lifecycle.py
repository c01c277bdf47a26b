"""Allowed and refused moves of suppliers, CAPs and CAP items, with the reason for each refusal."""
from datetime import date

import pytest

from csrdesk.domain.caps import PastFinding, days_overdue, due_date, is_overdue, is_repeat, progress_rate
from csrdesk.domain.lifecycle import (
    CapFacts, CapStatus, ItemFacts, ItemStatus, SupplierFacts, SupplierStatus, TransitionRefused,
    check_cap_transition, check_item_transition, check_supplier_transition, status_once_planned,
)

PLAN = ItemFacts(root_cause="No capacity planning", preventive_action="Weekly capacity review", project_leader="Ms Chen")


def test_item_walks_its_whole_lifecycle():
    """An item goes open -> action planned -> evidence submitted -> verified -> closed when each step has its facts."""
    facts = ItemFacts(PLAN.root_cause, PLAN.preventive_action, PLAN.project_leader, evidence_count=1,
                      verification_notes="Checked time records for March")
    path = [ItemStatus.OPEN, ItemStatus.ACTION_PLANNED, ItemStatus.EVIDENCE_SUBMITTED, ItemStatus.VERIFIED,
            ItemStatus.CLOSED]
    for current, target in zip(path, path[1:]):
        check_item_transition(current, target, facts)


def test_item_cannot_skip_to_closed():
    """Jumping from open to closed is refused and the message lists what is allowed."""
    with pytest.raises(TransitionRefused, match="cannot become closed.*action planned"):
        check_item_transition(ItemStatus.OPEN, ItemStatus.CLOSED, PLAN)


def test_action_planned_needs_the_factory_answer():
    """Without root cause, preventive action and project leader an item cannot be action planned."""
    with pytest.raises(TransitionRefused, match="root cause, preventive action, project leader"):
        check_item_transition(ItemStatus.OPEN, ItemStatus.ACTION_PLANNED, ItemFacts())


def test_a_saved_complete_plan_makes_an_open_item_action_planned():
    """An open item with root cause, preventive action and project leader becomes action planned when its plan is
    saved; an incomplete plan, or an item already further on, stays as it is."""
    assert status_once_planned("open", PLAN) is ItemStatus.ACTION_PLANNED
    assert status_once_planned(ItemStatus.OPEN, ItemFacts(root_cause="x", preventive_action="y")) is None
    assert status_once_planned(ItemStatus.EVIDENCE_SUBMITTED, PLAN) is None
    assert status_once_planned(ItemStatus.ACTION_PLANNED, PLAN) is None


def test_evidence_and_verification_need_their_facts():
    """Evidence submitted needs a file or notes; verified needs verification notes."""
    with pytest.raises(TransitionRefused, match="evidence"):
        check_item_transition(ItemStatus.ACTION_PLANNED, ItemStatus.EVIDENCE_SUBMITTED, PLAN)
    with pytest.raises(TransitionRefused, match="verification notes"):
        check_item_transition(ItemStatus.EVIDENCE_SUBMITTED, ItemStatus.VERIFIED, PLAN)


def test_same_status_is_refused_plainly():
    """Setting the status an item already has says so."""
    with pytest.raises(TransitionRefused, match="already open"):
        check_item_transition(ItemStatus.OPEN, ItemStatus.OPEN)


def test_cap_lifecycle_and_guards():
    """A CAP moves draft -> sent -> ... -> closed; empty CAPs are not sent, open items block closing."""
    check_cap_transition(CapStatus.DRAFT, CapStatus.SENT, CapFacts(item_count=2))
    with pytest.raises(TransitionRefused, match="no items"):
        check_cap_transition(CapStatus.DRAFT, CapStatus.SENT, CapFacts(item_count=0))
    with pytest.raises(TransitionRefused, match="cannot be approved"):
        check_cap_transition(CapStatus.UNDER_REVIEW, CapStatus.APPROVED, CapFacts(item_count=2, items_with_plan=1))
    check_cap_transition(CapStatus.UNDER_REVIEW, CapStatus.SENT)  # returned to the factory
    with pytest.raises(TransitionRefused, match="still open"):
        check_cap_transition(CapStatus.IN_REMEDIATION, CapStatus.CLOSED, CapFacts(item_count=2, open_items=1))
    with pytest.raises(TransitionRefused):
        check_cap_transition(CapStatus.DRAFT, CapStatus.CLOSED)


def test_approval_needs_pre_production_assessment():
    """A supplier in vetting is approved only after a pre-production assessment rated S or NI."""
    with pytest.raises(TransitionRefused, match="no pre-production assessment"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED, SupplierFacts())
    with pytest.raises(TransitionRefused, match="rated Unsatisfactory"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                                  SupplierFacts(pre_production_rating="Unsatisfactory", latest_rating="Unsatisfactory"))
    check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                              SupplierFacts(pre_production_rating="Needs Improvement", latest_rating="Needs Improvement",
                                            require_vetting=False))


def test_vetting_is_required_by_default_in_the_domain_as_in_settings():
    """One default for 'approval needs a positive vetting decision', the same in the rules and in Settings."""
    from csrdesk.domain.lifecycle import DEFAULT_REQUIRE_VETTING
    from csrdesk.services.settings import Preferences

    assert SupplierFacts().require_vetting is DEFAULT_REQUIRE_VETTING is Preferences().require_vetting is True


def test_a_valid_certificate_stands_in_for_the_pre_production_assessment():
    """A new supplier with a certificate standing in (domain.ratings) passes the pre-production part of the gate;
    one whose pre-production assessment came after the certificate and failed does not (no certificate fact then)."""
    check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                              SupplierFacts(certified="Satisfactory by certification: WRAP", require_vetting=False))
    with pytest.raises(TransitionRefused, match="rated Unsatisfactory"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                                  SupplierFacts(pre_production_rating="Unsatisfactory", require_vetting=False))


def test_production_block_refuses_every_production_status():
    """Zero Tolerance or Denied: no approval, no activation, whatever else holds."""
    block = "Production not allowed: the periodic assessment of 2026-01-10 is rated Zero Tolerance"
    for current, target in ((SupplierStatus.SUSPENDED, SupplierStatus.ACTIVE),
                            (SupplierStatus.APPROVED, SupplierStatus.ACTIVE),
                            (SupplierStatus.VETTING, SupplierStatus.APPROVED)):
        with pytest.raises(TransitionRefused, match="Production not allowed"):
            check_supplier_transition(current, target, SupplierFacts(production_block=block,
                                                                     pre_production_rating="Satisfactory"))


def test_approval_with_vetting_required():
    """When vetting is required, a missing or negative decision blocks approval, and conditions need the conditional status."""
    base = dict(pre_production_rating="Satisfactory", latest_rating="Satisfactory", require_vetting=True)
    with pytest.raises(TransitionRefused, match="no vetting screen"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED, SupplierFacts(**base))
    with pytest.raises(TransitionRefused, match="reject"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                                  SupplierFacts(vetting_decision="reject", **base))
    with pytest.raises(TransitionRefused, match="conditionally approved"):
        check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.APPROVED,
                                  SupplierFacts(vetting_decision="approve with conditions", **base))
    check_supplier_transition(SupplierStatus.VETTING, SupplierStatus.CONDITIONALLY_APPROVED,
                              SupplierFacts(vetting_decision="approve with conditions", **base))


@pytest.mark.parametrize("rating", ["Zero Tolerance", "Denied"])
def test_zero_tolerance_and_denied_block_production(rating):
    """A supplier whose latest assessment is ZT or Denied cannot become active."""
    with pytest.raises(TransitionRefused, match="blocks production"):
        check_supplier_transition(SupplierStatus.SUSPENDED, SupplierStatus.ACTIVE, SupplierFacts(latest_rating=rating))


def test_due_dates_overdue_and_progress():
    """Due date = start + days allowed; overdue only while open; progress is the share verified or closed."""
    assert due_date(date(2026, 1, 1), 30) == date(2026, 1, 31)
    assert is_overdue(date(2026, 1, 31), "open", date(2026, 2, 1))
    assert not is_overdue(date(2026, 1, 31), "verified", date(2026, 2, 1))
    assert not is_overdue(date(2026, 1, 31), "open", date(2026, 1, 31))
    assert days_overdue(date(2026, 1, 31), "action planned", date(2026, 2, 10)) == 10
    assert progress_rate(4, 1) == 25.0
    assert progress_rate(0, 0) is None


def test_repeat_findings_by_type_or_title():
    """A finding repeats when an earlier assessment of the supplier had the same type (or same free-text title)."""
    earlier = [PastFinding(date(2025, 1, 1), "HRS-001", "Excessive hours"), PastFinding(date(2025, 1, 1), None, "Dirty  Toilets")]
    assert is_repeat("HRS-001", "anything", date(2026, 1, 1), earlier)
    assert not is_repeat("HRS-002", "anything", date(2026, 1, 1), earlier)
    assert is_repeat(None, "dirty toilets", date(2026, 1, 1), earlier)
    assert not is_repeat("HRS-001", "x", date(2025, 1, 1), earlier)  # same day is not earlier


def test_conditional_approval_needs_its_conditions_closed():
    """A conditionally approved supplier becomes fully approved only once the vetting conditions are met."""
    with pytest.raises(TransitionRefused, match="2 condition"):
        check_supplier_transition(SupplierStatus.CONDITIONALLY_APPROVED, SupplierStatus.APPROVED,
                                  SupplierFacts(open_conditions=2))
    check_supplier_transition(SupplierStatus.CONDITIONALLY_APPROVED, SupplierStatus.APPROVED, SupplierFacts())
