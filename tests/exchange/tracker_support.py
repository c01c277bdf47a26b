"""Helpers for the tracker tests: a CAP to export, a factory editing the file, and a full database dump."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any, Optional

from openpyxl import load_workbook

from csrdesk.exchange.tracker import COLUMN_INDEX, DATA_SHEET, FIRST_ITEM_ROW, HEADER_ROW, ITEMS_SHEET

FINDINGS = [
    ("Working hours above 60 per week in peak season", "major", "Labour Law art. 41: at most 36 overtime hours a month",
     "Limit weekly hours to 60 and plan production against capacity."),
    ("Fire exit on second floor blocked by cartons", "critical", "Fire Law art. 28", "Clear the exit and keep it clear."),
    ('=HYPERLINK("http://x","y")', "minor", "", ""),
    ("+cmd", "minor", "-2+3", "@SUM(A1)"),
]
SOFFICE = shutil.which("soffice")


def make_cap(db, supplier_code: str = "CN-0001", findings=FINDINGS, sent: bool = True,
             on: date = date(2026, 1, 10)) -> int:
    """Records an assessment with these findings and sends its CAP; returns the CAP id."""
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.caps import change_cap_status

    detail = record_assessment(db, AssessmentInput(supplier_code=supplier_code, date=on, findings=[
        FindingInput(title, severity, legal_requirement=law, suggested_remediation=remedy)
        for title, severity, law, remedy in findings
    ]))
    if sent:
        change_cap_status(db, detail.cap_id, "sent", today=on)
    return detail.cap_id


def item_ids(db, cap_id: int) -> list[int]:
    from csrdesk.services.caps import cap_detail

    return [i.row.id for i in cap_detail(db, cap_id).items]


def dump(db) -> str:
    """Every row of every table, to show that a refused import changed nothing at all."""
    from sqlalchemy import select

    from csrdesk.storage.models import Base

    lines = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            lines += [f"{table.name}: {tuple(row)!r}" for row in conn.execute(select(table).order_by(*order))]
    return "\n".join(lines)


class FactoryEdit:
    """Opens a tracker in openpyxl the way a factory's Excel would change it, and saves it under a new name."""

    def __init__(self, path: Path) -> None:
        self.wb = load_workbook(path)
        self.ws = self.wb[ITEMS_SHEET]

    def row_of(self, item_id: int) -> int:
        for r in range(HEADER_ROW + 1, self.ws.max_row + 1):
            if self.ws.cell(r, COLUMN_INDEX["item_id"]).value == item_id:
                return r
        raise KeyError(item_id)

    def set(self, item_id: int, field: str, value: Any) -> None:
        self.ws.cell(self.row_of(item_id), COLUMN_INDEX[field]).value = value

    def get(self, item_id: int, field: str) -> Any:
        return self.ws.cell(self.row_of(item_id), COLUMN_INDEX[field]).value

    def item_rows(self) -> list[list[Any]]:
        rows = []
        for r in range(FIRST_ITEM_ROW, self.ws.max_row + 1):
            values = [self.ws.cell(r, c).value for c in range(1, len(COLUMN_INDEX) + 1)]
            if values[0] is not None:
                rows.append(values)
        return rows

    def reorder(self, order: list[int]) -> None:
        """Sorts the item rows in the given item order (values move, as when Excel sorts)."""
        by_id = {row[0]: row for row in self.item_rows()}
        for offset, item_id in enumerate(order):
            for c, value in enumerate(by_id[item_id], start=1):
                self.ws.cell(FIRST_ITEM_ROW + offset, c).value = value

    def save(self, path: Path) -> Path:
        self.wb.save(path)
        return path


def soffice_convert(source: Path, target_format: str, outdir: Path, profile: Path) -> subprocess.CompletedProcess:
    """Runs LibreOffice headless with a private profile (so it never touches the user's)."""
    env = dict(os.environ, HOME=str(profile))
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to",
         target_format, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180, env=env,
    )


def data_sheet_rows(path: Path) -> list[tuple]:
    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[DATA_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()


def find_row(rows, key) -> Optional[tuple]:
    return next((r for r in rows if r and r[0] == key), None)
