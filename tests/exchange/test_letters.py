"""CAP letters and the other letters: rendered from the default templates, opened again and read like a factory would."""
from __future__ import annotations

import zipfile
from datetime import date

import docx
import pytest

from csrdesk.exchange.letter_context import date_en, date_zh
from csrdesk.errors import UserError

from letter_support import (
    FINDINGS, SOFFICE, add_supplier, assert_valid_docx, brand_settings, docx_text, make_cap, pdf_text,
)

TODAY = date(2026, 1, 20)


@pytest.fixture
def cap(db):
    brand_settings(db)
    add_supplier(db, "CN-0001", name="Golden Thread Garments Co., Ltd")
    return make_cap(db, "CN-0001")


def _detail(db, cap_id):
    from csrdesk.services.caps import cap_detail

    return cap_detail(db, cap_id, TODAY)


def test_cap_letter_carries_supplier_rating_findings_and_due_dates(db, cap, tmp_path):
    """The English letter names the factory, the rating and what it means, every finding and every due date."""
    from csrdesk.services.letters import render_cap_letter

    path = render_cap_letter(db, cap, tmp_path / "letter.docx", today=TODAY)
    assert_valid_docx(path)
    text = docx_text(path)
    detail = _detail(db, cap)
    assert detail.rating == "Unsatisfactory"
    assert "Golden Thread Garments Co., Ltd" in text and "CN-0001" in text
    assert "Unsatisfactory" in text and "A follow-up assessment is required" in text
    assert "Score 39 from 3 findings" in text  # the reasons behind the rating, from the domain
    for _vt, title, _severity, law in FINDINGS:
        assert title in text
        assert law in text
    for item in detail.items:
        assert f"due {date_en(item.row.due_date)}" in text
        assert f"{item.days_allowed} days" in text
    assert "Northwind Apparel Ltd" in text and "12 Harbour Street · London E1 7AB" in text  # letterhead
    assert "Jane Doe" in text and "CSR Manager, Northwind Apparel Ltd" in text  # signature
    assert "to be completed by the factory" in text  # the factory's columns are still empty
    assert "纠正措施" not in text  # English only
    assert "REPEAT" not in text


def test_bilingual_letter_has_english_and_simplified_chinese(db, cap, tmp_path):
    """The zh-en letter writes every section in Chinese under the English, with library titles in Chinese."""
    from csrdesk.services.letters import render_cap_letter

    path = render_cap_letter(db, cap, tmp_path / "letter.docx", lang="zh-en", today=TODAY)
    text = docx_text(path)
    assert "Corrective Action Plan following the periodic assessment" in text
    assert "纠正措施计划（CAP）" in text and "评估结果" in text and "回复方式" in text
    assert "不满意" in text  # the rating in Chinese
    assert "工人支付了招聘费用或相关费用" in text  # the library's Chinese title of FRC-001
    assert "由工厂填写" in text
    assert date_zh(_detail(db, cap).response_due) in text


def test_language_follows_the_compliance_contact(db, tmp_path):
    """A Chinese-speaking contact gets the bilingual letter unless a language is asked for."""
    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0002", language="zh")
    cap_id = make_cap(db, "CN-0002")
    assert "评估结果" in docx_text(render_cap_letter(db, cap_id, tmp_path / "a.docx", today=TODAY))
    assert "评估结果" not in docx_text(render_cap_letter(db, cap_id, tmp_path / "b.docx", lang="en", today=TODAY))


def test_outside_text_is_written_literally_and_the_file_stays_valid(db, tmp_path):
    """A finding holding XML, ampersands, template tags and control characters prints as typed; Word can open it."""
    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0003", name="Smith & Sons <Knitwear>")
    nasty = 'Broken <w:p> tag & "quotes" {{ 7*7 }} {% if %} end'
    cap_id = make_cap(db, "CN-0003", [(None, nasty, "major", "Law <art. 1> & more")])
    from sqlalchemy import select

    from csrdesk.storage.models import Finding

    with db.transaction() as s:  # control characters as pasted from another program
        s.scalar(select(Finding).where(Finding.title == nasty)).description = "page\x0cbreak\x07bell\x00nul"
    path = render_cap_letter(db, cap_id, tmp_path / "letter.docx", today=TODAY)
    assert_valid_docx(path)
    text = docx_text(path)
    assert nasty in text and "pagebreakbellnul" in text
    assert "Smith & Sons <Knitwear>" in text and "Law <art. 1> & more" in text
    assert "49" not in text.split("Broken", 1)[1][:40]  # the tag in the finding was not evaluated
    with zipfile.ZipFile(path) as zf:
        assert "&lt;w:p&gt;" in zf.read("word/document.xml").decode("utf-8")


def test_line_breaks_and_tabs_in_values_become_word_breaks(db, cap, tmp_path):
    """A root cause typed on several lines keeps its lines in the letter, as Word line breaks in one cell."""
    from csrdesk.services.caps import update_item
    from csrdesk.services.letters import render_cap_letter

    first = _detail(db, cap).items[0].row.id
    update_item(db, first, root_cause="Why 1: no check\nWhy 2: no owner\tnoted")
    path = render_cap_letter(db, cap, tmp_path / "letter.docx", today=TODAY)
    assert_valid_docx(path)
    annex = docx.Document(str(path)).tables[-1]
    cell = annex.rows[1].cells[5].text
    assert cell == "Why 1: no check\nWhy 2: no owner\tnoted"
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "<w:br/>" in xml and "<w:tab/>" in xml


def test_factory_answers_show_in_the_letter(db, cap, tmp_path):
    """Root cause, preventive action and project leader returned by the factory replace the placeholders."""
    from csrdesk.services.caps import update_item
    from csrdesk.services.letters import render_cap_letter

    first = _detail(db, cap).items[0].row.id
    update_item(db, first, root_cause="Agents were paid per worker recruited", preventive_action="Direct hiring policy",
                project_leader="Wang Fang", planned_date=date(2026, 2, 1))
    text = docx_text(render_cap_letter(db, cap, tmp_path / "letter.docx", today=TODAY))
    assert "Agents were paid per worker recruited" in text and "Direct hiring policy" in text
    assert "Wang Fang" in text and "planned 1 February 2026" in text
    assert text.count("to be completed by the factory") == 2 * 3  # the two other items, three columns each


def test_zero_tolerance_letter_says_production_is_blocked(db, tmp_path):
    """A Zero Tolerance rating tells the factory that production is blocked; victims must be protected."""
    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0004")
    cap_id = make_cap(db, "CN-0004", [("FRC-003", "Workers' passports kept by the employer", "zero tolerance", "")])
    text = docx_text(render_cap_letter(db, cap_id, tmp_path / "letter.docx", today=TODAY))
    assert "Zero Tolerance" in text and "Production is blocked." in text
    assert "The facility may not be used for production." in text
    assert "fully protect the workers affected" in text
    assert "A follow-up assessment is required" not in text


def test_satisfactory_letter_blocks_nothing(db, tmp_path):
    """A minor finding gives a Satisfactory letter without the production or follow-up warnings."""
    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0005")
    cap_id = make_cap(db, "CN-0005", [(None, "Notice board missing the policy", "minor", "")])
    text = docx_text(render_cap_letter(db, cap_id, tmp_path / "letter.docx", today=TODAY))
    assert "Satisfactory" in text
    assert "Production is blocked" not in text and "A follow-up assessment is required" not in text
    assert "1 finding that need" in text


def test_overdue_reminder_lists_only_overdue_items(db, cap, tmp_path):
    """The reminder lists the items past their due date with the days overdue; none overdue is refused."""
    from csrdesk.services.letters import render_overdue_reminder

    items = _detail(db, cap).items
    late = max(i.row.due_date for i in items if i.days_allowed < 60)
    day = date.fromordinal(late.toordinal() + 3)
    path = render_overdue_reminder(db, cap, tmp_path / "reminder.docx", today=day)
    text = docx_text(path)
    overdue = [i for i in items if i.row.due_date < day]
    not_yet = [i for i in items if i.row.due_date >= day]
    assert overdue and not_yet
    for i in overdue:
        assert i.row.finding in text and str((day - i.row.due_date).days) in text
    for i in not_yet:
        assert i.row.finding not in text
    assert f"Reminder: {len(overdue)} corrective action" in text
    with pytest.raises(UserError, match="no overdue items"):
        render_overdue_reminder(db, cap, tmp_path / "none.docx", today=date(2026, 1, 11))
    assert not (tmp_path / "none.docx").exists()


def test_verification_letter_reports_each_outcome(db, cap, tmp_path):
    """The verification letter gives the visit, the progress category and each item's outcome with notes."""
    from csrdesk.services.letters import render_verification_letter
    from csrdesk.storage.models import VerificationResult, VerificationVisit

    items = _detail(db, cap).items
    with db.transaction() as s:
        visit = VerificationVisit(cap_id=cap, visit_date=date(2026, 3, 1), verifier="B. Verifier", progress_category=3,
                                  escalated=True, notes="Fees partly repaid.")
        visit.results = [VerificationResult(cap_item_id=items[0].row.id, outcome="done with errors", notes="Half repaid"),
                         VerificationResult(cap_item_id=items[2].row.id, outcome="done correctly", notes="Kit full")]
        s.add(visit)
    text = docx_text(render_verification_letter(db, cap, tmp_path / "v.docx", today=TODAY))
    assert "Result of the verification visit on 1 March 2026" in text
    assert "3: Verified evidence, but erring in some aspects of remediation." in text
    assert "Done with errors" in text and "Half repaid" in text and "Done correctly" in text
    assert "1 done correctly, 1 done with errors, 0 not done" in text
    assert "Escalation." in text and "Fees partly repaid." in text
    assert items[1].row.finding not in text  # not judged at this visit


def _good_answers(template):
    """The answers of a fully compliant supplier to every question of a checklist."""
    from datetime import timedelta

    from csrdesk.services.vetting import AnswerInput

    out = {}
    for q in template.questions():
        if q.type == "yesno":
            value = q.expected
        elif q.type == "choice":
            value = max(q.options, key=lambda o: o.score).value
        elif q.type == "number":
            value = q.good_min if q.good_min is not None else (q.good_max if q.good_max is not None else 10)
        elif q.type == "date":
            value = date.today() + timedelta(days=5)
        else:
            value = "Filled in"
        out[q.id] = AnswerInput(value, evidence="evidence.pdf" if q.evidence else "")
    return out


def test_vetting_letter_gives_decision_and_conditions(db, tmp_path):
    """A decided vetting screen gives a letter with the decision and each condition with its due date."""
    from csrdesk.services.letters import render_vetting_letter
    from csrdesk.services.vetting import ConditionInput, decide_screen, save_answers, start_screen

    brand_settings(db)
    add_supplier(db, "CN-0006", name="Sunrise Toys Ltd")
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0006")
    save_answers(db, screen.id, _good_answers(screen.template))
    decide_screen(db, screen.id, "approve with conditions", "Jane Doe", decided_on=date(2026, 1, 5),
                  conditions=[ConditionInput("Run a dormitory fire drill", date(2026, 3, 31))])
    text = docx_text(render_vetting_letter(db, screen.id, tmp_path / "vet.docx", today=TODAY))
    assert "Supplier approval decision: Approved with conditions" in text
    assert "Run a dormitory fire drill" in text and "31 March 2026" in text and "Sunrise Toys Ltd" in text
    assert "Requirements not met" not in text


def test_vetting_letter_says_what_the_score_is_out_of(db, tmp_path):
    """The letter's score has its scale and the checklist's thresholds ("Score 59.7" alone meant nothing)."""
    from csrdesk.services.letters import render_vetting_letter
    from csrdesk.services.vetting import decide_screen, save_answers, screen_detail, start_screen

    brand_settings(db)
    add_supplier(db, "CN-0016", name="Scale Toys Ltd")
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0016")
    save_answers(db, screen.id, _good_answers(screen.template))
    decide_screen(db, screen.id, "approve", "Jane Doe", decided_on=date(2026, 1, 5))
    detail = screen_detail(db, screen.id)
    score, t = detail.evaluation.score, detail.template.thresholds
    text = docx_text(render_vetting_letter(db, screen.id, tmp_path / "vet.docx", today=TODAY))
    assert (f"{round(score, 1):g} out of 100 (the share of the checklist's weighted answers met; approval from "
            f"{t.approve:g}, with conditions from {t.conditional:g})") in text, text


def test_vetting_letter_never_promises_what_the_gate_refuses(db, tmp_path):
    """Approved at screening but no pre-production assessment yet: the letter says approval for production is not
    complete and what it still needs, never "approved for production"; once the assessment is in, it does say so."""
    from csrdesk.services.assessments import AssessmentInput, record_assessment
    from csrdesk.services.letters import render_vetting_letter
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.vetting import decide_screen, save_answers, start_screen

    brand_settings(db)
    create_supplier(db, SupplierInput(name="Dawn Toys Ltd", code="CN-0007", country="China"), status="vetting")
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0007")
    save_answers(db, screen.id, _good_answers(screen.template))
    decide_screen(db, screen.id, "approve", "Jane Doe", decided_on=date(2026, 1, 5))
    text = docx_text(render_vetting_letter(db, screen.id, tmp_path / "vet.docx", today=TODAY))
    assert "approved for production." not in text
    assert "not complete yet" in text and "pre-production assessment" in text
    record_assessment(db, AssessmentInput("CN-0007", date(2026, 1, 8), assessment_type="pre-production"))
    text = docx_text(render_vetting_letter(db, screen.id, tmp_path / "vet2.docx", today=TODAY))
    assert "The supplier is approved for production." in text and "not complete yet" not in text


def test_undecided_vetting_screen_is_refused(db, tmp_path):
    """A screen without a decision gets no decision letter, and no file is written."""
    from csrdesk.services.letters import render_vetting_letter
    from csrdesk.services.vetting import start_screen

    add_supplier(db, "CN-0007")
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0007")
    with pytest.raises(UserError, match="no decision"):
        render_vetting_letter(db, screen.id, tmp_path / "vet.docx")
    assert not (tmp_path / "vet.docx").exists()


def test_letter_with_87_findings_renders_every_row(db, tmp_path):
    """The large-programme case: 87 findings give 87 rows in the annex table, numbered 1 to 87."""
    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0087")
    cap_id = make_cap(db, "CN-0087", [(None, f"Finding number {n}", "minor", f"Rule {n}") for n in range(1, 88)])
    path = render_cap_letter(db, cap_id, tmp_path / "big.docx", today=TODAY)
    document = docx.Document(str(path))
    annex = document.tables[-1]
    assert len(annex.rows) == 1 + 87
    assert [annex.rows[r].cells[0].text for r in (1, 87)] == ["1", "87"]
    assert "Finding number 87" in annex.rows[87].cells[1].text


def test_user_copy_of_a_template_overrides_the_default(db, cap, tmp_path):
    """'Copy a default to edit': the edited copy in the data folder is used instead of the default of its name."""
    from csrdesk.services.letters import copy_default_template, list_templates, render_cap_letter

    copy = copy_default_template("cap_letter_en.docx")
    document = docx.Document(str(copy))
    document.paragraphs[0].insert_paragraph_before("Edited by our team for {{ supplier.code }}")
    document.save(str(copy))
    text = docx_text(render_cap_letter(db, cap, tmp_path / "letter.docx", today=TODAY))
    assert "Edited by our team for CN-0001" in text
    rows = {(t.name, t.source): t for t in list_templates("cap_letter")}
    assert rows[("cap_letter_en.docx", "user")].overrides_default
    assert not rows[("cap_letter_en.docx", "default")].in_use
    with pytest.raises(UserError, match="already a template"):
        copy_default_template("cap_letter_en.docx")
    named = copy_default_template("cap_letter_en.docx", "cap_letter_formal")
    assert named.name == "cap_letter_formal.docx"
    text = docx_text(render_cap_letter(db, cap, tmp_path / "formal.docx", template="cap_letter_formal", today=TODAY))
    assert "Edited by our team" not in text and "Golden Thread" in text


def test_bad_requests_are_refused_without_writing(db, cap, tmp_path):
    """Unknown CAP, wrong extension, unknown template or language: one clear message and no file."""
    from csrdesk.services.letters import render_cap_letter

    with pytest.raises(UserError, match="No CAP #999"):
        render_cap_letter(db, 999, tmp_path / "a.docx")
    with pytest.raises(UserError, match="must end in .docx"):
        render_cap_letter(db, cap, tmp_path / "a.pdf")
    with pytest.raises(UserError, match="No template named 'nope'"):
        render_cap_letter(db, cap, tmp_path / "a.docx", template="nope")
    with pytest.raises(UserError, match="Letter language"):
        render_cap_letter(db, cap, tmp_path / "a.docx", lang="fr")
    with pytest.raises(UserError, match="is for overdue reminder"):
        render_cap_letter(db, cap, tmp_path / "a.docx", template="overdue_reminder_en")
    assert list(tmp_path.glob("*.docx")) == [] and list(tmp_path.glob(".*.part")) == []


def test_command_line_letter_and_email(db, cap, tmp_path, capsys):
    """`csrdesk letter` and `csrdesk email` write the files and report them as JSON."""
    import json

    from csrdesk.cli import main

    out = tmp_path / "cli letter.docx"
    assert main(["--db", db.url, "letter", str(cap), "-o", str(out), "--lang", "zh-en", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == str(out.resolve())
    assert "评估结果" in docx_text(out)
    eml = tmp_path / "draft.eml"
    assert main(["--db", db.url, "email", str(cap), "-o", str(eml), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["to"] == "factory@example.com" and len(report["attachments"]) == 2 and eml.is_file()
    assert main(["--db", db.url, "letter", "999", "-o", str(tmp_path / "x.docx")]) == 2
    assert "No CAP #999" in capsys.readouterr().err


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_letter_converts_to_pdf_with_its_text(db, cap, tmp_path):
    """LibreOffice opens the bilingual letter and prints it to PDF with the factory, rating, findings and Chinese."""
    from csrdesk.services.letters import render_cap_letter

    path = render_cap_letter(db, cap, tmp_path / "letter.docx", lang="zh-en", today=TODAY)
    text = " ".join(pdf_text(path, tmp_path).split())
    assert "Golden Thread Garments Co., Ltd" in text
    assert "Unsatisfactory" in text and "不满意" in text
    assert "Workers paid recruitment fees to an agent" in text
    assert "评估结果" in text and "纠正措施计划" in text
    assert "First-aid kit incomplete" in text


def _reference(db, cap_id):
    from csrdesk.services.letters import cap_letter_context

    return cap_letter_context(db, cap_id, lang="zh-en", today=TODAY)["letter"]["reference"]


def test_bilingual_labels_come_before_their_value(db, cap, tmp_path):
    """In the bilingual letter every labelled line reads "Label / 标签: value": the reference, the addressee, the
    running header, the page number, and the annex's law, code, due and planned lines; no Chinese label dangles."""
    from csrdesk.services.caps import update_item
    from csrdesk.services.letters import render_cap_letter

    first = _detail(db, cap).items[0].row.id
    update_item(db, first, project_leader="Wang Fang", planned_date=date(2026, 2, 1))
    reference = _reference(db, cap)
    text = docx_text(render_cap_letter(db, cap, tmp_path / "letter.docx", lang="zh-en", today=TODAY))
    assert f"Our reference / 我方编号: {reference}" in text
    assert f"{reference} 我方编号" not in text and f"{reference}   我方编号" not in text
    assert "Attn / 收件人: Chen Jing" in text
    assert f"Corrective Action Plan / 纠正措施计划: {reference}" in text
    assert "Page / 页: " in text
    assert "Legal / 法律: Labour Contract Law art. 9" in text and "Code / 准则: " in text
    assert "Due / 截止: 20" in text and "Planned / 计划: 2026-02-01" in text
    assert "to be completed by the factory / 由工厂填写" in text
    english = docx_text(render_cap_letter(db, cap, tmp_path / "letter-en.docx", lang="en", today=TODAY))
    assert f"Our reference: {reference}" in english and "我方编号" not in english and " / " not in english.split(
        "Our reference")[1].split("\n")[0]


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_bilingual_reference_line_prints_label_first(db, cap, tmp_path):
    """Printed by LibreOffice, the bilingual reference line is "Our reference / 我方编号: CAP-…" on one line."""
    from csrdesk.services.letters import render_cap_letter

    reference = _reference(db, cap)
    path = render_cap_letter(db, cap, tmp_path / "letter.docx", lang="zh-en", today=TODAY)
    lines = [" ".join(line.split()) for line in pdf_text(path, tmp_path).splitlines()]
    assert f"Our reference / 我方编号: {reference}" in lines
    assert not [line for line in lines if line.endswith("我方编号")]


@pytest.mark.parametrize("name", ["cap_letter_en.docx", "cap_letter_zh-en.docx", "overdue_reminder_en.docx",
                                  "verification_result_en.docx", "email_cap_en.j2", "email_cap_zh.j2"])
def test_default_templates_read_well_without_a_reply_date(name, tmp_path):
    """Every default letter reads as prose with and without a reply date: no "by within", no "None", no stray tags
    (read once in English and Chinese)."""
    import copy

    from csrdesk import paths
    from csrdesk.exchange.letter_context import sample_context
    from csrdesk.exchange.letters import kind_of, load_template, render_docx, render_text

    template = load_template(paths.resource("templates", name))
    kind = kind_of(name)
    lang = "zh-en" if "zh" in name else "en"
    for with_date in (True, False):
        ctx = copy.deepcopy(sample_context(kind, lang))
        if not with_date:
            for key in ("by", "by_zh", "by_iso"):
                ctx.get("respond", {})[key] = ""
        if name.endswith(".j2"):
            text = render_text(template, ctx)
        else:
            out = render_docx(template, ctx, tmp_path / f"{with_date}-{name}")
            document = docx.Document(str(out))
            text = "\n".join([p.text for p in document.paragraphs]
                             + [c.text for t in document.tables for r in t.rows for c in r.cells])
        for glitch in ("by within", "by 14 days", "None", "{{", "{%", "by by"):
            assert glitch not in text, (name, with_date, glitch)


def test_a_signature_starting_with_a_closing_is_not_doubled(db, cap, tmp_path):
    """Following the old Settings hint ("Kind regards, ...") gives one closing in letters and in e-mails."""
    import email
    from email import policy

    from csrdesk.exchange.letter_context import signature_lines
    from csrdesk.services.letters import make_email_draft_detail, render_cap_letter
    from csrdesk.services.settings import Preferences, save_preferences

    assert signature_lines("Kind regards,\nAnna Berg\nCSR Manager") == ["Anna Berg", "CSR Manager"]
    assert signature_lines("此致\n敬礼\n王芳") == ["王芳"]
    assert signature_lines("Anna Berg\nRegards Team Lead") == ["Anna Berg", "Regards Team Lead"]
    save_preferences(db, Preferences(user_name="Anna Berg", company="Northwind Apparel",
                                     signature="Kind regards,\nAnna Berg\nCSR Manager, Northwind Apparel"))
    text = docx_text(render_cap_letter(db, cap, tmp_path / "l.docx", today=TODAY))
    assert text.count("Yours sincerely,") == 1 and "Kind regards" not in text and "Anna Berg" in text
    draft = make_email_draft_detail(db, cap, tmp_path)
    body = email.message_from_bytes(draft.path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert body.count("Kind regards") == 1 and "Anna Berg" in body


def test_vetting_letter_names_the_supplier_once(db, tmp_path):
    """The decision letter's Supplier row reads "Sunset Knit Ltd (CN-0008)", not "CN-0008 Sunset Knit Ltd (CN-0008)",
    and the opening names the supplier, not its code and name."""
    from csrdesk.services.letters import render_vetting_letter
    from csrdesk.services.vetting import decide_screen, save_answers, start_screen

    brand_settings(db)
    add_supplier(db, "CN-0008", name="Sunset Knit Ltd")
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0008")
    save_answers(db, screen.id, _good_answers(screen.template))
    decide_screen(db, screen.id, "reject", "Jane Doe", decided_on=date(2026, 1, 5))
    text = docx_text(render_vetting_letter(db, screen.id, tmp_path / "vet.docx", today=TODAY))
    assert "Sunset Knit Ltd (CN-0008)" in text
    assert "CN-0008 Sunset Knit Ltd" not in text
    assert "We have reviewed Sunset Knit Ltd against" in text
