"""Guided root cause and preventive action: the data of an entry, its JSON form, and the quality checks.

A root cause names the management-system failure behind a violation, not the violation restated. The checks here
turn that rule (and the others of DOMAIN.md) into explained warnings, each with a stable code, that a reviewer can
override with a reason. They work on English and Chinese text: words for alphabetic scripts, character bigrams for
CJK. Pure Python: no Qt, no SQLAlchemy.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Iterable, Mapping, Optional, Sequence

MAX_WHYS = 5
JSON_VERSION = 1


# --------------------------------------------------------------------------------------------------------------------
# Vocabularies: cause categories, risk sources, management-system elements, victim-protection measures
# --------------------------------------------------------------------------------------------------------------------

class RiskSource(str, Enum):
    """Where a risk comes from, as a systems-improvement plan states it."""

    BUSINESS_PROCESS = "business process"
    OPERATIONAL_FUNCTION = "operational function"
    STRUCTURAL_GAP = "structural gap"


@dataclass(frozen=True)
class CauseCategory:
    key: str
    title: str
    title_zh: str
    question: str  # the question that helps a factory decide whether this category applies
    risk_source: RiskSource


CAUSE_CATEGORIES: tuple[CauseCategory, ...] = (
    CauseCategory("policy", "Policy", "政策", "Is there no written rule, or does the rule allow it?",
                  RiskSource.STRUCTURAL_GAP),
    CauseCategory("procedure", "Procedure", "程序与流程", "Is there no procedure, or is it unclear or not followed?",
                  RiskSource.BUSINESS_PROCESS),
    CauseCategory("training", "Training and awareness", "培训与意识",
                  "Did the people involved not know the requirement or how to meet it?",
                  RiskSource.OPERATIONAL_FUNCTION),
    CauseCategory("responsibility", "Responsibility and accountability", "职责与问责",
                  "Is nobody named to own it, or is nobody held to account?", RiskSource.OPERATIONAL_FUNCTION),
    CauseCategory("monitoring", "Monitoring and internal audit", "监控与内部审核",
                  "Would anyone have noticed before the auditor did?", RiskSource.BUSINESS_PROCESS),
    CauseCategory("communication", "Worker communication and grievance channels", "员工沟通与申诉渠道",
                  "Could workers have raised it safely, and would it have reached management?",
                  RiskSource.STRUCTURAL_GAP),
    CauseCategory("resources", "Resources and capacity", "资源与产能",
                  "Were there too few people, too little money, time or equipment?", RiskSource.STRUCTURAL_GAP),
    CauseCategory("purchasing", "Buyer purchasing practices", "采购行为（客户方）",
                  "Did order timing, late changes, lead times or prices from buyers push the factory into it?",
                  RiskSource.BUSINESS_PROCESS),
    CauseCategory("external", "External or legal", "外部或法律因素",
                  "Did a law, an authority or an outside event play a part?", RiskSource.STRUCTURAL_GAP),
)
CATEGORY_BY_KEY: Mapping[str, CauseCategory] = {c.key: c for c in CAUSE_CATEGORIES}


@dataclass(frozen=True)
class SystemElement:
    """A part of the management system that a preventive action changes."""

    key: str
    title: str
    title_zh: str


SYSTEM_ELEMENTS: tuple[SystemElement, ...] = (
    SystemElement("policy", "Policy", "政策"),
    SystemElement("procedure", "Procedure", "程序与流程"),
    SystemElement("training", "Training and awareness", "培训与意识"),
    SystemElement("responsibility", "Responsibility and accountability", "职责与问责"),
    SystemElement("monitoring", "Monitoring and internal audit", "监控与内部审核"),
    SystemElement("communication", "Worker communication and grievance channels", "员工沟通与申诉渠道"),
    SystemElement("resources", "Resources and capacity", "资源与产能"),
    SystemElement("purchasing", "Purchasing practices (with buyers)", "采购行为（与客户）"),
)
ELEMENT_BY_KEY: Mapping[str, SystemElement] = {e.key: e for e in SYSTEM_ELEMENTS}
NO_ELEMENT_TITLE = "a one-off correction (no system change)"


@dataclass(frozen=True)
class VictimMeasure:
    key: str
    title: str
    title_zh: str


VICTIM_MEASURES: tuple[VictimMeasure, ...] = (
    VictimMeasure("protection", "full protection of the workers concerned", "对相关工人的全面保护"),
    VictimMeasure("remedy", "remedy (fees repaid, wages owed, compensation)", "补救（退还费用、补发工资、赔偿）"),
    VictimMeasure("return", "repatriation if wanted, or reintegration", "按意愿遣返或重新融入"),
    VictimMeasure("victim_services", "victim-service organisations consulted", "咨询受害者服务机构"),
)
VICTIM_MEASURE_BY_KEY: Mapping[str, VictimMeasure] = {m.key: m for m in VICTIM_MEASURES}

SEVERE = frozenset({"critical", "zero tolerance"})


# --------------------------------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------------------------------

class Check(str, Enum):
    """The stable codes of the quality checks (scripts and stored overrides rely on them)."""

    ROOT_CAUSE_MISSING = "root_cause_missing"
    ROOT_CAUSE_RESTATES_FINDING = "root_cause_restates_finding"
    PREVENTIVE_ACTION_MISSING = "preventive_action_missing"
    NO_SYSTEM_ELEMENT = "no_system_element"
    TRAINING_ONLY = "training_only"
    NO_PROJECT_LEADER = "no_project_leader"
    PLANNED_AFTER_DUE = "planned_after_due"
    VICTIM_PROTECTION_MISSING = "victim_protection_missing"
    SAME_ROOT_CAUSE_AS_BEFORE = "same_root_cause_as_before"
    SAME_ANSWER_ACROSS_ITEMS = "same_answer_across_items"


CHECK_TITLES: Mapping[Check, str] = {
    Check.ROOT_CAUSE_MISSING: "No root cause",
    Check.ROOT_CAUSE_RESTATES_FINDING: "Root cause restates the finding",
    Check.PREVENTIVE_ACTION_MISSING: "No preventive action",
    Check.NO_SYSTEM_ELEMENT: "No management-system change",
    Check.TRAINING_ONLY: "Training alone for a systemic issue",
    Check.NO_PROJECT_LEADER: "No project leader",
    Check.PLANNED_AFTER_DUE: "Planned date past the due date",
    Check.VICTIM_PROTECTION_MISSING: "Victim-protection measures missing",
    Check.SAME_ROOT_CAUSE_AS_BEFORE: "Same root cause as last time",
    Check.SAME_ANSWER_ACROSS_ITEMS: "Same answer pasted across items",
}

# Which part of the answer each check looks at: an override holds only while that part stays as it was.
_CHECK_FIELDS: Mapping[Check, tuple[str, ...]] = {
    Check.ROOT_CAUSE_MISSING: ("root_cause",),
    Check.ROOT_CAUSE_RESTATES_FINDING: ("root_cause",),
    Check.SAME_ROOT_CAUSE_AS_BEFORE: ("root_cause",),
    Check.PREVENTIVE_ACTION_MISSING: ("preventive_action",),
    Check.NO_SYSTEM_ELEMENT: ("preventive_action",),
    Check.TRAINING_ONLY: ("preventive_action", "categories"),
    Check.VICTIM_PROTECTION_MISSING: ("preventive_action",),
    Check.NO_PROJECT_LEADER: ("project_leader",),
    Check.PLANNED_AFTER_DUE: ("planned_date",),
    Check.SAME_ANSWER_ACROSS_ITEMS: ("root_cause", "preventive_action"),
}


@dataclass(frozen=True)
class QualityWarning:
    """One explained warning on a CAP item's answer; `overridden` when a reviewer accepted it with a reason."""

    code: str
    message: str
    overridden: bool = False
    override_reason: str = ""
    overridden_by: str = ""

    @property
    def is_open(self) -> bool:
        return not self.overridden

    @property
    def title(self) -> str:
        return CHECK_TITLES.get(Check(self.code), self.code) if self.code in _CODES else self.code


_CODES = frozenset(c.value for c in Check)


@dataclass(frozen=True)
class Override:
    """A reviewer's reason for accepting a warning, tied to the part of the answer it was given for."""

    reason: str
    by: str = ""
    at: str = ""  # ISO date-time
    fingerprint: str = ""


# --------------------------------------------------------------------------------------------------------------------
# The data of a guided entry
# --------------------------------------------------------------------------------------------------------------------

@dataclass
class PreventiveAction:
    what: str
    who: str = ""
    by_when: Optional[date] = None
    verification: str = ""  # how it will be verified
    element: str = ""  # the management-system element it changes; "" for a one-off correction

    def element_or_inferred(self) -> set[str]:
        """The element chosen, or those its text names when none was chosen."""
        if self.element:
            return {self.element}
        return infer_elements(" ".join((self.what, self.verification)))


@dataclass
class RootCauseAnalysis:
    """A guided root-cause entry for one CAP item, as kept in CapItem.analysis."""

    whys: list[str] = field(default_factory=list)  # answers to "why?"; the chain may stop before MAX_WHYS
    root_cause: str = ""  # the statement of the root cause; the last why unless written otherwise
    categories: list[str] = field(default_factory=list)  # CauseCategory keys, the first being the main one
    risk_source: str = ""  # a RiskSource value, or "" to derive it from the main category
    actions: list[PreventiveAction] = field(default_factory=list)
    victim_measures: dict[str, str] = field(default_factory=dict)  # VictimMeasure key -> what is done
    project_leader: str = ""
    planned_date: Optional[date] = None
    overrides: dict[str, Override] = field(default_factory=dict)  # Check code -> Override
    guided: bool = True  # False when built from a free-text answer (e-mail, tracker, command line)

    def main_category(self) -> Optional[CauseCategory]:
        for key in self.categories:
            if key in CATEGORY_BY_KEY:
                return CATEGORY_BY_KEY[key]
        return None

    def effective_risk_source(self) -> Optional[RiskSource]:
        if self.risk_source:
            try:
                return RiskSource(self.risk_source)
            except ValueError:
                pass
        main = self.main_category()
        return main.risk_source if main else None

    def elements(self) -> set[str]:
        out: set[str] = set()
        for a in self.actions:
            out |= a.element_or_inferred()
        return out

    def root_cause_text(self) -> str:
        return render_root_cause(self)

    def preventive_action_text(self) -> str:
        return render_preventive_action(self)


def render_root_cause(a: RootCauseAnalysis) -> str:
    """The text written to CapItem.root_cause: the root cause statement (the last why when none was written)."""
    statement = _clean(a.root_cause)
    if statement:
        return statement
    whys = [w for w in (_clean(w) for w in a.whys) if w]
    return whys[-1] if whys else ""


def _action_line(n: int, act: PreventiveAction) -> str:
    parts = []
    if _clean(act.who):
        parts.append(f"who: {_clean(act.who)}")
    if act.by_when:
        parts.append(f"by: {act.by_when.isoformat()}")
    if _clean(act.verification):
        parts.append(f"verified by: {_clean(act.verification)}")
    if act.element in ELEMENT_BY_KEY:
        parts.append(f"changes: {ELEMENT_BY_KEY[act.element].title.lower()}")
    tail = f" ({'; '.join(parts)})" if parts else ""
    return f"{n}. {_clean(act.what)}{tail}"


def render_preventive_action(a: RootCauseAnalysis) -> str:
    """The text written to CapItem.preventive_action: one numbered line per action, then victim protection."""
    lines = [_action_line(n, act) for n, act in enumerate((x for x in a.actions if _clean(x.what)), start=1)]
    measures = [(VICTIM_MEASURE_BY_KEY[k], _clean(v)) for k, v in a.victim_measures.items()
                if k in VICTIM_MEASURE_BY_KEY and _clean(v)]
    if measures:
        order = [m.key for m in VICTIM_MEASURES]
        measures.sort(key=lambda mv: order.index(mv[0].key))
        lines.append("Victim protection: " + " | ".join(f"{m.title}: {text}" for m, text in measures))
    return "\n".join(lines)


_ACTION_DETAIL = re.compile(r"^(?P<what>.*\S)\s*\((?P<details>(?:who|by|verified by|changes): [^()]*)\)\s*$")
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)、）]|（\d{1,2}）|[①②③④⑤⑥⑦⑧⑨⑩]|[-*•·])\s*")


def parse_preventive_action(text: str) -> tuple[list[PreventiveAction], dict[str, str]]:
    """Reads actions out of a free-text preventive action: one per line or numbered item, else per sentence.

    Lines in the form render_preventive_action writes are read back with their details.
    """
    actions: list[PreventiveAction] = []
    victim: dict[str, str] = {}
    raw_lines = [ln.strip() for ln in (text or "").replace("\r", "\n").split("\n") if ln.strip()]
    if len(raw_lines) == 1 and not _NUMBERING.match(raw_lines[0]):
        # one paragraph: each sentence or semicolon-separated clause is an action
        raw_lines = [p.strip() for p in re.split(r"[;；。]|\.\s+(?=[A-Z])", raw_lines[0]) if p.strip()]
    for line in raw_lines:
        if line.lower().startswith("victim protection:"):
            body = line.split(":", 1)[1]
            for part in body.split("|"):
                label, _, value = part.partition(":")
                for m in VICTIM_MEASURES:
                    if label.strip().lower() == m.title.lower() and value.strip():
                        victim[m.key] = value.strip()
            continue
        line = _NUMBERING.sub("", line, count=1).strip()
        if not line:
            continue
        act = PreventiveAction(what=line)
        match = _ACTION_DETAIL.match(line)
        if match:
            act.what = match.group("what").strip()
            for part in match.group("details").split(";"):
                key, _, value = part.partition(":")
                key, value = key.strip().lower(), value.strip()
                if key == "who":
                    act.who = value
                elif key == "by":
                    try:
                        act.by_when = date.fromisoformat(value)
                    except ValueError:
                        pass
                elif key == "verified by":
                    act.verification = value
                elif key == "changes":
                    act.element = next((e.key for e in SYSTEM_ELEMENTS if e.title.lower() == value.lower()), "")
        actions.append(act)
    return actions, victim


def analysis_from_text(root_cause: str, preventive_action: str, project_leader: str = "",
                       planned_date: Optional[date] = None,
                       previous: Optional[RootCauseAnalysis] = None) -> RootCauseAnalysis:
    """An entry built from a free-text answer; the whys and categories of `previous` are kept if its root cause
    is the same text, and its overrides are kept (they lapse by themselves where the answer changed)."""
    actions, victim = parse_preventive_action(preventive_action)
    same_cause = previous is not None and _clean(previous.root_cause_text()) == _clean(root_cause)
    if same_cause:
        whys, categories, risk = list(previous.whys), list(previous.categories), previous.risk_source
    else:
        whys, categories, risk = [], sorted(infer_categories(root_cause), key=_category_order), ""
    return RootCauseAnalysis(
        whys=whys, root_cause=_clean(root_cause), categories=categories, risk_source=risk, actions=actions,
        victim_measures=victim, project_leader=_clean(project_leader), planned_date=planned_date,
        overrides=dict(previous.overrides) if previous else {}, guided=bool(same_cause and previous.guided),
    )


def _category_order(key: str) -> int:
    return [c.key for c in CAUSE_CATEGORIES].index(key) if key in CATEGORY_BY_KEY else 99


# --------------------------------------------------------------------------------------------------------------------
# JSON (CapItem.analysis)
# --------------------------------------------------------------------------------------------------------------------

def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


def _date(value: Any) -> Optional[date]:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def to_json(a: RootCauseAnalysis, written: Optional[tuple[str, str]] = None) -> dict[str, Any]:
    """The entry as the JSON kept in CapItem.analysis.

    `text` holds what was written to the item's root cause and preventive action fields (by default the rendered
    entry), so that a later edit of those fields elsewhere (a tracker, an e-mail) is noticed.
    """
    root_text, action_text = written if written is not None else (render_root_cause(a), render_preventive_action(a))
    return {
        "version": JSON_VERSION,
        "guided": a.guided,
        "whys": [_clean(w) for w in a.whys],
        "root_cause": _clean(a.root_cause),
        "categories": [k for k in a.categories if k in CATEGORY_BY_KEY],
        "risk_source": a.risk_source if a.risk_source in {r.value for r in RiskSource} else "",
        "actions": [
            {"what": _clean(x.what), "who": _clean(x.who), "by_when": _iso(x.by_when),
             "verification": _clean(x.verification), "element": x.element if x.element in ELEMENT_BY_KEY else ""}
            for x in a.actions if _clean(x.what)
        ],
        "victim_measures": {k: _clean(v) for k, v in a.victim_measures.items()
                            if k in VICTIM_MEASURE_BY_KEY and _clean(v)},
        "project_leader": _clean(a.project_leader),
        "planned_date": _iso(a.planned_date),
        "overrides": {code: {"reason": o.reason, "by": o.by, "at": o.at, "fingerprint": o.fingerprint}
                      for code, o in a.overrides.items() if code in _CODES},
        "text": {"root_cause": _clean(root_text), "preventive_action": _clean_block(action_text)},
    }


def from_json(data: Optional[Mapping[str, Any]]) -> Optional[RootCauseAnalysis]:
    """Reads CapItem.analysis back; parts that are missing or malformed are left out rather than failing."""
    if not isinstance(data, Mapping):
        return None

    def text(value: Any) -> str:
        return _clean(value) if isinstance(value, str) else ""

    actions = []
    for raw in data.get("actions") or ():
        if isinstance(raw, Mapping) and text(raw.get("what")):
            element = raw.get("element") if raw.get("element") in ELEMENT_BY_KEY else ""
            actions.append(PreventiveAction(text(raw.get("what")), text(raw.get("who")), _date(raw.get("by_when")),
                                            text(raw.get("verification")), element))
    overrides = {}
    for code, raw in (data.get("overrides") or {}).items() if isinstance(data.get("overrides"), Mapping) else ():
        if code in _CODES and isinstance(raw, Mapping) and text(raw.get("reason")):
            overrides[code] = Override(text(raw.get("reason")), text(raw.get("by")), text(raw.get("at")),
                                       text(raw.get("fingerprint")))
    victim = data.get("victim_measures") if isinstance(data.get("victim_measures"), Mapping) else {}
    return RootCauseAnalysis(
        whys=[text(w) for w in data.get("whys") or () if isinstance(w, str)][:MAX_WHYS],
        root_cause=text(data.get("root_cause")),
        categories=[k for k in data.get("categories") or () if k in CATEGORY_BY_KEY],
        risk_source=data.get("risk_source") if data.get("risk_source") in {r.value for r in RiskSource} else "",
        actions=actions,
        victim_measures={k: text(v) for k, v in victim.items() if k in VICTIM_MEASURE_BY_KEY and text(v)},
        project_leader=text(data.get("project_leader")),
        planned_date=_date(data.get("planned_date")),
        overrides=overrides,
        guided=bool(data.get("guided", True)),
    )


def current_analysis(root_cause: str, preventive_action: str, project_leader: str, planned_date: Optional[date],
                     stored: Optional[Mapping[str, Any]]) -> RootCauseAnalysis:
    """The entry that matches a CAP item's text fields now.

    The stored guided entry is used while the item's texts are those it wrote; once the texts were changed
    elsewhere (a returned tracker, the command line), the entry is rebuilt from the texts.
    """
    previous = from_json(stored)
    written = stored.get("text") if isinstance(stored, Mapping) and isinstance(stored.get("text"), Mapping) else {}
    if (previous is not None and _clean(written.get("root_cause", "")) == _clean(root_cause)
            and _clean_block(written.get("preventive_action", "")) == _clean_block(preventive_action)):
        return replace(previous, project_leader=_clean(project_leader), planned_date=planned_date)
    return analysis_from_text(root_cause, preventive_action, project_leader, planned_date, previous)


# --------------------------------------------------------------------------------------------------------------------
# Text analysis: tokens in English and Chinese, restatement, similarity, keyword inference
# --------------------------------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?|\d+", re.UNICODE)
# Characters that join rather than carry meaning in Chinese text: a run is split on them before taking bigrams.
_CJK_STOP = set("的了和与及在是等对被把将其之也都就这那个为而或并且")
_STOP_WORDS = frozenset("""
a an the of to in on at for from by with without into onto as and or but nor so than then that this these those it
its is are was were be been being am do does did done doing has have had having will would shall should can could
may might must not no yes there their they them we our us you your he she his her i my me which who whom whose what
when where why how all any some each every more most less much many very too also only just such same other own
due because since while during per via about against between under over up down out off again once here
factory facility company supplier site plant
n/a na none nil unknown nothing etc
""".split())
_CJK_EMPTY = {"无", "没有", "暂无", "不详", "不知道", "未知", "不清楚"}


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def _clean_block(text: Any) -> str:
    return "\n".join(_clean(ln) for ln in str(text or "").replace("\r", "\n").split("\n") if _clean(ln))


def _stem(word: str) -> str:
    """A light English stemmer: enough that 'exceeded', 'exceeds' and 'exceeding' meet."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if suffix == "s" and w.endswith("ss"):
            break
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + keep
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # planning -> plann -> plan
    return w


def tokens(text: str) -> set[str]:
    """Content tokens of a text: stemmed words without stop words, and character bigrams of Chinese runs."""
    text = str(text or "")
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        pieces = re.split("[" + "".join(_CJK_STOP) + "]", run)
        for piece in pieces:
            if not piece or piece in _CJK_EMPTY:
                continue
            if len(piece) == 1:
                out.add(piece)
            else:
                out.update(piece[i:i + 2] for i in range(len(piece) - 1))
    latin = _CJK_RUN.sub(" ", text)
    for word in _WORD.findall(latin):
        w = word.lower()
        if w in _STOP_WORDS or len(w) < 2:
            continue
        out.add(_stem(w))
    return out


def similarity(a: str, b: str) -> float:
    """How alike two answers are, 0 to 1 (Dice coefficient of their content tokens)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 1.0 if _clean(a).lower() == _clean(b).lower() and _clean(a) else 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


@functools.lru_cache(maxsize=2048)
def _word_start(kw: str) -> "re.Pattern[str]":
    return re.compile(r"(?<![a-z])" + re.escape(kw))


def _keyword_hits(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords found in text: Chinese ones anywhere, English ones at the start of a word."""
    low = str(text or "").lower()
    hits = []
    for kw in keywords:
        if kw not in low:  # the cheap test first: most keywords are absent
            continue
        if _CJK_RUN.search(kw) or _word_start(kw).search(low):
            hits.append(kw)
    return hits


# Words that show a cause lies in this part of the management system (English stems, Chinese words).
_CAUSE_WORDS: Mapping[str, tuple[str, ...]] = {
    "policy": ("policy", "policies", "code of conduct", "commitment", "rule allow", "政策", "方针", "承诺", "守则"),
    "procedure": ("procedure", "process", "planning", "plan ", "plann", "sop", "no system", "system for", "schedul",
                  "approval", "instruction", "checklist", "register", "制度", "程序", "流程", "计划", "规程", "审批",
                  "排班", "规定", "登记"),
    "training": ("train", "aware", "unaware", "knowledge", "not know", "did not know", "understand", "induction",
                 "briefing", "培训", "意识", "不了解", "不清楚", "不懂", "不熟悉", "宣导"),
    "responsibility": ("responsib", "accountab", "nobody", "no one", "assigned", "assign", "owner", "in charge",
                       "job description", "appoint", "负责", "职责", "责任", "任命", "指定", "分工", "问责"),
    "monitoring": ("monitor", "audit", "check", "track", "review", "supervis", "oversight of", "inspect",
                   "reconcil", "record", "监控", "监督", "检查", "审核", "内审", "跟踪", "核查", "巡查", "复核", "记录"),
    "communication": ("grievance", "communicat", "complaint", "worker voice", "hotline", "suggestion box",
                      "worker representative", "union", "申诉", "沟通", "投诉", "热线", "意见箱", "员工代表", "工会"),
    "resources": ("budget", "shortage", "capacity", "resource", "cost", "staffing", "understaff", "headcount",
                  "turnover", "equipment", "invest", "low wage", "base wage", "预算", "人手", "缺工", "招工难",
                  "产能", "资源", "成本", "流失", "设备", "工资低", "底薪"),
    "purchasing": ("buyer", "customer", "brand", "lead time", "order change", "late order", "order timing",
                   "price", "pricing", "purchas", "客户", "交期", "交货期", "改单", "下单", "订单", "价格", "采购"),
    "external": ("law ", "legal requirement", "regulation", "government", "authority", "authorities", "pandemic",
                 "power cut", "power outage", "法律", "法规", "政府", "停电", "疫情", "主管部门"),
}

# Words that show a preventive action changes this management-system element.
_ELEMENT_WORDS: Mapping[str, tuple[str, ...]] = {
    "policy": ("policy", "policies", "code of conduct", "commitment", "employer pays", "employer-pays",
               "政策", "方针", "承诺", "守则"),
    "procedure": ("procedure", "process", "sop", "instruction", "form ", "checklist", "planning", "plan ",
                  "schedul", "approval", "register", "rule", "system", "assess", "制度", "程序", "流程", "规定",
                  "计划", "审批", "表格", "清单", "登记", "排班", "规程", "评估", "接单"),
    "training": ("train", "briefing", "induction", "awareness", "educat", "coach", "workshop", "培训", "宣导",
                 "宣传", "教育", "讲解"),
    "responsibility": ("appoint", "responsib", "accountab", "assign", "job description", "designat", "in charge",
                       "kpi", "performance objective", "deputy", "owner", "任命", "职责", "负责", "责任", "指定",
                       "问责", "考核", "岗位说明"),
    "monitoring": ("monitor", "internal audit", "audit", "review", "check", "inspect", "report", "dashboard",
                   "alert", "track", "reconcil", "spot check", "walk-through", "监控", "监督", "内审", "审核", "检查",
                   "核查", "巡查", "报表", "报告", "预警", "跟踪", "复核", "稽核", "点检"),
    "communication": ("grievance", "hotline", "suggestion box", "worker committee", "worker representative",
                      "union", "complaint", "communicat", "notice board", "worker interview", "dialogue", "feedback",
                      "申诉", "投诉", "热线", "意见箱", "员工代表", "工会", "沟通", "公告栏", "反馈", "座谈"),
    "resources": ("budget", "hire", "hiring", "headcount", "staffing", "capacity", "invest", "equipment", "install",
                  "fund", "additional worker", "wage increase", "raise wage", "productivity", "预算", "招聘", "增加人手",
                  "人员配置", "产能", "投资", "设备", "资金", "增员", "加薪", "提高工资"),
    "purchasing": ("buyer", "brand", "customer", "lead time", "order timing", "order change", "purchasing",
                   "pricing", "costing", "客户", "品牌", "交期", "交货期", "改单", "订单", "采购"),
}

# Words that show each victim-protection measure is there.
_VICTIM_WORDS: Mapping[str, tuple[str, ...]] = {
    "protection": ("protect", "safe accommodation", "no retaliation", "non-retaliation", "without retaliation",
                   "shelter", "safety of the worker", "continued employment", "keep their job", "keep their job",
                   "保护", "不报复", "安置", "安全住所", "继续雇佣"),
    "remedy": ("remedy", "remedies", "reimburs", "refund", "repay", "compensat", "back pay", "back wage",
               "restitution", "pay back", "paid back", "补偿", "赔偿", "退还", "返还", "补发", "偿还", "补救"),
    "return": ("repatriat", "reintegrat", "return home", "return to school", "back to school", "schooling",
               "education support", "遣返", "回国", "返乡", "回家", "重新融入", "复学", "返校", "上学", "就学"),
    "victim_services": ("ngo", "victim service", "victim-service", "civil society", "cso", "social worker",
                        "support organisation", "support organization", "anti-trafficking", "iom", "child rights",
                        "非政府组织", "社会组织", "社工", "救助", "公益", "妇联", "受害者服务", "儿童权益"),
}

_FINDING_VICTIM_WORDS = ("forced labour", "forced labor", "bonded", "trafficking", "child labour", "child labor",
                         "debt bondage", "强迫劳动", "强制劳动", "人口贩卖", "拐卖", "童工", "债务奴役", "抵债劳动")

# Answers that blame the workers or restate the act, rather than naming a system failure.
_BLAME_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"\b(workers?|employees?|staff|operators?|people)\s+(did|do|does|doing|worked|work|working|made|make|took|take)"
    r"\s+(the\s+|some\s+|a\s+lot\s+of\s+|too\s+much\s+)?(overtime|extra\s+hours|long\s+hours|more\s+hours)",
    r"\b(workers?|employees?|staff|operators?)\s+(wanted|want|wants|asked|asks|requested|request|chose|choose|"
    r"prefer|prefers|preferred|volunteered|insisted|liked|like)\b",
    r"\b(workers?|employees?|operators?)('s|s')?\s+(own\s+)?(negligence|carelessness|fault|mistake|choice|habit|"
    r"decision|request|wish)",
    r"\b(careless(ness)?|negligen\w*|human\s+error|forgot(ten)?|forget|oversight)\b",
    r"\b(workers?|employees?|operators?)\s+(did\s+not|didn't|do\s+not|don't|refused\s+to|would\s+not)\s+"
    r"(follow|obey|comply|wear|use|cooperate|listen)",
    r"(工人|员工|职工|作业员|操作工|工友)们?(自愿|主动|自己|要求|想|愿意|喜欢)?(要求)?(加班|超时)",
    r"(工人|员工|职工|作业员|操作工)们?(自愿|主动要求|自己要求|要求|想多赚钱|想多挣钱|想多赚|愿意)",
    r"(粗心|疏忽|大意|不小心|忘记|忘了|人为失误)",
    r"(工人|员工|职工|作业员|操作工)们?(不配合|不遵守|不听|不愿意|不愿|不肯)",
))

# Circumstances that are no cause by themselves: the question is what let them lead to the violation.
_EXCUSE_WORDS = frozenset(_stem(w) for w in (
    "peak", "season", "busy", "urgent", "rush", "order", "orders", "shipment", "shipments", "delivery", "deadline",
    "many", "lot", "high", "volume", "production", "need", "needs", "requirement", "time", "tight",
))
# Words that add nothing to a restated finding: who and when, in general terms.
_GENERIC_WORDS = frozenset(_stem(w) for w in (
    "worker", "workers", "employee", "employees", "staff", "people", "operator", "operators", "work", "worked",
    "working", "hours", "hour", "day", "days", "week", "weeks", "month", "months", "happened", "occurred", "found",
    "exceeded", "result", "caused", "reason", "problem", "issue",
))
_EXCUSE_ZH = re.compile(
    r"^(因为|由于|因)?(生产)?(旺季|淡季|赶货|赶单|赶工|赶出货|订单(太|较|很|比较)?多|急单|交货(期)?(紧|急)|货期(紧|急)|出货(紧|急)|"
    r"生产(任务)?(紧|忙|重)|工作(量)?(多|大))+(的)?(原因|导致|造成|所致|引起)?$"
)


# Answers that put the whole cause on the workers' awareness or attitude ("workers are not aware of the rules",
# 员工不了解消防规定, 工人意识不强): read clause by clause, each clause that opens with such a statement is taken out
# together with the rule it names (the rule is what they did not know, not a failure of the system), and the
# rest of the answer must still name a management-system failure.
_WORKERS_EN = (r"(?:(?:the|some|many|most|new|our|certain|individual|a\s+few)\s+)*"
               r"(?:workers?|employees?|staff|operators?|people|workforce|they)")
_WORKERS_ZH = (r"(?:部分|个别|少数|一些|有些|很多|大部分|新进|一线|现场|车间)?"
               r"(?:新员工|新工人|员工|工人|职工|作业员|操作工|操作员|工友|人员|他们)们?")
# what kind of awareness: 安全意识, 消防意识, 法律意识...
_KIND_ZH = r"(?:安全|消防|法律|守法|法制|环保|质量|劳动|自我保护|保护|合规|规则|纪律|风险|卫生|健康|防护|责任)?"
_AWARENESS_EN = r"(?:awareness|discipline|knowledge|understanding|attitude|habits?|sense\s+of\s+responsibility)"
_BLAME_CLAUSES = tuple(re.compile(p, re.IGNORECASE) for p in (
    # workers + what they are, do not do, or lack
    _WORKERS_EN + r"(?:\s+themselves)?\s+(?:are|were|is|was|being)\s+(?:(?:often|sometimes|still|very)\s+)?"
    r"(?:not\s+(?:aware|familiar|careful|cooperative|willing|conscious|serious)|unaware|unfamiliar|careless|"
    r"negligent|lazy|uncooperative|unwilling|undisciplined|ignorant)\b",
    _WORKERS_EN + r"\s+(?:do|does|did)\s*(?:not|n['’]t)\s+(?:(?:always|really|fully)\s+)?(?:know|understand|follow|"
    r"obey|comply|care|cooperate|listen|pay\s+attention|take\b[^,;]*?\bseriously|wear|use|read|remember)",
    _WORKERS_EN + r"\s+(?:lack|lacks|lacked|lacking)\s+(?:of\s+)?(?:\w+\s+)?" + _AWARENESS_EN,
    _WORKERS_EN + r"(?:['’]s?|s['’])?\s+(?:\w+\s+)?" + _AWARENESS_EN + r"\s+(?:is|was|are|were)\s+(?:(?:too|very)\s+)?"
    r"(?:low|weak|poor|insufficient|lacking|limited|bad|inadequate|not\s+(?:enough|good|strong|sufficient))",
    _WORKERS_EN + r"\s+(?:have|has|had)\s+(?:(?:a|too)\s+)?(?:low|poor|weak|little|no|limited|insufficient|bad)\s+"
    r"(?:\w+\s+)?" + _AWARENESS_EN,
    _WORKERS_EN + r"\s+(?:refused|refuse|refuses|would\s+not|won['’]t|will\s+not)\s+(?:to\s+)?(?:cooperate|follow|"
    r"comply|obey|wear|use|listen)",
    _WORKERS_EN + r"\s+(?:forgot|forget|forgets|ignored|ignore|ignores|neglected|neglect|violated|broke)\b",
    # no subject: the awareness or attitude itself
    r"(?:(?:a|the)\s+)?(?:lack\s+of|low|poor|weak|insufficient|limited|inadequate|no)\s+(?:\w+\s+)?"
    r"(?:awareness|discipline)\b",
    r"(?:(?:a|the)\s+)?(?:lack\s+of|low|poor|weak|insufficient|limited|inadequate)\s+(?:worker|employee|staff|"
    r"operator)s?['’]?\s+(?:\w+\s+)?" + _AWARENESS_EN,
    r"(?:worker|employee|operator|staff|human)s?['’]?\s+(?:carelessness|negligence|errors?|mistakes?|fault|"
    r"attitude|habits?|indiscipline|ignorance)",
    # Chinese: (workers) (of/about the rule) + not knowing, weak awareness, carelessness, not cooperating
    r"(?:" + _WORKERS_ZH + r")?(?:的|自身|本身|自己)?(?:对(?P<obj>[^，,；;。]{0,30}?))?(?:"
    r"" + _KIND_ZH + r"(?:意识|观念)(?:不强|不够|不足|薄弱|淡薄|较差|较弱|差|弱|低|不高|欠缺|不到位)"
    r"|缺乏" + _KIND_ZH + r"(?:意识|常识|知识|观念)"
    r"|不了解|不清楚|不知道|不熟悉|不懂|不明白|不理解|没有意识到|未意识到|不重视|不在意|不注意"
    r"|疏忽大意|疏忽|粗心大意|粗心|马虎|大意|不小心|忘记了?|忘了|不配合|不遵守|不服从|不听从?|不愿意?|不肯"
    r"|违反|违规操作|私自|擅自|图方便|贪方便|怕麻烦|嫌麻烦|习惯不好|习惯差|素质(?:低|不高|差|较低)"
    r"|责任心(?:不强|差)|纪律性差|自觉性(?:差|不强))",
))
_CLAUSE_SPLIT = re.compile(
    r"[，,；;。.!！?？\n、:：()（）]+|因为|由于|所以|因此|导致|造成|以致|以至于?|而且|并且|但是|同时|加上|另外"
    r"|\b(?:because|since|as\s+a\s+result|so\s+that|so|and|but|while|which|leading\s+to|resulting\s+in|due\s+to)\b",
    re.IGNORECASE)
_CLAUSE_OPENING = re.compile(
    r"^(?:(?:主要|根本)?原因(?:是|为|在于)?|主要是|主要|是|因|the\s+(?:main\s+|root\s+)?(?:cause|reason)\s+(?:is|was)"
    r"\s+(?:that\s+)?|mainly\s+|simply\s+)", re.IGNORECASE)
# The rule that workers did not know or follow: named in the blame, it is not a system failure of its own.
_RULE_NAMED = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6}?(?:规章制度|操作规程|规定|制度|法规|法律|规则|要求|标准|程序|流程|政策|守则|纪律|规程))"
    r"|\b(?:rules?|regulations?|laws?|legal\s+limits?|limits?|requirements?|procedures?|policy|policies|"
    r"standards?|instructions?|sops?|code\s+of\s+conduct)\b", re.IGNORECASE)


def _blames_workers_only(root_cause: str, finding_text: str) -> bool:
    """True when the root cause only says the workers did not know, care or cooperate, naming no system failure."""
    blamed = False
    rest: list[str] = []
    for clause in _CLAUSE_SPLIT.split(unicodedata.normalize("NFKC", root_cause)):
        clause = _CLAUSE_OPENING.sub("", clause.strip()).strip()
        if not clause:
            continue
        match = next((m for m in (p.match(clause) for p in _BLAME_CLAUSES) if m), None)
        if match is None:
            rest.append(clause)
            continue
        blamed = True
        # what the workers did not know or follow stays in the answer, less the rule itself
        rest.append(_RULE_NAMED.sub(" ", match.groupdict().get("obj") or ""))
        rest.append(_RULE_NAMED.sub(" ", clause[match.end():]))
    if not blamed:
        return False
    return not _system_words_beyond(" ".join(rest), finding_text)


def needs_victim_protection(finding: "FindingFacts") -> bool:
    """True for trafficking and forced labour of (migrant) workers, and for child labour actually found.

    A library type says so itself (its victim-protection flag: a procedure missing or a young worker's paperwork
    owes no victim measures); a free-text finding is judged by its words."""
    if finding.victim_protection or finding.violation_type:
        return finding.victim_protection
    # Free text: forced labour graded critical or worse, child labour graded zero tolerance (found, not a missing
    # procedure), or words that name it.
    if (finding.category == "forced-labour" and finding.severity in SEVERE) or \
            (finding.category == "child-labour" and finding.severity == "zero tolerance"):
        return True
    return bool(_keyword_hits(" ".join((finding.title, finding.title_zh)), _FINDING_VICTIM_WORDS))


def infer_categories(text: str) -> set[str]:
    """The cause categories a free-text root cause names."""
    return {key for key, words in _CAUSE_WORDS.items() if _keyword_hits(text, words)}


def infer_elements(text: str) -> set[str]:
    """The management-system elements a free-text preventive action changes."""
    return {key for key, words in _ELEMENT_WORDS.items() if _keyword_hits(text, words)}


def infer_victim_measures(text: str) -> set[str]:
    return {key for key, words in _VICTIM_WORDS.items() if _keyword_hits(text, words)}


def _system_words_beyond(root_cause: str, finding_text: str) -> list[str]:
    """System-failure words the root cause uses that the finding itself does not."""
    finding_low = finding_text.lower()
    hits = []
    for words in _CAUSE_WORDS.values():
        for kw in _keyword_hits(root_cause, words):
            if kw.strip() and kw.strip() not in finding_low:
                hits.append(kw.strip())
    return hits


def restatement(root_cause: str, finding_texts: Sequence[str]) -> Optional[str]:
    """Why the root cause restates the finding instead of naming a system failure, or None when it does not."""
    rc = _clean(root_cause)
    if not rc:
        return None
    finding_text = " ".join(_clean(t) for t in finding_texts if t)
    rc_tokens = tokens(rc)
    finding_tokens = tokens(finding_text)
    system = _system_words_beyond(rc, finding_text)
    compact = re.sub(rf"[\s，。、；;,.!！?？()（）\"“”'‘’]+", "", rc)
    if _EXCUSE_ZH.match(compact) or (rc_tokens and not _CJK_RUN.search(rc)
                                      and all(t in _EXCUSE_WORDS for t in rc_tokens)):
        return ("it names a circumstance (a busy season, urgent orders), not what in the management system let it "
                "lead to the violation")
    if any(p.search(rc) for p in _BLAME_PATTERNS) and not system:
        return "it describes what the workers did or blames them, not the management-system failure that allowed it"
    if _blames_workers_only(rc, finding_text):
        return ("it puts the cause on the workers' awareness or attitude and names no management-system failure "
                "that left them unaware or let it happen (no induction or training, no supervision, no procedure, "
                "nobody responsible)")
    if not rc_tokens:
        return "it says nothing about the cause"
    shared = rc_tokens & finding_tokens
    overlap = len(shared) / len(rc_tokens)
    if overlap >= 0.8:
        return "it repeats the words of the finding"
    if overlap >= 0.5 and not system:
        return "it mostly repeats the words of the finding and names no system failure"
    if shared and not system and all(t in _EXCUSE_WORDS or t in _GENERIC_WORDS for t in rc_tokens - shared):
        return "it repeats the finding and adds only circumstances, not what in the management system failed"
    if len(rc_tokens) < 2 and not system:
        return "it is too short to name a system failure"
    return None


# --------------------------------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FindingFacts:
    """What the checks need to know of the finding behind a CAP item."""

    title: str
    description: str = ""
    title_zh: str = ""  # the library's Chinese title, so a Chinese answer can be compared with an English finding
    library_title: str = ""  # the library's English title when the auditor worded the finding differently
    category: str = ""  # finding category key
    violation_type: Optional[str] = None
    severity: str = "major"
    repeat: bool = False
    victim_protection: bool = False  # the library flags the violation type
    due_date: Optional[date] = None

    def texts(self) -> tuple[str, ...]:
        return (self.title, self.description, self.title_zh, self.library_title)


@dataclass(frozen=True)
class EarlierAnswer:
    """What the same factory answered for the same violation type in an earlier CAP."""

    cap_id: int
    item_id: int
    assessment_date: Optional[date]
    finding: str
    root_cause: str
    preventive_action: str = ""
    project_leader: str = ""
    status: str = ""


SAME_CAUSE_SIMILARITY = 0.6


# --------------------------------------------------------------------------------------------------------------------
# The same answer pasted across the items of one CAP
# --------------------------------------------------------------------------------------------------------------------

SAME_ANSWER_SIMILARITY = 0.85  # character-bigram Jaccard ratio from which two answers count as the same
SAME_ANSWER_MIN_KINDS = 3  # different kinds of finding that must share an answer before it counts as boilerplate
ANSWER_PARTS = ("root_cause", "preventive_action")
_PART_WORDS = {"root_cause": "root cause", "preventive_action": "preventive action"}
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ItemAnswer:
    """One CAP item's answer, as the across-items check compares it with the others."""

    kind: str  # what the finding is: its violation type key, or its own wording when it has none
    root_cause: str
    preventive_action: str


@dataclass(frozen=True)
class SharedAnswer:
    """A part of an item's answer that items of other kinds of finding in the same CAP give too."""

    part: str  # "root_cause" or "preventive_action"
    items: int  # how many items of the CAP give it, this one included
    kinds: int  # how many different kinds of finding those items are
    text: str  # the answer as this item gives it


def item_answer(kind: str, a: RootCauseAnalysis) -> ItemAnswer:
    """An item's answer as written to the item (the rendered entry), for `shared_answers`."""
    return ItemAnswer(kind, render_root_cause(a), render_preventive_action(a))


def normalise_answer(text: str) -> str:
    """An answer reduced for comparison: full-width folded to half-width, case folded, and punctuation, symbols and
    spacing taken out (员工不了解消防规定。 and ＂员工 不了解消防规定＂ meet)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text or "")).casefold())


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i:i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset((key,))


def answer_similarity(a: str, b: str) -> float:
    """How alike two answers are as written (0 to 1): the Jaccard ratio of the character pairs of their normalised
    forms. Unlike `similarity`, it does not look through rewording: it tells a pasted answer from a written one."""
    ka, kb = normalise_answer(a), normalise_answer(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    ga, gb = _bigrams(ka), _bigrams(kb)
    shared = len(ga & gb)
    return shared / (len(ga) + len(gb) - shared)


def near_identical_groups(texts: Sequence[str], threshold: float = SAME_ANSWER_SIMILARITY) -> list[list[int]]:
    """The positions of the texts, grouped where answers are the same or near-identical (linked through pairs whose
    similarity reaches the threshold); empty texts are left out, and groups of one are not returned.

    Texts equal once normalised are compared once. Pairs are found by prefix filtering: with the character pairs of
    each text ordered rarest first, two texts whose Jaccard ratio reaches t share a pair among the first
    n - ceil(t * n) + 1 of each, and a text cannot reach t with one more than 1/t times its size; only pairs that
    pass both tests are compared in full. A CAP of 120 items takes a few milliseconds (some tens when
    every answer is drawn from the same few words)."""
    by_key: dict[str, list[int]] = {}
    for pos, text in enumerate(texts):
        key = normalise_answer(text)
        if key:
            by_key.setdefault(key, []).append(pos)
    keys = list(by_key)
    grams = [_bigrams(k) for k in keys]
    rarity = Counter(g for gs in grams for g in gs)
    parent = list(range(len(keys)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    # each pair's posting list holds the texts that have it among their first pairs, smallest first
    index: dict[str, list[int]] = defaultdict(list)
    index_sizes: dict[str, list[int]] = defaultdict(list)
    for n in sorted(range(len(keys)), key=lambda n: len(grams[n])):
        size = len(grams[n])
        prefix = sorted(grams[n], key=lambda g: (rarity[g], g))[: size - math.ceil(threshold * size - 1e-9) + 1]
        smallest = threshold * size - 1e-9  # an earlier (smaller) text needs at least this many pairs
        candidates: set[int] = set()
        for g in prefix:
            postings = index[g]
            if postings:
                candidates.update(postings[bisect.bisect_left(index_sizes[g], smallest):])
            postings.append(n)
            index_sizes[g].append(size)
        for m in candidates:
            if root(m) == root(n):
                continue
            shared = len(grams[n] & grams[m])
            if shared >= threshold * (size + len(grams[m]) - shared) - 1e-9:
                parent[root(m)] = root(n)
    groups: dict[int, list[int]] = defaultdict(list)
    for n, key in enumerate(keys):
        groups[root(n)].extend(by_key[key])
    return [sorted(g) for g in groups.values() if len(g) > 1]


def shared_answers(answers: Sequence[ItemAnswer], threshold: float = SAME_ANSWER_SIMILARITY,
                   min_kinds: int = SAME_ANSWER_MIN_KINDS) -> list[tuple[SharedAnswer, ...]]:
    """For each item of a CAP, the parts of its answer (root cause, preventive action) that are the same or
    near-identical for items of at least `min_kinds` different kinds of finding: a boilerplate answer.

    Items of one kind of finding may rightly share an answer (the same violation in two departments), so
    only an answer that crosses kinds counts."""
    found: list[list[SharedAnswer]] = [[] for _ in answers]
    for part in ANSWER_PARTS:
        texts = [getattr(a, part) for a in answers]
        for members in near_identical_groups(texts, threshold):
            kinds = len({answers[i].kind for i in members})
            if kinds >= min_kinds:
                for i in members:
                    found[i].append(SharedAnswer(part, len(members), kinds, _clean(texts[i])))
    return [tuple(f) for f in found]


def _shared_message(shared: Sequence[SharedAnswer]) -> str:
    first, *more = shared
    text = (f"the same {_PART_WORDS.get(first.part, first.part)} (\"{_short(first.text, 60)}\") is given for "
            f"{first.items} items of this CAP, whose findings are of {first.kinds} different types")
    for s in more:
        text += (f"; the same {_PART_WORDS.get(s.part, s.part)} (\"{_short(s.text, 60)}\") for {s.items} items "
                 f"({s.kinds} types)")
    return ("Pasted answer: " + text + ". A boilerplate answer names no specific system failure: ask the factory "
            "for the cause behind each finding, and the change that keeps that finding from coming back.")


def fingerprint(a: RootCauseAnalysis, code: str) -> str:
    """A short digest of the part of the answer a check looks at; an override lapses when it changes."""
    parts = []
    for name in _CHECK_FIELDS.get(Check(code), ()) if code in _CODES else ():
        if name == "root_cause":
            parts.append(render_root_cause(a).lower())
        elif name == "preventive_action":
            parts.append(render_preventive_action(a).lower())
        elif name == "categories":
            parts.append(",".join(sorted(a.categories)))
        elif name == "project_leader":
            parts.append(_clean(a.project_leader).lower())
        elif name == "planned_date":
            parts.append(_iso(a.planned_date) or "")
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def with_override(a: RootCauseAnalysis, code: str, reason: str, by: str = "",
                  at: Optional[datetime] = None) -> RootCauseAnalysis:
    """The entry with a warning accepted for a reason. Raises ValueError with a message for the user."""
    if code not in _CODES:
        raise ValueError(f"Unknown check {code!r}: use one of {', '.join(sorted(_CODES))}.")
    reason = _clean(reason)
    if len(reason) < 5:
        raise ValueError("Give a reason for overriding the warning (a few words at least).")
    overrides = dict(a.overrides)
    overrides[code] = Override(reason, _clean(by), (at or datetime.now()).isoformat(timespec="seconds"),
                               fingerprint(a, code))
    return replace(a, overrides=overrides)


def without_override(a: RootCauseAnalysis, code: str) -> RootCauseAnalysis:
    overrides = dict(a.overrides)
    overrides.pop(code, None)
    return replace(a, overrides=overrides)


def _raw_checks(finding: FindingFacts, a: RootCauseAnalysis, earlier: Sequence[EarlierAnswer],
                shared: Sequence[SharedAnswer] = ()) -> list[tuple[Check, str]]:
    found: list[tuple[Check, str]] = []
    rc = render_root_cause(a)
    actions = [x for x in a.actions if _clean(x.what)]
    if not rc:
        found.append((Check.ROOT_CAUSE_MISSING,
                      "No root cause is given: ask the factory what in its management system let this happen."))
    else:
        why = restatement(rc, finding.texts())
        if why:
            found.append((Check.ROOT_CAUSE_RESTATES_FINDING,
                          f"The root cause restates the finding: {why}. Ask 'why?' again until it names a failure "
                          "of policy, procedure, responsibility, monitoring, resources or purchasing practices."))
    if not actions:
        found.append((Check.PREVENTIVE_ACTION_MISSING,
                      "No preventive action is given: say what will change so that the finding does not come back."))
    else:
        elements = a.elements()
        if not elements:
            found.append((Check.NO_SYSTEM_ELEMENT,
                          "No preventive action changes a management-system element (policy, procedure, "
                          "responsibility, monitoring, worker communication, resources): a one-off correction fixes "
                          "this case but not the next one."))
        elif elements == {"training"}:
            reasons = _systemic_reasons(finding, a)
            if reasons:
                found.append((Check.TRAINING_ONLY,
                              "Training is the only preventive action, but the issue is systemic ("
                              + "; ".join(reasons) + "): add a change to procedure, responsibility or monitoring "
                              "that keeps it from coming back when people change."))
    if not _clean(a.project_leader):
        found.append((Check.NO_PROJECT_LEADER,
                      "No project leader is named: the factory must name the employee responsible for this item."))
    if a.planned_date and finding.due_date and a.planned_date > finding.due_date:
        days = (a.planned_date - finding.due_date).days
        found.append((Check.PLANNED_AFTER_DUE,
                      f"The planned completion date {a.planned_date.isoformat()} is {days} day(s) past the due date "
                      f"the CAP allows ({finding.due_date.isoformat()})."))
    if needs_victim_protection(finding):
        present = {k for k, v in a.victim_measures.items() if _clean(v)}
        present |= infer_victim_measures(" ".join([render_preventive_action(a)]))
        missing = [m for m in VICTIM_MEASURES if m.key not in present]
        if missing:
            found.append((Check.VICTIM_PROTECTION_MISSING,
                          "A forced labour, trafficking or child labour finding needs victim-protection measures; "
                          "missing: " + ", ".join(m.title for m in missing) + "."))
    if rc and (finding.repeat or earlier):
        best: Optional[tuple[float, EarlierAnswer]] = None
        for e in earlier:
            if not _clean(e.root_cause):
                continue
            score = similarity(rc, e.root_cause)
            if score >= SAME_CAUSE_SIMILARITY and (best is None or score > best[0]):
                best = (score, e)
        if best is not None:
            e = best[1]
            when = f" of {e.assessment_date.isoformat()}" if e.assessment_date else ""
            found.append((Check.SAME_ROOT_CAUSE_AS_BEFORE,
                          f"This finding came back, and the root cause is the same as in CAP {e.cap_id}{when} "
                          f"(\"{_short(e.root_cause)}\"): the last fix did not hold, so the real cause lies deeper."))
    if shared:
        found.append((Check.SAME_ANSWER_ACROSS_ITEMS, _shared_message(shared)))
    return found


def _short(text: str, limit: int = 80) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _systemic_reasons(finding: FindingFacts, a: RootCauseAnalysis) -> list[str]:
    reasons = []
    if finding.repeat:
        reasons.append("it repeats an earlier finding")
    if finding.severity in SEVERE or finding.severity == "major":
        reasons.append(f"it is {finding.severity}")
    causes = [CATEGORY_BY_KEY[k].title.lower() for k in a.categories
              if k in CATEGORY_BY_KEY and k not in ("training", "external")]
    if causes:
        reasons.append("the root cause lies in " + ", ".join(causes))
    return reasons


def check_answer(finding: FindingFacts, analysis: RootCauseAnalysis, earlier: Sequence[EarlierAnswer] = (),
                 shared: Sequence[SharedAnswer] = ()) -> list[QualityWarning]:
    """Every warning on an answer, with the reviewer's overrides applied where the answer did not change since.

    `shared` holds what `shared_answers` found for this item among the items of its CAP."""
    out = []
    for code, message in _raw_checks(finding, analysis, earlier, shared):
        o = analysis.overrides.get(code.value)
        if o is not None and o.fingerprint == fingerprint(analysis, code.value):
            out.append(QualityWarning(code.value, message, True, o.reason, o.by))
        else:
            out.append(QualityWarning(code.value, message))
    return out


def open_warnings(warnings: Iterable[QualityWarning]) -> list[QualityWarning]:
    return [w for w in warnings if w.is_open]


def cap_quality(items_warnings: Sequence[Sequence[QualityWarning]]) -> int:
    """The CAP quality figure: the share (0-100) of items with no open warning; 100 for a CAP with no items."""
    if not items_warnings:
        return 100
    good = sum(1 for ws in items_warnings if not open_warnings(ws))
    return round(100 * good / len(items_warnings))


# --------------------------------------------------------------------------------------------------------------------
# Validation of an entry before it is saved (the wizard's steps and the command line share it)
# --------------------------------------------------------------------------------------------------------------------

LEADER_MAX = 200


def validate_whys(a: RootCauseAnalysis) -> list[str]:
    problems = []
    whys = list(a.whys)
    while whys and not _clean(whys[-1]):
        whys.pop()
    if len(whys) > MAX_WHYS:
        problems.append(f"Five whys at most: the chain has {len(whys)}.")
    if any(not _clean(w) for w in whys):
        problems.append("A why in the middle of the chain is empty: answer it or remove it.")
    if not render_root_cause(replace(a, whys=whys)):
        problems.append("Answer at least the first why, or write the root cause.")
    return problems


def validate_categories(a: RootCauseAnalysis) -> list[str]:
    problems = []
    unknown = [k for k in a.categories if k not in CATEGORY_BY_KEY]
    if unknown:
        problems.append("Unknown cause categories: " + ", ".join(unknown) + ".")
    if not [k for k in a.categories if k in CATEGORY_BY_KEY]:
        problems.append("Choose at least one cause category.")
    if a.risk_source and a.risk_source not in {r.value for r in RiskSource}:
        problems.append(f"Unknown risk source {a.risk_source!r}.")
    return problems


def validate_actions(a: RootCauseAnalysis) -> list[str]:
    problems = []
    if not any(_clean(x.what) for x in a.actions):
        problems.append("Add at least one preventive action (what will be done).")
    for n, x in enumerate(a.actions, start=1):
        if not _clean(x.what) and (_clean(x.who) or x.by_when or _clean(x.verification) or x.element):
            problems.append(f"Action {n} says who, when or how, but not what will be done.")
        if x.element and x.element not in ELEMENT_BY_KEY:
            problems.append(f"Action {n}: unknown management-system element {x.element!r}.")
        if x.by_when is not None and not isinstance(x.by_when, date):
            problems.append(f"Action {n}: the date must be a date (YYYY-MM-DD).")
    unknown = [k for k in a.victim_measures if k not in VICTIM_MEASURE_BY_KEY]
    if unknown:
        problems.append("Unknown victim-protection measures: " + ", ".join(unknown) + ".")
    return problems


def validate_leader_and_date(a: RootCauseAnalysis) -> list[str]:
    problems = []
    if len(_clean(a.project_leader)) > LEADER_MAX:
        problems.append(f"The project leader's name is longer than {LEADER_MAX} characters.")
    if a.planned_date is not None and not isinstance(a.planned_date, date):
        problems.append("The planned date must be a date (YYYY-MM-DD).")
    return problems


def validate(a: RootCauseAnalysis) -> list[str]:
    """Everything that keeps a guided entry from being saved (warnings do not: they are for the review)."""
    return validate_whys(a) + validate_categories(a) + validate_actions(a) + validate_leader_and_date(a)


def validate_text_answer(root_cause: str, preventive_action: str, project_leader: str,
                         planned_date: Optional[date]) -> list[str]:
    """What keeps a free-text answer from being recorded."""
    problems = []
    if not _clean(root_cause):
        problems.append("The root cause is empty.")
    if not _clean(preventive_action):
        problems.append("The preventive action is empty.")
    if len(_clean(project_leader)) > LEADER_MAX:
        problems.append(f"The project leader's name is longer than {LEADER_MAX} characters.")
    if planned_date is not None and not isinstance(planned_date, date):
        problems.append("The planned date must be a date (YYYY-MM-DD).")
    return problems
