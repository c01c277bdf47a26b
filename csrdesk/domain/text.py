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


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def remove_controls(text: str) -> str:
    """Text with control characters (a pasted NUL, escape codes, form feeds) and unpaired surrogates removed; tabs
    and line breaks kept (Windows line ends become plain ones). Spacing is left as typed."""
    if not text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("", text) if any("\ud800" <= ch <= "\udfff" for ch in text) else text


# Languages of letters and e-mails to factories: the sourcing countries' and a few more, by ISO 639-1 code.
LANGUAGES = {
    "en": "English", "zh": "Chinese", "vi": "Vietnamese", "bn": "Bengali", "tr": "Turkish", "es": "Spanish",
    "id": "Indonesian", "th": "Thai", "km": "Khmer", "hi": "Hindi", "ur": "Urdu", "ta": "Tamil", "pt": "Portuguese",
    "fr": "French", "de": "German", "it": "Italian", "ja": "Japanese", "ko": "Korean", "ar": "Arabic",
    "ms": "Malay", "my": "Burmese", "si": "Sinhala", "ne": "Nepali", "lo": "Lao", "ro": "Romanian", "pl": "Polish",
    "ru": "Russian", "uk": "Ukrainian", "am": "Amharic", "sw": "Swahili", "tl": "Filipino",
}
_LANGUAGE_NAMES = {name.lower(): code for code, name in LANGUAGES.items()}
_LANGUAGE_NAMES.update({"中文": "zh", "汉语": "zh", "chinese (simplified)": "zh", "mandarin": "zh",
                        "tiếng việt": "vi", "türkçe": "tr", "español": "es", "bangla": "bn", "english (us)": "en"})


def language_code(text: str) -> "str | None":
    """The ISO 639-1 code for a language as people write it (zh, zh-CN, Chinese, 中文, Türkçe), or None."""
    key = " ".join((text or "").split()).lower()
    if not key:
        return None
    if key in LANGUAGES:
        return key
    if key in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[key]
    head = re.split(r"[-_]", key, maxsplit=1)[0]
    return head if head in LANGUAGES else None
