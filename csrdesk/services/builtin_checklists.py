"""The built-in vetting checklists (resources/checklists), stored as template versions on first start and after an
upgrade (services.builtin_data). Run at every open, so kept apart from services.checklists: on most starts nothing
changed, one hash compare says so, and the checklists' rules (domain.vetting, about 10 ms to load) are not needed."""
from __future__ import annotations

import hashlib
import json
import logging

from csrdesk import paths
from csrdesk.services.builtin_data import load_when_changed
from csrdesk.storage.db import Database

log = logging.getLogger(__name__)

CHECKLISTS_DIR = "checklists"
HASH_SETTING = "checklists_hash"


def _builtin_files() -> list:
    folder = paths.resource(CHECKLISTS_DIR)
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def ensure_checklists(db: Database) -> bool:
    """Stores the shipped checklists as template versions on first start and after an upgrade.

    Cheap when nothing changed (one hash compare). A user's own version of a template is never replaced.
    Returns True when the files were read.
    """
    files = _builtin_files()
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")

    def load(s) -> bool:
        from csrdesk.domain.vetting import TemplateError, parse_template  # only when the files changed (10 ms)
        from csrdesk.services.checklists import store_builtin

        broken = False
        for f in files:
            try:
                template = parse_template(json.loads(f.read_text(encoding="utf-8")))
            except (TemplateError, ValueError) as exc:
                log.error("built-in checklist %s is broken and was skipped: %s", f.name, exc)
                broken = True
                continue
            store_builtin(s, template)
        return not broken  # broken: no marker, and the next start tries again

    return load_when_changed(db, HASH_SETTING, digest.hexdigest(), load)
