"""Importing a supplier list (CSV or XLSX, Open Supply Hub's format and common headers): checked row by row,
duplicates flagged rather than created, written all or nothing after a backup."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.domain.countries import COUNTRY_BOXES, normalise_country
from csrdesk.domain.matching import EMAIL, PLACEHOLDERS, DuplicateIndex, DuplicateMatch, Known
from csrdesk.domain.reporting import plural
from csrdesk.domain.text import language_code
from csrdesk.errors import UserError
from csrdesk.exchange.tables import Table, TableRow, header_key, parse_number, read_table
from csrdesk.exchange.encodings import EncodingUnsure  # noqa: F401  (the window asks the user on it)
from csrdesk.exchange.encodings import label as encoding_label
from csrdesk.progress import NO_PROGRESS, Progress
from csrdesk.services.backup import bulk_change
from csrdesk.services.history import record_change
from csrdesk.services.suppliers import (
    SUPPLIER_TYPES, ContactInput, SupplierInput, apply_supplier_input, next_code, validate_supplier,
)
from csrdesk.storage.db import Database
from csrdesk.storage.models import Supplier

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
    """A supplier a list import created, with the row it came from."""

    row: int
    code: str
    name: str
    country: str


@dataclass(frozen=True)
class DuplicateRow:
    """A row of a supplier list that matches a known supplier, so it was not created."""

    row: int
    name: str
    kind: str  # 'exact' or 'near'
    matches: DuplicateMatch
    reason: str


@dataclass(frozen=True)
class SkippedRow:
    """A row of a supplier list that was not imported, and why."""

    row: int
    reason: str
    name: str = ""


@dataclass(frozen=True)
class RowWarning:
    """Something to check about a row of a supplier list that was imported all the same."""

    row: int
    name: str
    message: str


@dataclass
class SupplierImportReport:
    """What a supplier list import did (or would do): suppliers created, duplicates, rows skipped, warnings."""

    file: str
    dry_run: bool
    rows: int = 0
    existing: bool = False  # imported as suppliers already in production (active), not as prospects
    created: list[CreatedSupplier] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: Optional[str] = None  # the text encoding a CSV was read in (None for a workbook)
    backup: Optional[Path] = None

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "status": "active" if self.existing else "prospect",
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
            "encoding": self.encoding,
            "backup": str(self.backup) if self.backup else None,
        }

    def summary(self) -> str:
        verb = "would be created" if self.dry_run else "created"
        if self.existing:
            verb += " as active (in production before csrdesk)"
        lines = [f"{self.file}: {plural(self.rows, 'row')}; {plural(len(self.created), 'supplier')} {verb}, "
                 f"{plural(len(self.duplicates), 'duplicate')} not created, {plural(len(self.skipped), 'row')} "
                 "skipped."]
        if self.encoding and self.encoding not in ("utf-8", "utf-8-bom"):
            lines.append(f"Text read as {encoding_label(self.encoding)}.")
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
    """A supplier list checked row by row: its report, and the suppliers to create when it is written."""

    report: SupplierImportReport
    to_create: list  # (row number, code, SupplierInput)


def _coordinates(row: TableRow, country: str, warn) -> tuple[Optional[float], Optional[float]]:
    lat_text, lng_text = row.get("lat"), row.get("lng")
    if not lat_text and not lng_text:
        return None, None
    lat, lng = parse_number(lat_text), parse_number(lng_text)
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
    if email and not EMAIL.match(email):
        warn(f"{email!r} is not an e-mail address; it was left out")
        email = ""
    if row.get("contact") or email or row.get("phone"):
        language = language_code(row.get("language")) or _LANGUAGE_BY_COUNTRY.get(country, "en")
        if row.get("language") and language_code(row.get("language")) is None:
            warn(f"language {row.get('language')!r} is not one csrdesk knows; {language} is used")
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
        sourcing_owner=row.get("sourcing_owner")[:200], other_brands=row.get("other_brands") or None,
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
        prefix = self.prefixes.get(country)
        if prefix is None:
            first = next_code(self.s, country)
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
    report = SupplierImportReport(file=table.source, dry_run=dry_run, rows=len(table.rows),
                                  columns=dict(table.columns), ignored_columns=list(table.ignored_columns),
                                  encoding=table.encoding)
    index = DuplicateIndex()
    taken: set[str] = set()
    for sid, code, name, local_name, country, os_id in s.execute(
        select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.os_id)
    ):
        known = Known(code=code, name=name, country=country or "", row=None)
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
        if header_key(shown_name) in PLACEHOLDERS:
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
            validate_supplier(data)
        except UserError as exc:
            report.skipped.append(SkippedRow(row.number, str(exc), data.name))
            continue
        code = data.code or codes.next(data.country)
        taken.add(code.upper())
        index.add(Known(code=code, name=data.name, country=data.country, row=row.number),
                  [data.name, data.local_name], data.os_id, code)
        report.created.append(CreatedSupplier(row.number, code, data.name, data.country))
        report.warnings.extend(RowWarning(row.number, data.name, w) for w in warnings)
        to_create.append((row.number, code, data))
    progress.step(total, total, f"Checked {plural(total, 'row')} of {table.source}")
    return _Plan(report, to_create)


EXISTING_NOTE = "in production before csrdesk: imported as an existing supplier (the approval gate is for new ones)"


def import_suppliers(db: Database, path: Path, dry_run: bool = False,
                     progress: Optional[Progress] = None, encoding: Optional[str] = None, *,
                     existing: bool = False) -> SupplierImportReport:
    """Imports a supplier list (CSV or XLSX; the Open Supply Hub list format and common headers).

    New suppliers come in as prospects, to be vetted and approved. With `existing`, the list is the supplier base
    already in production when the program starts: they come in as active, and their history says so.

    Duplicates and near-duplicates, in the database or earlier in the file, are reported and not created; rows
    that cannot be used are reported with their reason. Everything is written in one transaction after a backup;
    a dry run writes nothing. A file that is not a usable table raises UserError and changes nothing; a CSV whose
    text encoding is unsure raises EncodingUnsureTable (name it with `encoding`).
    """
    progress = progress or NO_PROGRESS
    table = read_table(Path(path), SUPPLIER_COLUMNS, required_any=("name", "local_name"),
                       what="supplier name column", multiline=("notes",), encoding=encoding)
    if not table.rows:
        raise UserError(f"{table.source} has a header row but no supplier rows.")
    with db.reading() as s:
        plan = _plan(s, table, dry_run, progress)
    plan.report.existing = existing
    if dry_run or not plan.to_create:
        return plan.report
    source = f"import {table.source}"
    status = "active" if existing else "prospect"
    with bulk_change(db, "supplier-import") as backup, db.transaction() as s:
        plan = _plan(s, table, dry_run, progress)  # again, inside the transaction, in case the database moved on
        plan.report.existing = existing
        created = []
        total = len(plan.to_create)
        for i, (_, code, data) in enumerate(plan.to_create):
            if i % 25 == 0:
                progress.step(i, total, f"Creating suppliers ({i} of {total})")
            supplier = Supplier(code=code, status=status)
            s.add(supplier)
            apply_supplier_input(s, supplier, data)
            created.append(supplier)
        s.flush()
        for supplier in created:
            record_change(s, "supplier", supplier.id, "status", None, status, supplier_id=supplier.id,
                          source=source, note=EXISTING_NOTE if existing else "")
        progress.step(total, total, f"Created {plural(total, 'supplier')}")
    plan.report.backup = backup
    return plan.report
