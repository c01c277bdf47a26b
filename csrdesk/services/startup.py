"""Opening the user's workspace: the database (migrated, backed up first) and the built-in library."""
from __future__ import annotations

from typing import Optional

from csrdesk.services.library import ensure_library
from csrdesk.services.vetting import ensure_checklists
from csrdesk.storage.db import Database, open_database


def open_workspace(url: Optional[str] = None) -> Database:
    db = open_database(url)
    ensure_library(db)
    ensure_checklists(db)
    return db
