"""What a report is made of, as plain data: sections with a chart's figures, the table behind it and plain sentences.

The figures are computed by services; the charts are drawn by reports; Word, Excel and the command line all read
the same Section objects, so the numbers in a report are the numbers the command line prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Optional, Sequence

OTHERS = "Others"
TOP_N = 8  # bars a printed chart shows before the rest go into "Others"

# Chart kinds the reports layer draws.
BARH = "barh"          # one bar per label, horizontal (categories with long names)
BAR = "bar"            # one bar per label, vertical (few short labels)
STACKED = "stacked"    # vertical bars, one stacked series per name (ratings by quarter, by country)
RATINGS = "ratings"    # one bar per rating in the rating's colour
SCORES = "scores"      # one supplier's assessment scores over time (labels: ISO dates), points in rating colours


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: labels along one axis and one or more named series of values."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per label)
    unit: str = ""  # what the values count ("suppliers", "days")
    # What a click on a bar opens in the window, per label: e.g. ("supplier_status", "active").
    targets: tuple[Optional[tuple[str, str]], ...] = ()
    ratings: tuple[str, ...] = ()  # SCORES: the rating of each point

    @property
    def empty(self) -> bool:
        return not self.labels or not any(v for _name, values in self.series for v in values)


@dataclass(frozen=True)
class Table:
    """The figures behind a chart (or any list in a report): a header and rows of plain values."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Section:
    """One section of a report: its title, sentences, chart and tables, and the figures behind them."""

    key: str
    title: str
    title_zh: str
    sentences: tuple[str, ...]
    chart: Optional[ChartData]  # None, or an empty chart: nothing to draw, the sentences say so
    tables: tuple[Table, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)  # the --json contract of this section


def top_n(counts: Mapping[str, float], n: int = TOP_N, others: str = OTHERS) -> list[tuple[str, float]]:
    """The n largest counts, largest first, and the rest summed into one "Others" entry (if there is a rest)."""
    ordered = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], str(kv[0])))
    if len(ordered) <= n + 1:
        return ordered
    head, rest = ordered[:n], ordered[n:]
    return head + [(others, sum(v for _k, v in rest))]


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quarter_ends(date_from: date, date_to: date) -> list[tuple[str, date]]:
    """Each quarter that the period touches, with the last day counted in it (the quarter's end, or date_to)."""
    out = []
    year, q = date_from.year, (date_from.month - 1) // 3
    while True:
        nxt = date(year + 1, 1, 1) if q == 3 else date(year, q * 3 + 4, 1)
        end = date.fromordinal(nxt.toordinal() - 1)
        out.append((f"{year} Q{q + 1}", min(end, date_to)))
        if end >= date_to:
            return out
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)


OVERDUE_AGES = ((30, "1-30 days"), (90, "31-90 days"), (180, "91-180 days"), (None, "over 180 days"))


def overdue_age(days: int) -> str:
    for limit, label in OVERDUE_AGES:
        if limit is None or days <= limit:
            return label
    return OVERDUE_AGES[-1][1]


def share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def percent(part: float, whole: float) -> str:
    return f"{share(part, whole):.0%}"


def plural(n: float, one: str, many: Optional[str] = None) -> str:
    n_text = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"
    return f"{n_text} {one if n == 1 else (many or one + 's')}"


def numbered(one: str, ids: Iterable[object], many: Optional[str] = None) -> str:
    """'Item 4' or 'Items 4, 5 and 7': the word agrees with how many numbers (or names) follow."""
    names = [str(i) for i in ids]
    return f"{one if len(names) == 1 else (many or one + 's')} {listing(names)}"


def verb(n: int, one: str, many: str) -> str:
    """'is' or 'are' (one, many) as n asks."""
    return one if n == 1 else many


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def largest(counts: Mapping[str, float], n: int = 3) -> list[tuple[str, float]]:
    return sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def counts_chart(kind: str, title: str, counts: Sequence[tuple[str, float]], unit: str, series: str = "",
                 targets: Sequence[Optional[tuple[str, str]]] = ()) -> ChartData:
    return ChartData(kind, title, tuple(str(k) for k, _v in counts), ((series or unit, tuple(v for _k, v in counts)),),
                     unit, tuple(targets))
