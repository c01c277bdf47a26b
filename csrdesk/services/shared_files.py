"""Where the files people attach are kept, so everyone who opens the database reaches them.

A local workspace (SQLite, one person) keeps evidence files and audit reports in its data folder, named by content.
A shared team database (PostgreSQL) keeps their content in the database itself (table stored_files, once per
content), in the same transaction as the record that names them: every member opens them, a server backup
(pg_dump) holds them, the server's grants guard them, and nothing depends on a network folder being mounted the same
way on every computer. A member's computer downloads a file into its cache when it is opened, checked against its
SHA-256. The limits and checks are the same in both places.
"""
from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.services.history import who
from csrdesk.storage.db import Database
from csrdesk.storage.models import StoredFile

MAX_EVIDENCE_BYTES = 200 * 1024 * 1024  # a phone video of a fire drill runs to some tens of MB; more is not evidence


def files_in_database(where: Union[Database, Session]) -> bool:
    """Whether this database keeps attached files itself (a shared team database) rather than the data folder."""
    bind = where.engine if isinstance(where, Database) else where.get_bind()
    return bind.dialect.name == "postgresql"


def file_digest(source: Path) -> str:
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_name(source: Path, sha: Optional[str] = None) -> tuple[str, str]:
    """(sha256, the name a file is kept under): by content, so a file is kept once however often it is attached."""
    sha = sha or file_digest(source)
    return sha, f"{sha[:2]}/{sha}{Path(source).suffix.lower()}"


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def check_evidence_file(source: Path) -> None:
    """Refuses, with the reason, a file that cannot be attached as evidence: missing, a folder, empty or too large."""
    source = Path(source)
    if not source.is_file():
        raise UserError(f"{source} is not a file; nothing was attached.")
    size = source.stat().st_size
    if size == 0:
        raise UserError(f"{source.name} is empty (0 bytes); nothing was attached.")
    if size > MAX_EVIDENCE_BYTES:
        raise UserError(f"{source.name} is {human_size(size)}, more than the {human_size(MAX_EVIDENCE_BYTES)} an "
                        "evidence file may have (send photos or a shorter video); nothing was attached.")


def store_in_evidence_folder(source: Path, stored_name: str) -> Optional[Path]:
    """Copies a file into the data folder's evidence folder under its stored name (whole or not at all); the copy
    made, or None when the same content was already there."""
    target = paths.evidence_dir() / stored_name
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    shutil.copy2(source, tmp)
    tmp.replace(target)
    return target


def keep_file(s: Session, source: Path, sha: str, stored_name: str) -> Optional[Path]:
    """Keeps a file's content where every user of this database reaches it, within the caller's transaction.

    Shared database: a stored_files row (once per content; rolled back with the transaction). Local workspace: a
    copy in the data folder, returned so the caller removes it when its transaction fails."""
    if not files_in_database(s):
        return store_in_evidence_folder(source, stored_name)
    if s.get(StoredFile, sha) is None:
        person = who(s)
        data = Path(source).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise UserError(f"{Path(source).name} changed while it was being attached; nothing was attached. "
                            "Attach it again once it is saved.")
        s.add(StoredFile(sha256=sha, size=len(data), content=data, added_at=datetime.now().replace(microsecond=0),
                         added_by=person))
        s.flush()
    return None


def shared_cache_dir() -> Path:
    """Where this computer keeps the shared database's files it has opened (named by content)."""
    path = paths.cache_dir() / "team-files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kept_files(s: Session, shas: Iterable[str]) -> set[str]:
    """Which of these contents the shared database holds."""
    wanted = sorted({h for h in shas if h})
    if not wanted:
        return set()
    return set(s.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))


def kept_location(s: Session, stored_name: str, sha: str, held: Optional[set[str]] = None) -> tuple[Path, bool]:
    """(the file to open on this computer, whether the app holds its content) for a kept file. In a shared database
    the path is in this computer's cache and may not be there yet: `local_copy` brings it."""
    if not files_in_database(s):
        path = paths.evidence_dir() / stored_name
        return path, path.exists()
    held = kept_files(s, [sha]) if held is None else held
    return shared_cache_dir() / stored_name, sha in held


def local_copy(db: Database, stored_name: str, sha: str, what: str) -> Path:
    """The kept file as a file on this computer, ready to open: the data folder's copy, or (shared database) the
    content downloaded once into the cache and checked against its SHA-256."""
    if not files_in_database(db):
        path = paths.evidence_dir() / stored_name
        if not path.is_file():
            raise UserError(f"{what} is missing from the data folder ({path}); attach it again.")
        return path
    target = shared_cache_dir() / stored_name
    if target.is_file() and target.stat().st_size > 0 and file_digest(target) == sha:
        return target
    with db.reading() as s:
        data = s.scalar(select(StoredFile.content).where(StoredFile.sha256 == sha))
    if data is None:
        raise UserError(f"{what} is not in the shared database; attach it again.")
    if hashlib.sha256(data).hexdigest() != sha:
        raise UserError(f"{what} in the shared database does not match its checksum; attach it again.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target
