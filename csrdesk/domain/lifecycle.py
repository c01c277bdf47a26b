"""Lifecycles of suppliers, CAPs and CAP items: the allowed moves, and the reason a move is refused."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Optional

from csrdesk.domain.reporting import plural


# Approval of a new supplier needs a positive vetting decision unless the user switches it off (Settings).
DEFAULT_REQUIRE_VETTING = True


class TransitionRefused(ValueError):
    """A status change that the lifecycle does not allow; the message says why in the user's words."""


def status_words(text: str) -> str:
    """'action_planned', 'Action-Planned' and 'action planned' all name the same status."""
    return " ".join(str(text or "").replace("_", " ").replace("-", " ").lower().split())


class SupplierStatus(str, Enum):
    PROSPECT = "prospect"
    VETTING = "vetting"
    APPROVED = "approved"
    CONDITIONALLY_APPROVED = "conditionally approved"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITING = "exiting"
    EXITED = "exited"


class CapStatus(str, Enum):
    DRAFT = "draft"
    SENT = "sent"
    RESPONSE_RECEIVED = "response received"
    UNDER_REVIEW = "under review"
    APPROVED = "approved"
    IN_REMEDIATION = "in remediation"
    CLOSED = "closed"


class ItemStatus(str, Enum):
    OPEN = "open"
    ACTION_PLANNED = "action planned"
    EVIDENCE_SUBMITTED = "evidence submitted"
    VERIFIED = "verified"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self not in (ItemStatus.VERIFIED, ItemStatus.CLOSED)


SUPPLIER_TRANSITIONS: Mapping[SupplierStatus, tuple[SupplierStatus, ...]] = {
    SupplierStatus.PROSPECT: (SupplierStatus.VETTING, SupplierStatus.EXITED),
    SupplierStatus.VETTING: (
        SupplierStatus.APPROVED, SupplierStatus.CONDITIONALLY_APPROVED, SupplierStatus.PROSPECT, SupplierStatus.EXITED,
    ),
    SupplierStatus.APPROVED: (SupplierStatus.ACTIVE, SupplierStatus.SUSPENDED, SupplierStatus.EXITING),
    SupplierStatus.CONDITIONALLY_APPROVED: (
        SupplierStatus.APPROVED, SupplierStatus.ACTIVE, SupplierStatus.SUSPENDED, SupplierStatus.EXITING,
    ),
    SupplierStatus.ACTIVE: (SupplierStatus.SUSPENDED, SupplierStatus.EXITING),
    SupplierStatus.SUSPENDED: (SupplierStatus.ACTIVE, SupplierStatus.EXITING),
    SupplierStatus.EXITING: (SupplierStatus.EXITED, SupplierStatus.ACTIVE),
    SupplierStatus.EXITED: (SupplierStatus.PROSPECT,),
}

# Returning a CAP to the factory (under review -> sent) is how a review asks for a better answer.
CAP_TRANSITIONS: Mapping[CapStatus, tuple[CapStatus, ...]] = {
    CapStatus.DRAFT: (CapStatus.SENT,),
    CapStatus.SENT: (CapStatus.RESPONSE_RECEIVED, CapStatus.DRAFT),
    CapStatus.RESPONSE_RECEIVED: (CapStatus.UNDER_REVIEW, CapStatus.SENT),
    CapStatus.UNDER_REVIEW: (CapStatus.APPROVED, CapStatus.SENT),
    CapStatus.APPROVED: (CapStatus.IN_REMEDIATION, CapStatus.CLOSED),
    CapStatus.IN_REMEDIATION: (CapStatus.CLOSED,),
    CapStatus.CLOSED: (CapStatus.IN_REMEDIATION,),
}

# Evidence that does not hold goes back to action planned; a verified item can be reopened if it slipped.
ITEM_TRANSITIONS: Mapping[ItemStatus, tuple[ItemStatus, ...]] = {
    ItemStatus.OPEN: (ItemStatus.ACTION_PLANNED,),
    ItemStatus.ACTION_PLANNED: (ItemStatus.EVIDENCE_SUBMITTED, ItemStatus.OPEN),
    ItemStatus.EVIDENCE_SUBMITTED: (ItemStatus.VERIFIED, ItemStatus.ACTION_PLANNED),
    ItemStatus.VERIFIED: (ItemStatus.CLOSED, ItemStatus.ACTION_PLANNED),
    ItemStatus.CLOSED: (ItemStatus.OPEN,),
}


def _refuse_unlisted(kind: str, current: Enum, target: Enum, table: Mapping) -> None:
    if target == current:
        raise TransitionRefused(f"The {kind} is already {current.value}.")
    allowed = table[current]
    if target not in allowed:
        options = ", ".join(s.value for s in allowed) or "nothing"
        raise TransitionRefused(
            f"A {kind} that is {current.value} cannot become {target.value}; from {current.value} it can become: {options}."
        )


@dataclass(frozen=True)
class ItemFacts:
    """What the item lifecycle needs to know of a CAP item to judge a move."""

    root_cause: str = ""
    preventive_action: str = ""
    project_leader: str = ""
    evidence_count: int = 0
    evidence_notes: str = ""
    verification_notes: str = ""


def check_item_transition(current: ItemStatus, target: ItemStatus, facts: ItemFacts = ItemFacts()) -> None:
    """Raises TransitionRefused with the reason when a CAP item may not move from current to target."""
    _refuse_unlisted("CAP item", current, target, ITEM_TRANSITIONS)
    if target is ItemStatus.ACTION_PLANNED and current is ItemStatus.OPEN:
        missing = [
            name for name, value in (
                ("root cause", facts.root_cause),
                ("preventive action", facts.preventive_action),
                ("project leader", facts.project_leader),
            ) if not (value or "").strip()
        ]
        if missing:
            raise TransitionRefused(
                "An action plan needs the factory's " + ", ".join(missing) + " before the item can be action planned."
            )
    if target is ItemStatus.EVIDENCE_SUBMITTED and facts.evidence_count == 0 and not (facts.evidence_notes or "").strip():
        raise TransitionRefused("Attach an evidence file or write evidence notes before marking evidence submitted.")
    if target is ItemStatus.VERIFIED and not (facts.verification_notes or "").strip():
        raise TransitionRefused("Write verification notes (what was checked, how) before marking the item verified.")


def status_once_planned(current: ItemStatus | str, facts: ItemFacts) -> Optional[ItemStatus]:
    """The status an item takes when its factory's plan is saved: an open item with a complete plan (root cause,
    preventive action, project leader) becomes action planned; None when it stays as it is."""
    if ItemStatus(current) is not ItemStatus.OPEN:
        return None
    try:
        check_item_transition(ItemStatus.OPEN, ItemStatus.ACTION_PLANNED, facts)
    except TransitionRefused:
        return None
    return ItemStatus.ACTION_PLANNED


@dataclass(frozen=True)
class CapFacts:
    """What the CAP lifecycle needs to know of a CAP's items to judge a move (send, approve, close)."""

    item_count: int = 0
    open_items: int = 0
    items_with_plan: int = 0


def check_cap_transition(current: CapStatus, target: CapStatus, facts: CapFacts = CapFacts()) -> None:
    """Raises TransitionRefused with the reason when a CAP may not move from current to target."""
    _refuse_unlisted("CAP", current, target, CAP_TRANSITIONS)
    if target is CapStatus.SENT and current is CapStatus.DRAFT and facts.item_count == 0:
        raise TransitionRefused("A CAP with no items cannot be sent.")
    if target is CapStatus.APPROVED and facts.items_with_plan < facts.item_count:
        missing = facts.item_count - facts.items_with_plan
        raise TransitionRefused(
            f"{plural(missing, 'item')} {'has' if missing == 1 else 'have'} no root cause and preventive action yet; the CAP cannot be approved."
        )
    if target is CapStatus.CLOSED and facts.open_items:
        raise TransitionRefused(f"{plural(facts.open_items, 'item')} {'is' if facts.open_items == 1 else 'are'} still open; verify or close them before closing the CAP.")


@dataclass(frozen=True)
class SupplierFacts:
    """What the supplier lifecycle needs to judge a move (computed by the services from the database)."""

    latest_rating: Optional[str] = None  # Rating value of the latest assessment, if any
    pre_production_rating: Optional[str] = None  # rating of the latest pre-production assessment
    vetting_decision: Optional[str] = None  # 'approve', 'approve with conditions', 'reject' or None
    require_vetting: bool = DEFAULT_REQUIRE_VETTING
    open_conditions: int = 0  # conditions of the latest vetting decision not yet met
    production_block: Optional[str] = None  # why production is not allowed (Zero Tolerance, Denied), if it is not
    certified: Optional[str] = None  # a valid certificate standing in for an assessment (domain.ratings), if one does


def check_supplier_transition(current: SupplierStatus, target: SupplierStatus, facts: SupplierFacts = SupplierFacts()) -> None:
    """Raises TransitionRefused with the reason when a supplier may not move from current to target."""
    from csrdesk.domain.scoring import Rating

    _refuse_unlisted("supplier", current, target, SUPPLIER_TRANSITIONS)
    production = (SupplierStatus.APPROVED, SupplierStatus.CONDITIONALLY_APPROVED, SupplierStatus.ACTIVE)
    if target in production:
        if facts.production_block:
            raise TransitionRefused(f"{facts.production_block.rstrip('.')}.")
        if facts.latest_rating in (Rating.ZERO_TOLERANCE.value, Rating.DENIED.value):
            raise TransitionRefused(
                f"The latest assessment is rated {facts.latest_rating}, which blocks production; "
                "a new assessment must clear it first."
            )
    if target in (SupplierStatus.APPROVED, SupplierStatus.CONDITIONALLY_APPROVED) and current is SupplierStatus.VETTING:
        problems = []
        if facts.certified:
            pass  # a valid certificate stands in for the pre-production assessment (never over a newer one)
        elif facts.pre_production_rating is None:
            problems.append("no pre-production assessment has been recorded (or a valid WRAP, SA8000, ICTI or "
                            "amfori BSCI certificate with its expiry date)")
        elif facts.pre_production_rating not in (Rating.SATISFACTORY.value, Rating.NEEDS_IMPROVEMENT.value):
            problems.append(
                f"the pre-production assessment is rated {facts.pre_production_rating} "
                "(it must be Satisfactory or Needs Improvement)"
            )
        if facts.require_vetting:
            if facts.vetting_decision is None:
                problems.append("no vetting screen has a decision yet")
            elif facts.vetting_decision == "reject":
                problems.append("the vetting decision is reject")
            elif target is SupplierStatus.APPROVED and facts.vetting_decision == "approve with conditions":
                problems.append("the vetting decision carries conditions: choose conditionally approved")
        if problems:
            raise TransitionRefused("The supplier cannot be approved: " + "; ".join(problems) + ".")
    if current is SupplierStatus.CONDITIONALLY_APPROVED and target is SupplierStatus.APPROVED and facts.open_conditions:
        raise TransitionRefused(
            f"{plural(facts.open_conditions, 'condition')} of the vetting decision {'is' if facts.open_conditions == 1 else 'are'} still open; "
            "close them before the supplier is fully approved."
        )
