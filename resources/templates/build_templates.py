"""Builds the default Word letter templates in this folder with python-docx: `python resources/templates/build_templates.py`.

The .docx files are committed; rerun this after changing it. The Jinja tags are docxtpl's: {{ value }}, {%p ... %}
for a whole paragraph, {%tr ... %} for a table row, {% cellbg ... %} for a cell's shading. The variables are those of
docs/templates.md. English-only and bilingual (English + Simplified Chinese) letters come from the same code: each
sentence is given in both languages and the bilingual build writes the Chinese under the English. A labelled line
reads "Label / 标签: value" in the bilingual letter (both labels first, then the value: "Our reference / 我方编号:
CAP-CN-10006-0141"), and two renderings of one value are joined the same way ("12 days / 12 天").
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence, Union

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent

ACCENT = RGBColor(0x1F, 0x38, 0x64)  # dark navy
ACCENT_HEX = "1F3864"
GREY = RGBColor(0x59, 0x59, 0x59)
ZH_COLOUR = RGBColor(0x40, 0x40, 0x40)
RULE_HEX = "8EA9DB"
BORDER_HEX = "BFBFBF"
LATIN_FONT = "Calibri"
CJK_FONT = "Microsoft YaHei"
PLACEHOLDER_EN = "to be completed by the factory"
PLACEHOLDER_ZH = "由工厂填写"

Text = Union[str, Sequence[tuple]]  # plain text, or runs: (text, {"bold": True, ...})
SEPARATOR = " / "  # between the English and the Chinese of one label or one value


def bilingual_label(en: str, zh: str, bilingual: bool) -> str:
    """A line's label, before its value: "Our reference: " or "Our reference / 我方编号: "."""
    return (f"{en}{SEPARATOR}{zh}" if bilingual and zh else en) + ": "


class Letter:
    """One template being built: page set-up, styles, letterhead, and helpers that write English and Chinese."""

    def __init__(self, title: str, bilingual: bool, reference_label: str, reference_label_zh: str = "") -> None:
        self.bilingual = bilingual
        self.doc = Document()
        self.doc.core_properties.title = title
        self.doc.core_properties.author = "csrdesk"
        self.doc.core_properties.comments = "A csrdesk letter template: edit the text freely, keep the tags in braces intact."
        self._styles()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
        section.header_distance, section.footer_distance = Cm(0.9), Cm(0.8)
        section.different_first_page_header_footer = True
        self._letterhead(section)
        self.reference_label = (reference_label, reference_label_zh)
        self._running_header(section, reference_label, reference_label_zh)
        self._footer(section.footer)
        self._footer(section.first_page_footer)

    def label(self, en: str, zh: str = "") -> str:
        """The label of a labelled line, English first, then Chinese in the bilingual letter, then ': '."""
        return bilingual_label(en, zh, self.bilingual)

    # --- styles --------------------------------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = Pt(10.5)
        _set_fonts(normal.element.get_or_add_rPr())
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.12
        rpr_default = self.doc.styles.element.find(qn("w:docDefaults"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _set_fonts(rpr)
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:val"), "en-GB")
                lang.set(qn("w:eastAsia"), "zh-CN")
        for name, size, colour in (("Heading 1", 13, ACCENT), ("Heading 2", 11, ACCENT), ("Title", 15, ACCENT)):
            st = styles[name]
            st.font.name = LATIN_FONT
            st.font.size = Pt(size)
            st.font.bold = True
            st.font.italic = False
            st.font.color.rgb = colour
            _set_fonts(st.element.get_or_add_rPr())
            st.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 8)
            st.paragraph_format.space_after = Pt(4)
            st.paragraph_format.keep_with_next = True
        _bottom_rule(styles["Heading 1"].element.get_or_add_pPr(), RULE_HEX, 4)
        bullet = styles["List Bullet"]
        bullet.font.name = LATIN_FONT
        bullet.font.size = Pt(10.5)
        bullet.paragraph_format.space_after = Pt(2)
        number = styles["List Number"]
        number.font.name = LATIN_FONT
        number.font.size = Pt(10.5)
        number.paragraph_format.space_after = Pt(3)

    # --- header and footer ---------------------------------------------------------------------------------------
    def _letterhead(self, section) -> None:
        header = section.first_page_header
        p = header.paragraphs[0]
        p.style = self.doc.styles["Normal"]
        _run(p, "{{ brand.company }}", bold=True, size=17, colour=ACCENT)
        p.paragraph_format.space_after = Pt(0)
        p = header.add_paragraph(style="Normal")
        _run(p, "{{ brand.address_lines|join(' · ') }}", size=8.5, colour=GREY)
        p.paragraph_format.space_after = Pt(0)
        p = header.add_paragraph(style="Normal")
        _run(p, "{% if brand.user_email %}{{ brand.user_email }}{% endif %}", size=8.5, colour=GREY)
        p.paragraph_format.space_after = Pt(6)
        _bottom_rule(p._p.get_or_add_pPr(), ACCENT_HEX, 12)

    def _running_header(self, section, label: str, label_zh: str, width: float = 17.0) -> None:
        p = section.header.paragraphs[0]
        p.style = self.doc.styles["Normal"]  # the Header style's own tab stops would pull the text to the middle
        _run(p, "{{ brand.company }}", bold=True, size=9, colour=ACCENT)
        _run(p, "\t" + self.label(label, label_zh) + "{{ letter.reference }}", size=8.5, colour=GREY)
        _tab_stop(p, Cm(width), WD_TAB_ALIGNMENT.RIGHT)
        p.paragraph_format.space_after = Pt(4)
        _bottom_rule(p._p.get_or_add_pPr(), RULE_HEX, 4)

    def _footer(self, footer, width: float = 17.0) -> None:
        p = footer.paragraphs[0]
        p.style = self.doc.styles["Normal"]
        _run(p, "{{ supplier.code }} · {{ letter.reference }} · {{ letter.date_iso }}", size=8, colour=GREY)
        _run(p, "\t" + (self.label("Page", "页") if self.bilingual else "Page "), size=8, colour=GREY)
        _field(p, "PAGE", size=8)
        _run(p, " / ", size=8, colour=GREY)
        _field(p, "NUMPAGES", size=8)
        _tab_stop(p, Cm(width), WD_TAB_ALIGNMENT.RIGHT)
        p.paragraph_format.space_after = Pt(0)
        _top_rule(p._p.get_or_add_pPr(), BORDER_HEX, 4)

    # --- paragraphs ----------------------------------------------------------------------------------------------
    def para(self, text: Text, *, style: Optional[str] = None, align=None, space_after: Optional[float] = None,
             keep_with_next: bool = False, **fmt):
        p = self.doc.add_paragraph(style=style)
        if isinstance(text, str):
            _run(p, text, **fmt)
        else:
            for piece, piece_fmt in text:
                _run(p, piece, **{**fmt, **piece_fmt})
        if align is not None:
            p.alignment = align
        if space_after is not None:
            p.paragraph_format.space_after = Pt(space_after)
        if keep_with_next:
            p.paragraph_format.keep_with_next = True
        return p

    def text(self, en: Text, zh: Optional[Text] = None, **fmt) -> None:
        """A sentence in English, and in Chinese below it in the bilingual letter."""
        if self.bilingual and zh:
            en_fmt = {**fmt, "space_after": 1}
            en_fmt.pop("keep_with_next", None)
            self.para(en, keep_with_next=True, **en_fmt)
            self.para(zh, **{"colour": ZH_COLOUR, **fmt})
        else:
            self.para(en, **fmt)

    def tag(self, tag: str) -> None:
        """A paragraph holding only a {%p %} tag; docxtpl removes it when rendering."""
        self.para(tag, space_after=0)

    def heading(self, en: str, zh: str = "", level: int = 1) -> None:
        title = f"{en}   {zh}" if self.bilingual and zh else en
        self.para(title, style=f"Heading {level}")

    def bullets(self, loop: str, item: str, style: str = "List Bullet") -> None:
        self.tag("{%p for " + loop + " %}")
        self.para(item, style=style)
        self.tag("{%p endfor %}")

    def steps(self, steps: Sequence[tuple[Text, Optional[Text]]]) -> None:
        for number, (en, zh) in enumerate(steps, start=1):
            label = f"{number}.\t"
            en_runs = [(label, {"bold": True, "colour": ACCENT})] + _as_runs(en)
            p = self.para(en_runs, space_after=1 if self.bilingual and zh else 4)
            _hanging(p)
            if self.bilingual and zh:
                p = self.para([("\t", {})] + _as_runs(zh), colour=ZH_COLOUR, space_after=5)
                _hanging(p)

    # --- tables --------------------------------------------------------------------------------------------------
    def key_values(self, rows: Sequence[tuple[str, str, Text]], widths=(4.6, 12.4)):
        """A two-column summary table: label (with Chinese) on the left, value on the right."""
        table = self.doc.add_table(rows=0, cols=2)
        _table_look(table, widths, inside=True)
        for label, label_zh, value in rows:
            cells = table.add_row().cells
            _shade(cells[0], "EEF2F8")
            _cell_text(cells[0], label, bold=True, colour=ACCENT, size=9.5)
            if self.bilingual and label_zh:
                _cell_para(cells[0], label_zh, colour=ZH_COLOUR, size=9)
            _cell_text(cells[1], value, size=10)
        _set_widths(table, widths)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)
        return table

    def grid(self, headers: Sequence[tuple[str, str]], row_cells: Sequence[Sequence[tuple]], widths: Sequence[float],
             loop: str, first_cell_shade: Optional[str] = None, size: float = 8.5):
        """A findings-style table: a repeated navy header row, then one row per item of `loop`."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        _table_look(table, widths, inside=True)
        head = table.rows[0]
        _repeat_header(head)
        for cell, (en, zh) in zip(head.cells, headers):
            _shade(cell, ACCENT_HEX)
            _cell_text(cell, en, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF), size=8.5)
            if self.bilingual and zh:
                _cell_para(cell, zh, colour=RGBColor(0xDD, 0xE5, 0xF2), size=8)
        start = table.add_row()
        _cell_text(start.cells[0], "{%tr for " + loop + " %}", size=6)
        body = table.add_row()
        _cant_split(body)
        for index, (cell, paragraphs) in enumerate(zip(body.cells, row_cells)):
            first = True
            for runs in paragraphs:
                if first:
                    _cell_runs(cell, runs, size=size)
                    first = False
                else:
                    _cell_runs(cell, runs, size=size, new_paragraph=True)
        end = table.add_row()
        _cell_text(end.cells[0], "{%tr endfor %}", size=6)
        _set_widths(table, widths)
        return table

    # --- page layout ---------------------------------------------------------------------------------------------
    def landscape_annex(self) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(1.5)
        section.different_first_page_header_footer = False
        # a header and footer of its own, whose right-aligned tab sits at the wider right margin
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        self._running_header(section, *self.reference_label, width=26.7)
        self._footer(section.footer, width=26.7)

    def signature(self) -> None:
        # The closing sentence goes over to the next page with the signature rather than leave it alone there. So the
        # paragraph the letter prints last keeps with it, whichever that is: walking back, the last paragraph of
        # each branch of a trailing if/else (one branch always prints, so the walk ends there), and past a trailing
        # block the letter may leave out (the production block, a list), the last paragraph before it. A loop's
        # rows never do: all of them would be chained to the signature and pushed onto the next page.
        depth = loops = 0
        branch_end = True  # the next paragraph met, walking back, is the last one of a branch
        has_else = False  # the outermost trailing if block has an else: it always prints one of its branches
        for p in reversed(self.doc.paragraphs):
            text = p.text
            if text.startswith("{%p endif"):
                depth += 1
                if depth == 1:
                    has_else = False
                branch_end = loops == 0
            elif text.startswith(("{%p else", "{%p elif")):
                if depth == 1:
                    has_else = has_else or text.startswith("{%p else")
                branch_end = loops == 0
            elif text.startswith("{%p endfor"):
                loops += 1
                branch_end = False
            elif text.startswith("{%p for"):
                loops -= 1
            elif text.startswith("{%p if"):
                depth -= 1
                branch_end = False
                if depth == 0 and has_else:
                    break
            elif not text.startswith("{%p"):
                if branch_end and loops == 0:
                    p.paragraph_format.keep_with_next = True
                    branch_end = False
                if depth <= 0 and loops <= 0:
                    p.paragraph_format.keep_with_next = True
                    break
        self.text("Yours sincerely,", "此致\n敬礼", space_after=22, keep_with_next=True)
        self.tag("{%p if brand.signature_lines %}")
        self.tag("{%p for line in brand.signature_lines %}")
        self.para("{{ line }}", space_after=0, keep_with_next=True)
        self.tag("{%p endfor %}")
        self.tag("{%p else %}")
        self.para("{{ brand.user_name }}", bold=True, space_after=0, keep_with_next=True)
        self.para("{{ brand.user_title }}", space_after=0, keep_with_next=True)
        self.para("{{ brand.company }}", space_after=0, keep_with_next=True)
        self.tag("{%p endif %}")
        self.para("{% if brand.user_email %}{{ brand.user_email }}{% endif %}", colour=GREY, size=9.5)

    def date_and_recipient(self, subject_en: Text, subject_zh: Optional[Text]) -> None:
        self.para([("{{ letter.date }}", {})] + ([(SEPARATOR + "{{ letter.date_zh }}", {"colour": ZH_COLOUR})]
                                                if self.bilingual else []),
                  align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=0)
        self.para(self.label("Our reference", "我方编号") + "{{ letter.reference }}",
                  align=WD_ALIGN_PARAGRAPH.RIGHT, colour=GREY, size=9, space_after=14)
        self.para("{{ supplier.name }}", bold=True, space_after=0)
        self.tag("{%p if supplier.local_name %}")
        self.para("{{ supplier.local_name }}", space_after=0)
        self.tag("{%p endif %}")
        self.tag("{%p for line in supplier.address_lines %}")
        self.para("{{ line }}", space_after=0)
        self.tag("{%p endfor %}")
        self.para("{{ supplier.country }}", space_after=0)
        self.tag("{%p if supplier.contact.name %}")
        self.para([(self.label("Attn", "收件人"), {"colour": GREY}),
                   ("{{ supplier.contact.name }}{% if supplier.contact.role %}, {{ supplier.contact.role }}{% endif %}",
                    {})], space_after=0)
        self.tag("{%p endif %}")
        self.para("", space_after=10)
        self.para(subject_en, bold=True, colour=ACCENT, size=12.5, space_after=1 if self.bilingual else 10)
        if self.bilingual and subject_zh:
            self.para(subject_zh, bold=True, colour=ACCENT, size=12, space_after=10)

    def save(self, name: str) -> Path:
        path = HERE / name
        self.doc.save(path)
        return path


# --- low-level helpers -----------------------------------------------------------------------------------------------

def _as_runs(text: Text) -> list:
    return [(text, {})] if isinstance(text, str) else list(text)


def _set_fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, font in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", LATIN_FONT), ("w:eastAsia", CJK_FONT)):
        fonts.set(qn(attr), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _run(p, text: str, *, bold: bool = False, italic: bool = False, size: Optional[float] = None,
         colour: Optional[RGBColor] = None):
    # A newline in template text becomes a line break, as it would when typed in Word.
    parts = text.split("\n")
    run = None
    for index, part in enumerate(parts):
        run = p.add_run(part)
        if index < len(parts) - 1:
            run.add_break(WD_BREAK.LINE)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    return run


def _field(p, instruction: str, size: float) -> None:
    def fld(kind: str):
        r = p.add_run()
        r.font.size = Pt(size)
        r.font.color.rgb = GREY
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)

    fld("begin")
    r = p.add_run()
    r.font.size = Pt(size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    r._r.append(instr)
    fld("separate")
    r = p.add_run("1")
    r.font.size = Pt(size)
    r.font.color.rgb = GREY
    fld("end")


def _tab_stop(p, position, alignment) -> None:
    p.paragraph_format.tab_stops.add_tab_stop(position, alignment)


def _border(ppr, side: str, colour: str, size: int) -> None:
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr must come before shd, tabs, spacing... in pPr; inserting early keeps Word's schema order
        anchor = None
        for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
            anchor = ppr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "4")
    el.set(qn("w:color"), colour)
    borders.append(el)


def _bottom_rule(ppr, colour: str, size: int) -> None:
    _border(ppr, "bottom", colour, size)


def _top_rule(ppr, colour: str, size: int) -> None:
    _border(ppr, "top", colour, size)


def _hanging(p) -> None:
    p.paragraph_format.left_indent = Cm(0.7)
    p.paragraph_format.first_line_indent = Cm(-0.7)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(0.7))


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(cell, text: Text, **fmt) -> None:
    _cell_runs(cell, _as_runs(text), **fmt)


def _cell_para(cell, text: str, **fmt) -> None:
    _cell_runs(cell, [(text, {})], new_paragraph=True, **fmt)


def _cell_runs(cell, runs, new_paragraph: bool = False, **fmt) -> None:
    p = cell.add_paragraph() if new_paragraph else cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(1)
    p.paragraph_format.line_spacing = 1.0
    for text, piece in runs:
        _run(p, text, **{**fmt, **piece})


def _table_look(table, widths, inside: bool) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right") + (("insideH", "insideV") if inside else ()):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), BORDER_HEX)
        borders.append(el)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _set_widths(table, widths) -> None:
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _factory_cell(value: str) -> list:
    """A factory-filled field: its value, or a grey placeholder when the factory has not answered yet."""
    return [("{% if " + value + " %}{{ " + value + " }}{% else %}", {}),
            (PLACEHOLDER_EN, {"italic": True, "colour": GREY}), ("{% endif %}", {})]


# --- the letters ---------------------------------------------------------------------------------------------------

def production_block(L: "Letter", condition: str = "supplier.production_blocked") -> None:
    """The supplier's production block in words (domain.ratings), stated in every letter while it holds."""
    L.tag("{%p if " + condition + " %}")
    L.text([("{{ supplier.production_block }}", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)})],
           [("{{ supplier.production_block_zh }}", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)})])
    L.tag("{%p endif %}")


def build_cap_letter(bilingual: bool) -> Path:
    L = Letter("Corrective Action Plan", bilingual, "Corrective Action Plan", "纠正措施计划")
    L.date_and_recipient(
        "Corrective Action Plan following the {{ assessment.type }} assessment of {{ assessment.date }}",
        "纠正措施计划（CAP）——{{ assessment.date_zh }}{{ assessment.type_zh }}",
    )
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},",
           "尊敬的{{ supplier.contact.name or '先生/女士' }}：")
    L.text(
        "On {{ assessment.date }}, {{ assessment.audit_firm or 'an independent auditor' }} assessed "
        "{{ supplier.name }} ({{ supplier.code }}) against {{ assessment.standard or 'our code of conduct' }}. "
        "This letter sets out the result, the {{ cap.item_count }} finding{% if cap.item_count != 1 %}s{% endif %} "
        "that need corrective action, and what we need from you.",
        "{{ assessment.date_zh }}，{{ assessment.audit_firm or '独立审核机构' }}依据"
        "{{ assessment.standard or '我司行为准则' }}对{{ supplier.local_name or supplier.name }}（{{ supplier.code }}）"
        "进行了{{ assessment.type_zh }}。本函告知评估结果、需要采取纠正措施的{{ cap.item_count }}项发现，"
        "以及我们需要贵司提供的内容。",
    )

    L.heading("1. Assessment result", "评估结果")
    L.key_values([
        ("Facility", "工厂", "{{ supplier.name }} ({{ supplier.code }}){% if supplier.local_name %} · "
                             "{{ supplier.local_name }}{% endif %}"),
        ("Assessment", "评估", "{{ assessment.type|capitalize }}, {{ assessment.date }}"
                              + (" · {{ assessment.type_zh }}" if bilingual else "")),
        ("Audit firm", "审核机构", "{{ assessment.audit_firm or '—' }}{% if assessment.auditor %} "
                                  "({{ assessment.auditor }}){% endif %}"),
        ("Score", "得分", "{{ assessment.score }} points"
         + (SEPARATOR + "{{ assessment.score }} 分" if bilingual else "")),
        ("Rating", "评级", [("{% cellbg rating.shade %}", {}), ("{{ rating.name }}", {"bold": True})]
         + ([(SEPARATOR + "{{ rating.name_zh }}", {"bold": True})] if bilingual else [])),
        ("Reply due", "回复截止日期", "{{ respond.by or 'within 14 days of this letter' }}"
                                     + ("{% if respond.by_zh %}" + SEPARATOR + "{{ respond.by_zh }}{% endif %}"
                                        if bilingual else "")),
    ])
    L.heading("What this rating means for your factory", "评级对贵厂的意义", level=2)
    L.text("{{ rating.meaning }}", "{{ rating.meaning_zh }}")
    L.tag("{%p if rating.blocks_production %}")
    L.text([("Production is blocked. ", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)}),
            ("Your facility may not be used for our orders until the issues are resolved and verified by a new "
             "assessment.", {})],
           [("生产已被暂停。", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)}),
            ("在问题得到解决并经新的评估核实之前，贵厂不得用于我司订单的生产。", {})])
    L.tag("{%p endif %}")
    production_block(L, "supplier.production_blocked and not rating.blocks_production")
    L.tag("{%p if rating.requires_follow_up %}")
    L.text([("A follow-up assessment is required ", {"bold": True}),
            ("to verify all preventive actions{% if rating.follow_up_due %}, by {{ rating.follow_up_due }}"
             "{% endif %}. Please prepare for it as you implement this plan.", {})],
           [("需要进行跟进审核", {"bold": True}),
            ("，以验证所有预防措施的落实情况{% if rating.follow_up_due %}，最迟于{{ rating.follow_up_due_zh }}"
             "{% endif %}。请在实施本计划的同时做好准备。", {})])
    L.tag("{%p endif %}")
    L.heading("How the rating was reached", "评级依据", level=2)
    L.bullets("reason in rating.reasons", "{{ reason }}")

    L.heading("2. Corrective action plan", "纠正措施计划")
    L.text(
        "The annex lists each finding with the CAP fields (a) to (f). Fields (a) to (c) are ours: the violation with "
        "the legal and code requirements it breaks, the suggested remediation, and the time allowed with its due "
        "date. Fields (d) to (f) are yours: the root cause of each finding, the preventive action plan (the "
        "management systems that will stop it happening again) and the project leader responsible at your factory.",
        "附件列出了每项发现及CAP字段(a)至(f)。(a)至(c)由品牌方填写：违规事项及其违反的法律和准则要求、建议的整改措施，"
        "以及允许的期限和截止日期。(d)至(f)由贵司填写：每项发现的根本原因、预防措施计划（防止问题再次发生的管理体系），"
        "以及贵厂负责的项目负责人。",
    )
    L.text("The first item is due on {{ cap.first_due or '—' }}, the last on {{ cap.last_due or '—' }}.",
           "最早的截止日期为{{ cap.first_due_zh or '—' }}，最晚为{{ cap.last_due_zh or '—' }}。")
    L.tag("{%p if cap.victim_protection %}")
    L.text([("Workers affected by forced labour or trafficking. ", {"bold": True}),
            ("Some findings concern forced labour or trafficking. Besides correcting them, you must fully protect "
             "the workers affected and provide remedy, repatriation if they wish it or reintegration, consulting "
             "victim-service organisations.", {})],
           [("受强迫劳动或人口贩运影响的工人。", {"bold": True}),
            ("部分发现涉及强迫劳动或人口贩运。除纠正问题外，贵司还必须为受影响的工人提供全面保护和补救，"
             "根据其意愿安排返乡或重新融入，并咨询受害者服务机构的意见。", {})])
    L.tag("{%p endif %}")

    L.heading("3. How to respond", "回复方式")
    L.steps([
        ("In the attached CAP tracker, complete for every finding the root cause (d), the preventive action (e) "
         "and the project leader (f), with a planned completion date. Please do not change the item IDs or our "
         "columns.",
         "请在随附的CAP跟踪表中，为每项发现填写根本原因(d)、预防措施(e)和项目负责人(f)，以及计划完成日期。"
         "请勿更改项目编号或品牌方填写的栏目。"),
        ("Name the system failure behind each finding, not the finding restated: \"workers did overtime\" is no "
         "root cause of excessive overtime. The tracker's instructions sheet explains the 5 Whys and gives examples.",
         "请指出导致问题的管理体系缺陷，而不是重复描述问题本身：“工人加班”不是超时加班的根本原因。"
         "跟踪表的说明页介绍了“5个为什么”分析法并提供了示例。"),
        ("Return the completed tracker to {{ respond.to_name or 'us' }}{% if respond.to_email %} "
         "({{ respond.to_email }}){% endif %} {% if respond.by %}by {{ respond.by }}{% else %}within 14 days of this letter{% endif %}.",
         "请于{{ respond.by_zh or '本函发出后14天内' }}将填妥的跟踪表发送至{{ respond.to_name or '我司' }}"
         "{% if respond.to_email %}（{{ respond.to_email }}）{% endif %}。"),
        ("Send evidence of each correction (photos, records, training attendance lists, policies) by the item's "
         "due date.",
         "请在每项的截止日期前提交整改证据（照片、记录、培训签到表、政策文件等）。"),
        ("We will review your plan{% if cap.meeting_date %} with you at the CAP meeting on {{ cap.meeting_date }}"
         "{% endif %} and verify completion, including by a verification visit.",
         "我们将审核贵司的计划{% if cap.meeting_date %}（CAP会议定于{{ cap.meeting_date_zh }}）{% endif %}，"
         "并核实整改完成情况，包括进行验证访问。"),
    ])
    L.text("We value our work with {{ supplier.name }} and your commitment to the people who work in your factory. "
           "Please contact us with any question about this plan.",
           "感谢贵司的合作以及对工厂员工的承诺。如对本计划有任何疑问，请随时与我们联系。")
    L.signature()

    L.landscape_annex()
    L.para("Annex: findings and corrective action plan" + ("   附件：发现问题及纠正措施计划" if bilingual else ""),
           style="Heading 1")
    L.text("{{ supplier.name }} ({{ supplier.code }}) · assessment of {{ assessment.date }} · "
           "{{ cap.item_count }} finding{% if cap.item_count != 1 %}s{% endif %} · rating {{ rating.name }}",
           "{{ supplier.local_name or supplier.name }} · {{ assessment.date_zh }}评估 · 共{{ cap.item_count }}项发现 · "
           "评级：{{ rating.name_zh }}", size=9.5, colour=GREY)
    finding = [
        [("{{ f.title }}", {"bold": True})],
    ]
    if bilingual:
        finding.append([("{% if f.title_zh %}{{ f.title_zh }}{% endif %}", {"bold": True, "colour": ZH_COLOUR})])
    finding += [
        [("{{ f.category }}" + ("{% if f.category_zh %}" + SEPARATOR + "{{ f.category_zh }}{% endif %}"
                                if bilingual else "")
          + " · {{ f.severity|capitalize }}" + ("{% if f.severity_zh %}" + SEPARATOR + "{{ f.severity_zh }}{% endif %}"
                                                 if bilingual else "")
          + " · {{ f.points }} pts{% if f.repeat %} · ", {"colour": GREY}),
         ("REPEAT" + (SEPARATOR + "重复" if bilingual else ""), {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)}),
         ("{% endif %}", {})],
        [("{{ f.description }}", {})],
    ]
    requirements = [
        [(L.label("Legal", "法律"), {"bold": True}), ("{{ f.legal_requirement or '—' }}", {})],
        [(L.label("Code", "准则"), {"bold": True}), ("{{ f.code_requirement or '—' }}", {})],
    ]
    time_allowed = [
        [("{{ f.days_allowed }} days" + (SEPARATOR + "{{ f.days_allowed }} 天" if bilingual else ""), {"bold": True})],
        [("due {{ f.due_date or '—' }}" if not bilingual else L.label("Due", "截止") + "{{ f.due_date_iso or '—' }}",
          {})],
    ]

    def factory(value: str):
        cell = _factory_cell(value)
        if bilingual:
            cell[1] = (PLACEHOLDER_EN + SEPARATOR + PLACEHOLDER_ZH, cell[1][1])
        return [cell]

    L.grid(
        headers=[("No.", "序号"), ("(a) Finding", "违规事项"), ("(a) Requirements", "法律/准则要求"),
                 ("(b) Suggested remediation", "建议整改措施"), ("(c) Time allowed", "期限"),
                 ("(d) Root cause", "根本原因"), ("(e) Preventive action", "预防措施"),
                 ("(f) Project leader", "项目负责人")],
        row_cells=[
            [[("{% cellbg f.severity_shade %}", {}), ("{{ f.no }}", {"bold": True})]],
            finding,
            requirements,
            [[("{{ f.suggested_remediation }}", {})]],
            time_allowed,
            factory("f.root_cause"),
            factory("f.preventive_action"),
            factory("f.project_leader") + [[("{% if f.planned_date %}"
                                              + ("planned {{ f.planned_date }}" if not bilingual else
                                                 L.label("Planned", "计划") + "{{ f.planned_date_iso }}")
                                              + "{% endif %}", {"colour": GREY})]],
        ],
        widths=(0.9, 5.2, 4.4, 4.4, 2.4, 3.3, 3.6, 2.5),
        loop="f in findings",
    )
    L.text("The number cell is shaded by severity: blue minor, yellow major, orange critical, red zero tolerance.",
           "序号栏的底色表示严重程度：蓝色为轻微，黄色为重大，橙色为严重，红色为零容忍。", size=8.5, colour=GREY)
    return L.save("cap_letter_zh-en.docx" if bilingual else "cap_letter_en.docx")


def build_overdue_reminder() -> Path:
    L = Letter("Overdue corrective actions", False, "Reminder")
    L.date_and_recipient("Reminder: {{ overdue.count }} corrective action{% if overdue.count != 1 %}s are{% else %} is"
                         "{% endif %} overdue", None)
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},")
    L.text("Our records show that the corrective action{% if overdue.count != 1 %}s{% endif %} below, from the "
           "Corrective Action Plan {% if cap.issued_date %}issued on {{ cap.issued_date }} {% endif %}after the "
           "{{ assessment.type }} assessment of {{ assessment.date }}, "
           "{% if overdue.count != 1 %}have{% else %}has{% endif %} passed {% if overdue.count != 1 %}their"
           "{% else %}its{% endif %} due date without evidence of completion. The longest delay is "
           "{{ overdue.most_days }} day{% if overdue.most_days != 1 %}s{% endif %}.")
    L.grid(
        headers=[("No.", ""), ("Finding", ""), ("Severity", ""), ("Due date", ""), ("Days overdue", ""),
                 ("Status", ""), ("Project leader", "")],
        row_cells=[
            [[("{% cellbg f.severity_shade %}", {}), ("{{ f.no }}", {"bold": True})]],
            [[("{{ f.title }}", {"bold": True})], [("{{ f.category }}", {"colour": GREY})]],
            [[("{{ f.severity|capitalize }}", {})]],
            [[("{{ f.due_date }}", {})]],
            [[("{{ f.days_overdue }}", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)})]],
            [[("{{ f.status|capitalize }}", {})]],
            [[("{{ f.project_leader or '—' }}", {})]],
        ],
        widths=(1.0, 6.0, 1.9, 2.4, 1.7, 2.2, 1.8),
        loop="f in overdue.findings",
        size=9,
    )
    L.heading("What we need from you")
    L.steps([
        ("Send the evidence of completion for each item above, or, where work is still under way, a revised plan "
         "with a realistic date and the reason for the delay, {% if respond.by %}by {{ respond.by }}{% else %}within 7 days of "
         "this letter{% endif %}.",
         None),
        ("Tell us who is responsible for each item if the project leader has changed.", None),
        ("Where a delay comes from a cause on our side, such as order changes or lead times, tell us: we want to "
         "fix that too.", None),
    ])
    L.tag("{%p if rating.blocks_production %}")
    L.text([("Production remains blocked ", {"bold": True}),
            ("until these items are resolved and verified.", {})])
    L.tag("{%p endif %}")
    production_block(L, "supplier.production_blocked and not rating.blocks_production")
    L.text("Corrective actions that stay overdue are escalated within our company and can affect our sourcing "
           "decisions. We would much rather help you close them: please contact {{ respond.to_name or 'us' }}"
           "{% if respond.to_email %} at {{ respond.to_email }}{% endif %} if you need support.")
    L.signature()
    return L.save("overdue_reminder_en.docx")


def build_verification_result() -> Path:
    L = Letter("Verification result", False, "Verification result")
    L.date_and_recipient("Result of the verification visit on {{ verification.visit_date }}", None)
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},")
    production_block(L)
    L.text("On {{ verification.visit_date }}, {{ verification.verifier or 'our verifier' }} visited {{ supplier.name }} "
           "to verify the corrective actions reported under the plan that followed the {{ assessment.type }} "
           "assessment of {{ assessment.date }}. This letter gives the result for each item.")
    L.heading("Summary")
    L.key_values([
        ("Visit", "", "{{ verification.visit_date }}{% if verification.verifier %}, "
                      "{{ verification.verifier }}{% endif %}"),
        ("Items verified", "", "{{ verification.results|length }}: {{ verification.done_correctly }} done correctly, "
                               "{{ verification.done_with_errors }} done with errors, {{ verification.not_done }} "
                               "not done"),
        ("CAP progress", "", "{% if verification.progress_rate != '' %}{{ verification.progress_rate }}% of the plan's "
                             "items verified as fixed{% else %}—{% endif %}"),
        ("Progress category", "", [("{% if verification.progress_category %}{{ verification.progress_category }}: "
                                    "{{ verification.progress_category_text }}{% else %}—{% endif %}",
                                    {"bold": True})]),
    ])
    L.tag("{%p if verification.notes %}")
    L.text("{{ verification.notes }}")
    L.tag("{%p endif %}")
    L.heading("Result per item")
    L.grid(
        headers=[("No.", ""), ("Finding", ""), ("Severity", ""), ("Outcome", ""), ("Verifier's notes", "")],
        row_cells=[
            [[("{{ r.no }}", {"bold": True})]],
            [[("{{ r.title }}", {"bold": True})]],
            [[("{{ r.severity|capitalize }}", {})]],
            [[("{{ r.outcome|capitalize }}", {"bold": True})]],
            [[("{{ r.notes or '—' }}", {})]],
        ],
        widths=(1.0, 5.8, 1.9, 3.0, 5.3),
        loop="r in verification.results",
        size=9,
    )
    L.heading("Next steps")
    L.text("Items done correctly are closed on our side once their evidence is filed. For items done with errors or "
           "not done, please send a corrected plan and new evidence {% if respond.by %}by {{ respond.by }}{% else %}within 30 "
           "days{% endif %}, in the "
           "CAP tracker as before.")
    L.tag("{%p if verification.escalated %}")
    L.text([("Escalation. ", {"bold": True, "colour": RGBColor(0xC0, 0x00, 0x00)}),
            ("Progress on this plan is not sufficient, and the case has been escalated within our company. We will "
             "contact you to agree the next steps.", {})])
    L.tag("{%p endif %}")
    L.text("Thank you for the work done so far. Please contact {{ respond.to_name or 'us' }} with any question.")
    L.signature()
    return L.save("verification_result_en.docx")


def build_vetting_decision() -> Path:
    L = Letter("Supplier approval decision", False, "Supplier approval")
    L.date_and_recipient("Supplier approval decision: {{ vetting.decision_title }}", None)
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},")
    L.text("Thank you for taking part in our supplier screening. We have reviewed {{ vetting.subject }} against "
           "{{ vetting.checklist or 'our screening checklist' }}, and this letter gives our decision.")
    L.key_values([
        ("Supplier", "", "{{ vetting.subject }}{% if supplier.code %} ({{ supplier.code }}){% endif %}"),
        ("Checklist", "", "{{ vetting.checklist or '—' }}"),
        ("Score", "", "{% if vetting.score_text %}{{ vetting.score_text }}{% elif vetting.score != '' %}"
                      "{{ vetting.score }} out of 100{% else %}—{% endif %}"),
        ("Decision", "", [("{{ vetting.decision_title }}", {"bold": True})]),
        ("Decided", "", "{{ vetting.decision_date or '—' }}{% if vetting.reviewer %} by {{ vetting.reviewer }}"
                        "{% endif %}"),
    ])
    L.text("{{ vetting.decision_meaning }}")
    production_block(L)
    L.tag("{%p if vetting.conditions %}")
    L.heading("Conditions")
    L.text("Approval holds on the following conditions. Please send evidence that each is met by its date; a condition "
           "not met in time suspends the approval.")
    L.grid(
        headers=[("No.", ""), ("Condition", ""), ("Due date", "")],
        row_cells=[
            [[("{{ loop.index }}", {"bold": True})]],
            [[("{{ c.text }}", {})]],
            [[("{{ c.due_date or '—' }}", {"bold": True})]],
        ],
        widths=(1.0, 12.6, 3.4),
        loop="c in vetting.conditions",
        size=9.5,
    )
    L.tag("{%p endif %}")
    L.tag("{%p if vetting.knock_outs and not vetting.approved %}")
    L.heading("Requirements not met")
    L.bullets("k in vetting.knock_outs", "{{ k }}")
    L.tag("{%p endif %}")
    L.tag("{%p if vetting.notes %}")
    L.text("{{ vetting.notes }}")
    L.tag("{%p endif %}")
    L.tag("{%p if vetting.approved %}")
    L.text("Approval for production also depends on the pre-production assessment and on our code of conduct being "
           "followed at all times. We look forward to working with you.")
    L.tag("{%p else %}")
    L.text("You may ask to be screened again once the issues above are resolved. Please contact us if you would "
           "like to discuss this decision.")
    L.tag("{%p endif %}")
    L.signature()
    return L.save("vetting_decision_en.docx")


def _zh(bilingual: bool, text: str) -> str:
    """The Chinese after the English of one value, in the bilingual letter only."""
    return SEPARATOR + text if bilingual else ""


def build_evidence_request(bilingual: bool) -> Path:
    L = Letter("Evidence request", bilingual, "Evidence request", "证据要求")
    L.date_and_recipient("Evidence before the verification visit on {{ evidence.visit_date }}",
                         "核查访问（{{ evidence.visit_date_zh }}）前请提交整改证据")
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},", "尊敬的{{ supplier.contact.name or '先生/女士' }}：")
    L.text("{% if evidence.booked %}Our verification visit to {{ supplier.name }} is booked for "
           "{{ evidence.visit_date }}{% else %}Our verification visit to {{ supplier.name }} falls due on "
           "{{ evidence.visit_date }}{% endif %}, following the CAP meeting{% if cap.meeting_date %} of "
           "{{ cap.meeting_date }}{% endif %}. Before it, please send us evidence for each of the "
           "{{ evidence.count }} corrective action{% if evidence.count != 1 %}s{% endif %} below that "
           "{% if evidence.count != 1 %}are{% else %}is{% endif %} due by then.",
           "{% if evidence.booked %}我们已安排于{{ evidence.visit_date_zh }}{% else %}根据CAP会议"
           "{% if cap.meeting_date_zh %}（{{ cap.meeting_date_zh }}）{% endif %}，我们将于{{ evidence.visit_date_zh }}"
           "{% endif %}对{{ supplier.local_name or supplier.name }}进行整改核查访问。访问前，请就以下在此日期前到期的"
           "{{ evidence.count }}项纠正措施提交证据。")
    L.key_values([
        ("Visit", "核查访问", "{{ evidence.visit_date }}" + _zh(bilingual, "{{ evidence.visit_date_zh }}")),
        ("Evidence by", "证据提交截止", [("{{ evidence.send_by }}" + _zh(bilingual, "{{ evidence.send_by_zh }}"),
                                         {"bold": True})]),
        ("Items", "项目", "{{ evidence.count }} of {{ cap.item_count }}"
                          + _zh(bilingual, "{{ evidence.count }} / {{ cap.item_count }}")),
        ("CAP progress", "整改进度", "{% if cap.progress != '' %}{{ cap.progress }}%{% else %}—{% endif %}"),
    ])
    L.grid(
        headers=[("No.", "序号"), ("Finding", "发现的问题"), ("Your action plan", "贵厂整改计划"),
                 ("Due", "截止"), ("Evidence we expect", "需提交的证据")],
        row_cells=[
            [[("{% cellbg f.severity_shade %}", {}), ("{{ f.no }}", {"bold": True})]],
            [[("{{ f.title }}", {"bold": True})]] + ([[("{{ f.title_zh }}", {"colour": ZH_COLOUR})]] if bilingual
                                                      else []) + [[("{{ f.category }}", {"colour": GREY})]],
            [[("{{ f.preventive_action or '—' }}", {})],
             [("{% if f.project_leader %}{{ f.project_leader }}{% endif %}", {"colour": GREY})]],
            [[("{{ f.due_date_iso }}", {"bold": True})]],
            [[("Photos, records, receipts or training lists showing it is done", {})]]
            + ([[("照片、记录、收据或培训签到表等完成证明", {"colour": ZH_COLOUR})]] if bilingual else []),
        ],
        widths=(1.0, 5.0, 5.4, 2.0, 3.6),
        loop="f in evidence.findings",
        size=9,
    )
    L.heading("How to send it", "提交方式")
    L.steps([
        ("E-mail the evidence to {{ respond.to_name or 'us' }}{% if respond.to_email %} ({{ respond.to_email }})"
         "{% endif %} by {{ evidence.send_by }}, naming each file with the item number.",
         "请于{{ evidence.send_by_zh }}前将证据发送至{{ respond.to_name or '我司' }}{% if respond.to_email %}"
         "（{{ respond.to_email }}）{% endif %}，文件名请注明项目序号。"),
        ("Where an item is not finished, tell us what is done, what is left and by when.",
         "如某项尚未完成，请说明已完成的部分、剩余工作及完成时间。"),
        ("At the visit we will check each item on site and discuss the result with factory management, worker "
         "representatives and the union, where there is one, at the closing meeting.",
         "访问时我们将逐项现场核查，并在末次会议上与工厂管理层、工人代表及工会（如有）沟通结果。"),
    ])
    L.text("Evidence sent before the visit shows your progress and makes the visit shorter. Thank you for your work.",
           "访问前提交证据能体现贵厂的整改进展，也能缩短访问时间。感谢贵厂的努力。")
    L.signature()
    return L.save("evidence_request_zh-en.docx" if bilingual else "evidence_request_en.docx")


def build_cap_returned(bilingual: bool) -> Path:
    L = Letter("CAP returned for revision", bilingual, "CAP returned for revision", "纠正措施计划退回修改")
    L.date_and_recipient("Corrective Action Plan returned for revision: {{ returned.count }} item"
                         "{% if returned.count != 1 %}s{% endif %} to revise",
                         "纠正措施计划退回修改：{{ returned.count }}项需修改")
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},", "尊敬的{{ supplier.contact.name or '先生/女士' }}：")
    L.text("Thank you for your answer to the Corrective Action Plan following the {{ assessment.type }} assessment of "
           "{{ supplier.name }} ({{ supplier.code }}) on {{ assessment.date }}. We have reviewed it item by item"
           "{% if returned.accepted_count %} and accept {{ returned.accepted_count }} item"
           "{% if returned.accepted_count != 1 %}s{% endif %}{% endif %}. The {{ returned.count }} item"
           "{% if returned.count != 1 %}s{% endif %} below {% if returned.count != 1 %}are{% else %}is{% endif %} "
           "returned to you: our comment says what to change.",
           "感谢贵厂就{{ assessment.date_zh }}{{ assessment.type_zh }}（{{ supplier.local_name or supplier.name }}，"
           "{{ supplier.code }}）后的纠正措施计划提交的回复。我们已逐项审核{% if returned.accepted_count %}，接受"
           "{{ returned.accepted_count }}项{% endif %}。以下{{ returned.count }}项退回贵厂修改，我们的意见说明需修改之处。")
    L.key_values([
        ("Returned", "退回", [("{{ returned.count }} of {{ cap.item_count }} items"
                               + _zh(bilingual, "{{ cap.item_count }}项中的{{ returned.count }}项"), {"bold": True})]),
        ("Accepted", "已接受", "{{ returned.accepted_count }}"),
        ("Revised answer by", "修改回复截止", [("{{ respond.by }}" + _zh(bilingual, "{{ respond.by_zh }}"),
                                               {"bold": True})]),
    ])
    L.grid(
        headers=[("No.", "序号"), ("Finding", "发现的问题"), ("Your answer", "贵厂回复"),
                 ("Our comment", "品牌意见"), ("Due", "截止")],
        row_cells=[
            [[("{% cellbg f.severity_shade %}", {}), ("{{ f.no }}", {"bold": True})],
             [("ID {{ f.item_id }}", {"colour": GREY})]],
            [[("{{ f.title }}", {"bold": True})]] + ([[("{{ f.title_zh }}", {"colour": ZH_COLOUR})]] if bilingual
                                                      else []) + [[("{{ f.severity }}", {"colour": GREY})]],
            [[(L.label("Root cause", "根本原因"), {"colour": GREY}), ("{{ f.root_cause or '—' }}", {})],
             [(L.label("Preventive action", "预防措施"), {"colour": GREY}), ("{{ f.preventive_action or '—' }}", {})],
             [(L.label("Project leader", "项目负责人"), {"colour": GREY}), ("{{ f.project_leader or '—' }}", {})]],
            [[("{{ f.review_comment }}", {"bold": True})]],
            [[("{{ f.due_date_iso or '—' }}", {"bold": True})]],
        ],
        widths=(1.1, 3.8, 5.4, 4.5, 2.2),
        loop="f in returned.findings",
        size=9,
    )
    L.heading("What we need from you", "需要贵厂采取的行动")
    L.steps([
        ("For each returned item, revise the root cause, the preventive action plan, the project leader and the "
         "planned date in the CAP tracker; our comment stands beside each item there.",
         "请在CAP跟踪表中逐项修改退回项目的根本原因、预防措施计划、项目负责人及计划完成日期；我们的意见列在各项旁边。"),
        ("A root cause names the gap in your management system (policy, procedure, responsibility, monitoring, "
         "resources), not the finding again; ask 'why?' until you reach it.",
         "根本原因应指出管理体系中的缺陷（政策、程序、职责、监督、资源），而不是重复发现的问题；请多问几次“为什么”。"),
        ("Send the tracker back to {{ respond.to_name or 'us' }}{% if respond.to_email %} ({{ respond.to_email }})"
         "{% endif %} by {{ respond.by }}. The accepted items stand as planned: go ahead with them.",
         "请于{{ respond.by_zh }}前将跟踪表发回{{ respond.to_name or '我司' }}{% if respond.to_email %}"
         "（{{ respond.to_email }}）{% endif %}。已接受的项目按计划执行。"),
    ])
    production_block(L)
    L.signature()
    return L.save("cap_returned_zh-en.docx" if bilingual else "cap_returned_en.docx")


def build_onsite_report(bilingual: bool) -> Path:
    L = Letter("Onsite verification report", bilingual, "Onsite verification report", "现场核查报告")
    L.date_and_recipient("Onsite report of the verification visit on {{ visit.visit_date }}",
                         "整改核查现场报告（{{ visit.visit_date_zh }}）")
    L.text("For the management of {{ supplier.name }}, at the closing meeting of the visit.",
           "致{{ supplier.local_name or supplier.name }}管理层，于核查访问末次会议。")
    L.key_values([
        ("Visit", "核查访问", "{{ visit.visit_date }}{% if visit.verifier %}, {{ visit.verifier }}{% endif %}"),
        ("Attendees", "出席人员", "{% for a in visit.attendees %}{{ a.role }}"
                                  + ("{% if a.role_zh %}/{{ a.role_zh }}{% endif %}" if bilingual else "")
                                  + "{% if a.name %} ({{ a.name }}){% endif %}{% if not loop.last %}; {% endif %}"
                                  "{% else %}—{% endfor %}"),
        ("Progress", "整改进度", [("{% if visit.progress_rate != '' %}{{ visit.progress_rate }}% of the CAP's items "
                                  "completed{% else %}—{% endif %}", {"bold": True})]
         + ([("{% if visit.progress_rate != '' %}" + SEPARATOR + "已完成{{ visit.progress_rate }}%{% endif %}",
              {"bold": True})] if bilingual else [])),
        ("Progress category", "进展类别", "{% if visit.category %}{{ visit.category }}: {{ visit.category_text }}"
                                          + ("{{ '' }}" + SEPARATOR + "{{ visit.category_text_zh }}" if bilingual
                                             else "") + "{% else %}—{% endif %}"),
        ("Evidence before the visit", "访问前证据", "{% if visit.evidence_before_visit %}received"
                                                    + _zh(bilingual, "已收到") + "{% else %}not received"
                                                    + _zh(bilingual, "未收到") + "{% endif %}"),
    ])
    L.tag("{%p if visit.notes %}")
    L.text("{{ visit.notes }}")
    L.tag("{%p endif %}")
    L.heading("1. Progress by area", "各领域进展")
    L.grid(
        headers=[("Area", "领域"), ("Items", "项目"), ("Done", "已完成"), ("Done with errors", "有错误"),
                 ("Not done", "未完成"), ("Not checked", "未核查"), ("Completed", "完成率")],
        row_cells=[
            [[("{{ x.area }}", {"bold": True})]] + ([[("{{ x.area_zh }}", {"colour": ZH_COLOUR})]] if bilingual
                                                   else []),
            [[("{{ x.total }}", {})]],
            [[("{{ x.done }}", {})]],
            [[("{{ x.wrong }}", {})]],
            [[("{{ x.not_done }}", {})]],
            [[("{{ x.not_checked }}", {})]],
            [[("{{ x.rate }}%", {"bold": True})]],
        ],
        widths=(5.6, 1.6, 1.8, 2.2, 1.8, 1.9, 2.1),
        loop="x in visit.areas",
        size=9,
    )
    L.heading("2. Items done correctly", "已正确完成的项目")
    L.tag("{%p if visit.done_items %}")
    L.bullets("r in visit.done_items", "No. {{ r.no }}: {{ r.title }}" + ("{% if r.title_zh %} · {{ r.title_zh }}"
                                                                   "{% endif %}" if bilingual else "")
              + "{% if r.note %} ({{ r.note }}){% endif %}")
    L.tag("{%p else %}")
    L.text("None at this visit.", "本次访问无。")
    L.tag("{%p endif %}")
    L.heading("3. Items to put right, and why", "需纠正的项目及原因")
    L.tag("{%p if visit.wrong_items %}")
    L.grid(
        headers=[("No.", "序号"), ("Finding", "发现的问题"), ("Result", "结论"), ("Why", "原因"),
                 ("New due date", "新截止日期")],
        row_cells=[
            [[("{{ r.no }}", {"bold": True})]],
            [[("{{ r.title }}", {"bold": True})]] + ([[("{{ r.title_zh }}", {"colour": ZH_COLOUR})]] if bilingual
                                                     else []) + [[("{{ r.area }}", {"colour": GREY})]],
            [[("{{ r.outcome|capitalize }}", {"bold": True})]] + ([[("{{ r.outcome_zh }}", {"colour": ZH_COLOUR})]]
                                                                  if bilingual else []),
            [[("{{ r.note or '—' }}", {})]],
            [[("{{ r.new_due_iso or '—' }}", {"bold": True})]],
        ],
        widths=(1.0, 5.6, 2.6, 5.4, 2.4),
        loop="r in visit.wrong_items",
        size=9,
    )
    L.tag("{%p else %}")
    L.text("None: every item checked was done correctly.", "无：所有核查项目均已正确完成。")
    L.tag("{%p endif %}")
    L.tag("{%p if visit.unchecked_items %}")
    L.heading("Not checked at this visit", "本次未核查的项目", level=2)
    L.bullets("r in visit.unchecked_items", "No. {{ r.no }}: {{ r.title }}{% if r.note %}: {{ r.note }}{% endif %}")
    L.tag("{%p endif %}")
    L.heading("4. Next steps", "后续步骤")
    L.text("{{ visit.open_count }} item{% if visit.open_count != 1 %}s remain{% else %} remains{% endif %} open"
           "{% if visit.next_due %}; the next is due on {{ visit.next_due }}{% endif %}. Items to put right are due "
           "again on the dates above; please send evidence as each is done, in the CAP tracker as before.",
           "尚有{{ visit.open_count }}项未关闭{% if visit.next_due_zh %}，最近的截止日期为{{ visit.next_due_zh }}"
           "{% endif %}。需纠正的项目请按上表新的截止日期完成，完成后请通过CAP跟踪表提交证据。")
    L.signature()
    return L.save("onsite_report_zh-en.docx" if bilingual else "onsite_report_en.docx")


def build_escalation_letter(bilingual: bool) -> Path:
    L = Letter("Escalation", bilingual, "Remediation escalation", "整改升级通知")
    L.date_and_recipient("{{ escalation.title }}: remediation at {{ supplier.name }}",
                         "{{ escalation.title_zh }}：{{ supplier.local_name or supplier.name }}整改情况")
    L.text("Dear {{ supplier.contact.name or 'Sir or Madam' }},", "尊敬的{{ supplier.contact.name or '先生/女士' }}：")
    L.text("Remediation of the corrective action plan at {{ supplier.name }} is not progressing fast enough: "
           "{{ escalation.overdue_items }} of {{ escalation.open_items }} open items are overdue"
           "{% if escalation.progress != '' %} and {{ escalation.progress }}% of the plan is completed{% endif %}. "
           "Reason for this step: {{ escalation.reason }}",
           "{{ supplier.local_name or supplier.name }}的纠正措施计划整改进度不足：{{ escalation.open_items }}项未完成项目中"
           "有{{ escalation.overdue_items }}项已逾期{% if escalation.progress != '' %}，计划完成率为"
           "{{ escalation.progress }}%{% endif %}。本步骤原因：{{ escalation.reason }}")
    L.tag("{%p if escalation.reasons %}")
    L.heading("What we found", "具体情况", level=2)
    L.bullets("r in escalation.reasons", "{{ r }}")
    L.tag("{%p endif %}")
    L.tag("{%p if escalation.exit %}")
    L.text([("We have decided to end our business relationship responsibly. ", {"bold": True}),
            ("We will agree with you an exit plan that protects your workers: notice, orders already placed, wages "
             "and benefits owed.", {})],
           [("我们已决定以负责任的方式结束合作关系。", {"bold": True}),
            ("我们将与贵厂商定保护工人利益的退出计划：提前通知、已下订单、应付工资及福利。", {})])
    L.tag("{%p elif escalation.suspension %}")
    L.text([("Our business with your factory is suspended ", {"bold": True}),
            ("until the overdue items are remediated and verified. No new orders will be placed.", {})],
           [("我们与贵厂的合作暂停，", {"bold": True}), ("直至逾期项目完成整改并经核实。在此期间不会下达新订单。", {})])
    L.tag("{%p elif escalation.warning %}")
    L.text([("This is a formal warning. ", {"bold": True}),
            ("If remediation does not improve, the next step is: {{ escalation.next_title|lower }}.", {})],
           [("这是正式警告。", {"bold": True}), ("如整改情况没有改善，下一步将是：{{ escalation.next_title_zh }}。", {})])
    L.tag("{%p else %}")
    L.text("Please let us know what is holding the work back and how we can help.",
           "请告知我们影响整改的原因，以及我们可以提供哪些帮助。")
    L.tag("{%p endif %}")
    L.heading("What we need from you", "需要贵厂采取的行动")
    L.steps([
        ("Send evidence for every overdue item, or a revised plan with realistic dates and the reason for the delay, "
         "within 14 days.", "请在14天内提交所有逾期项目的证据，或提交附有合理日期及延误原因的修订计划。"),
        ("Name the senior manager responsible for the plan.", "请指定负责该计划的高层管理人员。"),
    ])
    L.tag("{%p if escalation.history %}")
    L.heading("Steps taken so far", "此前已采取的步骤", level=2)
    L.bullets("h in escalation.history", "{{ h.date_iso }}: {{ h.title }}"
              + ("{{ '' }}" + SEPARATOR + "{{ h.title_zh }}" if bilingual else "") + " ({{ h.reason }})")
    L.tag("{%p endif %}")
    L.text("A copy of this letter goes to {{ supplier.sourcing_owner or 'our sourcing team' }}.",
           "本函抄送{{ supplier.sourcing_owner or '我司采购团队' }}。", size=9.5, colour=GREY)
    L.signature()
    return L.save("escalation_letter_zh-en.docx" if bilingual else "escalation_letter_en.docx")


def main() -> int:
    built = [build_cap_letter(False), build_cap_letter(True), build_overdue_reminder(), build_verification_result(),
             build_vetting_decision(), build_evidence_request(False), build_evidence_request(True),
             build_onsite_report(False), build_onsite_report(True), build_escalation_letter(False),
             build_escalation_letter(True), build_cap_returned(False), build_cap_returned(True)]
    for path in built:
        print(f"wrote {path.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
