"""Cleaning text that a person typed or a file brought: stray and control characters out, spacing tidied."""
from __future__ import annotations

import re

_STRAY = dict.fromkeys(map(ord, "\u25a1\ufffd\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000\u2002\u2003\u2009"), " ")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Text with stray characters (□, BOM, zero-width) and control characters removed and its spacing tidied; line
    breaks are kept when multiline (blank lines at either end dropped), else folded into spaces."""
    if not text:
        return ""
    text = text.translate(_STRAY).translate(_SPACES)
    text = _CONTROLS.sub("", text)
    if multiline:
        lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        return "\n".join(lines)
    return " ".join(text.split())
