"""What every command shares: its user error, JSON output, date arguments, the parser and opening the database."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable


class CliError(Exception):
    """A user error raised by the command line itself (bad arguments)."""


def to_jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    return value


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


# The largest whole number a database column holds (SQLite and PostgreSQL BIGINT): ids and counts above it are typos.
LARGEST_WHOLE_NUMBER = 2**63 - 1


def whole_number(low: int = 0, high: int = LARGEST_WHOLE_NUMBER, what: str = "") -> "Callable[[str], int]":
    """An argparse type: a whole number from low to high, refused in one line otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is out of range: {what or 'it'} must be a whole number "
                                             f"from {low:,} to {high:,}")
        return value
    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


class Parser(argparse.ArgumentParser):
    """csrdesk's parser: one-line errors, and every type=int argument a whole number of at most 64 bits (a
    20-digit typo is refused here, in one line, instead of overflowing in the database)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register("type", int, whole_number(0))  # argparse looks types up here; groups share the registry

    def error(self, message: str) -> None:  # one line, exit 2, as for every user error
        self.exit(2, f"csrdesk: {message}\n")


# Databases a command opened; main() closes them when the command ends, so no connection outlives it.
opened: list = []


def open_db(args):
    from csrdesk.services.startup import open_workspace

    db = open_workspace(args.db, create_folder=getattr(args, "create_folder", False))
    opened.append(db)
    return db


def open_shared_db(args):
    """The database when it is a shared team one (from --db or CSRDESK_DB), opened; None for a local workspace,
    which a command that only reads this computer's files need not open."""
    import os

    from csrdesk.services.startup import database_file

    url = getattr(args, "db", None) or os.environ.get("CSRDESK_DB")
    if not url or database_file(url) is not None:
        return None
    return open_db(args)


def close_databases() -> None:
    while opened:
        opened.pop().dispose()
