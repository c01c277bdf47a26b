"""The country risk map: for each sourcing country and finding category, how often the program's own assessments
found a problem there, weighted by how severe it was. It points next year's unannounced audits where findings are
most frequent and most serious."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from csrdesk.domain.scoring import Severity

# A category's worst finding in an assessment counts by its severity: a zero-tolerance finding counts whole, a
# minor one a quarter, so the weighted share is never above the plain share and equals it when every finding there
# was zero tolerance.
SEVERITY_WEIGHT: Mapping[Severity, float] = {
    Severity.MINOR: 0.25, Severity.MAJOR: 0.5, Severity.CRITICAL: 0.75, Severity.ZERO_TOLERANCE: 1.0,
}

# A country with fewer assessments than this says little yet: it is listed after the others, whatever its shares.
FEW_ASSESSMENTS = 5


@dataclass(frozen=True)
class RiskCell:
    """One country and finding category of the risk map: how often assessments there found a problem."""

    country: str
    category: str
    assessments: int    # the country's assessments counted
    with_finding: int   # of them, those with a finding in the category
    share: float        # with_finding / assessments
    weighted: float     # the share, each assessment counted by the weight of its worst finding in the category


@dataclass(frozen=True)
class RiskMap:
    """The country risk map: countries riskiest first, by finding category, with the user's notes per country."""

    countries: tuple[str, ...]      # highest risk first (countries with few assessments last)
    categories: tuple[str, ...]
    cells: tuple[RiskCell, ...]
    assessments: Mapping[str, int]  # per country
    scores: Mapping[str, float]     # per country: the sum of its weighted shares (the order of `countries`)
    notes: Mapping[str, str]        # the user's own notes per country

    def cell(self, country: str, category: str) -> Optional[RiskCell]:
        return next((c for c in self.cells if c.country == country and c.category == category), None)


def build_risk_map(assessments: Iterable[tuple[int, str]], findings: Iterable[tuple[int, str, str]],
                   categories: Sequence[str], notes: Optional[Mapping[str, str]] = None) -> RiskMap:
    """assessments: (assessment id, country); findings: (assessment id, category, severity). Categories keep the
    given order (any other category found is added after them); countries without a country are left out."""
    country_of: dict[int, str] = {aid: country for aid, country in assessments if country}
    counts: dict[str, int] = {}
    for country in country_of.values():
        counts[country] = counts.get(country, 0) + 1
    worst: dict[tuple[int, str], float] = {}
    order = list(categories)
    for aid, category, severity in findings:
        if aid not in country_of or not category:
            continue
        try:
            weight = SEVERITY_WEIGHT[Severity.parse(severity)]
        except ValueError:
            continue
        if category not in order:
            order.append(category)
        key = (aid, category)
        worst[key] = max(worst.get(key, 0.0), weight)
    hits: dict[tuple[str, str], list[float]] = {}
    for (aid, category), weight in worst.items():
        hits.setdefault((country_of[aid], category), []).append(weight)
    cells = []
    for country in counts:
        for category in order:
            found = hits.get((country, category), [])
            n = counts[country]
            cells.append(RiskCell(country, category, n, len(found), len(found) / n, sum(found) / n))
    scores = {country: sum(c.weighted for c in cells if c.country == country) for country in counts}
    ranked = tuple(sorted(counts, key=lambda c: (counts[c] < FEW_ASSESSMENTS, -scores[c], c.casefold())))
    cells.sort(key=lambda c: (ranked.index(c.country), order.index(c.category)))
    return RiskMap(ranked, tuple(order), tuple(cells), dict(counts), scores, dict(notes or {}))
