"""Command line: CAP trackers out to factories and back in, and the brand's master tracker."""
from __future__ import annotations

import sys
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db
from csrdesk.domain.reporting import plural


def register(sub) -> None:
    """Adds this module's commands to the csrdesk parser."""
    tp = sub.add_parser("tracker", help="CAP trackers (Excel): export for a factory, import its answers, master")
    tsub = tp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = tsub.add_parser("export", help="write the Excel tracker of one CAP for the factory to fill in")
    p.add_argument("cap_id", type=int, metavar="CAP_ID")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=tracker_export)
    p = tsub.add_parser("master", help="write the master tracker: all suppliers, all open items, ratings, progress")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=tracker_master)
    p = tsub.add_parser("import", help="show (and with --apply, apply) the answers in a tracker a factory sent back")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--apply", action="store_true", help="apply the changes (without it nothing is changed)")
    p.add_argument("--cap", type=int, metavar="CAP_ID", help="refuse the file unless it is this CAP's tracker")
    p.add_argument("--supplier", metavar="CODE", help="refuse the file unless it is this supplier's tracker")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=tracker_import)


def _xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise CliError(f"{path} must end in .xlsx")
    return path


def tracker_export(args) -> int:
    from csrdesk.services.trackers import export_tracker

    path = export_tracker(open_db(args), args.cap_id, _xlsx(args.output))
    if args.json:
        emit_json({"cap_id": args.cap_id, "file": path})
    else:
        print(f"wrote the tracker of CAP #{args.cap_id} to {path}")
    return 0


def tracker_master(args) -> int:
    from csrdesk.progress import Progress
    from csrdesk.services.trackers import export_master

    def show(done: int, total: int, message: str) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{message}: {done}/{total}")

    path = export_master(open_db(args), _xlsx(args.output), Progress(show))
    if args.json:
        emit_json({"file": path})
    else:
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        print(f"wrote the master tracker to {path}")
    return 0


def _change_json(c) -> dict:
    return {"item_id": c.item_id, "field": c.field, "old": c.old, "new": c.new}


def _conflict_json(c) -> dict:
    return {"item_id": c.item_id, "field": c.field, "exported": c.exported, "current": c.current,
            "returned": c.returned}


def tracker_import(args) -> int:
    from csrdesk.services.trackers import apply_tracker_import, preview_tracker_import

    db = open_db(args)
    backup = None
    if args.apply:
        result = apply_tracker_import(db, args.file, expected_cap_id=args.cap, expected_supplier=args.supplier)
        preview, applied, backup = result.preview, bool(result.applied), result.backup
        changes, cap_status = result.applied, result.cap_status
    else:
        preview = preview_tracker_import(db, args.file, expected_cap_id=args.cap, expected_supplier=args.supplier)
        applied, changes, cap_status = False, preview.changes, preview.cap_status
    if args.json:
        emit_json({
            "cap_id": preview.cap_id, "supplier": preview.supplier,
            "changes": [_change_json(c) for c in changes],
            "conflicts": [_conflict_json(c) for c in preview.conflicts],
            "problems": list(preview.problems), "notes": list(preview.notes),
            "applied": applied, "backup": backup, "cap_status": cap_status,
        })
        return 0
    print(f"Tracker of CAP #{preview.cap_id}, supplier {preview.supplier} ({preview.supplier_name})")
    for c in changes:
        print(f"  item {c.item_id} {c.field}: {_show(c.old)} -> {_show(c.new)}")
    for c in preview.conflicts:
        print(f"  CONFLICT item {c.item_id} {c.field}: exported {_show(c.exported)}, now {_show(c.current)} in the "
              f"app, factory answered {_show(c.returned)}")
    for problem in preview.problems:
        print(f"  PROBLEM {problem}")
    for note in preview.notes:
        print(f"  note: {note}")
    if not changes and not preview.conflicts:
        print("  no changes")
    if args.apply:
        print(f"applied {plural(len(changes), 'change')}" + (f"; backup at {backup}" if backup else ""))
        if cap_status != preview.cap_status:
            print(f"CAP #{preview.cap_id} is now {cap_status} (was {preview.cap_status})")
    elif changes:
        print(f"{plural(len(changes), 'change')}; nothing was changed (add --apply to apply them)")
    return 0


def _show(value) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return repr(text[:60] + ("…" if len(text) > 60 else ""))
