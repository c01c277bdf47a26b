"""Vetting checklists: the template model, reading answers, scoring, knock-outs and the suggested decision
(editing a template: domain.vetting_editing).

A template is plain data (see resources/checklists/*.json). Every answer earns a share of its question's weight;
the score is the share of the applicable weight earned, 0 to 100. A knock-out answer rejects on its own whatever the
score. Thresholds turn the score into a suggested decision, and every suggestion comes with its reasons.
"""
from __future__ import annotations
from csrdesk.domain.reporting import plural

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, Iterable, Mapping, Optional, Sequence

QUESTION_TYPES = ("yesno", "choice", "number", "date", "text", "file")
TYPE_LABELS = {
    "yesno": "Yes / no", "choice": "Choice", "number": "Number", "date": "Date", "text": "Text", "file": "File",
}
# supplier: screens a supplier before approval (these feed the approval gate); consultant: a consultant or audit
# firm, named rather than a supplier; exit: a responsible exit from a supplier.
KINDS = ("supplier", "consultant", "exit")
KIND_LABELS = {"supplier": "Supplier screening", "consultant": "Consultant or audit firm", "exit": "Responsible exit"}
NA = "n/a"
YES, NO = "yes", "no"
DEFAULT_CONDITION_DAYS = 30
MAX_TEXT = 10000
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,79}$")


class TemplateError(ValueError):
    """A checklist template that cannot be used; the message names the part that is wrong."""


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says what is expected."""


class Decision(str, Enum):
    APPROVE = "approve"
    CONDITIONS = "approve with conditions"
    REJECT = "reject"

    @classmethod
    def parse(cls, text: str) -> "Decision":
        cleaned = " ".join(str(text or "").strip().lower().replace("_", " ").replace("-", " ").split())
        aliases = {
            "approve": cls.APPROVE, "approved": cls.APPROVE, "accept": cls.APPROVE,
            "approve with conditions": cls.CONDITIONS, "conditions": cls.CONDITIONS, "conditional": cls.CONDITIONS,
            "approved with conditions": cls.CONDITIONS, "conditionally approve": cls.CONDITIONS,
            "reject": cls.REJECT, "rejected": cls.REJECT, "decline": cls.REJECT,
        }
        try:
            return aliases[cleaned]
        except KeyError:
            raise ValueError(
                f"unknown decision {text!r}: use approve, approve with conditions or reject"
            ) from None

    @property
    def is_positive(self) -> bool:
        return self is not Decision.REJECT

    @property
    def label_zh(self) -> str:
        return {"approve": "批准", "approve with conditions": "有条件批准", "reject": "拒绝"}[self.value]


@dataclass(frozen=True)
class Option:
    """One answer a choice question of a vetting checklist offers, with its share of the weight."""

    value: str
    label: str
    label_zh: str = ""
    score: float = 1.0  # share of the question's weight this option earns, 0 to 1
    knockout: bool = False


@dataclass(frozen=True)
class Question:
    """One question of a vetting checklist: its text in both languages, weight, and what earns or rejects."""

    id: str
    type: str
    text: str
    text_zh: str = ""
    help: str = ""
    help_zh: str = ""
    weight: float = 1.0
    required: bool = True
    evidence: bool = False  # a positive answer must come with evidence (a file name or a note)
    allow_na: bool = False  # "not applicable" takes the question out of the score
    expected: str = YES  # yesno: the answer that earns the weight
    knockout_answer: Optional[str] = None  # yesno: the answer that rejects on its own
    options: tuple[Option, ...] = ()
    # number and date: the range that earns the weight, and the values beyond which the answer rejects on its own.
    # For dates the figures are days from the day of the screen (negative: in the past).
    good_min: Optional[float] = None
    good_max: Optional[float] = None
    knockout_below: Optional[float] = None
    knockout_above: Optional[float] = None
    unit: str = ""
    condition: str = ""  # proposed as a condition when the answer falls short
    condition_days: int = DEFAULT_CONDITION_DAYS

    def option(self, value: str) -> Optional[Option]:
        for o in self.options:
            if o.value == value:
                return o
        return None

    @property
    def has_knockout(self) -> bool:
        if self.type == "yesno":
            return self.knockout_answer is not None
        if self.type == "choice":
            return any(o.knockout for o in self.options)
        return self.knockout_below is not None or self.knockout_above is not None


@dataclass(frozen=True)
class Section:
    """A titled group of questions in a vetting checklist."""

    id: str
    title: str
    title_zh: str = ""
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    """The scores from which a vetting checklist suggests approval, or approval with conditions."""

    approve: float = 80.0  # at or above: approve when nothing else calls for conditions
    conditional: float = 60.0  # at or above (and below approve): approve with conditions; below: reject


@dataclass(frozen=True)
class Template:
    """A vetting checklist: its sections of questions, its thresholds and its version."""

    key: str
    version: int
    title: str
    title_zh: str = ""
    kind: str = "supplier"
    description: str = ""
    description_zh: str = ""
    thresholds: Thresholds = Thresholds()
    sections: tuple[Section, ...] = ()
    builtin_version: Optional[int] = None  # the resource file's version, for built-in templates

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def section_of(self, question_id: str) -> Section:
        for s in self.sections:
            if any(q.id == question_id for q in s.questions):
                return s
        raise KeyError(question_id)

    def numbering(self) -> dict[str, str]:
        """The number shown beside each question: section.question, from 1."""
        return {q.id: f"{si}.{qi}" for si, s in enumerate(self.sections, 1) for qi, q in enumerate(s.questions, 1)}


# -- reading and writing templates ------------------------------------------------------------------------------

def _num(value: Any, where: str, what: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TemplateError(f"{where}: {what} must be a number, not {value!r}.")
    return float(value)


def _text(value: Any, where: str, what: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise TemplateError(f"{where}: {what} must be text, not {value!r}.")
    value = value.strip()
    if required and not value:
        raise TemplateError(f"{where}: {what} is missing.")
    return value


def _flag(value: Any, where: str, what: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise TemplateError(f"{where}: {what} must be true or false, not {value!r}.")
    return value


def _parse_question(data: Any, where: str) -> Question:
    if not isinstance(data, Mapping):
        raise TemplateError(f"{where}: a question must be an object with id, type and text.")
    qid = _text(data.get("id"), where, "the question id", required=True)
    if not _ID.match(qid):
        raise TemplateError(f"{where}: question id {qid!r} may hold only letters, digits, '_', '-' and '.'.")
    where = f"Question {qid!r}"
    qtype = _text(data.get("type"), where, "the type", required=True)
    if qtype not in QUESTION_TYPES:
        raise TemplateError(f"{where}: type {qtype!r} is unknown; use one of {', '.join(QUESTION_TYPES)}.")
    weight = _num(data.get("weight", 1), where, "the weight")
    if weight is None or weight < 0:
        raise TemplateError(f"{where}: the weight cannot be negative.")
    days = data.get("condition_days", DEFAULT_CONDITION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3650:
        raise TemplateError(f"{where}: condition_days must be a whole number of days from 0 to 3650.")
    values: dict[str, Any] = dict(
        id=qid, type=qtype, text=_text(data.get("text"), where, "the question text", required=True),
        text_zh=_text(data.get("text_zh"), where, "text_zh"), help=_text(data.get("help"), where, "help"),
        help_zh=_text(data.get("help_zh"), where, "help_zh"), weight=weight,
        required=True if data.get("required") is None else _flag(data.get("required"), where, "required"),
        evidence=_flag(data.get("evidence"), where, "evidence"), allow_na=_flag(data.get("allow_na"), where, "allow_na"),
        unit=_text(data.get("unit"), where, "unit"), condition=_text(data.get("condition"), where, "condition"),
        condition_days=days,
    )
    knockout = data.get("knockout")
    if qtype == "yesno":
        expected = _text(data.get("expected", YES), where, "expected").lower()
        if expected not in (YES, NO):
            raise TemplateError(f"{where}: expected must be 'yes' or 'no', not {expected!r}.")
        values["expected"] = expected
        if knockout is not None:
            if not isinstance(knockout, str) or knockout.strip().lower() not in (YES, NO):
                raise TemplateError(f"{where}: the knock-out of a yes/no question must be 'yes' or 'no'.")
            knockout = knockout.strip().lower()
            if knockout == expected:
                raise TemplateError(f"{where}: the knock-out answer cannot be the expected answer {expected!r}.")
            values["knockout_answer"] = knockout
    elif qtype == "choice":
        raw = data.get("options")
        if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) < 2:
            raise TemplateError(f"{where}: a choice question needs at least two options.")
        options = []
        for i, o in enumerate(raw, 1):
            ow = f"{where}, option {i}"
            if not isinstance(o, Mapping):
                raise TemplateError(f"{ow}: an option must be an object with value and label.")
            label = _text(o.get("label"), ow, "the label", required=True)
            value = _text(o.get("value") or label, ow, "the value", required=True)
            score = _num(o.get("score", 1), ow, "the score")
            if score is None or not 0 <= score <= 1:
                raise TemplateError(f"{ow}: the score must be from 0 to 1 (the share of the weight it earns).")
            options.append(Option(value=value, label=label, label_zh=_text(o.get("label_zh"), ow, "label_zh"),
                                   score=score, knockout=_flag(o.get("knockout"), ow, "knockout")))
        seen: set[str] = set()
        for o in options:
            folded = o.value.casefold()
            if folded in seen:
                raise TemplateError(f"{where}: two options share the value {o.value!r}.")
            seen.add(folded)
        if knockout is not None:
            raise TemplateError(f"{where}: mark knock-out options with \"knockout\": true on the option itself.")
        values["options"] = tuple(options)
    elif qtype in ("number", "date"):
        good = data.get("good") or {}
        if not isinstance(good, Mapping) or set(good) - {"min", "max"}:
            raise TemplateError(f"{where}: good must be an object with min and/or max.")
        gmin, gmax = _num(good.get("min"), where, "good min"), _num(good.get("max"), where, "good max")
        if gmin is not None and gmax is not None and gmin > gmax:
            raise TemplateError(f"{where}: good min {gmin:g} is above good max {gmax:g}.")
        ko = knockout or {}
        if not isinstance(ko, Mapping) or set(ko) - {"below", "above"}:
            raise TemplateError(f"{where}: the knock-out of a {qtype} question must be an object with below and/or above.")
        kbelow, kabove = _num(ko.get("below"), where, "knock-out below"), _num(ko.get("above"), where, "knock-out above")
        if kbelow is not None and kabove is not None and kbelow > kabove:
            raise TemplateError(f"{where}: the knock-out range leaves no answer that passes.")
        values.update(good_min=gmin, good_max=gmax, knockout_below=kbelow, knockout_above=kabove)
    elif knockout is not None:
        raise TemplateError(f"{where}: a {qtype} question cannot be a knock-out.")
    return Question(**values)


def parse_template(data: Any) -> Template:
    """A template from its plain-data form, fully checked; raises TemplateError naming what is wrong."""
    if not isinstance(data, Mapping):
        raise TemplateError("A checklist template must be an object with key, version, title and sections.")
    key = _text(data.get("key"), "The template", "the key", required=True)
    if not _KEY.match(key):
        raise TemplateError(f"The template key {key!r} must be lower-case letters, digits and '_', starting with a letter.")
    where = f"Template {key!r}"
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TemplateError(f"{where}: the version must be a whole number from 1.")
    kind = _text(data.get("kind", "supplier"), where, "the kind")
    if kind not in KINDS:
        raise TemplateError(f"{where}: kind {kind!r} is unknown; use one of {', '.join(KINDS)}.")
    raw_thresholds = data.get("thresholds") or {}
    if not isinstance(raw_thresholds, Mapping):
        raise TemplateError(f"{where}: thresholds must be an object with approve and conditional.")
    approve = _num(raw_thresholds.get("approve", Thresholds.approve), where, "the approve threshold")
    conditional = _num(raw_thresholds.get("conditional", Thresholds.conditional), where, "the conditional threshold")
    if not 0 <= conditional <= approve <= 100:  # type: ignore[operator]
        raise TemplateError(
            f"{where}: thresholds must satisfy 0 <= conditional ({conditional:g}) <= approve ({approve:g}) <= 100."
        )
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, Sequence) or isinstance(raw_sections, str) or not raw_sections:
        raise TemplateError(f"{where}: a template needs at least one section.")
    sections = []
    section_ids: set[str] = set()
    question_ids: set[str] = set()
    for i, s in enumerate(raw_sections, 1):
        sw = f"{where}, section {i}"
        if not isinstance(s, Mapping):
            raise TemplateError(f"{sw}: a section must be an object with id, title and questions.")
        sid = _text(s.get("id"), sw, "the section id", required=True)
        if not _ID.match(sid):
            raise TemplateError(f"{sw}: section id {sid!r} may hold only letters, digits, '_', '-' and '.'.")
        if sid in section_ids:
            raise TemplateError(f"{where}: two sections share the id {sid!r}.")
        section_ids.add(sid)
        raw_questions = s.get("questions")
        if not isinstance(raw_questions, Sequence) or isinstance(raw_questions, str) or not raw_questions:
            raise TemplateError(f"{where}, section {sid!r}: a section needs at least one question.")
        questions = []
        for j, q in enumerate(raw_questions, 1):
            question = _parse_question(q, f"{where}, section {sid!r}, question {j}")
            if question.id in question_ids:
                raise TemplateError(f"{where}: two questions share the id {question.id!r}.")
            question_ids.add(question.id)
            questions.append(question)
        sections.append(Section(id=sid, title=_text(s.get("title"), sw, "the section title", required=True),
                                title_zh=_text(s.get("title_zh"), sw, "title_zh"), questions=tuple(questions)))
    template = Template(
        key=key, version=version, title=_text(data.get("title"), where, "the title", required=True),
        title_zh=_text(data.get("title_zh"), where, "title_zh"), kind=kind,
        description=_text(data.get("description"), where, "description"),
        description_zh=_text(data.get("description_zh"), where, "description_zh"),
        thresholds=Thresholds(approve=approve, conditional=conditional),  # type: ignore[arg-type]
        sections=tuple(sections),
        builtin_version=data.get("builtin_version") if isinstance(data.get("builtin_version"), int) else None,
    )
    if not any(q.weight > 0 for q in template.questions()) and not any(q.has_knockout for q in template.questions()):
        raise TemplateError(f"{where}: no question carries a weight or a knock-out, so nothing could be decided.")
    return template


def _clean_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _question_to_dict(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "type": q.type, "text": q.text}
    for name in ("text_zh", "help", "help_zh", "unit", "condition"):
        if getattr(q, name):
            out[name] = getattr(q, name)
    out["weight"] = _clean_number(q.weight)
    if not q.required:
        out["required"] = False
    if q.evidence:
        out["evidence"] = True
    if q.allow_na:
        out["allow_na"] = True
    if q.condition and q.condition_days != DEFAULT_CONDITION_DAYS:
        out["condition_days"] = q.condition_days
    if q.type == "yesno":
        out["expected"] = q.expected
        if q.knockout_answer:
            out["knockout"] = q.knockout_answer
    elif q.type == "choice":
        out["options"] = []
        for o in q.options:
            option: dict[str, Any] = {"value": o.value, "label": o.label}
            if o.label_zh:
                option["label_zh"] = o.label_zh
            option["score"] = _clean_number(o.score)
            if o.knockout:
                option["knockout"] = True
            out["options"].append(option)
    elif q.type in ("number", "date"):
        good = {k: _clean_number(v) for k, v in (("min", q.good_min), ("max", q.good_max)) if v is not None}
        if good:
            out["good"] = good
        ko = {k: _clean_number(v) for k, v in (("below", q.knockout_below), ("above", q.knockout_above)) if v is not None}
        if ko:
            out["knockout"] = ko
    return out


def template_to_dict(t: Template) -> dict[str, Any]:
    """The plain-data form of a template (what parse_template reads), for storing and for the JSON files."""
    out: dict[str, Any] = {"key": t.key, "version": t.version, "kind": t.kind, "title": t.title}
    for name in ("title_zh", "description", "description_zh"):
        if getattr(t, name):
            out[name] = getattr(t, name)
    if t.builtin_version is not None:
        out["builtin_version"] = t.builtin_version
    out["thresholds"] = {"approve": _clean_number(t.thresholds.approve),
                         "conditional": _clean_number(t.thresholds.conditional)}
    out["sections"] = [
        {"id": s.id, "title": s.title, **({"title_zh": s.title_zh} if s.title_zh else {}),
         "questions": [_question_to_dict(q) for q in s.questions]}
        for s in t.sections
    ]
    return out


def content_of(t: Template) -> dict[str, Any]:
    """What a version holds apart from its number: two versions with equal content are the same checklist."""
    data = template_to_dict(t)
    data.pop("version", None)
    data.pop("builtin_version", None)
    return data


# -- versioning ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredVersion:
    """One stored version of a template, as far as the versioning rules need it."""

    version: int
    builtin: bool
    content: Mapping[str, Any]
    builtin_version: Optional[int] = None


def next_version(versions: Iterable[int]) -> int:
    """Saving a template always makes a new version, one above the highest there is."""
    return max(versions, default=0) + 1


def builtin_version_to_store(resource: Template, stored: Sequence[StoredVersion]) -> Optional[int]:
    """The version number under which a shipped template is stored, or None to leave the workspace as it is.

    A template the user never edited follows the shipped one; once the user saved their own version, a newer
    shipped version no longer replaces it (their edit stands). Old versions are never changed, so screens filled
    against them keep their questions.
    """
    if not stored:
        return resource.version
    latest = max(stored, key=lambda v: v.version)
    if not latest.builtin:
        return None
    if dict(latest.content) == content_of(resource):
        return None
    if latest.builtin_version is not None and latest.builtin_version >= resource.version:
        return None
    return next_version(v.version for v in stored)


# -- answers ------------------------------------------------------------------------------------------------------

_YES_WORDS = {"yes", "y", "true", "1", "是", "是的", "有", "对", "✓"}
_NO_WORDS = {"no", "n", "false", "0", "否", "不是", "没有", "无", "不"}
_NA_WORDS = {"n/a", "na", "n.a.", "not applicable", "does not apply", "不适用", "无关", "-"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y年%m月%d日")


@dataclass(frozen=True)
class Answer:
    """An answer as stored: value None means unanswered; NA means not applicable."""

    value: Any = None
    evidence: str = ""
    comment: str = ""


def _fold(text: str) -> str:
    return " ".join(text.strip().casefold().split())


def _parts(text: str) -> list[str]:
    """'Yes / 是' as written in the questionnaire's dropdowns reads as either part."""
    whole = _fold(text)
    parts = [whole]
    if " / " in text:
        parts.extend(_fold(p) for p in text.split(" / ") if p.strip())
    return parts


def parse_answer(q: Question, raw: Any) -> Any:
    """The stored value of an answer typed in a form or a workbook; None when left empty.

    Raises AnswerError with what the question expects.
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
        if q.allow_na and q.type not in ("text", "file") and any(p in _NA_WORDS for p in _parts(raw)):
            return NA
    if q.type == "yesno":
        if isinstance(raw, bool):
            return YES if raw else NO
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return YES if raw else NO
        for part in _parts(str(raw)):
            if part in _YES_WORDS:
                return YES
            if part in _NO_WORDS:
                return NO
        allowed = "yes or no" + (" (or n/a)" if q.allow_na else "")
        raise AnswerError(f"{str(raw).strip()!r} is not an answer to a yes/no question: write {allowed}.")
    if q.type == "choice":
        text = str(raw)
        wanted = set(_parts(text))
        for o in q.options:
            names = {_fold(o.value), _fold(o.label), _fold(f"{o.label} / {o.label_zh}")}
            if o.label_zh:
                names.add(_fold(o.label_zh))
            if names & wanted:
                return o.value
        raise AnswerError(f"{text.strip()!r} is not one of the choices: " + "; ".join(o.label for o in q.options) + ".")
    if q.type == "number":
        if isinstance(raw, bool):
            raise AnswerError(f"{raw!r} is not a number.")
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            cleaned = str(raw).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
            if cleaned.endswith("%"):
                cleaned = cleaned[:-1]
            if q.unit and cleaned.lower().endswith(q.unit.lower()):
                cleaned = cleaned[: -len(q.unit)]
            try:
                value = float(cleaned)
            except ValueError:
                raise AnswerError(f"{str(raw).strip()!r} is not a number.") from None
        if not math.isfinite(value):
            raise AnswerError(f"{raw!r} is not a number.")
        return _clean_number(value)
    if q.type == "date":
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        text = str(raw).strip()
        text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d", text) else text
        text = text.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        raise AnswerError(f"{text!r} is not a date; write it as YYYY-MM-DD.")
    text = str(raw).strip() if not isinstance(raw, float) else str(_clean_number(raw))
    if len(text) > MAX_TEXT:
        raise AnswerError(f"The answer is {len(text)} characters long; at most {MAX_TEXT} fit.")
    return text


def answer_label(q: Question, value: Any, language: str = "en") -> str:
    """How an answer reads to a person ('Yes', the option's label, a date, a number with its unit)."""
    if value is None:
        return ""
    if value == NA:
        return "不适用" if language == "zh" else "n/a"
    if q.type == "yesno":
        if language == "zh":
            return "是" if value == YES else "否"
        return "Yes" if value == YES else "No"
    if q.type == "choice":
        o = q.option(str(value))
        if o is None:
            return str(value)
        return (o.label_zh or o.label) if language == "zh" else o.label
    if q.type == "number":
        return f"{value:g} {q.unit}".strip() if isinstance(value, (int, float)) else str(value)
    return str(value)


# -- scoring ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Knockout:
    """An answer that rejects a screen on its own, whatever the score."""

    question_id: str
    text: str
    text_zh: str
    answer: str


@dataclass(frozen=True)
class ProposedCondition:
    """A condition the screen's answers call for on approval, and the days allowed to meet it."""

    question_id: str
    text: str
    days: int


@dataclass(frozen=True)
class QuestionResult:
    """How one question of a screen scored: answered, applicable, points earned, knock-out, evidence missing."""

    question_id: str
    answered: bool
    applicable: bool
    earned: float
    possible: float
    knockout: bool
    evidence_missing: bool
    note: str = ""


@dataclass(frozen=True)
class Evaluation:
    """A screen's score, knock-outs, missing answers and evidence, conditions and the decision suggested."""

    score: float  # 0 to 100
    earned: float
    possible: float
    answered: int
    questions: int
    unanswered_required: tuple[str, ...]
    knockouts: tuple[Knockout, ...]
    evidence_missing: tuple[str, ...]
    conditions: tuple[ProposedCondition, ...]
    suggested: Decision
    reasons: tuple[str, ...]
    results: Mapping[str, QuestionResult] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unanswered_required


def _as_date(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _measure(q: Question, value: Any, today: date) -> Optional[float]:
    """The figure compared with good and knock-out ranges: the number, or a date's days from today."""
    if q.type == "number":
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    d = _as_date(value)
    return None if d is None else float((d - today).days)


def _in_range(x: float, low: Optional[float], high: Optional[float]) -> bool:
    return (low is None or x >= low) and (high is None or x <= high)


def _range_text(q: Question, low: Optional[float], high: Optional[float], today: date) -> str:
    def show(v: float) -> str:
        if q.type == "date":
            return (today + timedelta(days=int(v))).isoformat()
        return f"{v:g}{(' ' + q.unit) if q.unit else ''}"

    if low is not None and high is not None:
        return f"from {show(low)} to {show(high)}"
    if low is not None:
        return f"{'on or after' if q.type == 'date' else 'at least'} {show(low)}"
    return f"{'on or before' if q.type == 'date' else 'at most'} {show(high)}"  # type: ignore[arg-type]


def _judge(q: Question, answer: Answer, today: date) -> tuple[float, bool, str]:
    """(share of the weight earned 0..1, knock-out, a note on why) for an answered, applicable question."""
    value = answer.value
    if q.type == "yesno":
        if q.knockout_answer is not None and value == q.knockout_answer:
            return 0.0, True, ""
        return (1.0, False, "") if value == q.expected else (0.0, False, f"expected {q.expected}")
    if q.type == "choice":
        o = q.option(str(value))
        if o is None:
            return 0.0, False, f"{value!r} is no longer one of the choices"
        return o.score, o.knockout, ""
    if q.type in ("number", "date"):
        x = _measure(q, value, today)
        if x is None:
            return 0.0, False, "not readable"
        if (q.knockout_below is not None and x < q.knockout_below) or (q.knockout_above is not None and x > q.knockout_above):
            return 0.0, True, ""
        if q.good_min is None and q.good_max is None:
            return 1.0, False, ""
        if _in_range(x, q.good_min, q.good_max):
            return 1.0, False, ""
        return 0.0, False, "should be " + _range_text(q, q.good_min, q.good_max, today)
    return (1.0, False, "") if str(value).strip() else (0.0, False, "")


def evaluate(t: Template, answers: Mapping[str, Answer], today: Optional[date] = None) -> Evaluation:
    """Scores the answers against the template and suggests a decision, with its reasons.

    Unanswered questions count as not met (they earn nothing); "not applicable" takes a question out of the score.
    """
    today = today or date.today()
    earned = possible = 0.0
    answered = 0
    unanswered: list[str] = []
    knockouts: list[Knockout] = []
    missing_evidence: list[str] = []
    conditions: list[ProposedCondition] = []
    results: dict[str, QuestionResult] = {}
    for q in t.questions():
        a = answers.get(q.id) or Answer()
        if a.value is None:
            if q.required:
                unanswered.append(q.id)
            possible += q.weight
            results[q.id] = QuestionResult(q.id, False, True, 0.0, q.weight, False, False, "unanswered")
            continue
        answered += 1
        if a.value == NA and q.allow_na:
            results[q.id] = QuestionResult(q.id, True, False, 0.0, 0.0, False, False, "not applicable")
            continue
        share, knocked, note = _judge(q, a, today)
        possible += q.weight
        earned += q.weight * share
        evidence_missing = False
        if q.evidence and q.type != "file" and share > 0 and not (a.evidence or "").strip():
            evidence_missing = True
            missing_evidence.append(q.id)
        if knocked:
            knockouts.append(Knockout(q.id, q.text, q.text_zh, answer_label(q, a.value)))
        elif share < 1 and q.condition:
            conditions.append(ProposedCondition(q.id, q.condition, q.condition_days))
        if evidence_missing and not knocked:
            conditions.append(ProposedCondition(q.id, f"Send evidence for: {q.text}", DEFAULT_CONDITION_DAYS))
        results[q.id] = QuestionResult(q.id, True, True, q.weight * share, q.weight, knocked, evidence_missing, note)
    score = round(100.0 * earned / possible, 1) if possible > 0 else 100.0
    suggested, reasons = _suggest(t, score, knockouts, conditions, unanswered, missing_evidence)
    return Evaluation(
        score=score, earned=round(earned, 3), possible=round(possible, 3), answered=answered,
        questions=len(results), unanswered_required=tuple(unanswered), knockouts=tuple(knockouts),
        evidence_missing=tuple(missing_evidence), conditions=tuple(conditions), suggested=suggested,
        reasons=tuple(reasons), results=results,
    )


def _suggest(t: Template, score: float, knockouts: Sequence[Knockout], conditions: Sequence[ProposedCondition],
             unanswered: Sequence[str], missing_evidence: Sequence[str]) -> tuple[Decision, list[str]]:
    th = t.thresholds
    reasons: list[str] = []
    if knockouts:
        decision = Decision.REJECT
        for k in knockouts:
            reasons.append(f"Knock-out: “{k.text}” was answered {k.answer}; this answer rejects on its own.")
    elif score < th.conditional:
        decision = Decision.REJECT
        reasons.append(f"The score of {score:g} is below {th.conditional:g}, the least for approval with conditions.")
    elif score < th.approve:
        decision = Decision.CONDITIONS
        reasons.append(f"The score of {score:g} reaches {th.conditional:g} but not {th.approve:g}, "
                       "the score for approval without conditions.")
    elif conditions:
        decision = Decision.CONDITIONS
        reasons.append(f"The score of {score:g} reaches {th.approve:g}, but {plural(len(conditions), 'answer')} {'needs' if len(conditions) == 1 else 'need'} follow-up.")
    else:
        decision = Decision.APPROVE
        reasons.append(f"The score of {score:g} reaches {th.approve:g} and no answer is a knock-out.")
    if decision is not Decision.REJECT:
        for c in conditions:
            reasons.append(f"Condition: {c.text} (within {c.days} days).")
    if missing_evidence and not knockouts:
        reasons.append(f"Evidence is missing for {plural(len(missing_evidence), 'answer')}.")
    if unanswered:
        reasons.insert(0, f"{plural(len(unanswered), 'required question')} {'is' if len(unanswered) == 1 else 'are'} unanswered and count as not met; "
                          "answer them before a positive decision.")
    return decision, reasons


def check_decision(decision: Decision, evaluation: Evaluation, conditions: Sequence[str]) -> None:
    """Raises ValueError when a reviewer's decision cannot be recorded as it stands.

    A reviewer may depart from the suggestion (that is what a review is for), but cannot approve a screen with
    unanswered questions, and cannot approve with conditions without naming at least one.
    """
    if decision.is_positive and evaluation.knockouts:
        first = evaluation.knockouts[0]
        raise ValueError(
            f"A knock-out answer rejects on its own (“{first.text}” was answered {first.answer}); correct the answer "
            "if it was wrong, or reject."
        )
    if decision.is_positive and evaluation.unanswered_required:
        raise ValueError(
            f"{plural(len(evaluation.unanswered_required), 'required question')} {'is' if len(evaluation.unanswered_required) == 1 else 'are'} still unanswered; answer them before "
            f"deciding to {decision.value}."
        )
    if decision is Decision.CONDITIONS and not [c for c in conditions if c.strip()]:
        raise ValueError("Approval with conditions needs at least one condition.")
