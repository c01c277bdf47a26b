"""A team on one database: the settings that belong to the person on this computer, not to the shared database.

The name the change history shows for this person is kept in the config folder (`team.json`), never in the shared
database, where it would name everyone alike. Left empty, the history shows the PostgreSQL role the person signs
in with (on a SQLite file of one person: the name in Settings, else the computer's login name).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.storage.db import Database

log = logging.getLogger(__name__)

LOCAL_FILE = "team.json"
MAX_NAME = 200


def _local_path() -> Path:
    return paths.config_dir() / LOCAL_FILE


def local_settings() -> dict[str, Any]:
    try:
        data = json.loads(_local_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("%s cannot be read; its settings are ignored", _local_path())
        return {}
    return data if isinstance(data, dict) else {}


def _save_local(data: dict[str, Any]) -> None:
    path = _local_path()
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(path)


def display_name() -> str:
    """The name this person set for the change history on this computer ("" when none)."""
    return " ".join(str(local_settings().get("display_name") or "").split())


def set_display_name(name: str, db: Database | None = None) -> str:
    """Sets (or, empty, clears) this person's name in the change history; an open database uses it at once."""
    cleaned = " ".join((name or "").split())
    if len(cleaned) > MAX_NAME:
        raise UserError(f"The name may have at most {MAX_NAME} characters.")
    data = local_settings()
    data["display_name"] = cleaned
    _save_local(data)
    if db is not None:
        db.person = cleaned
    return cleaned


def apply_person(db: Database) -> Database:
    """Puts this computer's display name on an opened database (every change it records then names it)."""
    db.person = display_name()
    return db


def save_settings(db: Database, prefs, history_name: str):
    """The Settings dialog's save: the shared preferences in the database, this person's history name here."""
    from csrdesk.services.settings import save_preferences

    saved = save_preferences(db, prefs)
    set_display_name(history_name, db)
    return saved


def grant_member(db: Database, role: str, *, read_only: bool) -> dict:
    """Sets a member's rights on the shared database with PostgreSQL grants (run by the team's manager)."""
    from csrdesk.storage.roles import grant

    if db.read_only:
        raise UserError(db.read_only_reason or "This database can only be read here: grant roles as its owner.")
    return grant(db.engine, role, read_only=read_only)
