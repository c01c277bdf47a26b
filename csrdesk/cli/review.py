"""Command line: review commands."""
from __future__ import annotations


def register(sub) -> None:
    """Adds this module's commands to the csrdesk parser."""
