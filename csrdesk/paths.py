"""Where csrdesk finds its bundled resources and keeps the user's data, logs and cache."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from csrdesk import APP_AUTHOR, APP_NAME

# CSRDESK_HOME puts data, logs and cache under one folder: used by tests, the benchmark and portable installs.
HOME_ENV = "CSRDESK_HOME"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The `resources/` folder, found alike from a source checkout, an installed wheel and a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    package_dir = Path(__file__).resolve().parent
    candidates.append(package_dir / "_resources")  # where the wheel installs it
    candidates.append(package_dir.parent / "resources")  # source checkout or editable install
    for candidate in candidates:
        if (candidate / "library").is_dir():
            return candidate
    raise FileNotFoundError(
        "csrdesk cannot find its resources folder; looked in: " + ", ".join(str(c) for c in candidates)
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _base(kind: str) -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        path = Path(home) / kind
    else:
        import platformdirs

        getter = {
            "data": platformdirs.user_data_dir,
            "logs": platformdirs.user_log_dir,
            "cache": platformdirs.user_cache_dir,
            "config": platformdirs.user_config_dir,
        }[kind]
        path = Path(getter(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _base("data")


def log_dir() -> Path:
    return _base("logs")


def cache_dir() -> Path:
    return _base("cache")


def config_dir() -> Path:
    return _base("config")


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_dir() -> Path:
    path = data_dir() / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_templates_dir() -> Path:
    path = data_dir() / "templates"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "csrdesk.sqlite3"
