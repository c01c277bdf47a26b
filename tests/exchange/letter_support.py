"""Helpers for the letter tests: a CAP with real library findings, the brand's settings, reading letters back."""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Optional

import docx
from lxml import etree

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")

# (violation type from the library or None, title, severity, legal requirement)
FINDINGS = [
    ("FRC-001", "Workers paid recruitment fees to an agent", "critical", "Labour Contract Law art. 9"),
    (None, "Overtime above 36 hours a month for 12 of 20 sampled workers", "major", "Labour Law art. 41"),
    (None, "First-aid kit incomplete on the cutting floor", "minor", "Work Safety Law art. 45"),
]


def brand_settings(db) -> None:
    from csrdesk.services.settings import Preferences, save_preferences

    save_preferences(db, Preferences(
        user_name="Jane Doe", user_title="CSR Manager", user_email="csr@northwind.example",
        company="Northwind Apparel Ltd", company_address="12 Harbour Street\nLondon E1 7AB",
        signature="Jane Doe\nCSR Manager, Northwind Apparel Ltd",
    ))


def add_supplier(db, code: str, *, language: str = "en", email: Optional[str] = "factory@example.com",
                 name: Optional[str] = None) -> None:
    from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier

    contacts = [ContactInput(role="compliance contact", name="Chen Jing", email=email or "", language=language)]
    create_supplier(db, SupplierInput(
        name=name or f"Factory {code}", code=code, country="China", address="1 Mill Road\nNingbo",
        sourcing_owner="Tom Buyer", sourcing_owner_email="tom.buyer@northwind.example", contacts=contacts,
    ), status="active")


def make_cap(db, supplier_code: str = "CN-0001", findings=FINDINGS, *, on: date = date(2026, 1, 10),
             sent: bool = True, sent_on: Optional[date] = None, denied: bool = False) -> int:
    """Records an assessment with these findings (CAP sent on `sent_on`); returns the CAP id."""
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.caps import change_cap_status

    detail = record_assessment(db, AssessmentInput(
        supplier_code=supplier_code, date=on, audit_firm="Example Audits Ltd", auditor="A. Auditor",
        standard="Northwind Code of Conduct", denied=denied,
        findings=[FindingInput(title, severity, violation_type=vt, legal_requirement=law,
                               description=f"Observed during the visit: {title.lower()}.")
                  for vt, title, severity, law in findings],
    ))
    if sent and detail.cap_id:
        change_cap_status(db, detail.cap_id, "sent", today=sent_on or on)
    return detail.cap_id


def docx_text(path: Path) -> str:
    """All the text a reader sees: body paragraphs, table cells, headers and footers."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


def assert_valid_docx(path: Path) -> None:
    """Every XML part of the file parses strictly (Word refuses a file whose XML is damaged)."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(zf.read(name))


def pdf_text(docx_path: Path, workdir: Path) -> str:
    """Converts a letter to PDF with LibreOffice (a private profile, so parallel runs do not clash) and reads
    its text back: with pdftotext where installed, else LibreOffice's own text export of the PDF's source."""
    out = workdir / "pdf"
    out.mkdir(exist_ok=True)
    profile = (workdir / "lo-profile").resolve().as_uri()
    env = dict(os.environ, HOME=str(workdir))
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(out), str(docx_path)], check=True, capture_output=True, timeout=240, env=env)
    pdf = out / (docx_path.stem + ".pdf")
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", "LibreOffice did not write a PDF"
    if PDFTOTEXT:
        result = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        return result.stdout.decode("utf-8")
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "txt:Text (encoded):UTF8",
                    "--outdir", str(out), str(docx_path)], check=True, capture_output=True, timeout=240, env=env)
    return (out / (docx_path.stem + ".txt")).read_text(encoding="utf-8-sig")
