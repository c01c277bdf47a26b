"""The benchmark's registry: the shared workspace facts, and @measure, with which each part registers what it times."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional, Union


@dataclass
class BenchContext:
    """What the measurements share: the workspace and facts later measurements need (set by earlier ones)."""

    folder: Path
    suppliers: int
    findings_per_assessment: int
    seed: int = 1
    today: date = field(default_factory=date.today)
    db: Any = None
    demo: Any = None  # the DemoResult of the demo generation
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """One timed operation of the benchmark: its function, its target in seconds and how often it runs."""

    name: str
    fn: Callable[[BenchContext], Union[None, str, "Timed"]]
    target: Optional[float]  # seconds; None: measured and reported, no target
    repeat: int


@dataclass
class Row:
    """One line of the benchmark's results: the operation, its time against its target, and every run."""

    operation: str
    seconds: Optional[float]
    target: Optional[float]
    ok: Optional[bool]  # None: no target
    detail: str = ""
    runs: list[float] = field(default_factory=list)
    cpu: Optional[float] = None  # median CPU seconds of this process: the work itself, whatever else the machine runs


class Timed(NamedTuple):
    """What a measurement returns when the time that counts is not the whole call: a part of a longer run (a window
    tour in another process) or a moment inside it. `seconds` replaces the call's wall clock in the row."""

    seconds: float
    detail: str = ""
    cpu: Optional[float] = None  # CPU seconds of that part, when known (the call's own CPU time would mislead)


MEASUREMENTS: list[Measurement] = []


def measure(name: str, target: Optional[float] = None, repeat: int = 5):
    """Registers a measurement; the function gets the BenchContext and may return a short detail for the table.

    repeat > 1 runs it that many times and reports the median: use it for quick, read-only operations.
    """
    def wrap(fn: Callable[[BenchContext], Optional[str]]):
        MEASUREMENTS.append(Measurement(name, fn, target, repeat))
        return fn

    return wrap


def largest_open_cap(ctx: BenchContext) -> tuple[int, int]:
    """The open CAP with the most items (id, item count), found once per run: the worst case of one-CAP work."""
    from sqlalchemy import func, select

    from csrdesk.storage.models import Cap, CapItem

    if "largest_open_cap" not in ctx.facts:
        with ctx.db.reading() as s:
            cap_id, count = s.execute(
                select(CapItem.cap_id, func.count()).join(Cap, Cap.id == CapItem.cap_id)
                .where(Cap.status != "closed").group_by(CapItem.cap_id)
                .order_by(func.count().desc(), CapItem.cap_id).limit(1)
            ).one()
        ctx.facts["largest_open_cap"] = (cap_id, count)
    return ctx.facts["largest_open_cap"]


def first_code(ctx: BenchContext) -> str:
    from csrdesk.services.suppliers import list_suppliers

    return list_suppliers(ctx.db, today=ctx.today)[0].code
