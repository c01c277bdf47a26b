"""Telling whether two supplier records are the same factory: names compared without case, width, punctuation,
company-form words and slips of spelling, with the OS ID and supplier code deciding first."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from csrdesk.domain.text import clean_text

_NOISE_WORDS = {
    "co", "company", "companies", "corp", "corporation", "inc", "incorporated", "llc", "ltd", "limited", "plc", "pvt",
    "private", "pte", "pt", "tbk", "sdn", "bhd", "jsc", "joint", "stock", "jointstock", "srl", "sarl", "sa", "spa",
    "gmbh", "ag", "bv", "factory", "fty", "factories", "the", "san", "tic", "ve", "sti", "as", "coltd",
}
_CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "工厂", "制品厂", "厂")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PLACEHOLDERS = {"", "n a", "na", "none", "null", "nil", "tbd", "tba", "unknown", "0"}


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A name as compared for exact duplicates: case, width, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", clean_text(name or "")).lower().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@lru_cache(maxsize=8192)
def core_tokens(name: str) -> tuple[str, ...]:
    tokens = []
    for token in name_key(name).split():
        if token in _NOISE_WORDS:
            continue
        stripped = token
        changed = True
        while changed and stripped:
            changed = False
            for suffix in _CJK_SUFFIXES:
                if stripped.endswith(suffix) and len(stripped) > len(suffix):
                    stripped, changed = stripped[: -len(suffix)], True
        if len(stripped) > 4 and stripped.endswith("s") and stripped.isascii():
            stripped = stripped[:-1]
        tokens.append(stripped)
    return tuple(tokens or name_key(name).split())


def core_key(name: str) -> str:
    """A name without company-form words (Co., Ltd, Limited, Factory...), plural s and spacing: near duplicates."""
    return "".join(core_tokens(name))


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours counts once), stopping past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _is_typo(a: str, b: str) -> bool:
    if any(ch.isdigit() for ch in a + b) or min(len(a), len(b)) < 5:
        return False
    return _edit_distance(a, b, 2) <= (2 if min(len(a), len(b)) >= 9 else 1)


@dataclass(frozen=True)
class Known:
    """A supplier already known (in the database or earlier in the file) that new rows are compared with."""

    code: str
    name: str
    country: str
    row: Optional[int]  # the file row it came from; None for a supplier already in the database


@dataclass(frozen=True)
class DuplicateMatch:
    """The known supplier a new row seems to duplicate, named for the import report."""

    code: str
    name: str
    row: Optional[int]

    def describe(self) -> str:
        where = f" (row {self.row} of this file)" if self.row is not None else ""
        return f"{self.code} {self.name}{where}"


class DuplicateIndex:
    """Suppliers already known (in the database or earlier in the file), looked up by id, code and name."""

    def __init__(self) -> None:
        self.os_ids: dict[str, Known] = {}
        self.codes: dict[str, Known] = {}
        self.exact: dict[str, list[Known]] = {}
        self.core: dict[str, list[Known]] = {}
        self.fuzzy: dict[str, list[tuple[tuple[str, ...], Known]]] = {}

    @staticmethod
    def _signatures(tokens: tuple[str, ...]) -> list[str]:
        if len(tokens) < 2:
            return []
        return [" ".join(tokens[:i] + ("*",) + tokens[i + 1:]) for i in range(len(tokens))
                if len(tokens[i]) >= 5 and not any(ch.isdigit() for ch in tokens[i])]

    def add(self, known: Known, names: Iterable[str], os_id: str, code: str) -> None:
        if os_id:
            self.os_ids.setdefault(os_id.upper(), known)
        if code:
            self.codes.setdefault(code.upper(), known)
        for name in names:
            if not name:
                continue
            self.exact.setdefault(name_key(name), []).append(known)
            self.core.setdefault(core_key(name), []).append(known)
            tokens = core_tokens(name)
            for sig in self._signatures(tokens):
                self.fuzzy.setdefault(sig, []).append((tokens, known))

    @staticmethod
    def _same_place(a: str, b: str) -> bool:
        return not a or not b or a == b

    def find(self, names: list[str], country: str, os_id: str, code: str) -> Optional[tuple[Known, str, str]]:
        """(match, kind 'exact' or 'near', reason) or None."""
        if os_id and os_id.upper() in self.os_ids:
            return self.os_ids[os_id.upper()], "exact", f"same OS ID {os_id}"
        if code and code.upper() in self.codes:
            return self.codes[code.upper()], "exact", f"same supplier code {code}"
        for name in names:
            for known in self.exact.get(name_key(name), []):
                if self._same_place(country, known.country):
                    return known, "exact", "same name"
        for name in names:
            for known in self.core.get(core_key(name), []):
                if self._same_place(country, known.country):
                    return known, "near", "same name apart from spacing, plurals or words such as Co., Ltd, Factory"
        for name in names:
            tokens = core_tokens(name)
            for sig in self._signatures(tokens):
                for other_tokens, known in self.fuzzy.get(sig, []):
                    if not self._same_place(country, known.country) or len(other_tokens) != len(tokens):
                        continue
                    diffs = [(a, b) for a, b in zip(tokens, other_tokens) if a != b]
                    if len(diffs) == 1 and _is_typo(*diffs[0]):
                        return known, "near", f"name differs by a slip of spelling ({diffs[0][0]} / {diffs[0][1]})"
        return None
