"""Reports and charts of the program, drawn from the database (matplotlib is imported only when one is made)."""
from __future__ import annotations

from pathlib import Path

from csrdesk.services.suppliers import list_suppliers
from csrdesk.storage.db import Database


def rating_chart_png(db: Database, out_path: Path) -> Path:
    """Suppliers by current rating, as a PNG file."""
    from csrdesk.reports.charts import rating_distribution, save_png

    counts: dict[str, int] = {}
    for row in list_suppliers(db):
        counts[row.rating] = counts.get(row.rating, 0) + 1
    return save_png(rating_distribution(counts), Path(out_path))
