"""Sealing the complainants' names and contacts that a version before migration 0005 kept in clear. Run at every
open of the workspace, so kept apart from services.complaints: once done it costs one empty read, and the start
need not load the complaints' module for it."""
from __future__ import annotations

import logging

from sqlalchemy import select

from csrdesk.services import identity_key
from csrdesk.storage.db import Database
from csrdesk.storage.models import Complaint, UnsealedIdentity

log = logging.getLogger(__name__)


def seal_old_identities(db: Database) -> int:
    """Seals the plaintext names and contacts an older version left (moved aside by migration 0005) and leaves no
    copy of them behind: the rows are deleted, then the SQLite file is rewritten (VACUUM) and its WAL emptied, so no
    free page keeps the old text. Called on every open; costs one empty read once done (no write lock taken, so a
    database another csrdesk is writing to still opens)."""
    with db.reading() as s:
        if s.scalar(select(UnsealedIdentity.complaint_id).limit(1)) is None:
            return 0
    with db.transaction() as s:
        pending = s.scalars(select(UnsealedIdentity)).all()
        if not pending:
            return 0
        for row in pending:
            c = s.get(Complaint, row.complaint_id)
            if c is not None and (row.name or row.contact) and not c.identity_token:
                c.identity_token, c.identity_key_id = identity_key.seal(
                    {"ref": c.reference, "name": row.name, "contact": row.contact})
                c.anonymous = False
            s.delete(row)
        count = len(pending)
    _purge_freed_pages(db)
    log.info("sealed %d complainant identities written by an older version", count)
    return count


def _purge_freed_pages(db: Database) -> None:
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        if db.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif db.engine.dialect.name == "postgresql":
            # Dead row versions keep old values until vacuumed; FULL rewrites the two tables.
            conn.exec_driver_sql("VACUUM FULL complaints, complaint_unsealed_identities")
