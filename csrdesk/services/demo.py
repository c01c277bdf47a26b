"""Realistic, deterministic demo data: factories in eight countries with three years of audits, CAPs and complaints.

Everything is drawn from `random.Random(seed)` in a fixed order, and every date is relative to `today`, so one seed
always gives the same data. Scores and ratings come from the real rules (`rate_assessment` with the workspace's
scoring matrix and each supplier's certifications), repeat findings from `is_repeat` and due dates from `due_date`:
nothing shown to the user is invented outside the domain rules.

The data is written with bulk inserts in one transaction, so the large-program scale (600 suppliers, 87 findings per
assessment) takes seconds. For that reason the change history is kept short: one row per supplier status, per
assessment rating and per CAP status, as if each had been entered once; the many intermediate status changes of
CAP items are not written (their dates are on the items themselves: planned, verification and closure dates).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from sqlalchemy import insert, select, text

from csrdesk.domain.caps import PastFinding, due_date, is_overdue, is_repeat
from csrdesk.domain.laws import fill_requirement
from csrdesk.domain.lifecycle import CapStatus, ItemStatus, SupplierStatus
from csrdesk.domain.scoring import Certification as CertFact, Rating, ScoredFinding, Severity, rate_assessment
from csrdesk.errors import UserError
from csrdesk.services import demo_verification
from csrdesk.services.demo_complaints import add_demo_complaints
from csrdesk.services.demo_plan import (
    AUDIT_FIRMS,
    CN_PROVINCES,
    CONDITIONS,
    Country,
    DENIED_NOTES,
    EVIDENCE,
    Ids,
    LEADER_ROLE_BY_CATEGORY,
    LibType,
    Library,
    NEW_ROLES,
    OTHER_BRANDS,
    OTHER_CERTS,
    OWNER_BY_COUNTRY,
    PLACES,
    PLACE_KIND,
    PROFILE_CONDITIONS,
    RECOGNISED,
    REVIEW_COMMENTS,
    Rows,
    SOURCING_OWNERS,
    STAFF_ROLES,
    STAGE_AGE,
    STAGE_ORDER,
    STANDARDS,
    SupplierPlan,
    ascii_fold,
    at_hour,
    load_library,
    next_ids,
    make_person,
    phone,
    plan_suppliers,
    screening_templates,
    slug,
    weighted,
)
from csrdesk.progress import Progress
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, Certification, ChangeRecord, Contact, EscalationRecord, Finding, Supplier, SupplierBrand,
    VerificationResult, VerificationVisit, VettingAnswer, VettingCondition, VettingScreen,
)

MAX_SUPPLIERS = 9999
MAX_FINDINGS = 500
SOURCE = "demo data"


@dataclass
class DemoResult:
    """What the demo data added: suppliers, assessments, CAPs, complaints and screens, and how long it took."""

    suppliers: int = 0
    assessments: int = 0
    findings: int = 0
    caps: int = 0
    cap_items: int = 0
    overdue_items: int = 0
    complaints: int = 0
    vetting_screens: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"Added {self.suppliers} suppliers with {self.assessments} assessments and {self.findings} findings, "
            f"{self.caps} CAPs with {self.cap_items} items ({self.overdue_items} overdue), {self.complaints} "
            f"complaints and {self.vetting_screens} vetting screens in {self.seconds:.1f} s."
        )




class _Generator:
    def __init__(self, rng: random.Random, lib: Library, ids: Ids, today: date, per_assessment: int,
                 templates: list[tuple[int, Any]]) -> None:
        self.rng = rng
        self.lib = lib
        self.ids = ids
        self.today = today
        self.m = per_assessment
        self.templates = templates
        self.rows = Rows()
        self.used_names: set[str] = set()
        self.supplier_profiles: list[tuple[int, str, Country]] = []

    # dates ------------------------------------------------------------------------------------------------------
    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def between(self, low: date, high: date) -> date:
        """A day from low to high (never after today); low when the range is empty."""
        high = min(high, self.today)
        if high <= low:
            return min(low, self.today)
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    # suppliers --------------------------------------------------------------------------------------------------
    def supplier(self, plan: SupplierPlan) -> None:
        rng, country = self.rng, plan.country
        city = rng.choice(country.cities)
        for attempt in range(8):
            brand, product = rng.choice(country.brands), rng.choice(country.products)
            name = country.english.format(brand=ascii_fold(brand[0]) if country.code == "VN" else brand[0],
                                          product=product[0], city=city.name)
            local = country.local.format(brand=brand[1], product=product[1], city=city.local)
            if name not in self.used_names:
                break
        else:
            unit = sum(1 for n in self.used_names if n.startswith(name)) + 1
            name, local = f"{name} (Unit {unit})", f"{local} ({unit})"
        self.used_names.add(name)
        supplier_id = self.ids.take("suppliers")
        owner = SOURCING_OWNERS[rng.choice(OWNER_BY_COUNTRY[country.code])]
        sector = product[2]
        kind = "material supplier" if sector == "textiles" and rng.random() < 0.5 else (
            "subcontractor" if rng.random() < 0.04 else "factory")
        number = rng.randint(3, 220)
        street = country.street.format(no=number, sector=rng.randint(2, 80), city=city.name, region=city.region)
        address = f"{street}, {country.name}"
        if country.code == "CN":
            address += f"\n{CN_PROVINCES[city.region]}省{city.local}市工业路{number}号"
        os_id = self._os_id(country.code)  # drawn before the brands, as ever: the same seed gives the same data
        brands = rng.sample(OTHER_BRANDS, rng.choice((0, 0, 1, 1, 2, 3)))
        self.rows.shared_brands.extend(dict(supplier_id=supplier_id, brand=b, contact="", position=i)
                                       for i, b in enumerate(brands))
        self.rows.suppliers.append(dict(
            id=supplier_id, code=plan.code, name=name, local_name=local, country=country.name, address=address,
            supplier_type=kind, sector=sector, status="prospect", os_id=os_id,
            sourcing_owner=owner[0], sourcing_owner_email=owner[1],
            latitude=round(city.lat + rng.uniform(-0.08, 0.08), 5), longitude=round(city.lon + rng.uniform(-0.08, 0.08), 5),
            notes="",
        ))
        domain = f"{slug(brand[0])}-{slug(product[0])}.example"
        # Many Cambodian and some Indonesian factories are run by Chinese-speaking management.
        manager_language = "zh" if country.code in ("KH", "ID") and rng.random() < 0.4 else country.people
        manager = make_person(rng, manager_language)
        compliance = make_person(rng, country.people)
        prefers = country.language if rng.random() < 0.75 else "en"
        contacts = [
            ("factory manager", manager, manager_language if manager_language == "zh" else country.language),
            ("compliance contact", compliance, prefers),
        ]
        if rng.random() < 0.3:
            contacts.append(("HR manager", make_person(rng, country.people), country.language))
        for role, person, language in contacts:
            self.rows.contacts.append(dict(
                id=self.ids.take("contacts"), supplier_id=supplier_id, role=role, name=person.name,
                email=f"{person.email_local}@{domain}", phone=phone(rng, country.dial), language=language,
            ))
        staff = {role: make_person(rng, country.people).name for role in STAFF_ROLES}
        staff["compliance officer"] = compliance.name
        certs = self._certifications(supplier_id, sector)
        self._history(plan, supplier_id, staff, certs, country)

    def _os_id(self, code: str) -> str:
        if self.rng.random() > 0.6:
            return ""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return f"{code}{self.rng.randint(2019, 2024)}{self.rng.randint(1, 365):03d}" + "".join(
            self.rng.choice(alphabet) for _ in range(7))

    def _certifications(self, supplier_id: int, sector: str) -> list[CertFact]:
        rng = self.rng
        chosen = []
        if rng.random() < 0.22:
            pool = [c for c in RECOGNISED if c[0] != "ICTI" or sector == "toys"]
            if sector == "toys" and rng.random() < 0.6:
                pool = [("ICTI", 1)]
            chosen.append(rng.choice(pool))
        if rng.random() < 0.35:
            chosen.append(rng.choice(OTHER_CERTS))
        facts = []
        for scheme, years in chosen:
            state = weighted(rng, (("valid", 0.6), ("expiring", 0.15), ("expired", 0.25)))
            if state == "valid":
                expires = self.today + timedelta(days=rng.randint(61, 365 * years))
            elif state == "expiring":
                expires = self.today + timedelta(days=rng.randint(5, 60))
            else:
                expires = self.today - timedelta(days=rng.randint(10, 400))
            issued = expires - timedelta(days=365 * years)
            reference = f"{slug(scheme).upper()[:6]}-{issued.year}-{rng.randint(10000, 99999)}"
            self.rows.certifications.append(dict(
                id=self.ids.take("certifications"), supplier_id=supplier_id, scheme=scheme, reference=reference,
                issued=issued, expires=expires,
            ))
            facts.append(CertFact(scheme, expires, issued))
        return facts

    # the audit history ------------------------------------------------------------------------------------------
    def _plan_dates(self, plan: SupplierPlan) -> tuple[list[list[Any]], int]:
        """The planned assessments [(type, date, flags)], oldest first, and the index of the main latest one."""
        rng, role = self.rng, plan.role
        if role == "vetting":
            return [["pre-production", self.days_ago(3, 50), set()]], 0
        if role in ("approved", "conditionally approved"):
            return [["pre-production", self.days_ago(40, 200), set()]], 0
        if role == "prospect":
            return [["pre-production", self.days_ago(20, 120), {"fail"}]], 0
        if role == "exited":
            latest = self.days_ago(400, 620)
        else:
            low, high = STAGE_AGE[plan.stage or CapStatus.IN_REMEDIATION]
            latest = self.days_ago(low, high)
        dates = [latest]
        horizon = self.today - timedelta(days=3 * 365)
        d = latest
        while True:
            d = d - timedelta(days=rng.randint(330, 400))
            if d < horizon:
                break
            dates.insert(0, d)
        onboarded = rng.random() < 0.3
        planned = []
        for i, d in enumerate(dates):
            kind = "pre-production" if (i == 0 and onboarded and len(dates) > 1) else (
                "unannounced" if rng.random() < 0.12 else "periodic")
            planned.append([kind, d, set()])
        last = len(planned) - 1
        if role == "denied":
            # A denied latest visit leaves no CAP, so only where the latest CAP's status is a common one.
            common = plan.stage in (None, CapStatus.IN_REMEDIATION, CapStatus.CLOSED)
            target = last if ((common and rng.random() < 0.35) or last == 0) else rng.randint(1 if last > 1 else 0, last - 1)
            planned[target][2].add("denied")
        elif rng.random() < 0.01 and last > 0:
            planned[rng.randint(1, last)][2].add("denied")
        if role == "severe":
            target = last if (rng.random() < 0.5 or last == 0) else rng.randint(0, last - 1)
            if planned[target][0] == "pre-production":
                target = last
            planned[target][2].add("zt")
        return planned, last

    def _history(self, plan: SupplierPlan, supplier_id: int, staff: dict[str, str], certs: list[CertFact],
                 country: Country) -> None:
        rng = self.rng
        planned, main_index = self._plan_dates(plan)
        past: dict[str, tuple[PastFinding, ...]] = {}
        prior_types: dict[Severity, list[LibType]] = {sev: [] for sev in Severity}
        prior_seen: set[str] = set()
        assessments: list[dict] = []  # what later steps need of each: id, date, rating, kind, main, findings
        firm = rng.choice(AUDIT_FIRMS)
        standard = rng.choice(STANDARDS)
        i = 0
        previous: Optional[dict] = None
        while i < len(planned):
            kind, day, flags = planned[i]
            is_main_latest = i == main_index
            denied = "denied" in flags
            if denied:
                findings: list[tuple[LibType, Severity]] = []
            elif kind == "follow-up" and previous is not None:
                findings = self._follow_up_findings(previous["findings"])
            else:
                if kind == "pre-production":
                    condition = "poor" if "fail" in flags else "good"
                else:
                    condition = weighted(rng, PROFILE_CONDITIONS[plan.profile])
                findings = self._draw_findings(condition, prior_types, zt="zt" in flags or (
                    condition == "poor" and kind != "pre-production" and rng.random() < 0.015))
                if "fail" in flags and self.m > 0:
                    findings.append((self._pick(Severity.CRITICAL, set(), prior_types, 0.0), Severity.CRITICAL))
                if is_main_latest and plan.stage is not None and not findings and self.m > 0:
                    findings = self._draw_findings("fair", prior_types, zt=False, at_least=1)
            if kind == "pre-production" and "fail" not in flags:
                findings = self._trim_for_approval(findings, certs, day)
            if "fail" in flags and rng.random() < 0.5:
                denied, findings = True, []
            record = self._assessment(supplier_id, kind, day, denied, findings, certs, past, firm, standard,
                                      country, staff, plan, is_main_latest, i == main_index - 1)
            assessments.append(record)
            for vt, _sev in findings:
                key = "type:" + vt.key
                if key not in past:
                    past[key] = (PastFinding(day, vt.key, vt.title),)
                if vt.key not in prior_seen:
                    prior_seen.add(vt.key)
                    prior_types[vt.severity].append(vt)
            previous = record
            rating = record["rating"]
            following = planned[i + 1][1] if i + 1 < len(planned) else None
            if following is not None and kind != "follow-up":
                if rating == Rating.DENIED.value:
                    extra = ["unannounced", day + timedelta(days=rng.randint(20, 45)), set()]
                elif rating in (Rating.UNSATISFACTORY.value, Rating.ZERO_TOLERANCE.value) and rng.random() < 0.8:
                    extra = ["follow-up", day + timedelta(days=rng.randint(45, 90)), set()]
                else:
                    extra = None
                if extra is not None and extra[1] < following - timedelta(days=20):
                    planned.insert(i + 1, extra)
                    main_index += 1
            elif (is_main_latest and plan.role not in NEW_ROLES and plan.role != "exited"
                  and rating in (Rating.UNSATISFACTORY.value, Rating.ZERO_TOLERANCE.value)
                  and (self.today - day).days >= 120 and rng.random() < 0.5):
                planned.append(["follow-up", day + timedelta(days=rng.randint(50, 100)), set()])
            i += 1
        latest = max(assessments, key=lambda a: (a["date"], a["id"]))
        status = self._status(plan, latest["rating"])
        self.rows.suppliers[-1]["status"] = status
        first_day = assessments[0]["date"] - timedelta(days=rng.randint(10, 60))
        self.rows.history.append(dict(
            at=at_hour(first_day), entity="supplier", entity_id=supplier_id, supplier_id=supplier_id, field="status",
            old=None, new=status, source=SOURCE, user="", note="",
        ))
        self.supplier_profiles.append((supplier_id, plan.profile, country))
        if self.templates and (plan.role in NEW_ROLES or (plan.role == "active" and assessments[0]["type"] ==
                                                          "pre-production" and rng.random() < 0.4)):
            self._vetting_screen(supplier_id, plan, assessments[0]["date"], status)

    def _status(self, plan: SupplierPlan, latest_rating: str) -> str:
        role = plan.role
        if role in ("vetting", "approved", "conditionally approved", "prospect", "exiting", "exited"):
            if role == "approved" and latest_rating not in (Rating.SATISFACTORY.value, Rating.NEEDS_IMPROVEMENT.value):
                return SupplierStatus.VETTING.value
            return SupplierStatus(role).value
        if Rating(latest_rating).blocks_production:
            return SupplierStatus.SUSPENDED.value
        return SupplierStatus.ACTIVE.value

    # findings ---------------------------------------------------------------------------------------------------
    def _count(self, condition: str) -> int:
        low, high = CONDITIONS[condition][0]
        return max(0, round(self.m * self.rng.uniform(low, high)))

    def _pick(self, severity: Severity, used: set[str], prior_types: dict[Severity, list[LibType]],
              repeat_share: float) -> LibType:
        rng = self.rng
        prior = [t for t in prior_types[severity] if t.key not in used]
        if prior and rng.random() < repeat_share:
            return rng.choice(prior)
        pool = self.lib.by_severity[severity] or [t for t in self.lib.types if t.key != "MGT-009"]
        fresh = [t for t in pool if t.key not in used]
        return rng.choice(fresh or pool)

    def _draw_findings(self, condition: str, prior_types: dict[Severity, list[LibType]], *, zt: bool,
                       at_least: int = 0) -> list[tuple[LibType, Severity]]:
        rng = self.rng
        n = max(self._count(condition), at_least)
        mix = CONDITIONS[condition][1]
        severities = [p[0] for p in mix]
        weights = [p[1] for p in mix]
        used: set[str] = set()
        findings = []
        for severity in rng.choices(severities, weights=weights, k=n):
            vt = self._pick(severity, used, prior_types, 0.35)
            used.add(vt.key)
            findings.append((vt, severity))
        if zt and self.m > 0:
            vt = self._pick(Severity.ZERO_TOLERANCE, used, prior_types, 0.0)
            findings.insert(rng.randint(0, len(findings)), (vt, Severity.ZERO_TOLERANCE))
        return findings

    def _follow_up_findings(self, earlier: list[tuple[LibType, Severity]]) -> list[tuple[LibType, Severity]]:
        """A follow-up finds part of what the assessment before it found, mostly the serious part."""
        rng = self.rng
        if not earlier:
            return []
        ranked = sorted(earlier, key=lambda f: -list(Severity).index(f[1]))
        n = max(1, round(len(earlier) * rng.uniform(0.15, 0.45)))
        keep = [f for f in ranked[: n * 2] if f[1] is not Severity.ZERO_TOLERANCE or rng.random() < 0.3]
        return rng.sample(keep, min(n, len(keep))) if keep else []

    def _trim_for_approval(self, findings, certs, day):
        """A pre-production assessment of a supplier that went on to be approved was Satisfactory or Needs
        Improvement; drop the heaviest findings until the real rating says so."""
        findings = list(findings)
        while findings:
            result = self._rate(findings, False, certs, day)
            if result.rating.allows_approval:
                break
            heaviest = max(range(len(findings)),
                           key=lambda k: self.lib.matrix.points(findings[k][1], findings[k][0].key))
            findings.pop(heaviest)
        return findings

    def _rate(self, findings, denied, certs, day, repeats=None):
        scored = [
            ScoredFinding(vt.title, sev, self.lib.matrix.points(sev, vt.key), None,
                          bool(repeats[k]) if repeats else False)
            for k, (vt, sev) in enumerate(findings)
        ]
        return rate_assessment(scored, denied=denied)

    def _place(self, category: str) -> str:
        rng = self.rng
        text = rng.choice(PLACES[PLACE_KIND.get(category, "records")])
        text = text[:1].upper() + text[1:]
        return text.format(a=rng.randint(2, 40), blk=rng.choice("ABC"),
                           month=(self.today - timedelta(days=rng.randint(30, 900))).strftime("%B %Y"))

    def _legal(self, vt: LibType, country: Country, day: date) -> tuple[str, Optional[int]]:
        """The legal requirement as the app fills it (the law library's fill rule), and the entry it cites."""
        if not vt.legal_topic:
            return "", None
        fill = fill_requirement(self.lib.laws, country.name, "", vt.legal_topic, day)
        if fill is None:
            return f"{country.name} law on {vt.legal_topic}", None
        return fill.text, fill.entry.id

    def _assessment(self, supplier_id, kind, day, denied, findings, certs, past, firm, standard, country, staff,
                    plan, is_main_latest, is_before_latest) -> dict:
        rng = self.rng
        assessment_id = self.ids.take("assessments")
        repeats = [is_repeat(vt.key, vt.title, day, past.get("type:" + vt.key, ())) for vt, _sev in findings]
        result = self._rate(findings, denied, certs, day, repeats)
        notes = rng.choice(DENIED_NOTES) if denied else ("Unannounced visit." if kind == "unannounced" else "")
        auditor = make_person(rng, country.people).name
        self.rows.assessments.append(dict(
            id=assessment_id, supplier_id=supplier_id, assessment_type=kind, date=day, audit_firm=firm,
            auditor=auditor, standard="Brand code of conduct" if kind == "pre-production" else standard,
            denied=denied, score=result.score, rating=result.rating.value, notes=notes,
        ))
        self.rows.history.append(dict(
            at=at_hour(day, 17), entity="assessment", entity_id=assessment_id, supplier_id=supplier_id, field="rating",
            old=None, new=f"{result.rating.value} ({result.score})", source=SOURCE, user="", note="",
        ))
        finding_ids = []
        for position, ((vt, severity), repeat) in enumerate(zip(findings, repeats)):
            finding_id = self.ids.take("findings")
            finding_ids.append(finding_id)
            legal, law_id = self._legal(vt, country, day)
            self.rows.findings.append(dict(
                id=finding_id, assessment_id=assessment_id, position=position, violation_type=vt.key,
                category=vt.category, title=vt.title, description=f"{self._place(vt.category)}: "
                f"{vt.description}", legal_requirement=legal, code_requirement=vt.code_requirement,
                severity=severity.value, points=self.lib.matrix.points(severity, vt.key), points_overridden=False,
                repeat=repeat, law_reference_id=law_id,
            ))
        record = dict(id=assessment_id, date=day, rating=result.rating.value, type=kind, findings=findings)
        if findings:
            if is_main_latest:
                stage = plan.stage or self._stage_for_age(day)
                if plan.role == "exited":
                    stage = CapStatus.IN_REMEDIATION if rng.random() < 0.6 else CapStatus.CLOSED
                elif plan.role == "prospect":
                    stage = CapStatus.SENT  # the factory must fix these before a new pre-production assessment
                elif plan.role in ("approved", "conditionally approved"):
                    stage = CapStatus.APPROVED if (self.today - day).days < 80 else CapStatus.IN_REMEDIATION
            elif day > self.today - timedelta(days=130) and kind == "follow-up":
                stage = self._stage_for_age(day)
            elif is_before_latest and rng.random() < 0.25:
                stage = CapStatus.IN_REMEDIATION
            else:
                stage = CapStatus.CLOSED
            self._cap(supplier_id, assessment_id, day, stage, findings, finding_ids, staff)
        return record

    def _stage_for_age(self, day: date) -> CapStatus:
        age = (self.today - day).days
        if age < 10:
            return CapStatus.DRAFT
        if age < 30:
            return weighted(self.rng, ((CapStatus.SENT, 0.6), (CapStatus.RESPONSE_RECEIVED, 0.4)))
        if age < 60:
            return weighted(self.rng, ((CapStatus.UNDER_REVIEW, 0.5), (CapStatus.APPROVED, 0.5)))
        return CapStatus.IN_REMEDIATION

    # CAPs -------------------------------------------------------------------------------------------------------
    def _cap(self, supplier_id, assessment_id, day, stage: CapStatus, findings, finding_ids, staff) -> None:
        rng = self.rng
        cap_id = self.ids.take("caps")
        order = STAGE_ORDER[stage]
        issued = self.between(day + timedelta(days=3), day + timedelta(days=10)) if order >= 1 else None
        response = self.between(issued + timedelta(days=7), issued + timedelta(days=21)) if order >= 2 else None
        approved_on = self.between(response + timedelta(days=4), response + timedelta(days=14)) if order >= 4 else None
        meeting = (self.between(issued + timedelta(days=10), issued + timedelta(days=25))
                   if order >= 3 and rng.random() < 0.6 else None)
        start = issued or day
        closed_dates: list[date] = []
        item_rows = []
        for position, ((vt, severity), finding_id) in enumerate(zip(findings, finding_ids)):
            due = due_date(start, vt.days_allowed)
            item = dict(
                id=self.ids.take("cap_items"), cap_id=cap_id, finding_id=finding_id, position=position,
                suggested_remediation=vt.suggested_remediation, days_allowed=vt.days_allowed, due_date=due,
                root_cause="", preventive_action="", project_leader="", planned_date=None, status="open",
                evidence_notes="", verification_notes="", verification_date=None, closed_date=None, review_comment="",
            )
            status = self._item_status(stage, due)
            if status is not ItemStatus.OPEN or (stage is CapStatus.UNDER_REVIEW):
                self._answer(item, vt, staff, response or start, due)
            if stage is CapStatus.UNDER_REVIEW and (status is ItemStatus.OPEN or rng.random() < 0.12):
                item["review_comment"] = rng.choice(REVIEW_COMMENTS)
                if status is ItemStatus.OPEN and rng.random() < 0.5:
                    item["root_cause"] = ""
            item["status"] = status.value
            if STAGE_ORDER[stage] >= STAGE_ORDER[CapStatus.APPROVED] and status is not ItemStatus.ACTION_PLANNED:
                self._progress_item(item, vt, status, approved_on or start, due)
                if item["closed_date"] or item["verification_date"]:
                    closed_dates.append(item["closed_date"] or item["verification_date"])
            item_rows.append(item)
        self.rows.cap_items.extend(item_rows)
        closed = max(closed_dates) if stage is CapStatus.CLOSED and closed_dates else None
        progress_category = None
        if stage in (CapStatus.IN_REMEDIATION, CapStatus.CLOSED) and issued and (self.today - issued).days > 42:
            done = sum(1 for r in item_rows if r["status"] in (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value))
            share = done / len(item_rows)
            progress_category = 4 if share >= 0.6 else 3 if share >= 0.25 else rng.choice((1, 2))
        self.rows.caps.append(dict(
            id=cap_id, assessment_id=assessment_id, supplier_id=supplier_id, status=stage.value, issued_date=issued,
            response_due=due_date(issued, 14) if issued else None, meeting_date=meeting, closed_date=closed,
            progress_category=progress_category, review_notes="",
        ))
        if stage is not CapStatus.DRAFT:
            self.rows.history.append(dict(
                at=at_hour(closed or approved_on or response or issued or day, 11), entity="cap", entity_id=cap_id,
                supplier_id=supplier_id, field="status", old="draft", new=stage.value, source=SOURCE, user="",
                note="",
            ))
        if progress_category is not None and meeting is not None and stage is CapStatus.IN_REMEDIATION:
            self._visit(cap_id, meeting, progress_category, item_rows)

    def _item_status(self, stage: CapStatus, due: date) -> ItemStatus:
        rng = self.rng
        if stage in (CapStatus.DRAFT, CapStatus.SENT):
            return ItemStatus.OPEN
        if stage is CapStatus.RESPONSE_RECEIVED:
            return ItemStatus.ACTION_PLANNED if rng.random() < 0.85 else ItemStatus.OPEN
        if stage is CapStatus.UNDER_REVIEW:
            return ItemStatus.ACTION_PLANNED if rng.random() < 0.9 else ItemStatus.OPEN
        if stage is CapStatus.APPROVED:
            return ItemStatus.ACTION_PLANNED
        if stage is CapStatus.CLOSED:
            return ItemStatus.CLOSED if rng.random() < 0.75 else ItemStatus.VERIFIED
        if due < self.today:
            weights = ((ItemStatus.CLOSED, 0.2), (ItemStatus.VERIFIED, 0.25), (ItemStatus.EVIDENCE_SUBMITTED, 0.2),
                       (ItemStatus.ACTION_PLANNED, 0.35))
        else:
            weights = ((ItemStatus.CLOSED, 0.1), (ItemStatus.VERIFIED, 0.15), (ItemStatus.EVIDENCE_SUBMITTED, 0.25),
                       (ItemStatus.ACTION_PLANNED, 0.5))
        return weighted(rng, weights)

    def _answer(self, item: dict, vt: LibType, staff: dict[str, str], answered_on: date, due: date) -> None:
        """The factory's part of the CAP: root cause, preventive action, project leader and planned date."""
        rng = self.rng
        item["root_cause"] = rng.choice(vt.root_causes) if vt.root_causes else (
            "No procedure assigns responsibility for this requirement, and it is not checked in internal audits.")
        actions = list(vt.preventive_actions) or [
            "Write a procedure with a named owner, train the people concerned and check it monthly."]
        item["preventive_action"] = "; ".join(rng.sample(actions, min(len(actions), rng.choice((1, 2)))))
        role = LEADER_ROLE_BY_CATEGORY.get(vt.category, "compliance officer")
        item["project_leader"] = f"{staff[role]}, {role}"
        if rng.random() < 0.1:
            item["planned_date"] = due + timedelta(days=rng.randint(10, 30))
        else:
            item["planned_date"] = self.between(answered_on, due) if due > answered_on else due

    def _progress_item(self, item: dict, vt: LibType, status: ItemStatus, from_day: date, due: date) -> None:
        rng = self.rng
        evidence_day = self.between(from_day, due + timedelta(days=20))
        item["evidence_notes"] = f"Sent {evidence_day.isoformat()}: {EVIDENCE.get(vt.category, 'documents and photos')}."
        if status in (ItemStatus.VERIFIED, ItemStatus.CLOSED):
            verified = self.between(evidence_day + timedelta(days=2), evidence_day + timedelta(days=25))
            item["verification_date"] = verified
            item["verification_notes"] = rng.choice((
                "Desk review: the evidence is complete and consistent with the action plan.",
                f"Checked on site; {rng.randint(3, 12)} workers interviewed confirm the change.",
                "Verified at the follow-up visit: remediation done and the procedure is in use.",
            ))
            if status is ItemStatus.CLOSED:
                item["closed_date"] = self.between(verified, verified + timedelta(days=14))

    def _visit(self, cap_id: int, meeting: date, category: int, items: list[dict]) -> None:
        """The verification visit about six weeks after the CAP meeting, judging each item as it stands."""
        visit_day = min(meeting + timedelta(days=42), self.today)
        visit_id = self.ids.take("verification_visits")
        notes = {1: "No evidence and no sign of effort; escalate to the sourcing owner.",
                 2: "Little evidence sent, but real changes seen on the floor.",
                 3: "Evidence verified; part of the remediation was done wrongly and must be redone.",
                 4: "Evidence verified and good progress on most items."}[category]
        self.rows.visits.append(dict(
            id=visit_id, cap_id=cap_id, visit_date=visit_day, verifier=self.rng.choice(AUDIT_FIRMS),
            progress_category=category, escalated=category == 1, notes=notes,
        ))
        for item in items:
            outcome = {"verified": "done_correctly", "closed": "done_correctly",
                       "evidence submitted": "done_with_errors"}.get(item["status"], "not_done")
            self.rows.visit_results.append(dict(
                id=self.ids.take("verification_results"), visit_id=visit_id, cap_item_id=item["id"], outcome=outcome,
                notes="",
            ))

    # vetting ----------------------------------------------------------------------------------------------------
    def _vetting_screen(self, supplier_id: int, plan: SupplierPlan, first_day: date, status: str) -> None:
        from csrdesk.domain.vetting import NA, Answer, Decision, evaluate

        rng = self.rng
        template_id, template = rng.choice(self.templates)
        screen_day = first_day - timedelta(days=rng.randint(7, 30))
        quality = {"prospect": 0.55, "vetting": 0.8, "conditionally approved": 0.78}.get(plan.role, 0.92)
        # Only a screen still being filled in (a supplier in vetting) has questions left unanswered.
        complete = plan.role != "vetting" or rng.random() < 0.5
        answers: dict[str, Answer] = {}
        for q in template.questions():
            good = rng.random() < quality
            if q.type == "yesno":
                value = q.expected if good else ("no" if q.expected == "yes" else "yes")
                if not good and q.knockout_answer is not None and plan.role != "prospect":
                    value = q.expected  # only the rejected prospects tripped a knock-out
            elif q.type == "choice":
                fine = [o for o in q.options if not o.knockout and o.score >= 0.99] or list(q.options)
                weak = [o for o in q.options if not o.knockout and o.score < 0.99] or fine
                value = rng.choice(fine if good else weak).value
            elif q.type in ("number", "date"):
                low = q.good_min if q.good_min is not None else (q.knockout_below or 0)
                high = q.good_max if q.good_max is not None else (low + 100 if q.knockout_above is None else q.knockout_above)
                figure = rng.uniform(low, high) if high >= low else low
                if q.type == "date":
                    value = (screen_day + timedelta(days=int(figure))).isoformat()
                else:
                    value = round(figure) if q.unit != "%" else round(figure, 1)
            elif q.type == "file":
                value = f"{q.id}.pdf" if good or complete else None
            else:
                value = "See the attached description." if good or complete else None
            if value is None and q.allow_na and rng.random() < 0.3:
                value = NA
            evidence = f"{q.id}.pdf" if q.evidence and value not in (None, NA) else ""
            answers[q.id] = Answer(value, evidence, "")
        evaluation = evaluate(template, answers, screen_day)
        decided = status != SupplierStatus.VETTING.value or rng.random() < 0.3
        decision = None
        if decided:
            decision = {"approved": Decision.APPROVE, "conditionally approved": Decision.CONDITIONS,
                        "prospect": Decision.REJECT}.get(plan.role, evaluation.suggested)
            if decision is not Decision.REJECT and (evaluation.knockouts or evaluation.unanswered_required):
                decision = Decision.REJECT if plan.role == "prospect" else None
        screen_id = self.ids.take("vetting_screens")
        self.rows.screens.append(dict(
            id=screen_id, template_id=template_id, supplier_id=supplier_id, subject="",
            status="decided" if decision else "draft", score=evaluation.score,
            suggested_decision=evaluation.suggested.value, decision=decision.value if decision else None,
            reviewer=SOURCING_OWNERS[0][0] if decision else "", decision_date=screen_day + timedelta(days=5) if decision else None,
            notes="; ".join(evaluation.reasons[:2]),
        ))
        for qid, a in answers.items():
            self.rows.answers.append(dict(
                id=self.ids.take("vetting_answers"), screen_id=screen_id, question_id=qid, value=a.value,
                evidence=a.evidence, comment="",
            ))
        if decision is Decision.CONDITIONS:
            proposed = list(evaluation.conditions) or []
            texts = [(c.text, c.days) for c in proposed] or [("Send the signed code of conduct.", 30)]
            for wording, days in texts[:4]:
                due = screen_day + timedelta(days=5 + days)
                done = due < self.today and rng.random() < 0.7
                self.rows.conditions.append(dict(
                    id=self.ids.take("vetting_conditions"), screen_id=screen_id, text=wording, due_date=due,
                    status="closed" if done else "open", closed_date=due - timedelta(days=rng.randint(0, 10)) if done else None,
                ))


def generate_demo(
    db: Database,
    suppliers: int = 40,
    findings_per_assessment: int = 25,
    seed: int = 1,
    progress: Optional[Progress] = None,
    today: Optional[date] = None,
) -> DemoResult:
    """Adds realistic demo data to the workspace: suppliers with contacts and certifications, three years of
    assessments with findings from the library, CAPs in every state (some overdue), complaints and, when checklist
    templates exist, vetting screens.

    `findings_per_assessment` is the typical number of findings of a full audit of a factory with real problems;
    clean factories show far fewer and follow-up visits re-check only part of the earlier findings. Refused when this
    seed's demo suppliers are already in the workspace.
    """
    if not isinstance(suppliers, int) or not 1 <= suppliers <= MAX_SUPPLIERS:
        raise UserError(f"The number of demo suppliers must be from 1 to {MAX_SUPPLIERS}.")
    if not isinstance(findings_per_assessment, int) or not 0 <= findings_per_assessment <= MAX_FINDINGS:
        raise UserError(f"Findings per assessment must be from 0 to {MAX_FINDINGS}.")
    started = time.perf_counter()
    today = today or date.today()
    rng = random.Random(seed)
    plans = plan_suppliers(rng, suppliers, seed)
    steps = suppliers + 15
    with db.transaction() as s:
        codes = [p.code for p in plans]
        taken = []
        for chunk in range(0, len(codes), 500):
            taken.extend(s.scalars(select(Supplier.code).where(Supplier.code.in_(codes[chunk:chunk + 500]))))
        if taken:
            raise UserError(
                f"The demo data of seed {seed} is already in this database (supplier {sorted(taken)[0]} exists); "
                "choose another --seed to add more."
            )
        lib = load_library(s)
        gen = _Generator(rng, lib, next_ids(s), today, findings_per_assessment, screening_templates(s))
        every = max(1, suppliers // 100)
        for k, plan in enumerate(plans, 1):
            gen.supplier(plan)
            if k % every == 0 or k == suppliers:
                _step(progress, k, steps, f"Made {k} of {suppliers} demo suppliers")
        rows = gen.rows
        escalation_rows = demo_verification.extend(rows, gen.ids.take, seed, today)
        done = suppliers
        written = []
        for model, batch, label in (
            (Supplier, rows.suppliers, "suppliers"), (SupplierBrand, rows.shared_brands, "brands sharing factories"),
            (Contact, rows.contacts, "contacts"),
            (Certification, rows.certifications, "certifications"), (Assessment, rows.assessments, "assessments"),
            (Finding, rows.findings, "findings"), (Cap, rows.caps, "CAPs"), (CapItem, rows.cap_items, "CAP items"),
            (VerificationVisit, rows.visits, "verification visits"),
            (VerificationResult, rows.visit_results, "verification results"),
            (VettingScreen, rows.screens, "vetting screens"),
            (VettingAnswer, rows.answers, "vetting answers"), (VettingCondition, rows.conditions, "vetting conditions"),
            (ChangeRecord, rows.history, "history"),
        ):
            done += 1
            _step(progress, done, steps, f"Saving {len(batch)} {label}")
            if batch and model is not ChangeRecord:
                written.append((model, batch))
            for start in range(0, len(batch), 20000):
                # Core inserts of the table: one executemany per chunk (the ORM bulk path splits on None values).
                s.execute(insert(model.__table__), batch[start:start + 20000])
                if progress is not None:
                    progress.check()
        if escalation_rows:
            s.execute(insert(EscalationRecord.__table__), escalation_rows)
        if s.get_bind().dialect.name == "postgresql":
            # Rows went in with their ids set, so move each id sequence past them for the rows users add later.
            for model, batch in written:
                table = model.__tablename__
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
        # Complaints in a module of their own (identities sealed); after the rows above, whose ids they name.
        done += 1
        _step(progress, done, steps, "Making complaints")
        complaints = add_demo_complaints(
            s, [(sid, profile, country.code, country.dial) for sid, profile, country in gen.supplier_profiles],
            max(1, suppliers // 4), seed, today, lib.categories)
        # Fresh planner statistics: without them SQLite picks poor plans for the per-supplier queries on this much
        # new data (SQLite and PostgreSQL both accept ANALYZE inside a transaction).
        s.execute(text("ANALYZE"))
    overdue = sum(1 for r in rows.cap_items if is_overdue(r["due_date"], r["status"], today))
    return DemoResult(
        suppliers=len(rows.suppliers), assessments=len(rows.assessments), findings=len(rows.findings),
        caps=len(rows.caps), cap_items=len(rows.cap_items), overdue_items=overdue, complaints=complaints,
        vetting_screens=len(rows.screens), seconds=round(time.perf_counter() - started, 2),
    )


def _step(progress: Optional[Progress], done: int, total: int, message: str) -> None:
    if progress is not None:
        progress.step(done, total, message)
