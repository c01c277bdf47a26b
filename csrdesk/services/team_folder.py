"""The folder holding the team's shared templates on this computer, while a shared database is open (None for a
local workspace). Kept here, below the letter and report services that look in it, so they need not know how it
is kept in step with the database (services.shared_templates does that)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

_folder: Optional[Path] = None


def team_templates_folder() -> Optional[Path]:
    """This computer's copy of the open shared database's templates, or None (a local workspace)."""
    return _folder if _folder is not None and _folder.is_dir() else None


def set_team_templates_folder(folder: Optional[Path]) -> None:
    global _folder
    _folder = folder
