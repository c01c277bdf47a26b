"""Word templates of reports, which the user can copy and edit like the letters' templates.

A report template is an ordinary Word document: its styles, page set-up, header, footer, cover text and logo are the
user's to change. Text in it may use {{ title }}, {{ title_zh }}, {{ period }}, {{ made_on }}, {{ footer }} and the
other names of CONTEXT_NAMES, rendered in the letters' sandbox (no code runs, every render bounded). One paragraph
holding only {{ report_body }} marks where the report's sections (headings, charts, sentences, tables) go.
"""
from __future__ import annotations

import io
from typing import Any, Mapping

from jinja2.exceptions import SecurityError, TemplateError

from csrdesk.errors import UserError
from csrdesk.exchange.letters import TEXT_ENV, RenderLimit

REPORT_KINDS = ("program_report", "supplier_scorecard")
LANGUAGES = ("en", "zh-en")
BODY_MARKER = "{{ report_body }}"
CONTEXT_NAMES = ("title", "title_zh", "period", "made_on", "footer", "company", "prepared_by", "lang")


class ReportTemplateRefused(UserError):
    """A report template that cannot be used; the message says why and what to do."""


def template_name(kind: str, lang: str) -> str:
    return f"{kind}_{lang}.docx"


def kind_of(name: str) -> str | None:
    lower = name.lower()
    return next((k for k in REPORT_KINDS if lower.startswith(k)), None)


def default_template(kind: str, lang: str) -> bytes:
    """The built-in template: a title, the period, who made it, the body marker, a footer."""
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
        doc.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Microsoft YaHei")
    doc.add_heading("{{ title }}" + (" / {{ title_zh }}" if lang == "zh-en" else ""), level=0)
    doc.add_paragraph("{{ period }}")
    doc.add_paragraph("{{ made_on }}")
    doc.add_paragraph(BODY_MARKER)
    section.footer.paragraphs[0].text = "{{ footer }}"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _paragraphs(doc):
    """Every paragraph of the body, its tables, and the headers and footers of every section."""
    def walk(container):
        for p in container.paragraphs:
            yield p
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            yield from walk(part)


def _render(text: str, context: Mapping[str, Any], name: str) -> str:
    try:
        return TEXT_ENV.from_string(text).render(dict(context))
    except RenderLimit as exc:
        raise ReportTemplateRefused(f"Template {name!r} was stopped: {exc}.") from None
    except SecurityError as exc:
        raise ReportTemplateRefused(f"Template {name!r}: the sandbox refused it ({exc}).") from None
    except TemplateError as exc:
        raise ReportTemplateRefused(f"Template {name!r}: the text {text[:60]!r} is wrong ({exc}).") from None


def open_report_template(data: bytes, context: Mapping[str, Any], name: str):
    """The template as a python-docx Document with its placeholders filled, and the body marker paragraph where the
    sections go. A template without the marker, or one that is no Word file, is refused with what to do."""
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a file that is not a Word document
        raise ReportTemplateRefused(f"The template {name!r} is not a Word document (.docx) that can be read.") from None
    marker = None
    for p in _paragraphs(doc):
        text = p.text
        if text.strip() == BODY_MARKER.replace(" ", "") or text.strip() == BODY_MARKER:
            if marker is None and p._parent is doc._body:
                marker = p
            continue
        if "{{" in text or "{%" in text:
            rendered = _render(text, context, name)
            runs = p.runs
            if runs:
                runs[0].text = rendered
                for run in runs[1:]:
                    run.text = ""
            else:
                p.add_run(rendered)
    if marker is None:
        raise ReportTemplateRefused(
            f"The template {name!r} has no paragraph holding only {BODY_MARKER}: put one where the report's sections "
            "should go.")
    return doc, marker
