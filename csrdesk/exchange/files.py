"""Files in and out: written whole or not at all, and workbooks from outside opened behind the same guards.

Writing goes through a temporary file beside the target, replaced in one step, so a failure (a full disk, a cancel,
a bug) never leaves half a letter or a truncated tracker where the good one was. A target that is open in Excel or
Word (Windows refuses to replace it) or a read-only folder becomes one line for the user naming the file.

Reading: an .xlsx that comes from a factory, a supplier or another system is checked before openpyxl unpacks it
(is it a zip workbook at all, does it unpack to an absurd size, is every part intact), and opened read-only with
formulas kept as their text and external links dropped. Errors met while a parsing library reads the file mean the
file is damaged and are refused in one line; anything else is a bug in csrdesk, logged with its traceback at ERROR
and raised as it is, so the user sees the bug dialog and the log instead of being told their file is damaged.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Optional
from xml.etree.ElementTree import ParseError

from csrdesk.errors import UserError

log = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # far above any real tracker, questionnaire or list; stops zip bombs
# Workbooks compress their XML 3 to 10 times; a part that unpacks to hundreds of times its packed size is a bomb
# (a 764 KB tracker once held 290 MB of shared strings and took 159 s and 1.8 GB to refuse).
MAX_COMPRESSION_RATIO = 150
RATIO_CHECKED_FROM = 2 * 1024 * 1024  # small parts may compress as well as they like
MAX_SHARED_STRINGS = 1_000_000
MAX_CELLS = 5_000_000  # 100,000 rows of 50 columns
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


# ---------------------------------------------------------------- writing

def write_atomically(path: Path | str, writer: Callable[[BinaryIO], Any]) -> Path:
    """Calls writer(handle) on a temporary file beside path, then puts it in place; returns path.

    Raises UserError naming the file when the folder cannot be made or the file cannot be written (for instance
    because it is open in Excel or Word); the temporary file is removed whatever happens.
    """
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from None
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "xb") as handle:
            writer(handle)
        # The file gets the permissions the user's other files get (-rw-r--r-- under umask 022), whatever the
        # writer or the way the temporary file was made left on it: a tracker is shared like a letter.
        os.chmod(tmp, normal_file_mode())
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise write_refused(path, exc) from None
    except BaseException:
        _remove(tmp)
        raise
    return path


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux); else set and put back at
    once under a lock (batches write files off the GUI thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def normal_file_mode() -> int:
    """The permissions a new file of the user gets: 0o666 less the umask."""
    return 0o666 & ~current_umask()


def write_refused(path: Path, exc: OSError) -> UserError:
    """The one line a user reads when a file cannot be written."""
    if isinstance(exc, PermissionError):
        return UserError(f"Cannot write {path}: it is open in another program or the folder is read-only; "
                         "close it in Excel/Word and try again.")
    return UserError(f"Cannot write {path}: {exc.strerror or exc}.")


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# ---------------------------------------------------------------- reading files from outside

# What the parsing libraries raise on a damaged or malformed file (openpyxl's descriptors raise TypeError and
# ValueError for attribute values of the wrong kind; a missing part is a KeyError of zipfile). openpyxl's and
# lxml's own kinds are added on first use, so that importing this module loads neither.
FORMAT_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
    ParseError, NotImplementedError,
    # openpyxl raises OSError("File contains no valid workbook part") for a workbook whose content types are
    # damaged; only an OSError raised inside a reader package counts (see is_format_error)
    OSError,
)
_library_errors: list[type[BaseException]] = []


def _format_errors() -> tuple[type[BaseException], ...]:
    if not _library_errors:
        from lxml.etree import LxmlError
        from openpyxl.utils.exceptions import InvalidFileException, ReadOnlyWorkbookException

        _library_errors.extend((InvalidFileException, ReadOnlyWorkbookException, LxmlError))
    return FORMAT_ERRORS + tuple(_library_errors)

# Modules whose errors are about the file they parse, not about csrdesk's use of them.
_READER_PACKAGES = frozenset({"openpyxl", "zipfile", "xml", "lxml", "defusedxml", "et_xmlfile", "zlib",
                              "_compression", "encodings", "codecs"})


def is_format_error(exc: BaseException) -> bool:
    """Whether exc is a parsing library's complaint about the file: a known kind, raised inside that library."""
    if not isinstance(exc, _format_errors()):
        return False
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module.split(".")[0] in _READER_PACKAGES


@contextmanager
def reading_outside_file(name: str, refuse: Callable[[str], Exception], *,
                         passthrough: tuple[type[BaseException], ...] = (),
                         message: str = "") -> Iterator[None]:
    """Turns a parsing library's error inside the block into refuse("<name> is damaged ... (Kind)."); lets
    passthrough and UserError through untouched; logs anything else at ERROR with its traceback and re-raises it."""
    try:
        yield
    except (UserError, *passthrough):
        raise
    except Exception as exc:
        if is_format_error(exc):
            log.info("cannot read %s", name, exc_info=True)
            text = message or f"{name} is damaged and cannot be read"
            raise refuse(f"{text} ({type(exc).__name__}).") from None
        log.error("A bug in csrdesk while reading %s (the file is not to blame)", name, exc_info=True)
        raise


def _check_parts(archive: zipfile.ZipFile, infos, name: str, refuse, what: str, again: str) -> None:
    """Reads every part once, in chunks (its checksum is tested on the way), counting the shared strings and the
    cells before openpyxl parses anything: a workbook of millions of tiny strings or cells is refused here."""
    strings = cells = 0
    for info in infos:
        counted = None
        if info.filename.startswith("xl/sharedStrings"):
            counted = _SHARED_STRING
        elif info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            counted = _CELL
        try:
            with archive.open(info) as part:
                tail = b""
                while True:
                    chunk = part.read(1 << 20)
                    if not chunk:
                        break
                    if counted is None:
                        continue
                    # a tag cut between two chunks is counted once: the tail carries the end of the last chunk
                    window = tail + chunk
                    found = len(counted.findall(window)) - len(counted.findall(tail))
                    tail = window[-32:]
                    if counted is _SHARED_STRING:
                        strings += found
                        if strings > MAX_SHARED_STRINGS:
                            raise refuse(f"{name} holds more than {MAX_SHARED_STRINGS:,} different texts, far more "
                                         f"than any {what}; it is refused.")
                    else:
                        cells += found
                        if cells > MAX_CELLS:
                            raise refuse(f"{name} holds more than {MAX_CELLS:,} cells, far more than any {what}; "
                                         "split it or remove the empty formatted ranges.")
        except zipfile.BadZipFile:
            raise refuse(f"{name} is damaged (part {info.filename} cannot be read){again}.") from None


def open_untrusted_xlsx(path: Path | str, *, refuse: Callable[[str], Exception] = UserError,
                        what: str = "workbook", again: str = "", data_only: bool = False,
                        max_unpacked_bytes: Optional[int] = None):
    """Opens an .xlsx from outside read-only (formulas as their text unless data_only, no external links).

    A missing file, one that is not a zip workbook, one that unpacks to more than max_unpacked_bytes (by default
    MAX_UNPACKED_BYTES: a zip bomb) or one with a damaged part is refused with refuse(one line); `what` names what
    the file should be ("tracker") and `again` ends the damaged-part message (e.g. "; ask the factory to send it
    again"). The sizes are checked before any part is unpacked, even to test it.
    """
    from openpyxl import load_workbook

    max_unpacked_bytes = max_unpacked_bytes or MAX_UNPACKED_BYTES
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise refuse(f"{path} does not exist or is not a file.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > max_unpacked_bytes:
                raise refuse(f"{name} unpacks to more than {max_unpacked_bytes >> 20} MB, far more than any "
                             f"{what}; it is refused.")
            for info in infos:
                if info.file_size >= RATIO_CHECKED_FROM and \
                        info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                    ratio = info.file_size // max(info.compress_size, 1)
                    raise refuse(f"{name} is refused: its part {info.filename} unpacks to {ratio:,} times its "
                                 f"packed size (a real {what} packs 3 to 10 times), the mark of a zip bomb.")
            _check_parts(archive, infos, name, refuse, what, again)
    except zipfile.BadZipFile:
        raise refuse(f"{name} is not an Excel .xlsx file, or it is damaged.") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        # unsupported compression, an encrypted part, a stream cut short
        raise refuse(f"{name} is damaged or cannot be opened as a workbook ({type(exc).__name__}).") from None
    except OSError as exc:
        raise refuse(f"{name} cannot be read: {exc.strerror or exc}.") from None
    if "xl/workbook.xml" not in names:
        raise refuse(f"{name} is not an Excel .xlsx workbook.")
    with reading_outside_file(name, refuse):
        return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
