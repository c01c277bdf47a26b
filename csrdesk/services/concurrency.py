"""Saving a record someone else changed since you opened it: refused, with who changed what and when.

Every record people edit carries a row version (storage.versioning). A screen or command keeps the version it
showed and hands it back with the save; the service compares it inside the save's own transaction, so the check and
the write see the same row. A save racing another on the server is caught again by the version in the UPDATE.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.errors import ConcurrentEdit
from csrdesk.storage.models import ChangeRecord

# How many of the other person's changes the refusal names.
SHOWN_CHANGES = 3


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def latest_changes(s: Session, entity: str, entity_id: int, limit: int = SHOWN_CHANGES) -> tuple[tuple, ...]:
    """(who, field, when, old value, new value) of the newest history rows of one record, newest first."""
    rows = s.execute(
        select(ChangeRecord.user, ChangeRecord.field, ChangeRecord.at, ChangeRecord.old, ChangeRecord.new)
        .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id)
        .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc()).limit(limit))
    return tuple((user or "someone", field.replace("_", " "), at, old, new) for user, field, at, old, new in rows)


def refusal(s: Session, entity: str, entity_id: int, what: str) -> ConcurrentEdit:
    changes = latest_changes(s, entity, entity_id)
    if changes:
        told = "; ".join(f"{who} changed the {field} at {_when(at)}" for who, field, at, _old, _new in changes)
        told = f" ({told})"
    else:
        told = ""
    return ConcurrentEdit(
        f"{what} was changed by someone else since you opened it{told}. Nothing was saved: reload it to see "
        "their change, then make yours again.", entity=entity, entity_id=entity_id, changes=changes)


def check_version(s: Session, record, seen: Optional[int], entity: str, what: str) -> None:
    """Refuses the save when the record's version is not the one the person saw (None: no check, a new record or a
    caller that read and writes in this one transaction)."""
    if seen is None or int(record.row_version) == int(seen):
        return
    raise refusal(s, entity, record.id, what)
