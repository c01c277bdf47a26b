"""Backups of a shared PostgreSQL database with PostgreSQL's own tools: pg_dump writes a custom-format dump,
pg_restore puts it back. The password goes to the tools through the environment, never on their command line
(which other users of the computer can read) and never into the log."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from sqlalchemy.engine import make_url

from csrdesk.errors import UserError

log = logging.getLogger(__name__)

# How long a dump or restore may take before it is given up (a large database on a slow link).
TOOL_TIMEOUT_S = 3600
MISSING_TOOL = ("{tool} is not installed on this computer, so csrdesk cannot back up or restore the shared "
                "PostgreSQL database. Install PostgreSQL's client tools (the postgresql-client package on Linux, "
                "the PostgreSQL installer's command line tools on Windows or macOS) or ask your IT team to back up "
                "the server with pg_dump.")


def tool(name: str) -> Optional[str]:
    """The path of pg_dump or pg_restore, or None when not installed (CSRDESK_PG_BIN names their folder)."""
    folder = os.environ.get("CSRDESK_PG_BIN")
    if folder:
        candidate = Path(folder) / (name + (".exe" if os.name == "nt" else ""))
        return str(candidate) if candidate.exists() else None
    return shutil.which(name)


def _schema(url) -> Optional[str]:
    """The schema named by `options=-csearch_path=...` in the URL (a team kept in its own schema), if any."""
    options = url.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    for part in (options or "").split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip() or None
    return None


def _connection(url_text: str) -> tuple[list[str], dict[str, str]]:
    """The tool arguments naming the database, and the environment carrying the password."""
    url = make_url(url_text)
    env = dict(os.environ)
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", unquote(url.username)]
    args += ["--dbname", url.database or ""]
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise UserError(f"{what} took longer than {TOOL_TIMEOUT_S // 60} minutes and was stopped.") from None
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), f"exit code {done.returncode}")
        raise UserError(f"{what} failed: {first.strip()}")


def dump(url_text: str, target: Path) -> Path:
    """Writes a whole, consistent dump of the database (pg_dump runs in one snapshot) to target."""
    program = tool("pg_dump")
    if program is None:
        raise UserError(MISSING_TOOL.format(tool="pg_dump"))
    args, env = _connection(url_text)
    schema = _schema(make_url(url_text))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    command = [program, "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial), *args]
    if schema:
        command += ["--schema", schema]
    try:
        _run(command, env, "pg_dump")
        os.replace(partial, target)  # a backup is whole or absent
    finally:
        partial.unlink(missing_ok=True)
    log.info("dumped %s to %s", make_url(url_text).render_as_string(hide_password=True), target)
    return target


def restore(url_text: str, source: Path) -> None:
    """Puts a dump made by dump() back: every csrdesk table is replaced by the dump's, in one transaction (a
    failed restore leaves the database as it was)."""
    program = tool("pg_restore")
    if program is None:
        raise UserError(MISSING_TOOL.format(tool="pg_restore"))
    if not source.is_file():
        raise UserError(f"{source} is not a file.")
    with open(source, "rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise UserError(f"{source} is not a backup made by csrdesk backup (pg_dump's custom format).")
    args, env = _connection(url_text)
    command = [program, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", *args, str(source)]
    _run(command, env, "pg_restore")
    log.info("restored %s into %s", source, make_url(url_text).render_as_string(hide_password=True))
