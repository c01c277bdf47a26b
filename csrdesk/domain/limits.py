"""Bounds every path applies alike (window, command line, tracker, questionnaire): which dates can be meant."""
from __future__ import annotations

from datetime import date
from typing import Optional

EARLIEST_YEAR = 2000  # no CAP, audit or plan of this program's records is older
LATEST_YEAR = 2100


def implausible_date(value: Optional[date], what: str) -> Optional[str]:
    """Why a date typed or imported cannot be right (a year before 2000 or after 2100), or None."""
    if value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return f"The {what} {value.isoformat()} cannot be right (use a date from {EARLIEST_YEAR} to {LATEST_YEAR})."
