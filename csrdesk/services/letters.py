"""Letters and e-mail drafts for factories: CAP letters, overdue reminders, verification and vetting letters.

One function per letter. Each reads what the letter needs in one session, builds the plain context
(exchange.letter_context), checks the template (defaults in resources/templates, the user's copies in the data
folder override them by name) and renders it. Templates are documented in docs/templates.md.

run_batch writes letters, trackers and e-mail drafts for many CAPs at once, with progress and cancel. What happens
when one CAP fails: its problem is reported (supplier, CAP and the message) and the batch goes on with the rest,
because one factory without a contact e-mail should not hold back letters to 599 others. Two things stop the whole
batch instead: a template that is refused (every letter would fail the same way, so the user hears it once, before
anything is written) and cancel. Files already written stay: each was written whole (through a temporary file), and
the result lists them. Bugs are logged with their traceback and reported as the CAP's failure.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csrdesk import paths
from csrdesk.domain.caps import progress_rate
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.domain.ratings import AssessmentFacts, follow_up_due_after
from csrdesk.domain.reporting import plural
from csrdesk.exchange import email_draft
from csrdesk.exchange import letter_context as lc
from csrdesk.exchange.letters import (
    KINDS, TemplateFile, TemplateRefused, check_template, kind_of, load_template, render_docx, render_text,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.progress import NO_PROGRESS, Cancelled, Progress
from csrdesk.services.ratings import rate, standing
from csrdesk.services.settings import LANGUAGES, Preferences, load_preferences
from csrdesk.services.trackers import export_tracker
from csrdesk.services.team_folder import team_templates_folder
from csrdesk.services.vetting import vetting_letter_context
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, FindingCategory, Supplier, VerificationVisit, VettingScreen,
    ViolationType,
)

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".docx", ".j2", ".txt")
EMAIL_LANGUAGES = ("en", "zh")


# --- templates: defaults and the user's copies ------------------------------------------------------------------

@dataclass(frozen=True)
class TemplateInfo:
    """A letter or e-mail template: built-in, the team's or the user's, and whether it is the one used."""

    name: str
    kind: str
    path: Path
    source: str  # 'default', 'team' (shared by the team's database) or 'user' (this computer's templates folder)
    overrides_default: bool  # a copy with a default's (or the team's) name, used instead of it
    in_use: bool  # False for a template hidden by a copy of the same name (user over team over default)


def default_templates_dir() -> Path:
    return paths.resource("templates")


def template_folders() -> list[Path]:
    """Where templates are looked for, first found wins: this computer's templates folder, the team's shared
    templates (a shared database), the defaults."""
    team = team_templates_folder()
    return [paths.user_templates_dir()] + ([team] if team else []) + [default_templates_dir()]


def list_templates(kind: Optional[str] = None) -> list[TemplateInfo]:
    """Every template, defaults and the user's copies; a user copy with a default's name overrides it."""
    defaults = {p.name: p for p in _template_files(default_templates_dir())}
    users = {p.name: p for p in _template_files(paths.user_templates_dir())}
    team_folder = team_templates_folder()
    team = {p.name: p for p in _template_files(team_folder)} if team_folder else {}
    out = []
    for name, path in sorted(users.items()):
        k = kind_of(name)
        if k:
            out.append(TemplateInfo(name, k, path, "user", name in defaults or name in team, True))
    for name, path in sorted(team.items()):
        k = kind_of(name)
        if k:
            out.append(TemplateInfo(name, k, path, "team", name in defaults, name not in users))
    for name, path in sorted(defaults.items()):
        k = kind_of(name)
        if k:
            out.append(TemplateInfo(name, k, path, "default", False, name not in users and name not in team))
    if kind:
        out = [t for t in out if t.kind == kind]
    order = {"user": 0, "team": 1, "default": 2}
    return sorted(out, key=lambda t: (KINDS.index(t.kind), t.name, order[t.source]))


def _template_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES
            and not p.name.startswith((".", "~$"))]


def find_template(name: str, kind: Optional[str] = None) -> Path:
    """The file of a template by name (with or without extension), a user copy first; or a path to a file."""
    text = str(name or "").strip()
    if not text:
        raise UserError("No template name was given.")
    candidate = Path(text).expanduser()
    if candidate.is_file() and (candidate.is_absolute() or "/" in text or "\\" in text):
        return candidate
    if "/" in text or "\\" in text:
        raise UserError(f"The template file {text} does not exist.")
    names = [text] if Path(text).suffix.lower() in TEMPLATE_SUFFIXES else [text + s for s in TEMPLATE_SUFFIXES]
    for folder in template_folders():
        for n in names:
            path = folder / n
            if path.is_file():
                return path
    available = ", ".join(sorted({t.name for t in list_templates(kind)})) or "none"
    raise UserError(f"No template named {text!r}. Available: {available}.")


def copy_default_template(name: str, new_name: Optional[str] = None) -> Path:
    """Copies a default template into the user's templates folder to edit; a same-named copy then overrides it."""
    source = default_templates_dir() / name
    if not source.is_file():
        source = next((default_templates_dir() / (name + s) for s in TEMPLATE_SUFFIXES
                       if (default_templates_dir() / (name + s)).is_file()), source)
    if not source.is_file():
        defaults = ", ".join(t.name for t in list_templates() if t.source == "default")
        raise UserError(f"No default template named {name!r}. Defaults: {defaults}.")
    target_name = (new_name or source.name).strip()
    if Path(target_name).suffix.lower() != source.suffix.lower():
        target_name += source.suffix
    if Path(target_name).name != target_name or target_name.startswith("."):
        raise UserError(f"{target_name!r} is not a plain file name.")
    if kind_of(target_name) != kind_of(source.name):
        raise UserError(f"The copy's name must start with {kind_of(source.name)} so it is used for the same letters.")
    target = paths.user_templates_dir() / target_name
    if target.exists():
        raise UserError(f"There is already a template {target_name} in {target.parent}; edit that one.")
    shutil.copyfile(source, target)
    return target


def check_template_file(name_or_path: str) -> TemplateInfo:
    """Checks one template as it would be checked before use; raises TemplateRefused naming the problem."""
    path = find_template(name_or_path)
    template = load_template(path)
    check_template(template, lc.sample_context(template.kind, _sample_lang(template)))
    team = team_templates_folder()
    source = "user" if paths.user_templates_dir() in path.parents else \
        "team" if team is not None and team in path.parents else "default"
    return TemplateInfo(path.name, template.kind, path, source,
                        source != "default" and (default_templates_dir() / path.name).is_file(), True)


def _sample_lang(template: TemplateFile) -> str:
    name = template.name.lower()
    if template.kind.startswith("email_"):
        return "zh" if "_zh" in name else "en"
    return "zh-en" if "zh" in name else "en"


def resolve_template(kind: str, template: Optional[str], lang: str) -> TemplateFile:
    """The checked template for a letter kind: the one named, else the default for the language (a user copy first)."""
    if template:
        path = find_template(template, kind)
        loaded = load_template(path, kind_of(path.name) or kind)
        if loaded.kind != kind:
            raise UserError(f"The template {path.name} is for {loaded.kind.replace('_', ' ')}, not {kind.replace('_', ' ')}.")
    else:
        suffix = ".j2" if kind.startswith("email_") else ".docx"
        path = None
        for candidate in (f"{kind}_{lang}{suffix}", f"{kind}_en{suffix}"):
            try:
                path = find_template(candidate, kind)
                break
            except UserError:
                continue
        if path is None:
            raise UserError(f"No template for {kind.replace('_', ' ')} was found in {default_templates_dir()}.")
        loaded = load_template(path, kind)
    check_template(loaded, lc.sample_context(kind, _sample_lang(loaded)))
    return loaded


# --- reading what a letter needs ---------------------------------------------------------------------------------

@dataclass
class _Library:
    """The library's category titles and finding types' Chinese titles and victim-protection marks, read for letters."""

    categories: dict[str, tuple[str, str]]
    types: dict[str, tuple[str, bool]]

    @classmethod
    def load(cls, s: Session) -> "_Library":
        cats = {k: (t, tz) for k, t, tz in s.execute(select(FindingCategory.key, FindingCategory.title,
                                                            FindingCategory.title_zh))}
        types = {k: (tz or "", bool(vp)) for k, tz, vp in s.execute(select(ViolationType.key, ViolationType.title_zh,
                                                                          ViolationType.victim_protection))}
        return cls(cats, types)


UNSIGNED_WARNING = "your name and company are empty in Settings; the letter is unsigned"


def signature_warnings(prefs: Preferences) -> list[str]:
    """What is wrong with the letters these preferences sign: an empty name and company (and no signature text)
    give an unsigned letter. The letter is still written; the caller shows the warning."""
    if not prefs.user_name.strip() and not prefs.company.strip() and not prefs.signature.strip():
        return [UNSIGNED_WARNING]
    return []


def letter_warnings(db: Database) -> list[str]:
    """The warnings of a letter written now (see signature_warnings), for the UI and the command line to show."""
    return signature_warnings(load_preferences(db))


def brand_facts(prefs: Preferences) -> lc.LetterBrand:
    return lc.LetterBrand(company=prefs.company, address=prefs.company_address, user_name=prefs.user_name,
                          user_title=prefs.user_title, user_email=prefs.user_email, signature=prefs.signature)


def _supplier_facts(s: Session, sup: Supplier) -> lc.LetterSupplier:
    contacts = list(sup.contacts)
    block = standing(s, sup.id, date.today()).block
    chosen = (next((c for c in contacts if "compliance" in (c.role or "").lower() and c.email), None)
              or next((c for c in contacts if c.email), None)
              or (contacts[0] if contacts else None))
    return lc.LetterSupplier(
        id=sup.id, code=sup.code, name=sup.name, local_name=sup.local_name, country=sup.country, address=sup.address,
        contact_name=chosen.name if chosen else "", contact_email=chosen.email if chosen else "",
        contact_role=chosen.role if chosen else "", contact_language=(chosen.language if chosen else "en") or "en",
        sourcing_owner=sup.sourcing_owner, sourcing_owner_email=sup.sourcing_owner_email,
        blocked_by_rating=block.assessment.rating if block else "", blocked_by_date=block.assessment.date if block else None,
        blocked_by_type=block.assessment.type if block else "",
    )


def _load_cap(s: Session, cap_id: int) -> Cap:
    cap = s.scalar(
        select(Cap).where(Cap.id == cap_id).options(
            selectinload(Cap.items).selectinload(CapItem.finding),
            selectinload(Cap.assessment).selectinload(Assessment.findings),
            selectinload(Cap.assessment).selectinload(Assessment.supplier).selectinload(Supplier.contacts),
            selectinload(Cap.assessment).selectinload(Assessment.supplier).selectinload(Supplier.certifications),
        )
    )
    if cap is None:
        raise NotFound(f"No CAP #{cap_id}.")
    return cap


def _cap_facts(s: Session, cap: Cap, library: _Library, prefs: Preferences):
    a = cap.assessment
    sup = a.supplier
    result = rate(s, a)
    follow_up = follow_up_due_after(AssessmentFacts(a.id, a.date, a.assessment_type, result.rating.value),
                                    prefs.follow_up_days)
    assessment = lc.LetterAssessment(
        id=a.id, date=a.date, assessment_type=a.assessment_type, audit_firm=a.audit_firm, auditor=a.auditor,
        standard=a.standard, denied=a.denied, score=a.score, rating=a.rating, reasons=tuple(result.reasons),
        follow_up_due=follow_up,
    )
    items = []
    for i in cap.items:
        f = i.finding
        cat_title, cat_zh = library.categories.get(f.category, (f.category, ""))
        title_zh, victim = library.types.get(f.violation_type or "", ("", False))
        items.append(lc.LetterItem(
            id=i.id, position=i.position, category=f.category, category_title=cat_title, category_title_zh=cat_zh,
            title=f.title, title_zh=title_zh, description=f.description, legal_requirement=f.legal_requirement,
            code_requirement=f.code_requirement, severity=f.severity, points=f.points, repeat=f.repeat,
            suggested_remediation=i.suggested_remediation, days_allowed=i.days_allowed, due_date=i.due_date,
            status=i.status, root_cause=i.root_cause, preventive_action=i.preventive_action,
            project_leader=i.project_leader, planned_date=i.planned_date, evidence_notes=i.evidence_notes,
            verification_notes=i.verification_notes, victim_protection=victim,
            review_comment=i.review_comment, review_decision=i.review_decision or "",
        ))
    done = sum(1 for i in cap.items if not ItemStatus(i.status).is_open)
    letter_cap = lc.LetterCap(
        id=cap.id, status=cap.status, issued_date=cap.issued_date, response_due=cap.response_due,
        meeting_date=cap.meeting_date, items=tuple(items), progress=progress_rate(len(cap.items), done),
    )
    return _supplier_facts(s, sup), assessment, letter_cap


def letter_language(supplier: lc.LetterSupplier, prefs: Preferences, lang: Optional[str]) -> str:
    """The letter's language: as asked, else bilingual for a Chinese-speaking contact, else the preference."""
    if lang:
        if lang not in LANGUAGES:
            raise UserError(f"Letter language must be one of {', '.join(LANGUAGES)}, not {lang!r}.")
        return lang
    if (supplier.contact_language or "").lower().startswith("zh"):
        return "zh-en"
    return prefs.letter_language if prefs.letter_language in LANGUAGES else "en"


def email_language(supplier: lc.LetterSupplier) -> str:
    return "zh" if (supplier.contact_language or "").lower().startswith("zh") else "en"


@dataclass
class LetterJob:
    """What a batch needs to render many letters with one preferences read and one library load."""

    prefs: Preferences
    library: _Library

    @property
    def warnings(self) -> list[str]:
        return signature_warnings(self.prefs)

    @classmethod
    def prepare(cls, db: Database) -> "LetterJob":
        prefs = load_preferences(db)
        with db.reading() as s:
            return cls(prefs, _Library.load(s))


def cap_letter_context(db: Database, cap_id: int, *, lang: Optional[str] = None, today: Optional[date] = None,
                       job: Optional[LetterJob] = None) -> dict[str, Any]:
    """The context a CAP letter template sees for this CAP (what docs/templates.md describes)."""
    job = job or LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    language = letter_language(sup, job.prefs, lang)
    return lc.cap_letter_context(brand_facts(job.prefs), sup, a, cap, today=today or date.today(), lang=language)


# --- the letters -------------------------------------------------------------------------------------------------

def _check_out_path(out_path: Path, suffix: str) -> Path:
    out_path = Path(out_path)
    if out_path.suffix.lower() != suffix:
        raise UserError(f"The output file must end in {suffix}: {out_path.name}")
    return out_path


def render_cap_letter(db: Database, cap_id: int, out_path: Path, template: Optional[str] = None,
                      lang: Optional[str] = None, *, today: Optional[date] = None,
                      job: Optional[LetterJob] = None) -> Path:
    """Writes the CAP letter of a CAP to a .docx file."""
    out_path = _check_out_path(out_path, ".docx")
    job = job or LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    if not cap.items:
        raise UserError(f"CAP #{cap_id} has no items; there is nothing to write a CAP letter about.")
    language = letter_language(sup, job.prefs, lang)
    tpl = resolve_template("cap_letter", template, language)
    ctx = lc.cap_letter_context(brand_facts(job.prefs), sup, a, cap, today=today or date.today(), lang=language)
    return render_docx(tpl, ctx, out_path)


def render_overdue_reminder(db: Database, cap_id: int, out_path: Path, template: Optional[str] = None,
                            lang: Optional[str] = None, *, today: Optional[date] = None,
                            job: Optional[LetterJob] = None) -> Path:
    """Writes a reminder listing a CAP's overdue items; refused when none is overdue."""
    out_path = _check_out_path(out_path, ".docx")
    today = today or date.today()
    job = job or LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    language = letter_language(sup, job.prefs, lang)
    ctx = lc.overdue_reminder_context(brand_facts(job.prefs), sup, a, cap, today=today, lang=language)
    if not ctx["overdue"]["count"]:
        raise UserError(f"CAP #{cap_id} of {sup.code} has no overdue items on {today.isoformat()}; "
                        "no reminder is needed.")
    tpl = resolve_template("overdue_reminder", template, language)
    return render_docx(tpl, ctx, out_path)


def render_verification_letter(db: Database, cap_id: int, out_path: Path, visit_id: Optional[int] = None,
                               template: Optional[str] = None, lang: Optional[str] = None, *,
                               today: Optional[date] = None) -> Path:
    """Writes the result of a verification visit (the CAP's latest, unless one is named) to a .docx file."""
    out_path = _check_out_path(out_path, ".docx")
    job = LetterJob.prepare(db)
    with db.reading() as s:
        cap_row = _load_cap(s, cap_id)
        q = select(VerificationVisit).where(VerificationVisit.cap_id == cap_id).options(
            selectinload(VerificationVisit.results))
        if visit_id is not None:
            q = q.where(VerificationVisit.id == visit_id)
        visit = s.scalars(q.order_by(VerificationVisit.visit_date.desc(), VerificationVisit.id.desc())).first()
        if visit is None:
            raise NotFound(f"CAP #{cap_id} has no verification visit{f' {visit_id}' if visit_id else ''} recorded.")
        sup, a, cap = _cap_facts(s, cap_row, job.library, job.prefs)
        facts = lc.VerificationFacts(
            visit_id=visit.id, visit_date=visit.visit_date, verifier=visit.verifier,
            progress_category=visit.progress_category, escalated=visit.escalated, notes=visit.notes,
            results=tuple((r.cap_item_id, r.outcome, r.notes) for r in visit.results),
        )
    language = letter_language(sup, job.prefs, lang)
    tpl = resolve_template("verification_result", template, language)
    ctx = lc.verification_context(brand_facts(job.prefs), sup, a, cap, facts, today=today or date.today(),
                                  lang=language)
    return render_docx(tpl, ctx, out_path)


def render_vetting_letter(db: Database, screen_id: int, out_path: Path, template: Optional[str] = None,
                          lang: Optional[str] = None, *, today: Optional[date] = None) -> Path:
    """Writes the decision of a vetting screen (approve, approve with conditions, reject) to a .docx file."""
    out_path = _check_out_path(out_path, ".docx")
    prefs = load_preferences(db)
    facts = _vetting_facts(db, screen_id, today)
    sup = None
    with db.reading() as s:
        supplier_id = s.scalar(select(VettingScreen.supplier_id).where(VettingScreen.id == screen_id))
        if supplier_id is not None:
            supplier = s.scalar(select(Supplier).where(Supplier.id == supplier_id).options(
                selectinload(Supplier.contacts)))
            sup = _supplier_facts(s, supplier) if supplier else None
    language = letter_language(sup, prefs, lang) if sup else (lang or "en")
    tpl = resolve_template("vetting_decision", template, language)
    ctx = lc.vetting_context(brand_facts(prefs), sup, facts, today=today or date.today(), lang=language)
    return render_docx(tpl, ctx, out_path)


def _vetting_facts(db: Database, screen_id: int, today: Optional[date]) -> lc.VettingFacts:
    """The screen's decision, score, conditions and failed knock-outs, as the vetting service evaluates them."""
    data = vetting_letter_context(db, screen_id, today)
    return lc.VettingFacts(**{f.name: data[f.name] for f in fields(lc.VettingFacts)})


# --- e-mail drafts -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DraftResult:
    """An e-mail draft written: the file, to whom, the subject and what is attached."""

    path: Path
    to: str
    cc: str
    subject: str
    attachments: tuple[str, ...]
    tracker_attached: bool


def render_letter_for_cap(db: Database, cap_id: int, out_path: Path, template: Optional[str] = None,
                          lang: Optional[str] = None, today: Optional[date] = None) -> tuple[Path, str]:
    """Writes the letter a template stands for (CAP letter by default, overdue reminder, verification result) for one
    CAP; returns the file and the kind of letter. A template of another kind (a vetting letter) is refused."""
    kind = "cap_letter"
    if template:
        kind = kind_of(find_template(template).name) or "cap_letter"
    if kind == "overdue_reminder":
        return render_overdue_reminder(db, cap_id, out_path, template, lang, today=today), kind
    if kind == "verification_result":
        return render_verification_letter(db, cap_id, out_path, template=template, lang=lang, today=today), kind
    if kind == "cap_letter":
        return render_cap_letter(db, cap_id, out_path, template, lang, today=today), kind
    raise UserError(f"The template {template} is for {kind.replace('_', ' ')}, not for a CAP letter.")


def open_with_default_program(path: Path) -> None:
    """Opens a written file (a draft, a letter) with the program the system associates with it."""
    email_draft.open_with_default_program(path)


def letter_file_name(code: str, kind: str = "CAP letter", suffix: str = ".docx") -> str:
    from csrdesk.exchange.email_draft import safe_filename

    return safe_filename(f"{kind} {code}") + suffix


def make_email_draft(db: Database, cap_id: int, out_path_or_folder: Path, *, template: Optional[str] = None,
                     letter_template: Optional[str] = None, lang: Optional[str] = None,
                     attach_tracker: bool = True, today: Optional[date] = None,
                     job: Optional[LetterJob] = None) -> Path:
    """Writes an unsent .eml draft to the factory's compliance contact, the sourcing owner in copy, with the CAP
    letter and the CAP tracker attached. Returns the .eml path (`make_email_draft_detail` says more)."""
    return make_email_draft_detail(db, cap_id, out_path_or_folder, template=template, letter_template=letter_template,
                                   lang=lang, attach_tracker=attach_tracker, today=today, job=job).path


def make_email_draft_detail(db: Database, cap_id: int, out_path_or_folder: Path, *, template: Optional[str] = None,
                            letter_template: Optional[str] = None, lang: Optional[str] = None,
                            attach_tracker: bool = True, today: Optional[date] = None,
                            job: Optional[LetterJob] = None) -> DraftResult:
    from csrdesk.exchange.email_draft import DOCX_MIME, XLSX_MIME, Attachment, build_draft, split_subject, write_draft

    today = today or date.today()
    if lang == "zh":
        lang = "zh-en"
    job = job or LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    if not sup.contact_email:
        raise UserError(f"{sup.code} {sup.name} has no compliance contact with an e-mail address; add one first.")
    target = Path(out_path_or_folder)
    if target.is_dir() or target.suffix.lower() != ".eml":
        if target.suffix and not target.is_dir():
            raise UserError(f"The e-mail draft must be a .eml file or a folder: {target}")
        target = target / (letter_file_name(sup.code, "CAP e-mail", ".eml"))
    exporter = export_tracker if attach_tracker else None
    email_lang = email_language(sup) if not lang else ("zh" if lang.startswith("zh") else "en")
    letter_name = letter_file_name(sup.code, "CAP letter")
    tracker_name = letter_file_name(sup.code, "CAP tracker", ".xlsx")
    attachments = []
    with tempfile.TemporaryDirectory(prefix="csrdesk-mail-") as tmp:
        letter_path = render_cap_letter(db, cap_id, Path(tmp) / letter_name, letter_template,
                                        "zh-en" if email_lang == "zh" and not lang else lang, today=today, job=job)
        attachments.append(Attachment(letter_name, letter_path.read_bytes(), DOCX_MIME))
        if exporter is not None:
            tracker_path = exporter(db, cap_id, Path(tmp) / tracker_name)
            attachments.append(Attachment(tracker_name, Path(tracker_path).read_bytes(), XLSX_MIME))
    body_template = resolve_template("email_cap", template, email_lang)
    ctx = lc.email_context(
        lc.cap_letter_context(brand_facts(job.prefs), sup, a, cap, today=today, lang=email_lang),
        [att.filename for att in attachments],
    )
    subject, body = split_subject(render_text(body_template, ctx), body_template.name)
    prefs = job.prefs
    sender = (prefs.user_name, prefs.user_email) if prefs.user_email else None
    cc = [(sup.sourcing_owner, sup.sourcing_owner_email)] if sup.sourcing_owner_email else []
    message = build_draft(subject=subject, body=body, sender=sender, to=[(sup.contact_name, sup.contact_email)],
                          cc=cc, attachments=attachments, language=email_lang)
    path = write_draft(message, target)
    return DraftResult(path=path, to=sup.contact_email, cc=sup.sourcing_owner_email, subject=subject,
                       attachments=tuple(att.filename for att in attachments), tracker_attached=exporter is not None)


# --- choosing CAPs -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterCandidate:
    """A CAP a letter can be written for, as the letters dialog lists it."""

    cap_id: int
    supplier_code: str
    supplier_name: str
    assessment_date: date
    rating: str
    cap_status: str
    items: int
    contact_email: str


def letter_candidates(db: Database, *, include_closed: bool = False,
                      supplier_codes: Optional[Sequence[str]] = None) -> list[LetterCandidate]:
    """CAPs a letter can be written for, newest assessment first: the list the letters dialog offers."""
    from sqlalchemy import func

    q = (
        select(Cap.id, Supplier.code, Supplier.name, Assessment.date, Assessment.rating, Cap.status,
               func.count(CapItem.id), Supplier.id)
        .join(Assessment, Assessment.id == Cap.assessment_id)
        .join(Supplier, Supplier.id == Cap.supplier_id)
        .outerjoin(CapItem, CapItem.cap_id == Cap.id)
        .group_by(Cap.id, Supplier.code, Supplier.name, Assessment.date, Assessment.rating, Cap.status, Supplier.id)
        .order_by(Assessment.date.desc(), Cap.id.desc())
    )
    if not include_closed:
        q = q.where(Cap.status != "closed")
    if supplier_codes is not None:
        q = q.where(Supplier.code.in_(list(supplier_codes)))
    with db.reading() as s:
        rows = s.execute(q).all()
        from csrdesk.storage.models import Contact

        emails: dict[int, str] = {}
        for sid, role, email in s.execute(select(Contact.supplier_id, Contact.role, Contact.email)
                                          .where(Contact.email != "")):
            if sid not in emails or "compliance" in (role or "").lower():
                emails[sid] = email
    return [LetterCandidate(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6] or 0), emails.get(r[7], "")) for r in rows]


def caps_for_suppliers(db: Database, codes: Sequence[str]) -> tuple[list[int], list[str]]:
    """The newest open CAP of each supplier; returns (CAP ids, a message per supplier without one)."""
    codes = [c.strip() for c in codes if c and c.strip()]
    newest: dict[str, int] = {}
    for c in letter_candidates(db, supplier_codes=codes):
        newest.setdefault(c.supplier_code, c.cap_id)
    problems = [f"{code}: no open CAP" for code in codes if code not in newest]
    return [newest[c] for c in codes if c in newest], problems


# --- many CAPs at once -------------------------------------------------------------------------------------------

BATCH_LETTER_KINDS = ("cap_letter", "overdue_reminder")


@dataclass(frozen=True)
class BatchOutput:
    """One file a batch of letters wrote: a letter, tracker or e-mail for one CAP."""

    cap_id: int
    supplier_code: str
    what: str  # 'letter', 'tracker' or 'e-mail'
    path: Path


@dataclass(frozen=True)
class BatchFailure:
    """A CAP a batch of letters could not write for, and why."""

    cap_id: Optional[int]
    supplier_code: str
    message: str


@dataclass
class BatchResult:
    """A batch of letters for many CAPs: the files written, the problems met, and whether it was cancelled."""

    total: int
    outputs: list[BatchOutput] = field(default_factory=list)
    failures: list[BatchFailure] = field(default_factory=list)
    cancelled: bool = False
    done: int = 0  # CAPs finished, with or without a failure
    warnings: list[str] = field(default_factory=list)  # about every letter of the batch (e.g. it is unsigned)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    def summary(self) -> str:
        parts = [f"{self.done} of {plural(self.total, 'CAP')} done", f"{plural(len(self.outputs), 'file')} written"]
        if self.failures:
            parts.append(plural(len(self.failures), "problem"))
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


def supplier_codes_of_caps(db: Database, cap_ids: Sequence[int]) -> dict[int, str]:
    """CAP id -> its supplier's code, for the CAPs that exist."""
    with db.reading() as s:
        rows = s.execute(select(Cap.id, Supplier.code).join(Supplier, Supplier.id == Cap.supplier_id)
                         .where(Cap.id.in_(list(cap_ids))))
        return {cap_id: code for cap_id, code in rows}


def run_batch(db: Database, cap_ids: Sequence[int], folder: Path, *, letters: bool = True, trackers: bool = False,
              drafts: bool = False, letter_kind: str = "cap_letter", template: Optional[str] = None,
              lang: Optional[str] = None, progress: Progress = NO_PROGRESS,
              today: Optional[date] = None) -> BatchResult:
    """Writes the chosen files for each CAP into `folder`, named after the letter's reference."""
    from csrdesk.exchange.email_draft import safe_filename

    if letter_kind not in BATCH_LETTER_KINDS:
        raise UserError(f"A batch writes {' or '.join(BATCH_LETTER_KINDS)} letters, not {letter_kind!r}.")
    if not (letters or trackers or drafts):
        raise UserError("Choose at least one of letters, trackers and e-mail drafts.")
    ids = list(dict.fromkeys(int(i) for i in cap_ids))
    if not ids:
        raise UserError("No CAPs were chosen.")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from None
    today = today or date.today()
    job = LetterJob.prepare(db)
    if letters:
        # Refuses a broken template before anything is written.
        resolve_template(letter_kind, template, lang or job.prefs.letter_language)
    exporter = export_tracker if trackers else None
    codes = supplier_codes_of_caps(db, ids)
    # Letters (and the letters attached to drafts) are written even unsigned; the batch says so once.
    result = BatchResult(total=len(ids), warnings=job.warnings if (letters or drafts) else [])
    render = render_cap_letter if letter_kind == "cap_letter" else render_overdue_reminder
    prefix = "CAP" if letter_kind == "cap_letter" else "REM"
    try:
        for n, cap_id in enumerate(ids):
            code = codes.get(cap_id, "")
            progress.step(n, len(ids), f"{code or 'CAP'} (CAP #{cap_id})")
            progress.check()  # a cancel pressed while the step was being shown stops before the next CAP
            if not code:
                result.failures.append(BatchFailure(cap_id, "", f"No CAP #{cap_id}."))
                result.done += 1
                continue
            stem = safe_filename(f"{prefix}-{code}-{cap_id:04d}")
            try:
                if letters:
                    path = render(db, cap_id, folder / f"{stem} letter.docx", template, lang, today=today, job=job)
                    result.outputs.append(BatchOutput(cap_id, code, "letter", path))
                if exporter is not None:
                    path = Path(exporter(db, cap_id, folder / f"{safe_filename(f'CAP-{code}-{cap_id:04d}')} tracker.xlsx"))
                    result.outputs.append(BatchOutput(cap_id, code, "tracker", path))
                if drafts:
                    path = make_email_draft(db, cap_id, folder / f"{stem} e-mail.eml", lang=lang, today=today,
                                            job=job, letter_template=template if letter_kind == "cap_letter" else None)
                    result.outputs.append(BatchOutput(cap_id, code, "e-mail", path))
            except TemplateRefused:
                raise
            except UserError as exc:
                result.failures.append(BatchFailure(cap_id, code, str(exc)))
            except Exception as exc:  # a bug: logged in full, reported for this CAP, the batch goes on
                log.exception("batch: CAP %s failed", cap_id)
                result.failures.append(BatchFailure(cap_id, code, f"unexpected error ({type(exc).__name__}: {exc}); "
                                                                  "details are in the log"))
            result.done += 1
        progress.step(len(ids), len(ids), "done")
    except Cancelled:
        result.cancelled = True
    return result


def run_batch_for_suppliers(db: Database, supplier_codes: Sequence[str], folder: Path, **options) -> BatchResult:
    """As run_batch, for the newest open CAP of each supplier; a supplier without one is reported."""
    cap_ids, problems = caps_for_suppliers(db, supplier_codes)
    if not cap_ids:
        raise UserError("None of the chosen suppliers has an open CAP.")
    result = run_batch(db, cap_ids, folder, **options)
    for message in problems:
        code = message.split(":", 1)[0]
        result.failures.append(BatchFailure(None, code, message))
    return result
