"""Reports as Word documents (python-docx): a title, then per section its heading, chart, sentences and tables.

English, or bilingual ("zh-en": headings and fixed labels in English and Chinese, like the letters). The caller writes
the document to disk (atomically); nothing here touches the database or imports Qt.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Optional, Sequence

from csrdesk.domain.reporting import Section, Table

LANGUAGES = ("en", "zh-en")
WORDS_ZH = {
    "Period": "期间", "Made on": "生成日期", "Figures behind the chart": "图表数据", "Contents": "目录",
    "No data": "无数据",
}
CJK_FONT = "Microsoft YaHei"  # Word on Windows; LibreOffice substitutes a CJK font it has


@dataclass(frozen=True)
class ReportDocument:
    """A report to write as a Word document: title, lines under it, sections, footer and how long tables may be."""

    title: str
    title_zh: str
    lines: tuple[str, ...]  # under the title: period, who made it, when
    sections: tuple[Section, ...]
    empty_message: str = ""  # when set, the whole report is this sentence (an empty database)
    footer: str = ""
    max_table_rows: int = 25  # tables longer than this are cut, with a line saying how many rows follow in Excel
    table_keys: Optional[frozenset] = field(default=None)  # sections whose tables are printed (None: all)


def check_language(lang: str) -> str:
    lang = (lang or "en").strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}: use {' or '.join(LANGUAGES)}")
    return lang


def _label(en: str, zh: str, lang: str) -> str:
    return f"{en} / {zh}" if lang == "zh-en" and zh else en


def new_document():
    """A plain A4 document with Calibri and a Chinese font for Chinese text (when no template is given)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        doc.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    return doc


def build_docx(report: ReportDocument, lang: str = "en",
               chart_png: Optional[Callable] = None, progress: Optional[Callable[[int, int], None]] = None,
               base=None):
    """The python-docx Document. chart_png(chart) -> PNG bytes draws each section's chart (None: no charts).

    base: (document, marker paragraph) of a user's template: the sections go where the marker is (and the template
    carries the title); without it, a plain document with the title and lines first."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    lang = check_language(lang)
    if base is None:
        doc, marker = new_document(), None
        doc.add_heading(_label(report.title, report.title_zh, lang), level=0)
        for line in report.lines:
            p = doc.add_paragraph(line)
            p.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        _footer(doc, report.footer)
    else:
        doc, marker = base
    body = doc.element.body
    # python-docx adds before the body's closing section properties (its last child, when there is one)
    has_sect = len(body) > 0 and body[-1].tag.endswith("}sectPr")
    before = len(body) - (1 if has_sect else 0)
    if report.empty_message:
        doc.add_paragraph(report.empty_message)
    else:
        total = len(report.sections)
        for n, sec in enumerate(report.sections, start=1):
            if progress:
                progress(n - 1, total)
            doc.add_heading(_label(f"{n}. {sec.title}", sec.title_zh, lang), level=1)
            if sec.chart is not None and not sec.chart.empty and chart_png is not None:
                doc.add_picture(io.BytesIO(chart_png(sec.chart)), width=Cm(16.5))
            for sentence in sec.sentences:
                doc.add_paragraph(sentence)
            if report.table_keys is not None and sec.key not in report.table_keys:
                continue
            for table in sec.tables:
                _table(doc, table, report.max_table_rows, WD_TABLE_ALIGNMENT, Pt)
        if progress:
            progress(total, total)
    if marker is not None:  # move what was added to where the template's marker is, and drop the marker
        for el in list(body)[before:len(body) - (1 if has_sect else 0)]:
            marker._p.addprevious(el)
        marker._p.getparent().remove(marker._p)
    return doc


def _table(doc, table: Table, max_rows: int, align, Pt) -> None:
    if not table.rows:
        return
    p = doc.add_paragraph()
    run = p.add_run(table.title)
    run.bold = True
    run.font.size = Pt(9)
    rows = table.rows[:max_rows]
    t = doc.add_table(rows=1 + len(rows), cols=len(table.header))
    t.style = "Light Grid Accent 1"
    t.alignment = align.LEFT
    # row.cells once per row: table.cell(r, c) walks the whole grid on every call
    for r, (row, values) in enumerate(zip(t.rows, [table.header] + list(rows))):
        for cell, value in zip(row.cells, values):
            cell.text = str(value) if r == 0 else _cell_text(value)
    for row in t.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8)
    if len(table.rows) > max_rows:
        doc.add_paragraph(f"… and {len(table.rows) - max_rows:,} more rows (all of them in the Excel figures).")


def _cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _footer(doc, text: str) -> None:
    if text:
        doc.sections[0].footer.paragraphs[0].text = text


def document_text(sections: Sequence[Section]) -> list[str]:
    """The plain sentences of the sections, in order (for the window's preview and the tests)."""
    return [s for sec in sections for s in sec.sentences]
