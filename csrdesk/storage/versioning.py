"""Row versions for records people edit: the version a person saw travels with their save, and a save of a record
someone changed since is refused instead of silently undoing the other person's work.

SQLAlchemy's version_id_col adds `WHERE row_version = <the one loaded>` to every UPDATE and DELETE of the row and
raises StaleDataError when another connection got there first, so two saves racing on the server cannot both win.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

# The tables whose rows carry a version (kept here so the migration and the models name the same set).
VERSIONED_TABLES = ("suppliers", "assessments", "findings", "caps", "cap_items", "complaints", "verification_visits",
                    "vetting_screens", "law_references")


class Versioned:
    """Mixin of a mapped class whose rows are edited by people; row_version counts the saves of the row."""

    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.row_version}
