"""Which text encoding a CSV from a factory or a brand system is in: detected, never guessed silently.

Lists come from Excel in China (GB18030), Taiwan (Big5), Japan (Shift-JIS), Korea, Türkiye (Windows-1254),
Vietnam (Windows-1258), Western Europe and the Americas (Windows-1252), or as UTF-8/UTF-16. Most byte strings decode
without error in several of these, into different text: a Big5 list read as Windows-1252 gave "¥xÆWÂ´³y", a
Turkish one "Ýplik". So each candidate decoding is judged by the characters it gives (does it read as the
language that encoding is used for?), charset-normalizer's measure of how chaotic the text is, and whether the
other candidates give the same text. When one reading clearly wins, it is used; when two readings that differ
are both plausible, the file is refused and the user chooses (`--encoding NAME`, or the choice in the import
dialog, which previews each reading).
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from typing import Optional

from csrdesk.errors import UserError

# Candidate encodings, most likely first when two readings are equally good (same text).
# Central European (Windows-1250) is left to the user to name: for Western names it reads as plausibly as
# Windows-1252 (ñ or ń), and the sourcing countries do not use it.
CANDIDATES = ("gb18030", "big5", "cp932", "cp949", "cp1252", "cp1254", "cp1258", "cp1251", "cp874")
LABELS = {
    "utf-8": "UTF-8", "utf-8-bom": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE", "gb18030": "Chinese, simplified (GB18030)", "big5": "Chinese, traditional (Big5)",
    "cp932": "Japanese (Shift-JIS)", "cp949": "Korean (EUC-KR)", "cp1252": "Western (Windows-1252)",
    "cp1254": "Turkish (Windows-1254)", "cp1258": "Vietnamese (Windows-1258)",
    "cp1250": "Central European (Windows-1250)", "cp1251": "Cyrillic (Windows-1251)", "cp874": "Thai (Windows-874)",
}
SAMPLE_BYTES = 256 * 1024
# A reading whose unexpected characters are this share of its non-ASCII ones is not plausible.
PLAUSIBLE = 0.08
# The winner must beat every reading that gives other text by this much, else the user is asked.
MARGIN = 0.25

# Punctuation and symbols any of these encodings may carry in a supplier list.
_COMMON_BLOCKS = ((0x2000, 0x206F), (0x3000, 0x303F), (0xFF01, 0xFF5E), (0x25A0, 0x25FF), (0x2100, 0x214F),
                  (0x2190, 0x21FF), (0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x20AC, 0x20AC))
_TURKISH = set("ğĞıİşŞçÇöÖüÜâÂîÎûÛéÉ")
_RUSSIAN = set("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_OTHER_SCRIPTS = ("CYRILLIC", "THAI", "HANGUL", "GREEK", "ARABIC", "HEBREW")
_VIETNAMESE_BASE = set("ăĂâÂđĐêÊôÔơƠưƯàÀáÁãÃèÈéÉìÌíÍòÒóÓõÕùÙúÚýÝ")
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


class EncodingUnsure(UserError):
    """The file reads plausibly in more than one encoding, into different text: the user chooses.

    `readings` holds (encoding, label, a few lines of the text read that way), best first.
    """

    def __init__(self, message: str, readings: list[tuple[str, str, str]]) -> None:
        super().__init__(message)
        self.readings = readings


@dataclass(frozen=True)
class Reading:
    """A file's text as read in one candidate encoding, with how out of place its characters look."""

    encoding: str
    text: str
    unexpected: float  # share of non-ASCII characters that do not belong to the encoding's languages
    chaos: float


def label(encoding: str) -> str:
    return LABELS.get(encoding, encoding)


def known_encoding(name: str) -> str:
    """The codec name for what a user typed (--encoding big5, GB18030, windows-1254, utf8...), or UserError."""
    text = name.strip().lower().replace("_", "-")
    aliases = {"windows-1252": "cp1252", "windows-1254": "cp1254", "windows-1258": "cp1258",
               "windows-1250": "cp1250", "windows-1251": "cp1251", "windows-874": "cp874", "shift-jis": "cp932",
               "sjis": "cp932", "shiftjis": "cp932", "euc-kr": "cp949", "gbk": "gb18030", "gb2312": "gb18030",
               "utf8": "utf-8", "utf-8-sig": "utf-8-bom", "utf16": "utf-16"}
    text = aliases.get(text, text)
    if text == "utf-8-bom":
        return text
    try:
        codecs.lookup(text)
    except LookupError:
        raise UserError(f"{name!r} is not a text encoding csrdesk knows; use one of utf-8, utf-16, gb18030, big5, "
                        "shift-jis, euc-kr, windows-1252, windows-1254, windows-1258.") from None
    return text


def decode_as(data: bytes, encoding: str, name: str) -> str:
    """The text of data in the encoding the user named, or one line saying where it does not fit."""
    codec = "utf-8-sig" if encoding in ("utf-8-bom", "utf-8") else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UserError(f"{name} is not {label(encoding)} text (the bytes at position {exc.start:,} do not fit "
                        "it); choose another encoding.") from None


def _in_common_block(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _COMMON_BLOCKS)


def _expected(encoding: str, ch: str, previous: str) -> bool:
    """Whether a non-ASCII character is one a real list in this encoding holds."""
    if _in_common_block(ch):
        return True
    if encoding == "gb18030":
        try:
            ch.encode("gb2312")  # the common simplified set: rarer characters mean another encoding
            return True
        except UnicodeEncodeError:
            return False
    if encoding == "big5":
        try:
            lead = ch.encode("big5")[0]
        except UnicodeEncodeError:
            return False
        return lead <= 0xC6  # symbols and the frequently used characters (level 1)
    if encoding == "cp932":
        if "\u3040" <= ch <= "\u30ff":  # hiragana and full-width katakana
            return True
        try:
            encoded = ch.encode("cp932")
        except UnicodeEncodeError:
            return False
        return len(encoded) == 2 and 0x88 <= encoded[0] <= 0x98  # JIS level 1 kanji; half-width kana are rare
    if encoding == "cp949":
        if not "\uac00" <= ch <= "\ud7a3":
            return False
        try:
            # the 2,350 common syllables take two bytes; rarer ones (Python spells them in eight) mean another
            # encoding read as Korean
            return len(ch.encode("euc_kr")) == 2
        except UnicodeEncodeError:
            return False
    if encoding == "cp1251":
        return ch in _RUSSIAN
    if encoding == "cp874":
        return "\u0e00" <= ch <= "\u0e7f"
    if not unicodedata.category(ch).startswith(("L", "M")):
        return ch in "’‘“”–—•…€™©®°·«»¿¡"
    if encoding == "cp1254":
        return ch in _TURKISH
    if encoding == "cp1258":
        if ch in _VIETNAMESE_MARKS:
            return previous.lower() in "aăâeêioôơuưy"
        return ch in _VIETNAMESE_BASE
    # cp1252: Western European letters; Icelandic ones (ÐÞÝ) mostly mean a Turkish file read wrongly
    return ch.isalpha() and ch not in "ÐðÞþÝý"


def _unexpected_share(encoding: str, text: str) -> float:
    """The share of non-ASCII characters that a real list in this encoding would not hold: characters outside
    its languages, another script inside a Latin word ("PROVINCEЎх"), an accented capital after a small letter
    ("TôÒng")."""
    total = bad = 0
    previous = ""
    word_has_ascii = False
    for ch in text:
        if ch.isascii():
            word_has_ascii = ch.isalpha() or (word_has_ascii and ch.isalnum())
            previous = ch
            continue
        total += 1
        unexpected = not _expected(encoding, ch, previous)
        if not unexpected:
            if word_has_ascii and unicodedata.name(ch, "").startswith(_OTHER_SCRIPTS):
                unexpected = True
            elif ch.isupper() and previous.isalpha() and previous.islower():
                unexpected = True
        if unexpected:
            bad += 1
        if not (ch.isalpha() or unicodedata.category(ch).startswith("M")):
            word_has_ascii = False
        previous = ch
    return bad / total if total else 0.0


def _chaos(data: bytes) -> dict[str, float]:
    """charset-normalizer's measure of disorder per candidate it could read (missing: it rejected the reading)."""
    from charset_normalizer import from_bytes

    names = {"cp932": "cp932", "cp949": "cp949"}
    found: dict[str, float] = {}
    try:
        results = from_bytes(data, cp_isolation=[names.get(c, c) for c in CANDIDATES], explain=False)
    except Exception:  # a detector failure must not stop an import: our own checks still decide
        return found
    for result in results:
        found[codecs.lookup(result.encoding).name] = float(result.chaos)
    return found


def _norm(codec: str) -> str:
    return codecs.lookup(codec).name


def detect(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV's bytes: BOMs, UTF-8, UTF-16 without BOM, then the legacy encodings judged as
    above. Raises EncodingUnsure when two different readings are both plausible, UserError when none is."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-bom"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_as(data, "utf-16", name), "utf-16"
    sample = data[:SAMPLE_BYTES]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return decode_as(data, utf16, name), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            raise UserError(f"{name} is UTF-8 text cut off at its end; save the whole file again.") from None
    # A sample cut inside a character would count against every reading: end it at a line break.
    if len(sample) < len(data):
        cut = sample.rfind(b"\n")
        sample = sample[:cut + 1] if cut > 0 else sample
    chaos = _chaos(sample)
    readings: list[Reading] = []
    for encoding in CANDIDATES:
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append(Reading(encoding, text, _unexpected_share(encoding, text), chaos.get(_norm(encoding), 1.0)))
    if not readings:
        raise UserError(f"{name} is not a text table in a known encoding (UTF-8, GB18030, Big5, Shift-JIS, "
                        "Windows-1252...) nor an Excel workbook.")
    order = {e: i for i, e in enumerate(CANDIDATES)}
    readings.sort(key=lambda r: (r.unexpected + 0.5 * r.chaos, order[r.encoding]))
    best = readings[0]
    rivals = [r for r in readings[1:] if r.text != best.text]
    plausible_rivals = [r for r in rivals if r.unexpected + 0.5 * r.chaos < best.unexpected + 0.5 * best.chaos + MARGIN]
    if best.unexpected <= PLAUSIBLE and not plausible_rivals:
        return data.decode(best.encoding), best.encoding
    shown = [best] + [r for r in rivals if r.unexpected <= 0.5][:3]
    choices = ", ".join(r.encoding for r in shown)
    raise EncodingUnsure(
        f"csrdesk cannot tell the text encoding of {name} for sure (it reads as {label(shown[0].encoding)}"
        + (f" or {label(shown[1].encoding)}" if len(shown) > 1 else "")
        + f"); import it again naming it with --encoding ({choices}), or choose it in the import window.",
        [(r.encoding, label(r.encoding), _preview(r.text)) for r in shown],
    )


def _utf16_without_bom(sample: bytes) -> Optional[str]:
    """utf-16-le or -be when every other byte is mostly zero (ASCII text saved as UTF-16 with no BOM)."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _preview(text: str, lines: int = 6) -> str:
    """The first lines holding something other than ASCII (where the encodings differ), else the first lines."""
    all_lines = [line for line in text.splitlines() if line.strip()]
    telling = [line for line in all_lines if any(ord(ch) > 127 for ch in line)]
    chosen = (all_lines[:1] + telling)[:lines] if telling else all_lines[:lines]
    return "\n".join(line if len(line) <= 160 else line[:157] + "..." for line in chosen)
