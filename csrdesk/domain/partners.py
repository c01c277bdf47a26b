"""The brand's side of remediation: partners (consultants, audit firms, civil society, government, other brands),
their vetting state, brand actions on the brand's own purchasing practices, and brands sharing a factory."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Optional


class PartnerKind(str, Enum):
    CONSULTANT = "consultant"
    AUDIT_FIRM = "audit_firm"
    CSO = "cso"
    GOVERNMENT = "government"
    BRAND = "brand"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    PartnerKind.CONSULTANT: "Consultant",
    PartnerKind.AUDIT_FIRM: "Audit firm",
    PartnerKind.CSO: "Civil society organisation",
    PartnerKind.GOVERNMENT: "Government agency",
    PartnerKind.BRAND: "Other brand",
}
VETTED_KINDS = frozenset({PartnerKind.CONSULTANT, PartnerKind.AUDIT_FIRM})

# What kind of civil society organisation: a victim-service organisation consulted satisfies the
# victim-protection measure "victim-service organisations consulted" of a forced labour or trafficking finding.
CSO_TYPES = ("labour organisation", "human-rights group", "victim-service organisation", "other")
VICTIM_SERVICE = "victim-service organisation"

PARTNER_ROLES = ("consultant", "consulted", "lead brand", "collaborating brand", "auditor", "observer")
"""Roles a partner plays on a CAP; free text is accepted too, these are the suggestions."""


class PartnerError(ValueError):
    """Input about a partner that cannot be recorded as given."""


def parse_kind(text: str) -> PartnerKind:
    key = "_".join(str(text or "").strip().lower().replace("-", " ").split())
    aliases = {"auditor": "audit_firm", "audit": "audit_firm", "ngo": "cso", "civil_society": "cso",
               "gov": "government", "agency": "government", "other_brand": "brand"}
    key = aliases.get(key, key)
    try:
        return PartnerKind(key)
    except ValueError:
        raise PartnerError(f"unknown partner kind {text!r}; use one of "
                           f"{', '.join(k.value for k in PartnerKind)}") from None


def parse_cso_type(text: str) -> str:
    key = " ".join(str(text or "").strip().lower().replace("_", " ").split())
    if not key:
        return ""
    aliases = {"victim service": VICTIM_SERVICE, "victim-service": VICTIM_SERVICE,
               "victim service organisation": VICTIM_SERVICE, "victim service organization": VICTIM_SERVICE,
               "victim services": VICTIM_SERVICE, "victim": VICTIM_SERVICE,
               "labour": "labour organisation", "labor organization": "labour organisation",
               "union": "labour organisation", "human rights": "human-rights group"}
    key = aliases.get(key, key)
    if key not in CSO_TYPES:
        raise PartnerError(f"unknown organisation type {text!r}; use one of {', '.join(CSO_TYPES)}")
    return key


def split_list(text: str) -> list[str]:
    """'a, b; c' -> ['a', 'b', 'c'] (commas, semicolons, slashes and new lines separate; blanks dropped)."""
    return [p.strip() for p in re.split(r"[,;\n/|]+", text or "") if p.strip()]


# --- vetting -------------------------------------------------------------------------------------------------------

NOT_VETTED = "not vetted"
IN_VETTING = "in vetting"


def vetting_state(kind: PartnerKind, decision: Optional[str], has_screen: bool) -> Optional[str]:
    """What the register shows in its vetting column: the decision, 'in vetting', 'not vetted'; None when the kind
    is not vetted at all (civil society, government, brands)."""
    if kind not in VETTED_KINDS:
        return None
    if decision:
        return decision
    return IN_VETTING if has_screen else NOT_VETTED


def assignment_warning(kind: PartnerKind, name: str, decision: Optional[str], has_screen: bool) -> Optional[str]:
    """A warning when an unvetted or rejected consultant or audit firm is assigned to help a factory."""
    state = vetting_state(kind, decision, has_screen)
    if state is None or state in ("approve", "approve with conditions"):
        return None
    if state == "reject":
        return f"{name} was rejected at vetting: assigning them to a CAP goes against that decision."
    return f"{name} is {state}: screen them with the consultant checklist before they work with the factory."


# --- brand actions (responsible purchasing practices) ---------------------------------------------------------------

PURCHASING = "purchasing"  # the cause category key of buyer purchasing practices (domain.rootcause)
BRAND_ACTION_STATUSES = ("open", "in progress", "done", "closed")
OPEN_BRAND_ACTION = ("open", "in progress", "done")  # done awaits closure, as a CAP item's evidence does
BRAND_ACTION_DAYS = 30


def parse_brand_action_status(text: str) -> str:
    key = " ".join(str(text or "").strip().lower().replace("_", " ").split())
    if key not in BRAND_ACTION_STATUSES:
        raise PartnerError(f"unknown brand action status {text!r}; use one of {', '.join(BRAND_ACTION_STATUSES)}")
    return key


def brand_action_what(finding: str, cause: str) -> str:
    """The proposed action for the brand's own team when a factory names buyer purchasing practices."""
    cause = " ".join((cause or "").split())
    short = cause if len(cause) <= 160 else cause[:159] + "…"
    return (f"Review our own purchasing practices behind \"{finding}\" (order timing, late changes, lead times, "
            f"prices) with the factory's named cause: {short}")


def brand_action_overdue(status: str, due: Optional[date], today: date) -> bool:
    return status in ("open", "in progress") and due is not None and due < today


# --- brands sharing a factory ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SharedBrand:
    """Another brand buying from the same factory: its contact, share of production and view on shared audits."""

    brand: str
    contact: str = ""
    share: Optional[float] = None  # percent of the factory's production, where known
    accepts_shared_audit: Optional[bool] = None


_SHARE = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%\s*\)\s*$")


def parse_other_brands(text: str) -> list[SharedBrand]:
    """The old free-text 'other brands' field as records: 'Acme (30%), Brandy' -> two brands, Acme with 30%.

    Duplicates (case-insensitive) are kept once; a share outside 0-100 is dropped, the name kept."""
    out: dict[str, SharedBrand] = {}
    for part in split_list(text):
        name, share = part, None
        m = _SHARE.match(part)
        if m:
            name = m.group("name").strip()
            value = float(m.group("pct").replace(",", "."))
            share = value if 0 <= value <= 100 else None
        name = " ".join(name.split())[:200]
        if name and name.lower() not in out:
            out[name.lower()] = SharedBrand(name, share=share)
    return list(out.values())


def brands_text(brands: list[SharedBrand]) -> str:
    """Records back as the short text lists show ('Acme (30%), Brandy')."""
    parts = []
    for b in brands:
        share = f" ({b.share:g}%)" if b.share is not None else ""
        parts.append(f"{b.brand}{share}")
    return ", ".join(parts)


def check_share(share: Optional[float]) -> Optional[float]:
    if share is None:
        return None
    if not 0 <= share <= 100:
        raise PartnerError(f"a share of production must be from 0 to 100 percent, not {share:g}")
    return share
