"""User preferences kept in the database, so that letters made from the command line carry them too."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from csrdesk.domain.lifecycle import DEFAULT_REQUIRE_VETTING
from csrdesk.domain.ratings import DEFAULT_FOLLOW_UP_DAYS
from csrdesk.errors import UserError
from sqlalchemy.orm import Session

from csrdesk.storage.db import Database
from csrdesk.storage.models import Setting

LANGUAGES = ("en", "zh-en")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Preferences:
    """The user's preferences: who signs letters, the company, letter language, backups and due-date rules."""

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
    visit_due_days: int = 42  # the verification visit falls due this long after the CAP meeting
    reopen_due_days: int = 30  # an item sent back at a visit is due again this long after it


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
    email = (prefs.user_email or "").strip()
    if email and not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an e-mail address.")
    for f in fields(Preferences):
        value = getattr(prefs, f.name)
        if isinstance(value, str) and len(value) > 4000:
            raise UserError(f"{f.name.replace('_', ' ').capitalize()} may have at most 4,000 characters.")
    if not isinstance(prefs.visit_due_days, int) or not 1 <= prefs.visit_due_days <= 365:
        raise UserError("Days from the CAP meeting to the verification visit must be a whole number from 1 to 365.")
    if not isinstance(prefs.reopen_due_days, int) or not 1 <= prefs.reopen_due_days <= 365:
        raise UserError("Days allowed for items sent back at a visit must be a whole number from 1 to 365.")
    with db.transaction() as s:
        row = s.get(Setting, "preferences")
        if row is None:
            s.add(Setting(key="preferences", value=asdict(prefs)))
        else:
            row.value = asdict(prefs)
    return prefs


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def preferences_dict(db: Database) -> dict[str, Any]:
    """Every setting by name (defaults included), as `settings show` prints them."""
    return asdict(load_preferences(db))


def set_preference(db: Database, key: str, text: str) -> Preferences:
    """Changes one setting from its text form, with the same checks as the Settings dialog."""
    types = {f.name: f.type for f in fields(Preferences)}
    name = key.strip().replace("-", "_")
    if name not in types:
        raise UserError(f"Unknown setting {key!r}: use one of {', '.join(types)}.")
    prefs = load_preferences(db)
    kind = type(getattr(Preferences(), name))
    raw = text.strip()
    if kind is bool:
        if raw.lower() not in _TRUE | _FALSE:
            raise UserError(f"{name} is yes or no (true/false), not {text!r}.")
        value: Any = raw.lower() in _TRUE
    elif kind is int:
        if not raw.lstrip("-").isdigit() or len(raw) > 9:
            raise UserError(f"{name} is a whole number, not {text!r}.")
        value = int(raw)
    else:
        value = text.replace("\\n", "\n") if name in ("signature", "company_address") else text
    setattr(prefs, name, value)
    return save_preferences(db, prefs)


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
