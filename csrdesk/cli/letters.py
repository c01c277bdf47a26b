"""Command line: letters and e-mail drafts."""
from __future__ import annotations


def register(sub) -> None:
    """Adds this module's commands to the csrdesk parser."""
