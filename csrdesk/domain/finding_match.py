"""Close library matches for words that match no finding exactly ("fire exit" -> HSF-007 Emergency exits locked or
blocked): offered as "did you mean" before a free-text finding is made."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

SEVERITY_ORDER = ("zero tolerance", "critical", "major", "minor")
TITLE_WEIGHT = 3  # a word found in the key or a title counts this much...
TEXT_WEIGHT = 1  # ...one found only in the description, legal topic or code requirement this much
MIN_COVERAGE = 0.5  # share of the typed words an entry must meet to be offered
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_STOP = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "no", "not", "is", "are", "with", "by"}


@dataclass(frozen=True)
class LibraryText:
    """The words of one library entry that a close match looks at."""

    key: str
    title: str
    title_zh: str = ""
    other: str = ""  # description, legal topic, code requirement: weaker evidence than the title
    severity: str = ""
    topic: str = ""  # the legal topic: what the entry is about ("overtime limit")
    category: str = ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def words(text: str) -> list[str]:
    """The words of a text, folded, without little words (of, and, no...); CJK runs as pairs of characters."""
    out: list[str] = []
    for w in _WORD.findall(_fold(text)):
        if _CJK.search(w):
            chars = [c for c in w]
            out.extend(chars if len(chars) == 1 else ["".join(chars[i:i + 2]) for i in range(len(chars) - 1)])
        elif w not in _STOP:
            out.append(w)
    return out


def _word_meets(typed: str, word: str) -> bool:
    if typed == word:
        return True
    if _CJK.search(typed) or _CJK.search(word):
        return typed in word
    shorter, longer = sorted((typed, word), key=len)
    if len(shorter) >= 3 and longer.startswith(shorter):  # exit / exits, lock / locked
        return True
    if len(shorter) < 4 or abs(len(typed) - len(word)) > 1:
        return False
    return _slips(typed, word) <= (2 if len(shorter) >= 8 else 1)


def _slips(a: str, b: str) -> int:
    """Letters added, dropped, changed or two neighbours swapped between two words (exti -> exit is one)."""
    before, row = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if before is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def _weight(typed: str, title_words: Sequence[str], other_words: Sequence[str]) -> int:
    if any(_word_meets(typed, w) for w in title_words):
        return TITLE_WEIGHT
    if any(_word_meets(typed, w) for w in other_words):
        return TEXT_WEIGHT
    return 0


def close_matches(query: str, entries: Iterable[LibraryText], limit: int = 5) -> list[str]:
    """The keys of the library entries closest to the typed words, best first.

    Each typed word is looked for in the entry's key and titles (whole, as the start of a longer word, or with one
    slip of spelling, two in long words) and, more weakly, in its description, legal topic and code requirement; an entry that meets
    at least half the words is offered. Ties go to the more severe entry (a blocked fire exit is worth checking
    against the zero-tolerance entry first), then to library order."""
    typed = list(dict.fromkeys(words(query)))
    if not typed:
        return []
    scored = []
    for order, e in enumerate(entries):
        title_words = words(" ".join((e.key, e.title, e.title_zh)))
        other_words = words(e.other)
        weights = [_weight(t, title_words, other_words) for t in typed]
        met = sum(1 for w in weights if w)
        if met == 0 or met / len(typed) < MIN_COVERAGE or not any(w == TITLE_WEIGHT for w in weights):
            continue
        severity = SEVERITY_ORDER.index(e.severity) if e.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
        scored.append((-sum(weights), severity, order, e.key))
    scored.sort()
    return [key for *_rest, key in scored[:limit]]


def relevance(tokens: Sequence[str], typed: str, entry: LibraryText) -> tuple:
    """How well an entry that holds every typed piece answers the query, as a sort key (smaller is better):

    a typed key (HRS-00) first; then the share of the typed words that are whole words of a title ("overtime" in
    "Monthly overtime exceeds..." beats "overtimes"); then the share that name what the entry is about, its legal
    topic ("overtime limit": the excessive-overtime entries before one that only mentions overtime); then a title
    that starts with the typed text; then the share of the title the typed words cover (a title about little else
    first). Library order is left to the caller as the last tie-break."""
    typed = " ".join((typed or "").split()).casefold()
    key = entry.key.casefold()
    key_rank = 0 if typed and (key == typed or key.startswith(typed)) else 1
    pieces = [t for t in dict.fromkeys(tokens) if t]
    if not pieces:
        return (key_rank, 0.0, 0.0, 1, 0.0)
    title_words = set(words(entry.title))
    zh = _fold(entry.title_zh)
    topic_words = set(words(entry.topic))

    def whole(t: str) -> bool:
        return (t in zh) if _CJK.search(t) else t in title_words

    whole_share = sum(1 for t in pieces if whole(t)) / len(pieces)
    topic_share = sum(1 for t in pieces if t in topic_words) / len(pieces)
    starts = 0 if typed and (_fold(entry.title).startswith(typed) or zh.startswith(typed)) else 1
    latin = [w for w in words(entry.title) if not _CJK.search(w)]
    covered = sum(1 for w in latin if w in pieces) / len(latin) if latin else 0.0
    return (key_rank, -whole_share, -topic_share, starts, -covered)


def guess_category(query: str, entries: Iterable[LibraryText]) -> str:
    """The category a free-text finding most likely belongs to: that of the library entry sharing the most of its
    words (a word in a title counts more than one in a description), library order breaking ties; "" when no typed
    word is in the library at all. A default the user sees and can change, never a silent decision."""
    typed = list(dict.fromkeys(words(query)))
    best: tuple = (0,)
    category = ""
    for order, e in enumerate(entries):
        if not e.category:
            continue
        title_words = words(" ".join((e.key, e.title, e.title_zh)))
        other_words = words(" ".join((e.other, e.topic)))
        score = sum(_weight(t, title_words, other_words) for t in typed)
        if score and (score, -order) > best:
            best, category = (score, -order), e.category
    return category
