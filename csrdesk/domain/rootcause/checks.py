"""The quality checks of a root-cause answer, each an explained warning with a stable code that a reviewer
may override with a reason; and the same answer pasted across the items of one CAP."""
from __future__ import annotations

import bisect
import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Optional, Sequence

from csrdesk.domain.reporting import plural
from csrdesk.domain.rootcause.entry import (
    CHECK_CODES, CHECK_FIELDS, SAME_CAUSE_SIMILARITY, Check, EarlierAnswer, FindingFacts, Override, QualityWarning,
    RootCauseAnalysis, iso_date, render_preventive_action, render_root_cause,
)
from csrdesk.domain.rootcause.text import clean, infer_victim_measures, keyword_hits, restatement, similarity
from csrdesk.domain.rootcause.vocabularies import CATEGORY_BY_KEY, SEVERE, VICTIM_MEASURES
from csrdesk.domain.rootcause.words import FINDING_VICTIM_WORDS


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
    return bool(keyword_hits(" ".join((finding.title, finding.title_zh)), FINDING_VICTIM_WORDS))


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
                    found[i].append(SharedAnswer(part, len(members), kinds, clean(texts[i])))
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
    for name in CHECK_FIELDS.get(Check(code), ()) if code in CHECK_CODES else ():
        if name == "root_cause":
            parts.append(render_root_cause(a).lower())
        elif name == "preventive_action":
            parts.append(render_preventive_action(a).lower())
        elif name == "categories":
            parts.append(",".join(sorted(a.categories)))
        elif name == "project_leader":
            parts.append(clean(a.project_leader).lower())
        elif name == "planned_date":
            parts.append(iso_date(a.planned_date) or "")
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def with_override(a: RootCauseAnalysis, code: str, reason: str, by: str = "",
                  at: Optional[datetime] = None) -> RootCauseAnalysis:
    """The entry with a warning accepted for a reason. Raises ValueError with a message for the user."""
    if code not in CHECK_CODES:
        raise ValueError(f"Unknown check {code!r}: use one of {', '.join(sorted(CHECK_CODES))}.")
    reason = clean(reason)
    if len(reason) < 5:
        raise ValueError("Give a reason for overriding the warning (a few words at least).")
    overrides = dict(a.overrides)
    overrides[code] = Override(reason, clean(by), (at or datetime.now()).isoformat(timespec="seconds"),
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
    actions = [x for x in a.actions if clean(x.what)]
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
    if not clean(a.project_leader):
        found.append((Check.NO_PROJECT_LEADER,
                      "No project leader is named: the factory must name the employee responsible for this item."))
    if a.planned_date and finding.due_date and a.planned_date > finding.due_date:
        days = (a.planned_date - finding.due_date).days
        found.append((Check.PLANNED_AFTER_DUE,
                      f"The planned completion date {a.planned_date.isoformat()} is {plural(days, 'day')} past the due date "
                      f"the CAP allows ({finding.due_date.isoformat()})."))
    late = [x for x in actions if x.by_when and finding.due_date and x.by_when > finding.due_date]
    if late:
        listed = "; ".join(f"\"{_short(x.what, 60)}\" by {x.by_when.isoformat()} "
                           f"({plural((x.by_when - finding.due_date).days, 'day')} late)" for x in late)
        found.append((Check.ACTION_AFTER_DUE,
                      f"{plural(len(late), 'preventive action')} {'is' if len(late) == 1 else 'are'} planned after the due date the CAP allows "
                      f"({finding.due_date.isoformat()}): {listed}. Ask for an earlier date, or accept the delay "
                      "with a reason (an extension agreed with the brand)."))
    if needs_victim_protection(finding):
        present = {k for k, v in a.victim_measures.items() if clean(v)}
        present |= infer_victim_measures(" ".join([render_preventive_action(a)]))
        if finding.victim_services_consulted:
            present.add("victim_services")
        missing = [m for m in VICTIM_MEASURES if m.key not in present]
        if missing:
            found.append((Check.VICTIM_PROTECTION_MISSING,
                          "A forced labour, trafficking or child labour finding needs victim-protection measures; "
                          "missing: " + ", ".join(m.title for m in missing) + "."))
    if rc and (finding.repeat or earlier):
        best: Optional[tuple[float, EarlierAnswer]] = None
        for e in earlier:
            if not clean(e.root_cause):
                continue
            score = similarity(rc, e.root_cause)
            if score >= SAME_CAUSE_SIMILARITY and (best is None or score > best[0]):
                best = (score, e)
        if best is not None:
            e = best[1]
            when = f" of {e.assessment_date.isoformat()}" if e.assessment_date else ""
            found.append((Check.SAME_ROOT_CAUSE_AS_BEFORE,
                          f"This finding came back, and the root cause is the same as in CAP #{e.cap_id}{when} "
                          f"(\"{_short(e.root_cause)}\"): the last fix did not hold, so the real cause lies deeper."))
    if shared:
        found.append((Check.SAME_ANSWER_ACROSS_ITEMS, _shared_message(shared)))
    return found


def _short(text: str, limit: int = 80) -> str:
    text = clean(text)
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
