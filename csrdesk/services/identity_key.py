"""The key that encrypts complainants' identities, kept outside the database: the OS keyring, else a private file.

Identities are sealed with Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package). The key never
enters the database: a copied database file, a backup mailed to IT or a shared PostgreSQL server shows only tokens.
Each token is stored with the key's id (a one-way fingerprint of the key), so a database whose key is not on this
computer is told apart from a damaged one, and the app can say which key to import.

Where the key lives: the OS keyring through `keyring` when a working backend is present (its fail and null
backends count as none), otherwise `complaint-identity-keys.json` in the config folder, readable only by the user.
With CSRDESK_HOME set (portable use, tests, the benchmark) the file in that home is used, so nothing touches the
user's keyring; CSRDESK_KEY_STORE=keyring or =file forces either. Every key ever used is kept (keys are added,
never replaced), so importing a colleague's key never locks out identities sealed with one's own.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from csrdesk import paths
from csrdesk.errors import UserError

log = logging.getLogger(__name__)

STORE_ENV = "CSRDESK_KEY_STORE"
KEYRING_SERVICE = "csrdesk"
KEYRING_ENTRY = "complaint-identity-keys"
KEY_FILE = "complaint-identity-keys.json"
EXPORT_HEADER = "csrdesk complaint identity key"

_lock = threading.RLock()
_keyring_cache: Optional[dict[str, Any]] = None
_file_cache: Optional[tuple[tuple, dict[str, Any]]] = None  # (path, mtime, size) and what the file held


class KeyMissing(UserError):
    """The key a token was sealed with is not on this computer."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(missing_key_message(key_id))


def missing_key_message(key_id: str) -> str:
    return (f"The key that unlocks complainants' identities (key id {key_id}) is not on this computer, so "
            "identities show as unavailable. Import the recovery copy of the key (Complaints > Identity key > "
            "Import, or `csrdesk complaints key import FILE`) from the computer where they were recorded.")


def key_id_of(key: bytes) -> str:
    """A fingerprint that names a key without revealing it (a hash of 256 random bits cannot be reversed)."""
    return hashlib.sha256(b"csrdesk identity key id\x00" + key).hexdigest()[:16]


# -- the stores ------------------------------------------------------------------------------------------------------

def _keyring():
    """The keyring backend to use, or None when none works here or the file store is chosen."""
    choice = os.environ.get(STORE_ENV, "auto").strip().lower()
    if choice == "file" or (choice != "keyring" and os.environ.get(paths.HOME_ENV)):
        return None
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # no keyring package, or a backend that fails to load
        log.debug("no keyring backend", exc_info=True)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)) or getattr(backend, "priority", 0) <= 0:
        return None
    if hasattr(backend, "backends") and not backend.backends:  # a chainer with nothing to chain
        return None
    return backend


def key_file() -> Path:
    return paths.config_dir() / KEY_FILE


def _empty() -> dict[str, Any]:
    return {"current": None, "keys": {}}


def _parse_store(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
        keys = {str(k): str(v) for k, v in dict(data.get("keys") or {}).items()}
        current = data.get("current")
    except (ValueError, TypeError, AttributeError):
        log.warning("the identity key store in %s cannot be read; it is left alone", where)
        return _empty()
    return {"current": current if current in keys else None, "keys": keys}


def _read_file() -> dict[str, Any]:
    global _file_cache
    path = key_file()
    try:
        info = path.stat()
    except FileNotFoundError:
        return _empty()
    if os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:
        # Someone widened it; the key is the user's alone.
        os.chmod(path, 0o600)
        log.warning("the identity key file was readable by others; set to owner-only")
    stamp = (str(path), info.st_mtime_ns, info.st_size)
    if _file_cache is None or _file_cache[0] != stamp:
        _file_cache = (stamp, _parse_store(path.read_text(encoding="utf-8"), str(path)))
    cached = _file_cache[1]
    return {"current": cached["current"], "keys": dict(cached["keys"])}


def _write_private(path: Path, text: str) -> None:
    """Writes text to path, readable and writable by the user only, replacing it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write the key file {path}: {exc.strerror or exc}.") from None


def _read_keyring(backend) -> dict[str, Any]:
    global _keyring_cache
    if _keyring_cache is None:
        try:
            text = backend.get_password(KEYRING_SERVICE, KEYRING_ENTRY)
        except Exception:
            log.warning("the OS keyring could not be read; using the key file", exc_info=True)
            return _empty()
        _keyring_cache = _parse_store(text, "the OS keyring") if text else _empty()
    return {"current": _keyring_cache["current"], "keys": dict(_keyring_cache["keys"])}


def _load() -> dict[str, Any]:
    """Every key this computer holds: the keyring's and the file's, merged (the keyring's current one first)."""
    backend = _keyring()
    merged = _read_file()
    if backend is not None:
        ring = _read_keyring(backend)
        merged["keys"].update(ring["keys"])
        merged["current"] = ring["current"] or merged["current"]
    return merged


def _save(store: dict[str, Any]) -> str:
    """Saves the store where keys live here; returns a description of where."""
    global _keyring_cache
    text = json.dumps(store, indent=1)
    backend = _keyring()
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, KEYRING_ENTRY, text)
            _keyring_cache = {"current": store["current"], "keys": dict(store["keys"])}
            return f"the OS keyring ({type(backend).__name__})"
        except Exception:
            log.warning("the OS keyring refused the key; keeping it in the key file instead", exc_info=True)
    global _file_cache
    _write_private(key_file(), text)
    _file_cache = None
    return str(key_file())


def forget_cache() -> None:
    """Reads the stores again next time (after another process or a test changed them)."""
    global _keyring_cache, _file_cache
    with _lock:
        _keyring_cache = None
        _file_cache = None


# -- using keys ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyInfo:
    """The identity keys on this computer: the one new identities are sealed with, and where they are kept."""

    current: Optional[str]  # the id of the key new identities are sealed with
    known: tuple[str, ...]  # every key id on this computer
    where: str  # the OS keyring or the key file's path


def store_name() -> str:
    backend = _keyring()
    return f"the OS keyring ({type(backend).__name__})" if backend is not None else str(key_file())


def key_info() -> KeyInfo:
    with _lock:
        store = _load()
    return KeyInfo(store["current"], tuple(sorted(store["keys"])), store_name())


def _fernet():
    """The Fernet class, imported when an identity is sealed or opened (not while the window starts)."""
    from cryptography.fernet import Fernet

    return Fernet


def _current(create: bool) -> tuple[Optional[str], Optional[bytes]]:
    with _lock:
        store = _load()
        current = store["current"]
        if current is None and store["keys"]:
            current = sorted(store["keys"])[0]
        if current is None:
            if not create:
                return None, None
            key = _fernet().generate_key()
            current = key_id_of(key)
            store["keys"][current] = key.decode("ascii")
            store["current"] = current
            where = _save(store)
            log.info("made a new complaint identity key %s, kept in %s", current, where)
        return current, store["keys"][current].encode("ascii")


def known_key_ids() -> set[str]:
    with _lock:
        return set(_load()["keys"])


def seal(payload: dict[str, Any]) -> tuple[str, str]:
    """Encrypts payload (JSON-able) with the current key, made on first use. Returns (token, key id)."""
    key_id, key = _current(create=True)
    token = _fernet()(key).encrypt(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return token.decode("ascii"), key_id


def open_sealed(token: str, key_id: str) -> dict[str, Any]:
    """Decrypts a token. Raises KeyMissing when its key is not here, UserError when the token is damaged."""
    with _lock:
        key = _load()["keys"].get(key_id)
    if key is None:
        raise KeyMissing(key_id)
    from cryptography.fernet import InvalidToken

    try:
        return json.loads(_fernet()(key.encode("ascii")).decrypt(token.encode("ascii")).decode("utf-8"))
    except (InvalidToken, ValueError):
        raise UserError(f"A sealed identity does not open with key {key_id}: the stored token is damaged.") from None


# -- recovery copy -----------------------------------------------------------------------------------------------------

def export_keys(path: Path | str) -> tuple[Path, tuple[str, ...]]:
    """Writes every key of this computer to path (owner-only) as the recovery copy. Returns the path and key ids."""
    path = Path(path)
    with _lock:
        store = _load()
    if not store["keys"]:
        raise UserError("There is no identity key on this computer yet (it is made with the first complainant "
                        "recorded): nothing to export.")
    body = {"format": EXPORT_HEADER, "version": 1, "current": store["current"], "keys": store["keys"]}
    _write_private(path, json.dumps(body, indent=1) + "\n")
    return path, tuple(sorted(store["keys"]))


def import_keys(path: Path | str) -> tuple[str, ...]:
    """Adds the keys of a recovery copy to this computer (keys already here are kept). Returns the ids added."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} does not exist.") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise UserError(f"{path} is not a csrdesk identity key file.") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_HEADER or not isinstance(data.get("keys"), dict):
        raise UserError(f"{path} is not a csrdesk identity key file.")
    incoming: dict[str, str] = {}
    for key_id, key in data["keys"].items():
        try:
            raw = str(key).encode("ascii")
            if len(base64.urlsafe_b64decode(raw)) != 32 or key_id_of(raw) != key_id:
                raise ValueError
        except (ValueError, UnicodeEncodeError):
            raise UserError(f"{path}: key {key_id} is damaged (its fingerprint does not match).") from None
        incoming[key_id] = raw.decode("ascii")
    if not incoming:
        raise UserError(f"{path} holds no keys.")
    with _lock:
        store = _load()
        added = tuple(sorted(k for k in incoming if k not in store["keys"]))
        store["keys"].update(incoming)
        if store["current"] is None:
            store["current"] = data.get("current") if data.get("current") in incoming else sorted(incoming)[0]
        if added:
            where = _save(store)
            log.info("imported identity key(s) %s into %s", ", ".join(added), where)
    return added
