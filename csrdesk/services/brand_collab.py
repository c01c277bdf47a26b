"""Other brands sharing a factory, as records: who they are, a contact, their share of production, whether they
accept a shared audit. The supplier form's one-line 'other brands' text is a view of these records."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.domain.partners import PartnerError, SharedBrand, brands_text, check_share, parse_other_brands
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import Partner, Supplier, SupplierBrand


@dataclass(frozen=True)
class SharedBrandInfo:
    """Another brand sharing a supplier's factory, as the supplier page lists it."""

    id: int
    supplier: str  # code
    brand: str
    partner_id: Optional[int]
    contact: str
    share: Optional[float]
    accepts_shared_audit: Optional[bool]


def brands_of(s: Session, supplier_id: int) -> list[SupplierBrand]:
    return list(s.scalars(select(SupplierBrand).where(SupplierBrand.supplier_id == supplier_id)
                          .order_by(SupplierBrand.position, SupplierBrand.id)))


def brands_text_of(s: Session, supplier_id: int) -> str:
    return brands_text([SharedBrand(b.brand, b.contact, b.share, b.accepts_shared_audit)
                        for b in brands_of(s, supplier_id)])


def sync_brands_from_text(s: Session, supplier: Supplier, text: str, *, source: str = "app") -> None:
    """Makes the supplier's brand records match a one-line list: names kept keep their contact and shared-audit
    answer (and their share unless the text gives one); names gone are removed; new names are added."""
    if supplier.id is None:
        s.flush()
    wanted = parse_other_brands(text)
    current = {b.brand.lower(): b for b in brands_of(s, supplier.id)}
    before = brands_text_of(s, supplier.id) if current else ""
    keep = set()
    for position, w in enumerate(wanted):
        row = current.get(w.brand.lower())
        if row is None:
            row = SupplierBrand(supplier_id=supplier.id, brand=w.brand, contact="", share=w.share)
            s.add(row)
        elif w.share is not None:
            row.share = w.share
        row.position = position
        keep.add(w.brand.lower())
    for key, row in current.items():
        if key not in keep:
            s.delete(row)
    s.flush()
    after = brands_text_of(s, supplier.id)
    if before != after:
        record_change(s, "supplier", supplier.id, "other brands", before or None, after or None,
                      supplier_id=supplier.id, source=source)


def _supplier(s: Session, code: str) -> Supplier:
    supplier = s.scalar(select(Supplier).where(Supplier.code == (code or "").strip()))
    if supplier is None:
        raise NotFound(f"No supplier with code {code!r}.")
    return supplier


def _info(b: SupplierBrand, code: str) -> SharedBrandInfo:
    return SharedBrandInfo(b.id, code, b.brand, b.partner_id, b.contact, b.share, b.accepts_shared_audit)


def list_shared_brands(db: Database, supplier_code: str) -> list[SharedBrandInfo]:
    with db.reading() as s:
        supplier = _supplier(s, supplier_code)
        return [_info(b, supplier.code) for b in brands_of(s, supplier.id)]


def set_shared_brand(db: Database, supplier_code: str, brand: str, *, contact: Optional[str] = None,
                     share: Optional[float] = None, accepts_shared_audit: Optional[bool] = None,
                     partner_id: Optional[int] = None, source: str = "app") -> SharedBrandInfo:
    """Adds a brand sharing the factory, or updates the one of that name (what is not given stays)."""
    brand = " ".join((brand or "").split())
    if not brand:
        raise UserError("A brand sharing the factory needs its name.")
    if len(brand) > 200:
        raise UserError("The brand's name is longer than 200 characters.")
    try:
        share = check_share(share)
    except PartnerError as exc:
        raise UserError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    with db.transaction() as s:
        supplier = _supplier(s, supplier_code)
        if partner_id is not None:
            partner = s.get(Partner, partner_id)
            if partner is None:
                raise NotFound(f"No partner {partner_id}.")
        before = brands_text_of(s, supplier.id)
        rows = brands_of(s, supplier.id)
        row = next((b for b in rows if b.brand.lower() == brand.lower()), None)
        if row is None:
            row = SupplierBrand(supplier_id=supplier.id, brand=brand, contact="", position=len(rows))
            s.add(row)
        if contact is not None:
            row.contact = contact.strip()
        if share is not None:
            row.share = share
        if accepts_shared_audit is not None:
            row.accepts_shared_audit = accepts_shared_audit
        if partner_id is not None:
            row.partner_id = partner_id
        s.flush()
        record_change(s, "supplier", supplier.id, "other brands", before or None, brands_text_of(s, supplier.id),
                      supplier_id=supplier.id, source=source, note=f"{brand} recorded")
        return _info(row, supplier.code)


def remove_shared_brand(db: Database, brand_id: int, *, source: str = "app") -> None:
    with db.transaction() as s:
        row = s.get(SupplierBrand, brand_id)
        if row is None:
            raise NotFound(f"No shared-brand record {brand_id}.")
        sid = row.supplier_id
        before = brands_text_of(s, sid)
        s.delete(row)
        s.flush()
        record_change(s, "supplier", sid, "other brands", before, brands_text_of(s, sid) or None, supplier_id=sid,
                      source=source)


def shared_brand_json(b: SharedBrandInfo) -> dict:
    return {"id": b.id, "supplier": b.supplier, "brand": b.brand, "partner_id": b.partner_id, "contact": b.contact,
            "share": b.share, "accepts_shared_audit": b.accepts_shared_audit}
