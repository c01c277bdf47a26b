"""The change history: who changed what, when, from which value to which."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.storage.db import Database
from csrdesk.storage.models import ChangeRecord


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def record_change(
    session: Session,
    entity: str,
    entity_id: int,
    field: str,
    old: Any,
    new: Any,
    *,
    supplier_id: Optional[int] = None,
    source: str = "app",
    note: str = "",
    user: str = "",
) -> None:
    """Adds a history row when the value really changed."""
    old_text, new_text = _text(old), _text(new)
    if old_text == new_text:
        return
    session.add(
        ChangeRecord(
            at=datetime.now(), entity=entity, entity_id=entity_id, supplier_id=supplier_id, field=field,
            old=old_text, new=new_text, source=source, note=note, user=user,
        )
    )


@dataclass(frozen=True)
class ChangeRow:
    id: int
    at: datetime
    entity: str
    entity_id: int
    field: str
    old: Optional[str]
    new: Optional[str]
    source: str
    user: str
    note: str


def _row(r: ChangeRecord) -> ChangeRow:
    return ChangeRow(r.id, r.at, r.entity, r.entity_id, r.field, r.old, r.new, r.source, r.user, r.note)


def history_for(db: Database, entity: str, entity_id: int, limit: int = 500) -> list[ChangeRow]:
    with db.reading() as s:
        rows = s.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id)
            .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc())
            .limit(limit)
        )
        return [_row(r) for r in rows]


def history_for_supplier(db: Database, supplier_id: int, limit: int = 500) -> list[ChangeRow]:
    with db.reading() as s:
        rows = s.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.supplier_id == supplier_id)
            .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc())
            .limit(limit)
        )
        return [_row(r) for r in rows]
