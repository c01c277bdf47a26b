"""Reports and charts of the program, drawn from the database (matplotlib is imported only when one is made).

Each report is one function: program report (Word, or Excel figures), supplier scorecard (Word), public summary
(Excel). They read in one transaction, then write the file whole or not at all; progress and cancel come through a
Progress so the window runs them on the worker.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from csrdesk.errors import UserError
from csrdesk.progress import NO_PROGRESS, Progress
from csrdesk.services.suppliers import list_suppliers
from csrdesk.storage.db import Database

EMPTY_DATABASE = ("The database holds no suppliers yet, so there is nothing to report. Add suppliers and "
                  "assessments (or the demo data), then make the report again.")
REPORT_SUFFIXES = (".docx", ".xlsx")


@dataclass(frozen=True)
class ReportWritten:
    """A report file written: where, which kind, how many sections and charts, and its figures."""

    path: Path
    kind: str  # program, supplier, public
    sections: int
    charts: int  # charts drawn into the file (0 for Excel and for an empty database)
    empty: bool
    figures: dict


def rating_chart_png(db: Database, out_path: Path) -> Path:
    """Suppliers by current rating, as a PNG file."""
    from csrdesk.reports.charts import rating_distribution, save_png

    counts: dict[str, int] = {}
    for row in list_suppliers(db):
        counts[row.rating] = counts.get(row.rating, 0) + 1
    return save_png(rating_distribution(counts), Path(out_path))


def _check_path(path: Path, allowed: tuple[str, ...]) -> Path:
    path = Path(path).expanduser()
    if path.suffix.lower() not in allowed:
        raise UserError(f"{path.name}: give a file name ending in {' or '.join(allowed)}.")
    return path


def _made_line(today: date) -> str:
    return f"Made by csrdesk on {today.isoformat()} at {datetime.now():%H:%M}."


def _write_docx(doc_spec, path: Path, lang: str, progress: Progress, kind: str, template: Optional[str],
                context: dict) -> int:
    from csrdesk.exchange.files import write_atomically
    from csrdesk.exchange.report_template import open_report_template
    from csrdesk.reports.report_doc import build_docx, check_language
    from csrdesk.reports.section_chart import chart_png
    from csrdesk.services.report_templates import template_for

    try:
        lang = check_language(lang)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    data, name = template_for(kind, lang, template)
    base = open_report_template(data, {"lang": lang, "title": doc_spec.title, "title_zh": doc_spec.title_zh,
                                       "footer": doc_spec.footer, **context}, name)
    drawn = []

    def draw(chart) -> bytes:
        progress.check()
        drawn.append(chart.title)
        return chart_png(chart)

    doc = build_docx(doc_spec, lang, draw, lambda done, total: progress.step(done, total, "Drawing the charts…"),
                     base=base)
    progress.check()
    write_atomically(path, doc.save)
    return len(drawn)


def _brand(db: Database) -> dict:
    """The company and the user's name from Settings, for templates that show them."""
    from csrdesk.services.settings import load_preferences

    prefs = load_preferences(db)
    return {"company": prefs.company, "prepared_by": prefs.user_name}


def write_program_report(db: Database, path: Path, date_from: Optional[date] = None,
                         date_to: Optional[date] = None, *, lang: str = "en", today: Optional[date] = None,
                         template: Optional[str] = None, progress: Progress = NO_PROGRESS) -> ReportWritten:
    """The program report for a period: Word (.docx, charts and sentences) or Excel (.xlsx, the figures)."""
    from csrdesk.reports.report_doc import ReportDocument
    from csrdesk.services.program_report import program_report

    path = _check_path(path, REPORT_SUFFIXES)
    today = today or date.today()
    progress.step(0, 1, "Reading the figures…")
    report = program_report(db, date_from, date_to, today)
    lines = (f"Period: {report.date_from.isoformat()} to {report.date_to.isoformat()}. Standing as of "
             f"{report.as_of.isoformat()}. {report.suppliers:,} suppliers in the program.", _made_line(today),
             "Worker complaints are counted only: no complainant is named.")
    title = f"CSR program report {report.date_from.isoformat()} to {report.date_to.isoformat()}"
    empty = EMPTY_DATABASE if report.empty else ""
    if path.suffix.lower() == ".xlsx":
        from csrdesk.exchange.report_sheets import write_sections_xlsx

        write_sections_xlsx(path, title, lines, report.sections, empty)
        charts = 0
    else:
        spec = ReportDocument(title, "社会责任项目报告", lines, report.sections, empty, footer=title,
                              max_table_rows=12)
        charts = _write_docx(spec, path, lang, progress, "program_report", template,
                             {"period": lines[0], "made_on": lines[1] + " " + lines[2], **_brand(db)})
    return ReportWritten(path, "program", len(report.sections), charts, report.empty, report.to_dict())


def write_scorecard(db: Database, code: str, path: Path, *, lang: str = "en", today: Optional[date] = None,
                    template: Optional[str] = None, progress: Progress = NO_PROGRESS) -> ReportWritten:
    """One supplier's scorecard as a Word document (one or two pages)."""
    from csrdesk.reports.report_doc import ReportDocument
    from csrdesk.services.scorecard import supplier_scorecard

    path = _check_path(path, (".docx",))
    today = today or date.today()
    card = supplier_scorecard(db, code, today)
    name = card.name + (f" ({card.local_name})" if card.local_name else "")
    spec = ReportDocument(f"Supplier scorecard: {card.code}", "供应商评分卡",
                          (f"{name}, {card.country or 'country not recorded'}. Status: {card.status}.",
                           _made_line(today)), card.sections, footer=f"Scorecard {card.code}", max_table_rows=12)
    charts = _write_docx(spec, path, lang, progress, "supplier_scorecard", template,
                         {"period": spec.lines[0], "made_on": spec.lines[1], **_brand(db)})
    return ReportWritten(path, "supplier", len(card.sections), charts, False, card.to_dict())
