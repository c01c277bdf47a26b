"""Command line for a team on one PostgreSQL database: restoring a server backup, and the members' roles."""
from __future__ import annotations

from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db


def register(sub) -> None:
    p = sub.add_parser("restore", help="put a `csrdesk backup` dump back into the shared PostgreSQL database "
                                       "(replaces every csrdesk table; a SQLite file is restored by copying)")
    p.add_argument("path", type=Path, help="the .pgdump file `csrdesk backup` wrote")
    p.add_argument("--yes", action="store_true", help="confirm: the database's current content is replaced")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=restore)
    register_team(sub)


def restore(args) -> int:
    from csrdesk.services.backup import restore_server_backup

    if not args.yes:
        raise CliError("restoring replaces everything in the database with the backup; add --yes to go ahead")
    db = open_db(args)
    restore_server_backup(db, args.path)
    if args.json:
        emit_json({"restored": args.path, "database": db.display_name})
    else:
        print(f"restored {args.path} into {db.display_name}")
    return 0


def register_team(sub) -> None:
    sp = sub.add_parser("team", help="working as a team on one PostgreSQL database")
    tsub = sp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = tsub.add_parser("name", help="your name in the change history on this computer (empty: the database "
                                     "role on PostgreSQL, the name in Settings on a file)")
    p.add_argument("name", nargs="?", default=None, help="the name to show; omit to see the current one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=team_name)
    p = tsub.add_parser("grant", help="give a member's database role its rights: an editor (default) or, with "
                                      "--read-only, a reader who sees everything but complainants' identities")
    p.add_argument("user", help="the member's PostgreSQL role (create it first: createuser --pwprompt USER)")
    p.add_argument("--read-only", action="store_true", help="reads everything but identities; changes nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=team_grant)
    p = tsub.add_parser("move-to", help="copy this workspace (--db or the default file) into an empty shared "
                                        "PostgreSQL database; the local file is kept as it is")
    p.add_argument("url", help="postgresql+psycopg://user@host/database (the password from ~/.pgpass or "
                               "PGPASSWORD, never typed here)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=team_move)


def team_name(args) -> int:
    from csrdesk.services.team import display_name, set_display_name

    name = display_name() if args.name is None else set_display_name(args.name)
    if args.json:
        emit_json({"display_name": name})
    else:
        print(name or "(not set: the history shows your database role, or the name in Settings)")
    return 0


def team_move(args) -> int:
    from csrdesk.services.team_move import move_workspace

    result = move_workspace(open_db(args), args.url)
    if args.json:
        emit_json({"target": result.target, "rows": result.rows, "tables": result.tables,
                   "kept_file": result.kept_file, "files": result.files, "files_missing": list(result.files_missing),
                   "templates": list(result.templates)})
    else:
        print(f"copied {result.rows:,} rows into {result.target}; counts checked for every table; "
              f"{result.kept_file} is unchanged")
        print(f"{result.files:,} evidence files and audit reports are now kept in the shared database"
              + (f"; shared templates: {', '.join(result.templates)}" if result.templates else ""))
        if result.files_missing:
            print(f"not in this computer's data folder (attach them again): {', '.join(result.files_missing)}")
    return 0


def team_grant(args) -> int:
    from csrdesk.services.team import grant_member

    result = grant_member(open_db(args), args.user, read_only=args.read_only)
    if args.json:
        emit_json(result)
    else:
        what = ("reads everything but complainants' identities and changes nothing" if result["read_only"]
                else "reads and changes everything")
        print(f"{result['role']} {what} (schema {result['schema']})")
    return 0
