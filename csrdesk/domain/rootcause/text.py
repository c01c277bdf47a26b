"""Text analysis of answers in English and Chinese: tokens (stemmed words, character bigrams), similarity,
keyword inference of categories and elements, and whether a root cause restates its finding."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Iterable, Optional, Sequence

from csrdesk.domain.rootcause.words import (
    BLAME_CLAUSES, BLAME_PATTERNS, CAUSE_WORDS, CJK_EMPTY, CJK_STOP, CLAUSE_OPENING, CLAUSE_SPLIT, ELEMENT_WORDS, EXCUSE_WORDS,
    EXCUSE_ZH, GENERIC_WORDS, RULE_NAMED, STOP_WORDS, VICTIM_WORDS,
)


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?|\d+", re.UNICODE)


def clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def clean_block(text: Any) -> str:
    return "\n".join(clean(ln) for ln in str(text or "").replace("\r", "\n").split("\n") if clean(ln))


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
    for run in CJK_RUN.findall(text):
        pieces = re.split("[" + "".join(CJK_STOP) + "]", run)
        for piece in pieces:
            if not piece or piece in CJK_EMPTY:
                continue
            if len(piece) == 1:
                out.add(piece)
            else:
                out.update(piece[i:i + 2] for i in range(len(piece) - 1))
    latin = CJK_RUN.sub(" ", text)
    for word in _WORD.findall(latin):
        w = word.lower()
        if w in STOP_WORDS or len(w) < 2:
            continue
        out.add(_stem(w))
    return out


_EXCUSE_STEMS = frozenset(_stem(w) for w in EXCUSE_WORDS)
_GENERIC_STEMS = frozenset(_stem(w) for w in GENERIC_WORDS)


def similarity(a: str, b: str) -> float:
    """How alike two answers are, 0 to 1 (Dice coefficient of their content tokens)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 1.0 if clean(a).lower() == clean(b).lower() and clean(a) else 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


@functools.lru_cache(maxsize=2048)
def _word_start(kw: str) -> "re.Pattern[str]":
    return re.compile(r"(?<![a-z])" + re.escape(kw))


def keyword_hits(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords found in text: Chinese ones anywhere, English ones at the start of a word."""
    low = str(text or "").lower()
    hits = []
    for kw in keywords:
        if kw not in low:  # the cheap test first: most keywords are absent
            continue
        if CJK_RUN.search(kw) or _word_start(kw).search(low):
            hits.append(kw)
    return hits


def _blames_workers_only(root_cause: str, finding_text: str) -> bool:
    """True when the root cause only says the workers did not know, care or cooperate, naming no system failure."""
    blamed = False
    rest: list[str] = []
    for clause in CLAUSE_SPLIT.split(unicodedata.normalize("NFKC", root_cause)):
        clause = CLAUSE_OPENING.sub("", clause.strip()).strip()
        if not clause:
            continue
        match = next((m for m in (p.match(clause) for p in BLAME_CLAUSES) if m), None)
        if match is None:
            rest.append(clause)
            continue
        blamed = True
        # what the workers did not know or follow stays in the answer, less the rule itself
        rest.append(RULE_NAMED.sub(" ", match.groupdict().get("obj") or ""))
        rest.append(RULE_NAMED.sub(" ", clause[match.end():]))
    if not blamed:
        return False
    return not _system_words_beyond(" ".join(rest), finding_text)


def infer_categories(text: str) -> set[str]:
    """The cause categories a free-text root cause names."""
    return {key for key, words in CAUSE_WORDS.items() if keyword_hits(text, words)}


def infer_elements(text: str) -> set[str]:
    """The management-system elements a free-text preventive action changes."""
    return {key for key, words in ELEMENT_WORDS.items() if keyword_hits(text, words)}


def infer_victim_measures(text: str) -> set[str]:
    return {key for key, words in VICTIM_WORDS.items() if keyword_hits(text, words)}


def _system_words_beyond(root_cause: str, finding_text: str) -> list[str]:
    """System-failure words the root cause uses that the finding itself does not."""
    finding_low = finding_text.lower()
    hits = []
    for words in CAUSE_WORDS.values():
        for kw in keyword_hits(root_cause, words):
            if kw.strip() and kw.strip() not in finding_low:
                hits.append(kw.strip())
    return hits


def restatement(root_cause: str, finding_texts: Sequence[str]) -> Optional[str]:
    """Why the root cause restates the finding instead of naming a system failure, or None when it does not."""
    rc = clean(root_cause)
    if not rc:
        return None
    finding_text = " ".join(clean(t) for t in finding_texts if t)
    rc_tokens = tokens(rc)
    finding_tokens = tokens(finding_text)
    system = _system_words_beyond(rc, finding_text)
    compact = re.sub(r"[\s，。、；;,.!！?？()（）\"“”'‘’]+", "", rc)
    if EXCUSE_ZH.match(compact) or (rc_tokens and not CJK_RUN.search(rc)
                                      and all(t in _EXCUSE_STEMS for t in rc_tokens)):
        return ("it names a circumstance (a busy season, urgent orders), not what in the management system let it "
                "lead to the violation")
    if any(p.search(rc) for p in BLAME_PATTERNS) and not system:
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
    if shared and not system and all(t in _EXCUSE_STEMS or t in _GENERIC_STEMS for t in rc_tokens - shared):
        return "it repeats the finding and adds only circumstances, not what in the management system failed"
    if len(rc_tokens) < 2 and not system:
        return "it is too short to name a system failure"
    return None
