"""The public summary of a year: the aggregate figures brands publish, with no supplier named unless the user says
the list of factories is to be published (with_names). No complainant, no internal note, ever.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import select

from csrdesk.domain import reporting as rp
from csrdesk.domain.lifecycle import ItemStatus, SupplierStatus
from csrdesk.errors import UserError
from csrdesk.services.program_report import RATING_ORDER, program_report
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, CapItem, Finding, FindingCategory, Supplier

_DONE = (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)


@dataclass(frozen=True)
class PublicSummary:
    """The year's public figures: factories, ratings, top issues, remediation and complaints, names if published."""

    year: int
    with_names: bool
    factories: int
    by_country: dict[str, int]
    assessments: int
    rating_share: dict[str, float]  # share of assessed factories by current rating at the year's end
    top_issues: dict[str, int]  # finding categories of the year's assessments, most frequent first
    items_due: int  # CAP items due in the year
    items_remediated: int  # of those, verified or closed
    complaints_received: int
    complaints_resolved: int
    factory_list: tuple[tuple[str, str, str], ...] = ()  # (name, country, address) when with_names

    @property
    def remediation_rate(self) -> Optional[float]:
        return self.items_remediated / self.items_due if self.items_due else None

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("year", "with_names", "factories", "by_country", "assessments",
                                             "rating_share", "top_issues", "items_due", "items_remediated",
                                             "complaints_received", "complaints_resolved")}
        out["remediation_rate"] = round(self.remediation_rate, 4) if self.remediation_rate is not None else None
        if self.with_names:
            out["factory_list"] = [{"name": n, "country": c, "address": a} for n, c, a in self.factory_list]
        return out


def public_summary(db: Database, year: int, *, with_names: bool = False, today: Optional[date] = None) -> PublicSummary:
    today = today or date.today()
    if not 1990 <= year <= today.year:
        raise UserError(f"{year} is not a year to report on: give a year from 1990 to {today.year}.")
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    report = program_report(db, start, end, today)
    if report.empty:
        raise UserError("The database holds no suppliers yet: there is nothing to publish.")
    sup = report.section("suppliers").figures
    by_country = dict(sorted(report.section("countries").figures["suppliers"].items(), key=lambda kv: (-kv[1], kv[0])))
    assessed = {r: sup["by_rating"].get(r, 0) for r in RATING_ORDER}
    total = sum(assessed.values())
    issues: dict[str, int] = {}
    with db.reading() as s:
        titles = dict(s.execute(select(FindingCategory.key, FindingCategory.title)).all())
        for (category,) in s.execute(select(Finding.category).join(Assessment, Assessment.id == Finding.assessment_id)
                                     .where(Assessment.date >= start, Assessment.date <= end)):
            key = titles.get(category, category or "(no category)")
            issues[key] = issues.get(key, 0) + 1
        due = s.execute(select(CapItem.status).where(CapItem.due_date >= start, CapItem.due_date <= end)).all()
        names = ()
        if with_names:
            names = tuple(s.execute(select(Supplier.name, Supplier.country, Supplier.address)
                                    .where(Supplier.status != SupplierStatus.EXITED.value)
                                    .order_by(Supplier.country, Supplier.name)).all())
    complaints = report.section("complaints").figures
    return PublicSummary(
        year=year, with_names=with_names, factories=report.suppliers, by_country=by_country,
        assessments=report.section("assessments").figures["count"],
        rating_share={r: round(rp.share(n, total), 4) for r, n in assessed.items()},
        top_issues=dict(rp.largest(issues, 5)), items_due=len(due),
        items_remediated=sum(1 for (st,) in due if st in _DONE),
        complaints_received=complaints["received"],
        complaints_resolved=complaints["received"] - complaints["open"],
        factory_list=tuple((n, c, a) for n, c, a in names))


def public_sections(p: PublicSummary) -> list[rp.Section]:
    rate = f"{p.remediation_rate:.0%}" if p.remediation_rate is not None else "no item was due"
    out = [
        rp.Section("scope", "Factories in scope", "", (f"{p.factories:,} factories in scope in {p.year}.",), None,
                   (rp.Table("Factories by country", ("Country", "Factories"), tuple(p.by_country.items())),)),
        rp.Section("assessments", "Assessments and ratings", "",
                   (f"{p.assessments:,} assessments in {p.year}.",), None,
                   (rp.Table("Share of assessed factories by rating", ("Rating", "Share"),
                             tuple(p.rating_share.items())),)),
        rp.Section("issues", "Top issues", "", ("The finding categories found most often in the year.",), None,
                   (rp.Table("Top issues", ("Category", "Findings"), tuple(p.top_issues.items())),)),
        rp.Section("remediation", "Remediation", "",
                   (f"Remediation rate: {rate} of the {p.items_due:,} corrective actions due in {p.year} were "
                    f"verified or closed.",), None,
                   (rp.Table("Corrective actions", ("Figure", "Value"),
                             (("Due in the year", p.items_due), ("Verified or closed", p.items_remediated),
                              ("Remediation rate", round(p.remediation_rate, 4)
                               if p.remediation_rate is not None else None))),)),
        rp.Section("complaints", "Worker complaints", "",
                   (f"{p.complaints_received:,} worker complaints received, {p.complaints_resolved:,} resolved.",),
                   None, (rp.Table("Worker complaints", ("Figure", "Complaints"),
                                   (("Received", p.complaints_received), ("Resolved", p.complaints_resolved))),)),
    ]
    if p.with_names:
        out.append(rp.Section("factories", "Factory list", "", ("Published with the user's agreement.",), None,
                              (rp.Table("Factories", ("Factory", "Country", "Address"), p.factory_list),)))
    return out


def write_public_summary(db: Database, year: int, path: Path, *, with_names: bool = False,
                         today: Optional[date] = None) -> PublicSummary:
    """The public summary as an Excel workbook (every text through safe_cells)."""
    from csrdesk.exchange.report_sheets import write_sections_xlsx

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"{path.name}: the public summary is an Excel file; give a name ending in .xlsx.")
    summary = public_summary(db, year, with_names=with_names, today=today)
    names = "Factory names are published." if with_names else "No factory is named."
    write_sections_xlsx(path, f"Social compliance program: public summary {year}",
                        (f"Figures for {year}. {names} No worker who complained is named.",), public_sections(summary))
    return summary
