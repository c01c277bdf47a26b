"""Vetting checklists: the built-in templates loaded at start, and every saved version of a template.

A template is never changed in place: saving makes a new version, and a screen keeps the version it was started
with (services.vetting), so its answers always mean what they meant when they were given. The built-in templates in
resources/checklists are loaded cheaply (services.builtin_checklists): a hash of the files is kept in the settings
table.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csrdesk.domain.vetting import (
    StoredVersion, Template, TemplateError, builtin_version_to_store, content_of, next_version, parse_template,
    template_to_dict,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import ChecklistTemplate, VettingScreen

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class ChecklistInfo:
    """One version of a vetting checklist (letter templates are services.letters.TemplateInfo)."""

    id: int
    key: str
    version: int
    title: str
    title_zh: str
    kind: str
    builtin: bool
    questions: int
    created_at: Optional[datetime]




# -- stored versions (the built-in ones are loaded at start by services.builtin_checklists) ---------------------

def stored_versions(s: Session, key: str) -> list[ChecklistTemplate]:
    return list(s.scalars(select(ChecklistTemplate).where(ChecklistTemplate.key == key)
                          .order_by(ChecklistTemplate.version)))


def row_template(row: ChecklistTemplate) -> Template:
    try:
        return parse_template(row.definition)
    except TemplateError as exc:
        raise UserError(f"The stored checklist {row.key} version {row.version} is damaged: {exc}") from None


def store_builtin(s: Session, template: Template) -> None:
    """Stores a shipped template as a new version when it differs from what is stored (never over the user's)."""
    rows = stored_versions(s, template.key)
    stored = [StoredVersion(r.version, r.builtin, content_of(row_template(r)),
                            (r.definition or {}).get("builtin_version")) for r in rows]
    version = builtin_version_to_store(template, stored)
    if version is None:
        return
    stored_template = replace(template, version=version, builtin_version=template.version)
    s.add(ChecklistTemplate(key=template.key, version=version, title=template.title, kind=template.kind,
                            definition=template_to_dict(stored_template), builtin=True))
    log.info("loaded built-in checklist %s as version %s", template.key, version)


# -- templates ----------------------------------------------------------------------------------------------------

def _info(row: ChecklistTemplate) -> ChecklistInfo:
    definition = row.definition or {}
    count = sum(len(sec.get("questions", [])) for sec in definition.get("sections", []) if isinstance(sec, dict))
    return ChecklistInfo(row.id, row.key, row.version, row.title, str(definition.get("title_zh", "")), row.kind,
                        row.builtin, count, row.created_at)


def list_checklists(db: Database, *, all_versions: bool = False, kind: Optional[str] = None) -> list[ChecklistInfo]:
    """The templates, newest version of each (or every version), by title."""
    with db.reading() as s:
        q = select(ChecklistTemplate)
        if not all_versions:
            latest = (select(ChecklistTemplate.key, func.max(ChecklistTemplate.version).label("v"))
                      .group_by(ChecklistTemplate.key).subquery())
            q = q.join(latest, (latest.c.key == ChecklistTemplate.key) & (latest.c.v == ChecklistTemplate.version))
        if kind:
            q = q.where(ChecklistTemplate.kind == kind)
        rows = s.scalars(q.order_by(ChecklistTemplate.title, ChecklistTemplate.key, ChecklistTemplate.version.desc()))
        return [_info(r) for r in rows]


def template_row(s: Session, key: str, version: Optional[int] = None) -> ChecklistTemplate:
    q = select(ChecklistTemplate).where(ChecklistTemplate.key == (key or "").strip())
    q = q.where(ChecklistTemplate.version == version) if version is not None else q.order_by(
        ChecklistTemplate.version.desc())
    row = s.scalars(q.limit(1)).first()
    if row is None:
        known = ", ".join(sorted(set(s.scalars(select(ChecklistTemplate.key))))) or "none"
        what = f"{key!r} version {version}" if version is not None else repr(key)
        raise NotFound(f"No checklist template {what}; the templates are: {known}.")
    return row


def get_template(db: Database, key: str, version: Optional[int] = None) -> Template:
    """A template (its newest version unless one is asked for)."""
    with db.reading() as s:
        return row_template(template_row(s, key, version))


def checklist_versions(db: Database, key: str) -> list[ChecklistInfo]:
    with db.reading() as s:
        rows = stored_versions(s, key)
        if not rows:
            raise NotFound(f"No checklist template {key!r}.")
        return [_info(r) for r in reversed(rows)]


def save_template(db: Database, template: Template | Mapping[str, Any], *, source: str = "app",
                  user: str = "") -> ChecklistInfo:
    """Saves an edited (or new) template as a new version; screens already filled keep their own version."""
    try:
        checked = parse_template(template if isinstance(template, Mapping) else template_to_dict(template))
    except TemplateError as exc:
        raise UserError(str(exc)) from None
    with db.transaction() as s:
        rows = stored_versions(s, checked.key)
        if rows:
            latest = rows[-1]
            if content_of(row_template(latest)) == content_of(checked):
                raise UserError(f"Nothing changed since version {latest.version} of {checked.title}; nothing was saved.")
            if latest.kind != checked.kind and s.scalar(
                    select(func.count(VettingScreen.id)).join(ChecklistTemplate)
                    .where(ChecklistTemplate.key == checked.key)):
                raise UserError(f"{checked.title} has screens as a {latest.kind} checklist; its kind cannot change. "
                                "Save it under a new key instead.")
        version = next_version(r.version for r in rows)
        stored = replace(checked, version=version, builtin_version=None)
        row = ChecklistTemplate(key=checked.key, version=version, title=checked.title, kind=checked.kind,
                                definition=template_to_dict(stored), builtin=False)
        s.add(row)
        s.flush()
        record_change(s, "checklist_template", row.id, "version", rows[-1].version if rows else None, version,
                      source=source, user=user)
        return _info(row)
