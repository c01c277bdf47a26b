"""The law library at work: a new finding's legal requirement, a supplier's region, and findings citing a figure
that changed."""
from datetime import date

from openpyxl import load_workbook

from csrdesk.services import laws
from csrdesk.services.assessments import AssessmentInput, FindingInput, assessment_detail, record_assessment, \
    update_assessment
from csrdesk.services.laws import LawInput
from csrdesk.services.library import get_violation_type
from csrdesk.services.suppliers import SupplierInput, create_supplier, supplier_input_from_detail, update_supplier


def _shanghai(db):
    return create_supplier(db, SupplierInput(name="Pudong Knit Co.", code="CN-0101", country="China",
                                             address="No. 8 Jinqiao Road, Pudong, Shanghai"))


def test_library_types_point_to_the_law_librarys_topics(db):
    """The finding types carry the precise legal topics the law library is organised by."""
    assert get_violation_type(db, "WAG-001").legal_topic == "minimum wage"
    assert get_violation_type(db, "HRS-002").legal_topic == "overtime limit"
    assert get_violation_type(db, "HRS-001").legal_topic == "regular hours"
    assert get_violation_type(db, "WAG-011").legal_topic == "maternity"
    assert get_violation_type(db, "CHL-001").legal_topic == "minimum age"


def test_supplier_region_guessed_from_the_address_and_settable(db):
    """A Shanghai address gives the region Shanghai; a region typed by the user wins over the guess."""
    d = _shanghai(db)
    assert d.region == "Shanghai"
    data = supplier_input_from_detail(d)
    data.region = "West Java -  Bekasi Regency"
    assert update_supplier(db, "CN-0101", data).region == "West Java - Bekasi Regency"


def test_new_finding_gets_the_legal_requirement_of_its_country_region_and_topic(db):
    """A minimum-wage finding at a Shanghai factory cites Shanghai's wage in force on the audit date, with its
    source; an overtime finding cites China's limit; a type with no entry, and text the auditor wrote, are left."""
    _shanghai(db)
    d = record_assessment(db, AssessmentInput("CN-0101", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001"),
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002"),
        FindingInput("Wages paid late", "major", violation_type="WAG-004", legal_requirement="Auditor's own text"),
        FindingInput("No written social compliance policy", "minor", violation_type="MGT-001"),
    ]))
    wage, overtime, late, policy = d.findings
    assert "2,740 CNY/month, in force from 1 July 2025" in wage.legal_requirement
    assert "Source: Shanghai Municipal Human Resources and Social Security Bureau" in wage.legal_requirement
    assert wage.law_reference_id is not None
    assert "36 hours a month" in overtime.legal_requirement and "Art. 41" in overtime.legal_requirement
    assert late.legal_requirement == "Auditor's own text" and late.law_reference_id is None
    assert policy.legal_requirement == "" and policy.law_reference_id is None


def test_missing_entry_leaves_the_field_for_the_user(db):
    """A Zhejiang factory has no minimum-wage entry (China's wages are set by province): the field stays empty."""
    create_supplier(db, SupplierInput(name="Ningbo Toys", code="CN-0102", country="China", address="Ningbo, Zhejiang"))
    d = record_assessment(db, AssessmentInput("CN-0102", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    assert d.findings[0].legal_requirement == "" and d.findings[0].law_reference_id is None


def test_editing_an_assessment_keeps_the_citation(db):
    """Saving the assessment again (the editor sends its findings back) keeps each finding's law reference."""
    _shanghai(db)
    d = record_assessment(db, AssessmentInput("CN-0101", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    f = d.findings[0]
    again = update_assessment(db, d.id, AssessmentInput("CN-0101", date(2026, 3, 1), findings=[
        FindingInput(f.title, f.severity, violation_type="WAG-001", legal_requirement=f.legal_requirement,
                     finding_id=f.id)]))
    assert again.findings[0].law_reference_id == f.law_reference_id


def test_a_new_minimum_wage_lists_the_open_findings_citing_the_old_one(db, tmp_path):
    """Entering Shanghai's next minimum wage names the open finding that cites the 2025 figure; importing the same
    change in a workbook says so in its preview."""
    _shanghai(db)
    d = record_assessment(db, AssessmentInput("CN-0101", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001"),
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002")]))
    wage = d.findings[0]

    path = tmp_path / "laws.xlsx"
    laws.export_laws(db, path, country="China")
    book = load_workbook(path)
    ws = book["Laws"]
    r = ws.max_row + 1
    for col, value in ((2, "China"), (3, "Shanghai"), (4, "minimum wage"), (5, "Pay at least the 2026 minimum."),
                       (6, 2800), (7, "CNY/month"), (9, "2026-07-01"), (10, "Shanghai notice 2026")):
        ws.cell(r, col).value = value
    book.save(path)
    preview = laws.preview_laws_import(db, path, today=date(2026, 8, 1))
    assert [o.finding_id for o in preview.outdated] == [wage.id]
    assert "2,740 CNY/month" in preview.outdated[0].cites and "2,800 CNY/month" in preview.outdated[0].now

    change = laws.save_law(db, LawInput(country="China", region="Shanghai", topic="minimum wage",
                                        requirement="Pay at least the 2026 minimum.", value=2800, unit="CNY/month",
                                        effective=date(2026, 7, 1)), today=date(2026, 8, 1))
    assert [(o.finding_id, o.supplier_code, o.assessment_id) for o in change.outdated] == [(wage.id, "CN-0101", d.id)]
    assert assessment_detail(db, d.id).findings[0].legal_requirement == wage.legal_requirement  # the user decides


def test_deleting_a_cited_entry_keeps_the_findings_text(db):
    """Deleting the entry a finding cites names the finding, keeps its legal requirement and clears the link."""
    _shanghai(db)
    d = record_assessment(db, AssessmentInput("CN-0101", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    wage = d.findings[0]
    change = laws.delete_law(db, wage.law_reference_id)
    assert [o.finding_id for o in change.outdated] == [wage.id]
    after = assessment_detail(db, d.id).findings[0]
    assert after.legal_requirement == wage.legal_requirement and after.law_reference_id is None
