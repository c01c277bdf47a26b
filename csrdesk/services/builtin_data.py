"""Data shipped with csrdesk (the finding library, the law references, the vetting checklists), loaded into the
database on first start and again after an upgrade changed it. A hash of the shipped files is kept in the settings
table, so a start with nothing new costs one read and takes no write lock (a database another csrdesk is writing
to still opens)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from csrdesk.storage.db import Database
from csrdesk.storage.models import Setting


def load_when_changed(db: Database, marker_key: str, digest: str, load: Callable[[Session], bool]) -> bool:
    """Runs load(s) in one transaction unless the marker setting already holds digest; records digest when load
    returns True (False: something could not be loaded, and the next start tries again). Returns whether load ran."""
    with db.reading() as s:  # most starts: nothing to load
        marker = s.get(Setting, marker_key)
        if marker is not None and marker.value == digest:
            return False
    with db.transaction() as s:
        marker = s.get(Setting, marker_key)
        if marker is not None and marker.value == digest:
            return False  # another csrdesk loaded it meanwhile
        if load(s):
            if marker is None:
                s.add(Setting(key=marker_key, value=digest))
            else:
                marker.value = digest
    return True
