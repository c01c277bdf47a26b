"""Logging to a rotating file in the platformdirs log folder."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from csrdesk import paths

_configured = False


def log_file() -> Path:
    return paths.log_dir() / "csrdesk.log"


def setup_logging(console: bool = False, level: int = logging.INFO) -> Path:
    global _configured
    path = log_file()
    if _configured:
        return path
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # Libraries' warnings (openpyxl on a workbook's oddities, SQLAlchemy's) are notes for the log, not lines on
    # the user's stderr, which carries one line of csrdesk's own.
    logging.captureWarnings(True)
    if console:
        stream = logging.StreamHandler()
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    _configured = True
    return path
