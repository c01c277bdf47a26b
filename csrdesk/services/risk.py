"""The country risk map of the program's own findings, and the user's own notes on each country's risk."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy import select

from csrdesk.domain.countries import normalise_country
from csrdesk.domain.risk import RiskMap, build_risk_map
from csrdesk.errors import UserError
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, CountryRiskNote, Finding, FindingCategory, Supplier

MAX_NOTE = 4000


def risk_map(db: Database, since: Optional[date] = None) -> RiskMap:
    """Countries x finding categories over the assessments since a day (all when None); denied audits have no
    findings to count and are left out."""
    with db.reading() as s:
        q = (select(Assessment.id, Supplier.country).join(Supplier, Supplier.id == Assessment.supplier_id)
             .where(Assessment.denied.is_(False)))
        f = (select(Finding.assessment_id, Finding.category, Finding.severity)
             .join(Assessment, Assessment.id == Finding.assessment_id).where(Assessment.denied.is_(False)))
        if since is not None:
            q = q.where(Assessment.date >= since)
            f = f.where(Assessment.date >= since)
        categories = list(s.scalars(select(FindingCategory.key).order_by(FindingCategory.position,
                                                                         FindingCategory.id)))
        notes = {n.country: n.notes for n in s.scalars(select(CountryRiskNote)) if n.notes.strip()}
        return build_risk_map(((aid, normalise_country(c or "")) for aid, c in s.execute(q)), s.execute(f),
                              categories, notes)


def category_titles(db: Database) -> dict[str, str]:
    with db.reading() as s:
        return {c.key: c.title for c in s.scalars(select(FindingCategory))}


def country_notes(db: Database) -> dict[str, str]:
    with db.reading() as s:
        return {n.country: n.notes for n in s.scalars(select(CountryRiskNote))}


def save_country_note(db: Database, country: str, notes: str) -> str:
    """Keeps the user's note on a country's risk (empty text removes it); returns the country as stored."""
    name = normalise_country(country)
    if not name:
        raise UserError("Say which country the note is about.")
    text = (notes or "").strip()
    if len(text) > MAX_NOTE:
        raise UserError(f"A country note is limited to {MAX_NOTE} characters.")
    with db.transaction() as s:
        row = s.get(CountryRiskNote, name)
        if not text:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(CountryRiskNote(country=name, notes=text))
        else:
            row.notes = text
    return name


def risk_map_png(db: Database, path: Path | str, since: Optional[date] = None) -> Path:
    """The risk map as a PNG file."""
    from csrdesk.reports.charts import save_png
    from csrdesk.reports.risk_chart import risk_heat_map

    return save_png(risk_heat_map(risk_map(db, since), category_titles(db)), Path(path))
