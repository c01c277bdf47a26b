"""The complaints report's title says which complaints it counts in plain words: "received up to <today>" for all of
them, "received <from> to <to>" for a period (it read "received the first complaint to 2026-12-03")."""
from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from csrdesk.services.complaint_reports import write_report

TODAY = date(2026, 12, 3)


def test_report_titles_say_which_complaints_they_count(db, tmp_path):
    everything = load_workbook(write_report(db, tmp_path / "all.xlsx", today=TODAY)).active["A1"].value
    assert everything == "Worker complaints received up to 2026-12-03"
    period = load_workbook(write_report(db, tmp_path / "h1.xlsx", date(2026, 1, 1), date(2026, 6, 30),
                                        today=TODAY)).active["A1"].value
    assert period == "Worker complaints received 2026-01-01 to 2026-06-30"
