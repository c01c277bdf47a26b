"""User preferences kept in the database, so that letters made from the command line carry them too."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from csrdesk.domain.lifecycle import DEFAULT_REQUIRE_VETTING
from csrdesk.domain.ratings import DEFAULT_FOLLOW_UP_DAYS
from csrdesk.errors import UserError
from sqlalchemy.orm import Session

from csrdesk.storage.db import Database
from csrdesk.storage.models import Setting

LANGUAGES = ("en", "zh-en")


@dataclass
class Preferences:
    user_name: str = ""
    user_title: str = "CSR Manager"
    user_email: str = ""
    company: str = ""
    company_address: str = ""
    signature: str = ""
    letter_language: str = "en"
    backup_retention: int = 20  # how many automatic backups to keep
    follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS  # the follow-up assessment owed after Unsatisfactory
    require_vetting: bool = DEFAULT_REQUIRE_VETTING


def load_preferences(db: Database) -> Preferences:
    with db.reading() as s:
        return preferences_in(s)


def preferences_in(s: Session) -> Preferences:
    """The preferences as stored, read inside a service's own transaction (defaults for what is not stored)."""
    row = s.get(Setting, "preferences")
    stored: dict[str, Any] = dict(row.value or {}) if row else {}
    known = {f.name for f in fields(Preferences)}
    return Preferences(**{k: v for k, v in stored.items() if k in known})


def save_preferences(db: Database, prefs: Preferences) -> Preferences:
    if prefs.letter_language not in LANGUAGES:
        raise UserError(f"Letter language must be one of {', '.join(LANGUAGES)}.")
    if not isinstance(prefs.backup_retention, int) or not 1 <= prefs.backup_retention <= 1000:
        raise UserError("Backup retention must be a whole number from 1 to 1000.")
    if not isinstance(prefs.follow_up_days, int) or not 1 <= prefs.follow_up_days <= 730:
        raise UserError("Follow-up days must be a whole number from 1 to 730.")
    with db.transaction() as s:
        row = s.get(Setting, "preferences")
        if row is None:
            s.add(Setting(key="preferences", value=asdict(prefs)))
        else:
            row.value = asdict(prefs)
    return prefs


def get_value(db: Database, key: str, default: Any = None) -> Any:
    with db.reading() as s:
        row = s.get(Setting, key)
        return default if row is None else row.value


def set_value(db: Database, key: str, value: Any) -> None:
    with db.transaction() as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value
