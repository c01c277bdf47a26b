"""The csrdesk command line: the same services as the window, for power users and scripts.

With no command it opens the window. `--json` output is a contract: keys are added, never renamed or dropped.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Optional, Sequence

from csrdesk import __version__
from csrdesk.cli.common import CliError, Parser, close_databases

log = logging.getLogger("csrdesk.cli")


def build_parser() -> argparse.ArgumentParser:
    from csrdesk.cli import (
        complaints, core, exchange, laws, letters, partners, review, risk, settings, team, verify, vetting,
    )

    parser = Parser(prog="csrdesk", description="csrdesk: suppliers, audits, CAPs and remediation for CSR teams.")
    parser.add_argument("--version", action="version", version=f"csrdesk {__version__}")
    parser.add_argument("--db", metavar="URL", help="database file or URL (default: CSRDESK_DB, then the data folder)")
    parser.add_argument("--create-folder", action="store_true",
                        help="make the folder of a new --db file if it does not exist (else a missing folder is "
                             "refused as a likely typo)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in (core, exchange, letters, review, verify, vetting, complaints, laws, risk, settings, partners,
                   team):
        module.register(sub)
    return parser


def _keep_caches_out_of_the_bundle() -> None:
    """matplotlib's font cache goes to the user's cache folder, never beside the program (a frozen bundle)."""
    import os

    from csrdesk import paths

    os.environ.setdefault("MPLCONFIGDIR", str(paths.cache_dir() / "matplotlib"))


def _window(args) -> int:
    from csrdesk.ui.app import run_gui

    return run_gui(args.db, create_folder=args.create_folder)


def main(argv: Optional[Sequence[str]] = None) -> int:
    from csrdesk.logsetup import setup_logging

    argv = list(sys.argv[1:] if argv is None else argv)
    _keep_caches_out_of_the_bundle()
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(console=False)
    from csrdesk.errors import UserError

    handler: Callable = args.handler if args.command else _window
    try:
        try:
            return int(handler(args) or 0)
        finally:
            close_databases()
    except (UserError, CliError) as exc:
        sys.stderr.write(f"csrdesk: {' '.join(str(exc).split())}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("csrdesk: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected error in %s", args.command)
        from csrdesk.logsetup import log_file

        sys.stderr.write(
            f"csrdesk: unexpected error (a bug); details are in {log_file()}\n"
        )
        return 1
