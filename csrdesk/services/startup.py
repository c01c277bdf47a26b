"""Opening the user's workspace: the database (migrated, backed up first) and the built-in library."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from csrdesk.errors import UserError
from csrdesk.services.laws import ensure_law_library
from csrdesk.services.library import ensure_library
from csrdesk.services.builtin_checklists import ensure_checklists
from csrdesk.services.identity_sealing import seal_old_identities
from csrdesk.services.shared_templates import sync_team_templates
from csrdesk.services.team import apply_person
from csrdesk.services.team_connect import install_password_lookup
from csrdesk.storage.db import DB_ENV, SCHEMA_HEAD, Database, current_revision, open_database, sqlite_path

log = logging.getLogger(__name__)


def open_workspace(url: Optional[str] = None, *, create_folder: bool = False) -> Database:
    """The database at url (or the default one), migrated, with the built-in library and checklists loaded.

    A database that can only be read (a read-only file, folder or mount) opens for reading as it is.
    """
    install_password_lookup()  # a server password remembered in the keyring is found without being in the URL
    db = open_database(url, create_folder=create_folder)
    apply_person(db)
    try:  # the team's shared templates (a shared database), in step before any letter is written
        sync_team_templates(db)
    except UserError as exc:  # the letters say so when they need one; opening goes on
        log.warning("the team's shared templates could not be brought in step: %s", exc)
    if not db.read_only:
        ensure_library(db)
        ensure_law_library(db)
        ensure_checklists(db)
        # Identities an older version wrote in clear are sealed before anything can read them.
        seal_old_identities(db)
    return db


def database_set_by_environment() -> bool:
    """True when CSRDESK_DB names the database (it wins over the one the window opened last)."""
    return bool(os.environ.get(DB_ENV))


def database_file(url: str) -> Optional[Path]:
    """The SQLite file a URL or path names, None for a server database or a URL that cannot be read."""
    try:
        return sqlite_path(url if "://" in url else "sqlite:///" + str(Path(url).expanduser().resolve()))
    except Exception:
        return None


def schema_state(db: Database) -> tuple[Optional[str], str]:
    """The database's schema revision and the newest one this csrdesk knows."""
    return current_revision(db.engine), SCHEMA_HEAD
