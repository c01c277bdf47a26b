"""The program report, the scorecard and the public summary: the numbers in the files are the command line's,
the Word files hold their charts as images, an empty database is said plainly, and no complainant is ever named."""
import json
import re
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from csrdesk.cli import main

TODAY = date.today()


@pytest.fixture
def demo_db(db):
    from csrdesk.services.demo import generate_demo

    generate_demo(db, suppliers=24, findings_per_assessment=12, seed=7, today=TODAY)
    return db


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def doc_text(path):
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells), doc


def table_value(doc, title_cell: str):
    """The value beside a first-column cell in the document's tables (e.g. 'Overdue' -> '326')."""
    for t in doc.tables:
        for row in t.rows:
            if row.cells[0].text == title_cell:
                return row.cells[1].text
    raise AssertionError(f"no table row {title_cell!r}")


def test_report_numbers_agree_with_the_command_line(capsys, demo_db, tmp_path):
    """`report program --json` prints the figures the Word and Excel files hold: same sentences, same counts."""
    frm, to = (TODAY - timedelta(days=365)).isoformat(), TODAY.isoformat()
    docx_path, xlsx_path = tmp_path / "report.docx", tmp_path / "report.xlsx"
    dbarg = demo_db.url
    figures = json.loads(run(capsys, "--db", dbarg, "report", "program", "--from", frm, "--to", to, "--json"))
    run(capsys, "--db", dbarg, "report", "program", "--from", frm, "--to", to, "-o", str(docx_path))
    run(capsys, "--db", dbarg, "report", "program", "--from", frm, "--to", to, "-o", str(xlsx_path))
    text, doc = doc_text(docx_path)
    sections = figures["sections"]
    assert not figures["empty"] and figures["suppliers"] > 0
    for key, sec in sections.items():
        assert sec["title"] in text, key
        for sentence in sec["sentences"]:
            assert sentence in text, sentence
    caps = sections["caps"]
    assert table_value(doc, "Open") == f"{caps['open']:,}"
    assert table_value(doc, "Overdue") == f"{caps['overdue']:,}"
    assert table_value(doc, "Closed in the period") == f"{caps['closed_in_period']:,}"
    assert table_value(doc, "active") == f"{sections['suppliers']['by_status']['active']:,}"
    # The figures of every chart are in the Excel file, as numbers.
    wb = load_workbook(xlsx_path)
    sheet = wb["CAP progress"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Open"] == caps["open"] and rows["Overdue"] == caps["overdue"]
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r[0]]
    assert sections["assessments"]["sentences"][0] in summary


def test_word_report_holds_one_chart_per_section_with_data(demo_db, tmp_path):
    """Each section with figures draws one chart, embedded as an image in the Word file; written whole."""
    from csrdesk.services.reports import write_program_report

    out = write_program_report(demo_db, tmp_path / "r.docx", TODAY - timedelta(days=365), TODAY, today=TODAY)
    doc = Document(str(out.path))
    assert out.charts >= 8 and len(doc.inline_shapes) == out.charts
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_empty_database_says_so_without_charts(capsys, db, tmp_path):
    """With no supplier the report says there is nothing to report, and draws no empty chart."""
    path = tmp_path / "empty.docx"
    out = run(capsys, "--db", db.url, "report", "program", "-o", str(path))
    assert "nothing to report" in out
    text, doc = doc_text(path)
    assert "The database holds no suppliers yet" in text and len(doc.inline_shapes) == 0
    figures = json.loads(run(capsys, "--db", db.url, "report", "program", "--json"))
    assert figures["empty"] is True and figures["sections"] == {}


def test_bad_period_and_file_type_are_refused(capsys, demo_db, tmp_path):
    """A period that ends before it starts, or a .pdf output, is one clear error (exit 2) and no file."""
    code = main(["--db", demo_db.url, "report", "program", "--from", "2026-05-01", "--to", "2026-01-01"])
    assert code == 2 and "after it ends" in capsys.readouterr().err
    code = main(["--db", demo_db.url, "report", "program", "-o", str(tmp_path / "r.pdf")])
    assert code == 2 and ".docx or .xlsx" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))


def test_complaints_are_counted_never_named(capsys, demo_db, tmp_path):
    """A complainant's name is in no report: program report, scorecard or public summary."""
    from csrdesk.services.complaints import ComplaintInput, add_complaint
    from csrdesk.services.suppliers import list_suppliers

    code = list_suppliers(demo_db)[0].code
    add_complaint(demo_db, ComplaintInput(received=TODAY - timedelta(days=3), channel="hotline",
                                          supplier_code=code, provision="wages",
                                          summary="Wages paid late", complainant_name="Nguyen Thi Secret",
                                          contact="+84 90 000 0000"), today=TODAY)
    paths = [tmp_path / "p.docx", tmp_path / "s.docx", tmp_path / "pub.xlsx", tmp_path / "p.xlsx"]
    run(capsys, "--db", demo_db.url, "report", "program", "-o", str(paths[0]))
    run(capsys, "--db", demo_db.url, "report", "supplier", code, "-o", str(paths[1]))
    run(capsys, "--db", demo_db.url, "report", "public", "--year", str(TODAY.year), "-o", str(paths[2]))
    run(capsys, "--db", demo_db.url, "report", "program", "-o", str(paths[3]))
    for docx_path in paths[:2]:
        text, _doc = doc_text(docx_path)
        assert "Secret" not in text and "+84" not in text
    for xlsx_path in paths[2:]:
        cells = [str(v) for ws in load_workbook(xlsx_path) for r in ws.iter_rows(values_only=True) for v in r if v]
        assert not any("Secret" in c or "+84" in c for c in cells)
    card = json.loads(run(capsys, "--db", demo_db.url, "report", "supplier", code, "--json"))
    assert card["sections"]["complaints"]["complaints"] >= 1


def test_scorecard_has_its_score_chart_and_parts(capsys, demo_db, tmp_path):
    """The scorecard shows rating and why, the score chart as an image, open items, verification, complaints,
    certifications and vetting, in at most two pages' worth of tables."""
    from csrdesk.services.reports import write_scorecard
    from csrdesk.services.suppliers import list_suppliers

    row = max(list_suppliers(demo_db, today=TODAY), key=lambda r: (r.open_items, r.code))
    written = write_scorecard(demo_db, row.code, tmp_path / "card.docx", today=TODAY)
    text, doc = doc_text(written.path)
    assert len(doc.inline_shapes) == 1
    for title in ("Rating and why", "Open items", "Verification", "Worker complaints", "Certifications", "Vetting"):
        assert title in text
    assert f"{row.open_items:,} CAP item" in text and row.name in text


def test_scorecard_does_not_count_a_certificate_without_an_expiry_date_as_valid(db):
    """A WRAP certificate recorded without its expiry date: the scorecard counts no valid certificate and says why
    (it said "1 valid certificate: WRAP until no end date" while the rating did not count it)."""
    from csrdesk.services.scorecard import supplier_scorecard
    from csrdesk.services.suppliers import CertificationInput, SupplierInput, add_certification, create_supplier

    create_supplier(db, SupplierInput(name="Undated Cert Toys", code="CN-0300", country="China"))
    add_certification(db, "CN-0300", CertificationInput("WRAP", "W-1", TODAY - timedelta(days=30), None))
    card = supplier_scorecard(db, "CN-0300", today=TODAY)
    sentence = next(s for s in card.sections if s.key == "certifications").sentences[0]
    assert sentence.startswith("0 valid certificates.") and "Without an expiry date, so not counted: WRAP" in sentence


def test_public_summary_names_no_supplier_unless_asked(capsys, demo_db, tmp_path):
    """The public summary holds aggregates only; --with-names adds the factory list, names written as text."""
    from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers

    create_supplier(demo_db, SupplierInput(name="=HYPERLINK(\"http://x\")", country="China"), status="active")
    names = [r.name for r in list_suppliers(demo_db)]
    plain, named = tmp_path / "pub.xlsx", tmp_path / "named.xlsx"
    figures = json.loads(run(capsys, "--db", demo_db.url, "report", "public", "--year", str(TODAY.year),
                             "-o", str(plain), "--json"))
    assert figures["factories"] == len(names) - sum(1 for r in list_suppliers(demo_db) if r.status == "exited")
    assert "factory_list" not in figures
    cells = [v for ws in load_workbook(plain) for r in ws.iter_rows(values_only=True) for v in r if v]
    assert not set(names) & {c for c in cells if isinstance(c, str)}
    run(capsys, "--db", demo_db.url, "report", "public", "--year", str(TODAY.year), "-o", str(named),
        "--with-names")
    wb = load_workbook(named)
    found = [c for ws in wb for r in ws.iter_rows() for c in r if c.value == "=HYPERLINK(\"http://x\")"]
    assert found and found[0].data_type == "s"  # text, not a formula


@pytest.mark.libreoffice
def test_reports_open_in_libreoffice_english_and_bilingual(demo_db, tmp_path):
    """LibreOffice converts the English and the bilingual report to PDF; the text (and the Chinese headings) read back."""
    from tests.exchange.letter_support import SOFFICE, pdf_text

    from csrdesk.services.reports import write_program_report

    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is needed for this test")
    en = write_program_report(demo_db, tmp_path / "report_en.docx", today=TODAY)
    zh = write_program_report(demo_db, tmp_path / "report_zh.docx", lang="zh-en", today=TODAY)
    text = re.sub(r"\s+", " ", pdf_text(en.path, tmp_path))
    assert "CSR program report" in text and "CAP progress" in text and "Worker complaints" in text
    assert en.figures["sections"]["assessments"]["sentences"][0] in text
    zh_text = pdf_text(zh.path, tmp_path)
    assert "纠正措施计划进展" in zh_text and "工人投诉" in zh_text


def test_user_template_is_copied_edited_and_used(capsys, demo_db, tmp_path):
    """A copied report template, edited (a cover line with the company, the sections after it), makes the report;
    a template without the body marker, or with code the sandbox refuses, is refused and writes nothing."""
    from docx import Document as Doc

    from csrdesk.services.settings import set_preference

    set_preference(demo_db, "company", "Acme Apparel")
    out = json.loads(run(capsys, "--db", demo_db.url, "report", "template-copy", "program_report_en.docx", "--json"))
    path = out["path"]
    doc = Doc(path)
    marker = next(p for p in doc.paragraphs if p.text == "{{ report_body }}")
    marker.insert_paragraph_before("Prepared for the board of {{ company }}.")
    doc.save(path)
    listed = json.loads(run(capsys, "--db", demo_db.url, "report", "templates", "--json"))
    assert {"name": "program_report_en.docx", "source": "user"}.items() <= next(
        t for t in listed if t["name"] == "program_report_en.docx").items()
    report = tmp_path / "r.docx"
    run(capsys, "--db", demo_db.url, "report", "program", "-o", str(report))
    texts = [p.text for p in Doc(str(report)).paragraphs]
    cover = texts.index("Prepared for the board of Acme Apparel.")
    assert any(t.startswith("1. Suppliers by status") for t in texts[cover:])  # the sections come after it
    assert len(Doc(str(report)).inline_shapes) >= 8
    # Broken templates: refused in one line, nothing written.
    bad = Doc(path)
    next(p for p in bad.paragraphs if p.text == "{{ report_body }}").text = "no marker here"
    bad.save(tmp_path / "program_report_nomarker.docx")
    evil = Doc(path)
    evil.add_paragraph("{{ ''.__class__.__mro__ }}")
    evil.save(tmp_path / "program_report_evil.docx")
    for name, words in (("program_report_nomarker.docx", "report_body"), ("program_report_evil.docx", "sandbox")):
        target = tmp_path / f"out-{name}"
        code = main(["--db", demo_db.url, "report", "program", "-o", str(target), "--template",
                     str(tmp_path / name)])
        err = capsys.readouterr().err
        assert code == 2 and words in err and not target.exists()
