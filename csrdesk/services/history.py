"""The change history: who changed what, when, from which value to which."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from csrdesk.storage.db import PERSON, Database
from csrdesk.storage.models import ChangeRecord, Setting

_WHO = "csrdesk_who"


def who(s: Session) -> str:
    """The person making this change, as the history names them: the display name set on this computer; else, on a
    shared PostgreSQL database, the database role they signed in as; else (a SQLite file of one person) the name
    in Settings, else the login name of the computer."""
    name = s.info.get(_WHO)
    if name:
        return name
    name = str(s.info.get(PERSON) or "").strip()
    if not name and s.get_bind().dialect.name == "postgresql":
        name = str(s.scalar(text("SELECT current_user")) or "")
    if not name:
        row = s.get(Setting, "preferences")
        name = str(((row.value or {}) if row else {}).get("user_name") or "").strip()
    if not name:
        import getpass

        try:
            name = getpass.getuser()
        except Exception:  # no login name (some services, containers)
            name = "unknown user"
    s.info[_WHO] = name
    return name


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
            old=old_text, new=new_text, source=source, note=note, user=user or who(session),
        )
    )


@dataclass(frozen=True)
class ChangeRow:
    """One line of the change history: who changed which field of what, when, from which value to which."""

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
