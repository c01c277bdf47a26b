"""Country law references: legal topics, the rule that fills a finding's legal requirement, and staleness.

An entry is one requirement of one country (and region, where the law differs by province or district) on one
legal topic, with its figure, the date it took effect, its legal source and the date someone last checked it.
A region is written as a path from the largest area to the smallest, "West Java - Bekasi Regency"; an entry with
no region holds for the whole country.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional, Sequence

from csrdesk.domain.countries import normalise_country
from csrdesk.domain.text import clean_text

# The legal topics of the law library, in the order people look them up. Other topics may be used; these are the
# ones the finding library's types point to.
TOPICS: tuple[str, ...] = (
    "minimum wage", "regular hours", "overtime limit", "overtime premium", "rest days", "minimum age",
    "young workers", "maternity", "annual leave", "social insurance", "fire safety", "wage payment",
)
STALE_AFTER_MONTHS = 12
REGION_SEPARATOR = " - "
VERIFY_NOTE = ("The built-in law references were compiled from public sources and are a starting point only: "
               "verify each one against the official text before relying on it.")


@dataclass(frozen=True)
class LawEntry:
    """One law reference as the services hand it out (plain data, no database row)."""

    id: Optional[int]
    country: str
    region: str
    topic: str
    requirement: str
    value: Optional[float] = None
    unit: str = ""
    currency: str = ""
    effective: Optional[date] = None
    source: str = ""
    link: str = ""
    checked: Optional[date] = None
    notes: str = ""
    builtin_key: Optional[str] = None
    user_edited: bool = False
    version: int = field(default=1, compare=False)  # the record's version as read (a save hands it back)

    @property
    def builtin(self) -> bool:
        return self.builtin_key is not None

    def figure(self) -> str:
        """The figure in words: '2,740 CNY/month', '150 %', '' when the entry has none."""
        if self.value is None:
            return ""
        v = float(self.value)
        number = f"{int(v):,}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        unit = self.unit.strip()
        if not unit:
            return number
        if v == 1:  # "1 day/week", not "1 days/week"
            unit = re.sub(r"^(day|hour|week|month|year|worker|time)s\b", r"\1", unit)
        return f"{number}%" if unit == "%" else f"{number} {unit}"


@dataclass
class LawInput:
    """A law reference as the user types it (the Laws tab, a row of an imported workbook), before it is checked."""

    country: str
    topic: str
    requirement: str
    region: str = ""
    value: Optional[float] = None
    unit: str = ""
    currency: str = ""
    effective: Optional[date] = None
    source: str = ""
    link: str = ""
    checked: Optional[date] = None
    notes: str = ""


@dataclass(frozen=True)
class Fill:
    """What the fill rule found for a finding: the entry and the text that goes into its legal requirement."""

    entry: LawEntry
    text: str


def normalise_topic(text: str) -> str:
    return " ".join(clean_text(text or "").lower().split())


def normalise_region(text: str) -> str:
    """A region as stored: parts separated by ' - ', spacing tidied ('West Java -Bekasi' -> 'West Java - Bekasi')."""
    parts = [" ".join(p.split()) for p in re.split(r"\s+-\s+|\s+-|-\s+|\s*/\s*|\s*>\s*", clean_text(text or ""))]
    return REGION_SEPARATOR.join(p for p in parts if p)


def region_chain(region: str) -> list[str]:
    """The regions an entry may come from, most specific first, ending with the whole country ('')."""
    parts = [p for p in normalise_region(region).split(REGION_SEPARATOR) if p]
    chain = [REGION_SEPARATOR.join(parts[:n]) for n in range(len(parts), 0, -1)]
    return chain + [""]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def pick_entry(entries: Iterable[LawEntry], country: str, region: str, topic: str,
               on: Optional[date] = None) -> Optional[LawEntry]:
    """The entry that states the law for this country, region and topic on a day (today when None).

    The most specific region that has an entry in force wins (the supplier's district, then its province, then
    the whole country); within it the entry with the newest effective date on or before the day. An entry without
    an effective date counts as in force since ever (older than any dated one). None when nothing applies: the
    legal requirement is then left for the user to write.
    """
    on = on or date.today()
    country = normalise_country(country)
    topic_key = _key(normalise_topic(topic))
    if not country or not topic_key:
        return None
    candidates = [e for e in entries if normalise_country(e.country) == country and _key(e.topic) == topic_key
                  and (e.effective is None or e.effective <= on)]
    if not candidates:
        return None
    for level in region_chain(region):
        level_key = _key(level)
        here = [e for e in candidates if _key(normalise_region(e.region)) == level_key]
        if here:
            return max(here, key=lambda e: (e.effective or date.min, e.id or 0))
    return None


def requirement_text(entry: LawEntry) -> str:
    """The legal requirement a finding carries: the requirement, its figure and date, and the legal source."""
    text = entry.requirement.strip()
    figure = entry.figure()
    if figure:
        since = f", in force from {entry.effective.day} {entry.effective:%B %Y}" if entry.effective else ""
        text = f"{text} [{figure}{since}]"
    if entry.source.strip():
        text = f"{text} Source: {entry.source.strip()}"
    return text


def fill_requirement(entries: Iterable[LawEntry], country: str, region: str, topic: Optional[str],
                     on: Optional[date] = None) -> Optional[Fill]:
    """The legal requirement for a finding of a type with this legal topic at a supplier in this country and
    region, or None when the type has no topic or the library has no entry (the field stays the user's)."""
    if not topic:
        return None
    entry = pick_entry(entries, country, region, topic, on)
    if entry is None:
        return None
    return Fill(entry, requirement_text(entry))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def review_due(entry: LawEntry) -> Optional[date]:
    """The day an entry needs checking again (12 months after it was checked), None when never checked."""
    return add_months(entry.checked, STALE_AFTER_MONTHS) if entry.checked else None


def is_stale(entry: LawEntry, today: Optional[date] = None) -> bool:
    """True when nobody checked the entry in the last 12 months (or ever)."""
    due = review_due(entry)
    return due is None or due <= (today or date.today())


# ---------------------------------------------------------------------------------------------------------------
# figures that changed


@dataclass(frozen=True)
class CitingFinding:
    """An open finding whose legal requirement was filled from a law entry."""

    finding_id: int
    law_id: int
    country: str
    region: str
    topic: str
    on: date  # the assessment's date


@dataclass(frozen=True)
class Superseded:
    """An open finding that cites an entry the change makes out of date, and the entry that now applies."""

    finding_id: int
    old: LawEntry
    new: Optional[LawEntry]
    reason: str


SUBSTANCE = ("requirement", "value", "unit", "currency", "effective")


def substance_changed(old: LawEntry, new: LawEntry) -> bool:
    """Whether an edit changes what the law says (not just notes, link or the checked date)."""
    return any(getattr(old, name) != getattr(new, name) for name in SUBSTANCE)


def superseded_citations(citing: Iterable[CitingFinding], before: Sequence[LawEntry], after: Sequence[LawEntry],
                         today: Optional[date] = None) -> list[Superseded]:
    """The open findings that cite an old figure once `after` replaces `before`: the entry they cite was changed
    or removed, or another entry (a newer minimum wage, a regional one) now states the law for them."""
    today = today or date.today()
    old_by_id = {e.id: e for e in before if e.id is not None}
    new_by_id = {e.id: e for e in after if e.id is not None}
    out: list[Superseded] = []
    for c in citing:
        old = old_by_id.get(c.law_id)
        if old is None:
            continue
        now = pick_entry(after, c.country, c.region, c.topic, today)
        same = new_by_id.get(c.law_id)
        if same is None:
            out.append(Superseded(c.finding_id, old, now, "the entry it cites was removed"))
        elif substance_changed(old, same):
            out.append(Superseded(c.finding_id, old, same, _change_words(old, same)))
        elif now is not None and now.id != c.law_id and pick_entry(before, c.country, c.region, c.topic, today) == old:
            out.append(Superseded(c.finding_id, old, now, "a newer entry now applies"
                                  + (f" ({now.figure()} from {now.effective:%Y-%m-%d})" if now.effective and now.figure()
                                     else "")))
    return out


def _change_words(old: LawEntry, new: LawEntry) -> str:
    if (old.value, old.unit) != (new.value, new.unit) and (old.figure() or new.figure()):
        return f"the figure changed from {old.figure() or 'none'} to {new.figure() or 'none'}"
    if old.effective != new.effective:
        return "its effective date changed"
    return "the requirement's wording changed"


# ---------------------------------------------------------------------------------------------------------------
# built-in entries


def entry_hash(entry: LawEntry) -> str:
    """A fingerprint of what a built-in entry says, to tell an upgrade of the starter data from the user's edits."""
    payload = [entry.country, entry.region, entry.topic, entry.requirement, entry.value, entry.unit, entry.currency,
               entry.effective.isoformat() if entry.effective else None, entry.source, entry.link,
               entry.checked.isoformat() if entry.checked else None, entry.notes]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def entry_from_json(raw: dict) -> LawEntry:
    """A built-in entry from the starter file (resources/laws/starter.json)."""
    def day(text: Optional[str]) -> Optional[date]:
        return date.fromisoformat(text) if text else None

    value = raw.get("value")
    return LawEntry(
        id=None, country=normalise_country(raw["country"]), region=normalise_region(raw.get("region") or ""),
        topic=normalise_topic(raw["topic"]), requirement=raw["requirement"].strip(),
        value=float(value) if value is not None else None, unit=raw.get("unit") or "",
        currency=raw.get("currency") or "", effective=day(raw.get("effective")), source=raw.get("source") or "",
        link=raw.get("link") or "", checked=day(raw.get("checked")), notes=raw.get("notes") or "",
        builtin_key=raw["key"],
    )


# ---------------------------------------------------------------------------------------------------------------
# a supplier's region, guessed from its address


@dataclass(frozen=True)
class RegionHint:
    """Words in a supplier's address that place it in a region whose law differs (unless other words say not)."""

    country: str
    region: str
    words: tuple[str, ...]
    unless: tuple[str, ...] = field(default=())


# Only regions the starter data has an entry for, and only where a word in the address settles it. Vietnam's
# minimum-wage regions follow district lists, so they are left for the user to set.
REGION_HINTS: tuple[RegionHint, ...] = (
    RegionHint("China", "Shanghai", ("shanghai", "上海")),
    RegionHint("Indonesia", "DKI Jakarta", ("jakarta",)),
    RegionHint("Indonesia", "West Java - Karawang Regency", ("karawang",)),
    RegionHint("Indonesia", "West Java - Purwakarta Regency", ("purwakarta",)),
    RegionHint("Indonesia", "West Java - Subang Regency", ("subang",)),
    RegionHint("Indonesia", "West Java - Bekasi Regency", ("kabupaten bekasi", "kab. bekasi", "bekasi regency")),
    RegionHint("Indonesia", "West Java - Bogor Regency", ("kabupaten bogor", "kab. bogor", "bogor regency")),
    RegionHint("Pakistan", "Sindh", ("sindh", "karachi")),
    RegionHint("Pakistan", "Punjab", ("punjab", "lahore", "faisalabad", "sialkot")),
    RegionHint("India", "Delhi", ("delhi",),
               unless=("noida", "gurugram", "gurgaon", "faridabad", "ghaziabad", "haryana", "uttar pradesh")),
    RegionHint("Mexico", "Northern Border Free Zone",
               ("tijuana", "mexicali", "ciudad juárez", "ciudad juarez", "nuevo laredo", "reynosa", "matamoros")),
)


def guess_region(country: str, address: str) -> str:
    """The region a supplier's address names, when exactly one known region fits; '' otherwise."""
    country = normalise_country(country)
    text = " ".join((address or "").casefold().split())
    if not country or not text:
        return ""
    found = {h.region for h in REGION_HINTS
             if h.country == country and any(_word_in(w, text) for w in h.words)
             and not any(_word_in(u, text) for u in h.unless)}
    return found.pop() if len(found) == 1 else ""


def _word_in(word: str, text: str) -> bool:
    if not word.isascii():
        return word in text
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None
