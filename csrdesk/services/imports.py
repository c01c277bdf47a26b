"""Importing supplier lists and auditors' findings spreadsheets: checked row by row, written all or nothing."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.domain.scoring import Severity
from csrdesk.exchange.tables import Table, TableRow, clean_text, header_key, read_table
from csrdesk.services.assessments import AssessmentDetail, AssessmentInput, FindingInput, record_assessment
from csrdesk.domain.countries import COUNTRIES
from csrdesk.services.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.services.progress import NO_PROGRESS, Progress
from csrdesk.storage.db import Database
from csrdesk.storage.models import FindingCategory, Supplier, ViolationType

# ----------------------------------------------------------------------------------------------------------------
# countries

_SMALL_WORDS = {"and", "of", "the", "da", "de", "del", "du"}


def _country_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_COUNTRY_INDEX = {_country_key(alias): name for name, aliases in COUNTRIES.items() for alias in (name, *aliases)}


def normalise_country(text: str) -> str:
    """A country as csrdesk stores it: 'CHINA', 'cn' and 'P.R. China' all become 'China'; 'VIET NAM' 'Vietnam'."""
    cleaned = clean_text(text).strip(" .,;:-")
    if not cleaned:
        return ""
    known = _COUNTRY_INDEX.get(_country_key(cleaned))
    if known:
        return known
    words = cleaned.split()
    if cleaned.isupper() or cleaned.islower():
        titled = [w.lower() if i and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:].lower() for i, w in enumerate(words)]
        return " ".join(titled)
    return cleaned


# Rough boxes (south, north, west, east) around the main sourcing countries, to catch coordinates that are surely
# wrong (a factory "in China" placed in the ocean); coordinates inside the box are not proven right.
COUNTRY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "China": (17.5, 54.0, 73.0, 135.5),
    "Bangladesh": (20.3, 26.8, 87.9, 92.8),
    "Vietnam": (8.0, 23.5, 102.0, 110.0),
    "India": (6.0, 36.0, 68.0, 97.5),
    "Pakistan": (23.5, 37.2, 60.8, 77.9),
    "Cambodia": (9.9, 14.8, 102.2, 107.7),
    "Indonesia": (-11.2, 6.2, 94.8, 141.1),
    "Türkiye": (35.8, 42.2, 25.6, 44.9),
    "Mexico": (14.4, 32.8, -118.5, -86.6),
    "Sri Lanka": (5.8, 10.0, 79.5, 82.0),
    "Myanmar": (9.5, 28.6, 92.1, 101.2),
    "Thailand": (5.5, 20.5, 97.3, 105.7),
}

# ----------------------------------------------------------------------------------------------------------------
# supplier names and duplicates

_NOISE_WORDS = {
    "co", "company", "companies", "corp", "corporation", "inc", "incorporated", "llc", "ltd", "limited", "plc", "pvt",
    "private", "pte", "pt", "tbk", "sdn", "bhd", "jsc", "joint", "stock", "jointstock", "srl", "sarl", "sa", "spa",
    "gmbh", "ag", "bv", "factory", "fty", "factories", "the", "san", "tic", "ve", "sti", "as", "coltd",
}
_CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "工厂", "制品厂", "厂")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PLACEHOLDERS = {"", "n a", "na", "none", "null", "nil", "tbd", "tba", "unknown", "0"}


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A name as compared for exact duplicates: case, width, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", clean_text(name)).lower().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@lru_cache(maxsize=8192)
def _core_tokens(name: str) -> tuple[str, ...]:
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
    return "".join(_core_tokens(name))


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
class _Known:
    code: str
    name: str
    country: str
    row: Optional[int]  # the file row it came from; None for a supplier already in the database


@dataclass(frozen=True)
class DuplicateMatch:
    code: str
    name: str
    row: Optional[int]

    def describe(self) -> str:
        where = f" (row {self.row} of this file)" if self.row is not None else ""
        return f"{self.code} {self.name}{where}"


class _DuplicateIndex:
    """Suppliers already known (in the database or earlier in the file), looked up by id, code and name."""

    def __init__(self) -> None:
        self.os_ids: dict[str, _Known] = {}
        self.codes: dict[str, _Known] = {}
        self.exact: dict[str, list[_Known]] = {}
        self.core: dict[str, list[_Known]] = {}
        self.fuzzy: dict[str, list[tuple[tuple[str, ...], _Known]]] = {}

    @staticmethod
    def _signatures(tokens: tuple[str, ...]) -> list[str]:
        if len(tokens) < 2:
            return []
        return [" ".join(tokens[:i] + ("*",) + tokens[i + 1:]) for i in range(len(tokens))
                if len(tokens[i]) >= 5 and not any(ch.isdigit() for ch in tokens[i])]

    def add(self, known: _Known, names: Iterable[str], os_id: str, code: str) -> None:
        if os_id:
            self.os_ids.setdefault(os_id.upper(), known)
        if code:
            self.codes.setdefault(code.upper(), known)
        for name in names:
            if not name:
                continue
            self.exact.setdefault(name_key(name), []).append(known)
            self.core.setdefault(core_key(name), []).append(known)
            tokens = _core_tokens(name)
            for sig in self._signatures(tokens):
                self.fuzzy.setdefault(sig, []).append((tokens, known))

    @staticmethod
    def _same_place(a: str, b: str) -> bool:
        return not a or not b or a == b

    def find(self, names: list[str], country: str, os_id: str, code: str) -> Optional[tuple[_Known, str, str]]:
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
            tokens = _core_tokens(name)
            for sig in self._signatures(tokens):
                for other_tokens, known in self.fuzzy.get(sig, []):
                    if not self._same_place(country, known.country) or len(other_tokens) != len(tokens):
                        continue
                    diffs = [(a, b) for a, b in zip(tokens, other_tokens) if a != b]
                    if len(diffs) == 1 and _is_typo(*diffs[0]):
                        return known, "near", f"name differs by a slip of spelling ({diffs[0][0]} / {diffs[0][1]})"
        return None


def similar_supplier(s: Session, name: str, local_name: str, country: str, os_id: str = "",
                     exclude_id: Optional[int] = None) -> Optional[str]:
    """A sentence naming an existing supplier that the given one duplicates (same rules as the import), or None."""
    index = _DuplicateIndex()
    for sid, code, other, other_local, other_country, other_os in s.execute(
        select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.os_id)
    ):
        if sid != exclude_id:
            index.add(_Known(code=code, name=other, country=other_country or "", row=None), [other, other_local],
                      other_os or "", code)
    found = index.find([n for n in (name, local_name) if n], country, os_id, "")
    if found is None:
        return None
    known, kind, reason = found
    return f"{known.code} {known.name} looks like the same supplier ({'exact' if kind == 'exact' else 'near'}: {reason})"


# ----------------------------------------------------------------------------------------------------------------
# supplier import

SUPPLIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("supplier name", "supplier", "factory name", "factory", "facility name", "facility", "vendor name",
             "vendor", "company name", "company", "manufacturer", "manufacturer name", "english name",
             "name in english", "name english", "facility name english", "工厂名称", "工厂", "供应商名称", "供应商",
             "公司名称", "厂名", "企业名称", "英文名称"),
    "local_name": ("local name", "chinese name", "name local", "local language name", "native name", "name chinese",
                   "name in local language", "facility name local", "中文名称", "中文名", "本地名称", "工厂中文名"),
    "code": ("supplier code", "supplier id", "supplier no", "supplier number", "vendor id", "vendor code",
             "vendor number", "vendor no", "factory code", "factory id", "facility code", "供应商编号", "供应商代码",
             "工厂编号"),
    "country": ("country name", "country region", "country or region", "nation", "国家", "国家地区", "国家或地区"),
    "country_code": ("country code", "iso country code", "country iso"),
    "address": ("factory address", "facility address", "full address", "street address", "address line",
                "地址", "工厂地址"),
    "sector": ("industry", "product category", "product type", "products", "行业", "产品类别"),
    "os_id": ("os id", "osid", "open supply hub id", "os hub id", "oar id", "open apparel registry id"),
    "lat": ("latitude", "纬度"),
    "lng": ("lon", "long", "longitude", "经度"),
    "contact": ("contact", "contact name", "contact person", "compliance contact", "factory contact", "联系人"),
    "email": ("e mail", "contact email", "email address", "contact e mail", "邮箱", "电子邮件", "电子邮箱"),
    "phone": ("telephone", "tel", "phone number", "contact phone", "mobile", "电话", "联系电话"),
    "language": ("preferred language", "contact language", "语言"),
    "supplier_type": ("supplier type", "type of supplier", "供应商类型"),
    "sourcing_owner": ("sourcing owner", "buyer", "merchandiser", "sourcing contact", "跟单"),
    "other_brands": ("other brands", "brands", "shared with brands"),
    "notes": ("notes", "remarks", "comment", "comments", "备注"),
}
_LANGUAGE_BY_COUNTRY = {"China": "zh", "Hong Kong": "zh", "Taiwan": "zh", "Macao": "zh", "Vietnam": "vi",
                        "Bangladesh": "bn", "Türkiye": "tr", "Mexico": "es", "Guatemala": "es", "Honduras": "es",
                        "El Salvador": "es", "Indonesia": "id", "Thailand": "th", "Cambodia": "km"}
_LIMITS = {"name": 300, "local_name": 300, "code": 40, "os_id": 40}


@dataclass(frozen=True)
class CreatedSupplier:
    row: int
    code: str
    name: str
    country: str


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    name: str
    kind: str  # 'exact' or 'near'
    matches: DuplicateMatch
    reason: str


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str
    name: str = ""


@dataclass(frozen=True)
class RowWarning:
    row: int
    name: str
    message: str


@dataclass
class SupplierImportReport:
    file: str
    dry_run: bool
    rows: int = 0
    created: list[CreatedSupplier] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    backup: Optional[Path] = None

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": [{"code": c.code, "name": c.name, "country": c.country, "row": c.row} for c in self.created],
            "duplicates": [
                {"row": d.row, "name": d.name, "kind": d.kind, "reason": d.reason,
                 "matches": {"code": d.matches.code, "name": d.matches.name, "row": d.matches.row}}
                for d in self.duplicates
            ],
            "skipped": [{"row": s.row, "reason": s.reason, "name": s.name} for s in self.skipped],
            "warnings": [{"row": w.row, "name": w.name, "warning": w.message} for w in self.warnings],
            "created_count": len(self.created),
            "duplicate_count": len(self.duplicates),
            "skipped_count": len(self.skipped),
            "warning_count": len(self.warnings),
            "columns": dict(self.columns),
            "ignored_columns": list(self.ignored_columns),
            "backup": str(self.backup) if self.backup else None,
        }

    def summary(self) -> str:
        verb = "would be created" if self.dry_run else "created"
        lines = [f"{self.file}: {self.rows} row(s); {len(self.created)} supplier(s) {verb}, "
                 f"{len(self.duplicates)} duplicate(s) not created, {len(self.skipped)} row(s) skipped."]
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        if self.duplicates:
            lines.append("Duplicates (not created):")
            lines += [f"  row {d.row}: {d.name} - {d.kind} duplicate of {d.matches.describe()}: {d.reason}"
                      for d in self.duplicates]
        if self.skipped:
            lines.append("Skipped rows:")
            lines += [f"  row {s.row}: {s.reason}" for s in self.skipped]
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  row {w.row} ({w.name}): {w.message}" for w in self.warnings]
        if self.ignored_columns:
            lines.append("Columns not used: " + ", ".join(self.ignored_columns))
        if self.backup:
            lines.append(f"Backup taken before the import: {self.backup}")
        return "\n".join(lines)


@dataclass
class _Plan:
    report: SupplierImportReport
    to_create: list  # (row number, code, SupplierInput)


def _parse_number(text: str) -> Optional[float]:
    text = text.strip()
    if re.fullmatch(r"[+-]?\d+,\d+", text):  # a decimal comma
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _coordinates(row: TableRow, country: str, warn) -> tuple[Optional[float], Optional[float]]:
    lat_text, lng_text = row.get("lat"), row.get("lng")
    if not lat_text and not lng_text:
        return None, None
    lat, lng = _parse_number(lat_text), _parse_number(lng_text)
    shown = f"{lat_text or '(none)'}, {lng_text or '(none)'}"
    if lat is None or lng is None:
        warn(f"coordinates {shown} are not two numbers; the supplier is imported without them")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        warn(f"coordinates {shown} are out of range; the supplier is imported without them")
        return None, None
    if lat == 0 and lng == 0:
        warn("coordinates 0, 0 are a placeholder; the supplier is imported without them")
        return None, None
    box = COUNTRY_BOXES.get(country)
    if box and not (box[0] <= lat <= box[1] and box[2] <= lng <= box[3]):
        warn(f"coordinates {shown} are outside {country}; the supplier is imported without them")
        return None, None
    return lat, lng


def _looks_like_header(row: TableRow, table: Table) -> bool:
    """A header row repeated inside the data (two lists pasted together) names its name column again."""
    name_field = "name" if "name" in table.columns else "local_name"
    if header_key(row.get(name_field)) != header_key(table.columns[name_field]):
        return False
    same = [f for f, header in table.columns.items() if row.get(f) and header_key(row.get(f)) == header_key(header)]
    return len(same) >= max(2, len(table.columns) // 2) or (len(table.columns) == 1 and bool(same))


def _supplier_input(row: TableRow, table: Table, warn):
    from csrdesk.services.suppliers import SUPPLIER_TYPES, ContactInput, SupplierInput

    name = row.get("name").strip(" ,;") or row.get("local_name").strip(" ,;")
    local_name = row.get("local_name").strip(" ,;")
    if local_name == name:
        local_name = ""
    country = normalise_country(row.get("country") or row.get("country_code"))
    lat, lng = _coordinates(row, country, warn)
    supplier_type = "factory"
    if row.get("supplier_type"):
        wanted = row.get("supplier_type").lower()
        if wanted in SUPPLIER_TYPES:
            supplier_type = wanted
        else:
            warn(f"supplier type {row.get('supplier_type')!r} is not one of {', '.join(SUPPLIER_TYPES)}; "
                 f"imported as a factory")
    contacts = None
    email = row.get("email")
    if email and not _EMAIL.match(email):
        warn(f"{email!r} is not an e-mail address; it was left out")
        email = ""
    if row.get("contact") or email or row.get("phone"):
        language = (row.get("language") or _LANGUAGE_BY_COUNTRY.get(country, "en"))[:10].lower()
        contacts = [ContactInput(role="compliance contact", name=row.get("contact"), email=email,
                                 phone=row.get("phone"), language=language)]
    sector = row.get("sector")
    if len(sector) > 80:
        warn("the sector is longer than 80 characters; it was shortened")
        sector = sector[:80]
    if len(country) > 80:
        warn(f"{country[:40]!r}... is no country; it was left out")
        country = ""
    return SupplierInput(
        name=name, code=row.get("code"), local_name=local_name, country=country, address=row.get("address"),
        supplier_type=supplier_type, sector=sector, os_id=row.get("os_id").upper(),
        sourcing_owner=row.get("sourcing_owner")[:200], other_brands=row.get("other_brands"),
        latitude=lat, longitude=lng, notes=row.get("notes"), contacts=contacts,
    )


class _Codes:
    """Hands out supplier codes the way the supplier service does (country prefix and a running number)."""

    def __init__(self, s: Session, taken: set[str]) -> None:
        self.s = s
        self.taken = taken
        self.next_number: dict[str, int] = {}
        self.prefixes: dict[str, str] = {}

    def next(self, country: str) -> str:
        from csrdesk.services.suppliers import _next_code

        prefix = self.prefixes.get(country)
        if prefix is None:
            first = _next_code(self.s, country)
            prefix, _, number = first.rpartition("-")
            self.prefixes[country] = prefix
            self.next_number.setdefault(prefix, int(number))
        n = self.next_number[prefix]
        code = f"{prefix}-{n:04d}"
        while code.upper() in self.taken:
            n += 1
            code = f"{prefix}-{n:04d}"
        self.next_number[prefix] = n + 1
        self.taken.add(code.upper())
        return code


def _plan(s: Session, table: Table, dry_run: bool, progress: Progress) -> _Plan:
    from csrdesk.services.suppliers import _validate

    report = SupplierImportReport(file=table.source, dry_run=dry_run, rows=len(table.rows),
                                  columns=dict(table.columns), ignored_columns=list(table.ignored_columns))
    index = _DuplicateIndex()
    taken: set[str] = set()
    for sid, code, name, local_name, country, os_id in s.execute(
        select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.os_id)
    ):
        known = _Known(code=code, name=name, country=country or "", row=None)
        index.add(known, [name, local_name], os_id or "", code)
        taken.add(code.upper())
    taken.update(r.get("code").upper() for r in table.rows if r.get("code"))
    codes = _Codes(s, taken)
    to_create = []
    total = len(table.rows)
    for i, row in enumerate(table.rows):
        if i % 25 == 0:
            progress.step(i, total, f"Checking row {row.number} of {table.source}")
        warnings: list[str] = []
        shown_name = row.get("name") or row.get("local_name")
        if _looks_like_header(row, table):
            report.skipped.append(SkippedRow(row.number, "repeats the header row", shown_name))
            continue
        if header_key(shown_name) in _PLACEHOLDERS:
            reason = "no supplier name" if not shown_name else f"no supplier name (the cell says {shown_name!r})"
            report.skipped.append(SkippedRow(row.number, reason, ""))
            continue
        if not any(ch.isalpha() for ch in shown_name):
            report.skipped.append(SkippedRow(row.number, f"{shown_name!r} is not a supplier name", shown_name))
            continue
        too_long = next((f for f, limit in _LIMITS.items() if len(row.get(f)) > limit), None)
        if too_long:
            report.skipped.append(SkippedRow(
                row.number, f"the {too_long.replace('_', ' ')} is longer than {_LIMITS[too_long]} characters",
                shown_name[:80]))
            continue
        data = _supplier_input(row, table, warnings.append)
        match = index.find([data.name, data.local_name], data.country, data.os_id, data.code)
        if match is not None:
            known, kind, reason = match
            report.duplicates.append(DuplicateRow(row.number, data.name, kind,
                                                  DuplicateMatch(known.code, known.name, known.row), reason))
            continue
        try:
            _validate(data)
        except UserError as exc:
            report.skipped.append(SkippedRow(row.number, str(exc), data.name))
            continue
        code = data.code or codes.next(data.country)
        taken.add(code.upper())
        index.add(_Known(code=code, name=data.name, country=data.country, row=row.number),
                  [data.name, data.local_name], data.os_id, code)
        report.created.append(CreatedSupplier(row.number, code, data.name, data.country))
        report.warnings.extend(RowWarning(row.number, data.name, w) for w in warnings)
        to_create.append((row.number, code, data))
    progress.step(total, total, f"Checked {total} row(s) of {table.source}")
    return _Plan(report, to_create)


def import_suppliers(db: Database, path: Path, dry_run: bool = False,
                     progress: Optional[Progress] = None) -> SupplierImportReport:
    """Imports a supplier list (CSV or XLSX; the Open Supply Hub list format and common headers).

    Duplicates and near-duplicates, in the database or earlier in the file, are reported and not created; rows
    that cannot be used are reported with their reason. Everything is written in one transaction after a backup;
    a dry run writes nothing. A file that is not a usable table raises UserError and changes nothing.
    """
    from csrdesk.services.backup import before_bulk_change
    from csrdesk.services.suppliers import _apply

    progress = progress or NO_PROGRESS
    table = read_table(Path(path), SUPPLIER_COLUMNS, required_any=("name", "local_name"),
                       what="supplier name column", multiline=("notes",))
    if not table.rows:
        raise UserError(f"{table.source} has a header row but no supplier rows.")
    with db.reading() as s:
        plan = _plan(s, table, dry_run, progress)
    if dry_run or not plan.to_create:
        return plan.report
    backup = before_bulk_change(db, "supplier-import")
    source = f"import {table.source}"
    with db.transaction() as s:
        plan = _plan(s, table, dry_run, progress)  # again, inside the transaction, in case the database moved on
        created = []
        total = len(plan.to_create)
        for i, (_, code, data) in enumerate(plan.to_create):
            if i % 25 == 0:
                progress.step(i, total, f"Creating suppliers ({i} of {total})")
            supplier = Supplier(code=code, status="prospect")
            s.add(supplier)
            _apply(s, supplier, data)
            created.append(supplier)
        s.flush()
        for supplier in created:
            record_change(s, "supplier", supplier.id, "status", None, "prospect", supplier_id=supplier.id,
                          source=source)
        progress.step(total, total, f"Created {total} supplier(s)")
    plan.report.backup = backup
    return plan.report


# ----------------------------------------------------------------------------------------------------------------
# assessment import

FINDING_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("finding", "finding title", "findings", "violation", "violation title", "issue", "issue title",
              "non compliance", "noncompliance", "non conformity", "nc", "finding issue", "问题", "发现",
              "不符合项", "违规项", "审核发现"),
    "description": ("description", "details", "detail", "finding details", "finding description",
                    "objective evidence", "evidence", "observation details", "描述", "详情", "问题描述"),
    "category": ("category", "area", "section", "topic", "performance area", "finding category", "类别", "分类"),
    "severity": ("severity", "risk level", "rating", "risk", "level", "grade", "severity level", "risk rating",
                 "严重程度", "风险等级", "等级"),
    "legal_requirement": ("legal requirement", "local law", "legal reference", "law", "legal basis",
                          "law reference", "local law requirement", "applicable law", "法律要求", "法律法规", "法规"),
    "code_requirement": ("code requirement", "code of conduct", "coc", "coc requirement", "code reference",
                         "code of conduct requirement", "standard requirement", "行为准则要求", "行为准则"),
    "suggested_remediation": ("suggested remediation", "cap suggestion", "remediation", "recommendation",
                              "recommended action", "corrective action", "suggested action", "suggested corrective action",
                              "cap", "整改建议", "建议整改措施"),
    "days_allowed": ("days allowed", "timeline days", "timeline", "days", "time allowed", "time allowed days",
                     "deadline days", "days to remediate", "remediation days", "整改期限", "天数", "整改天数"),
    "violation_type": ("violation type", "violation code", "finding code", "library key", "type key"),
    "points": ("points",),
}
_MULTILINE_FINDING_FIELDS = ("description", "legal_requirement", "code_requirement", "suggested_remediation")
_SEVERITY_HELP = "use minor, major, critical or zero tolerance"

# Words auditors use for a category, mapped to words of the default category titles.
_CATEGORY_SYNONYMS = {
    "labor": "labour", "ohs": "health", "osh": "health", "ehs": "health", "hse": "health", "fire": "health",
    "electrical": "health", "structural": "health", "building": "health", "dormitory": "health",
    "foa": "freedom", "association": "freedom", "compensation": "wages", "pay": "wages", "salary": "wages",
    "remuneration": "wages", "benefit": "wages", "wage": "wages", "overtime": "hours", "hour": "hours",
    "bribery": "ethics", "corruption": "ethics", "integrity": "ethics", "ethical": "ethics",
    "young": "child", "juvenile": "child", "bonded": "forced", "trafficking": "forced", "prison": "forced",
    "harassment": "discrimination", "abuse": "discrimination", "disciplinary": "discrimination",
    "grievance": "voice", "subcontractor": "subcontracting", "transparent": "transparency",
    "environmental": "environment", "system": "management", "systems": "management",
}
_CATEGORY_STOPWORDS = {"and", "of", "the", "or", "incl", "including", "worker", "workers", "labour", "labor"}


def _category_words(text: str) -> set[str]:
    words = set()
    for word in header_key(text).split():
        word = _CATEGORY_SYNONYMS.get(word, word)
        if word in _CATEGORY_STOPWORDS or len(word) < 3:
            continue
        words.add(word)
    return words


class _CategoryLookup:
    def __init__(self, s: Session) -> None:
        self.exact: dict[str, str] = {}
        self.words: list[tuple[str, set[str]]] = []
        self.titles: list[str] = []
        for c in s.scalars(select(FindingCategory).order_by(FindingCategory.position, FindingCategory.id)):
            for text in (c.key, c.title, c.title_zh or ""):
                if text:
                    self.exact.setdefault(header_key(text), c.key)
            self.words.append((c.key, _category_words(c.title) | _category_words(c.key.replace("-", " "))))
            self.titles.append(c.title)

    def find(self, text: str) -> Optional[str]:
        """The category key a text names: its key or title (any case), or the one category sharing its words."""
        key = header_key(text)
        if key in self.exact:
            return self.exact[key]
        words = _category_words(text)
        if not words:
            return None
        scored = sorted(((len(words & ws), k) for k, ws in self.words), reverse=True)
        if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][1]
        return None


def _parse_days(text: str, on: date) -> Optional[int]:
    """Days allowed as auditors write them: '30', '30 days', '30天', '30.0', or a due date after the assessment."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d+)(?:\.0+)?\s*(?:days?|d|天|日|calendar days|working days)?\.?", text, re.IGNORECASE)
    if m:
        return int(m.group(1))
    try:
        due = date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"days allowed {text!r} is not a number of days") from None
    if due < on:
        raise ValueError(f"the due date {due.isoformat()} is before the assessment date {on.isoformat()}")
    return (due - on).days


def _finding_inputs(s: Session, table: Table, on: date) -> list[FindingInput]:
    categories = _CategoryLookup(s)
    findings = []
    problems: list[str] = []
    for row in table.rows:
        where = f"{table.source} row {row.number}"
        title = row.get("title")
        description = row.get("description")
        if not title and description:
            first_line = description.split("\n", 1)[0]
            title = first_line if len(first_line) <= 200 else first_line[:199].rstrip() + "\u2026"
        if not title:
            problems.append(f"{where}: no finding text")
            continue
        if len(title) > 500:
            description = description or title
            title = title[:499].rstrip() + "\u2026"
        vt: Optional[ViolationType] = None
        from csrdesk.services.library import find_violation_type

        if row.get("violation_type"):
            vt = find_violation_type(s, row.get("violation_type"))
            if vt is None:
                problems.append(f"{where}: no violation type {row.get('violation_type')!r} in the finding library")
                continue
        else:
            vt = find_violation_type(s, title)
        severity_text = row.get("severity")
        if severity_text:
            try:
                severity = Severity.parse(severity_text).value
            except ValueError:
                problems.append(f"{where}: unknown severity {severity_text!r}; {_SEVERITY_HELP}")
                continue
        elif vt is not None:
            severity = vt.severity
        else:
            problems.append(f"{where}: no severity; {_SEVERITY_HELP}")
            continue
        try:
            days = _parse_days(row.get("days_allowed"), on)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if days is not None and not 0 <= days <= 730:
            problems.append(f"{where}: days allowed must be from 0 to 730, not {days}")
            continue
        points = None
        if row.get("points"):
            number = _parse_number(row.get("points"))
            if number is None or number < 0 or not float(number).is_integer():
                problems.append(f"{where}: points {row.get('points')!r} is not a whole number of 0 or more")
                continue
            points = int(number)
        category = ""
        if row.get("category"):
            category = categories.find(row.get("category")) or ""
            if not category and vt is None:
                problems.append(f"{where}: category {row.get('category')!r} is not one of "
                                f"{', '.join(categories.titles)}")
                continue
        findings.append(FindingInput(
            title=title, severity=severity, category=category or (vt.category if vt else ""),
            violation_type=vt.key if vt else None, description=description,
            legal_requirement=row.get("legal_requirement"), code_requirement=row.get("code_requirement"),
            suggested_remediation=row.get("suggested_remediation"), days_allowed=days, points=points,
        ))
    if problems:
        more = f" (and {len(problems) - 1} more row(s) with problems)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}; nothing was imported.")
    return findings


def import_assessment(
    db: Database,
    path: Optional[Path],
    *,
    supplier_code: str,
    on: date,
    assessment_type: str,
    denied: bool = False,
    audit_firm: str = "",
    auditor: str = "",
    standard: str = "",
) -> AssessmentDetail:
    """Records an assessment from an auditor's findings spreadsheet: findings, rating and draft CAP together.

    With `denied` and no file, records that the auditor was refused access. A row that cannot be used refuses
    the whole file with its row number and the problem; nothing is created then.
    """
    with db.reading() as s:
        if s.scalar(select(Supplier.id).where(Supplier.code == (supplier_code or "").strip())) is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
    findings: list[FindingInput] = []
    notes = ""
    if path is None:
        if not denied:
            raise UserError("A findings file is needed unless the auditor was denied access.")
        notes = "Access denied to the auditor."
    else:
        table = read_table(Path(path), FINDING_COLUMNS, required_any=("title", "description"),
                           what="findings column", multiline=_MULTILINE_FINDING_FIELDS)
        with db.reading() as s:
            findings = _finding_inputs(s, table, on)
        notes = f"Findings imported from {table.source} ({len(findings)} finding(s))."
    data = AssessmentInput(
        supplier_code=supplier_code, date=on, assessment_type=assessment_type, audit_firm=audit_firm,
        auditor=auditor, standard=standard, denied=denied, notes=notes, findings=findings,
    )
    source = f"import {Path(path).name}" if path is not None else "import (access denied)"
    return record_assessment(db, data, source=source)
