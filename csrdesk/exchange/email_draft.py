"""E-mail drafts as .eml files that open unsent, ready to check and send, in Outlook and Thunderbird.

`X-Unsent: 1` makes Outlook open the file as a new message in compose mode; Thunderbird reads
`X-Mozilla-Draft-Info` as a draft (older versions show it as a message: Message > Edit As New reopens it to send).
Attachment names may be in any script: they are written as RFC 2231 UTF-8 parameters, with an ASCII fallback in
the Content-Type name for old readers.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Optional, Sequence

from csrdesk.exchange.files import write_atomically
from csrdesk.errors import UserError

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Attachment:
    """A file attached to an e-mail draft."""

    filename: str
    data: bytes
    mime_type: str


def safe_filename(text: str, limit: int = 120) -> str:
    """A file name that Windows, macOS and Linux all accept, keeping letters of any script."""
    name = unicodedata.normalize("NFC", _WINDOWS_BAD.sub(" ", str(text or "")))
    name = " ".join(name.split()).strip(" .")
    if not name or name.upper() in _RESERVED:
        name = "letter"
    return name[:limit].rstrip(" .")


def split_subject(text: str, template_name: str = "the e-mail template") -> tuple[str, str]:
    """Splits a rendered e-mail template into its subject (a first line 'Subject: ...') and body."""
    lines = text.lstrip("\ufeff").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not lines[0].lower().startswith("subject:"):
        raise UserError(f"{template_name} must start with a line 'Subject: ...' followed by the body.")
    subject = " ".join(lines[0].split(":", 1)[1].split())
    if not subject:
        raise UserError(f"{template_name} gives an empty subject.")
    body = "\n".join(lines[1:]).strip("\n") + "\n"
    return subject, body


def _address(name: str, email: str) -> Address:
    email = (email or "").strip()
    if "@" not in email:
        raise UserError(f"{email!r} is not an e-mail address.")
    local, domain = email.rsplit("@", 1)
    try:
        return Address(display_name=" ".join((name or "").split()), username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise UserError(f"{email!r} is not an e-mail address ({exc}).") from None


def build_draft(*, subject: str, body: str, to: Sequence[tuple[str, str]], cc: Sequence[tuple[str, str]] = (),
                sender: Optional[tuple[str, str]] = None, attachments: Sequence[Attachment] = (),
                language: str = "en") -> EmailMessage:
    """An unsent message: plain-text body in UTF-8, attachments with their proper MIME types."""
    if not to:
        raise UserError("An e-mail draft needs a recipient.")
    msg = EmailMessage(policy=SMTP)
    msg["X-Unsent"] = "1"
    msg["X-Mozilla-Draft-Info"] = "internal/draft; vcard=0; receipt=0; DSN=0; uuencode=0; attachmentreminder=0"
    if sender:
        msg["From"] = _address(*sender)
    msg["To"] = [_address(n, e) for n, e in to]
    if cc:
        msg["Cc"] = [_address(n, e) for n, e in cc]
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=(sender[1].rsplit("@", 1)[1] if sender and "@" in sender[1] else None))
    msg["Content-Language"] = "zh-CN" if language.startswith("zh") else "en"
    msg.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable" if language == "en" else "base64")
    for att in attachments:
        maintype, subtype = att.mime_type.split("/", 1)
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=safe_filename(att.filename, 200))
        part = msg.get_payload()[-1]
        ascii_name = att.filename.encode("ascii", "ignore").decode().strip() or "attachment"
        if ascii_name != att.filename:
            # Old readers ignore RFC 2231; they get an ASCII name with the right extension instead.
            stem, ext = os.path.splitext(ascii_name)
            ascii_name = (stem.strip() or "attachment") + (ext or os.path.splitext(att.filename)[1])
        part.set_param("name", ascii_name, header="Content-Type")
    return msg


def write_draft(message: EmailMessage, path: Path) -> Path:
    """Saves the draft as a .eml file with CRLF line ends, as mail programs expect."""
    path = Path(path)
    if path.suffix.lower() != ".eml":
        raise UserError(f"An e-mail draft file must end in .eml: {path.name}")
    data = message.as_bytes(policy=SMTP)
    return write_atomically(path, lambda handle: handle.write(data))


def open_with_default_program(path: Path) -> None:
    """Opens a file (a draft, a letter) with the program the system associates with it."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist.")
    try:
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # type: ignore[attr-defined]
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)])
        else:
            subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise UserError(f"Cannot open {path.name} with the default program: {exc.strerror or exc}.") from None
