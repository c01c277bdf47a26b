"""Command line: the country law library (list, review, Excel export and import)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from csrdesk.cli.common import emit_json, open_db
from csrdesk.domain.reporting import plural


def register(sub) -> None:
    lp = sub.add_parser("laws", help="country law references: list, review, export and import as Excel")
    lsub = lp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = lsub.add_parser("list", help="law references, by country and topic")
    p.add_argument("--country", help="only this country")
    p.add_argument("--topic", help="only this legal topic (minimum wage, overtime limit...)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=laws_list)
    p = lsub.add_parser("stale", help="references nobody checked in the last 12 months: the review list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=laws_stale)
    p = lsub.add_parser("checked", help="record that these references were checked against the law today")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=laws_checked)
    p = lsub.add_parser("export", help="write the law library as an Excel workbook to edit and import again")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    p.add_argument("--country", help="only this country")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=laws_export)
    p = lsub.add_parser("import", help="show what a law-reference workbook changes; --apply saves it (all or nothing)")
    p.add_argument("file", type=Path)
    p.add_argument("--apply", action="store_true", help="save the changes (after a backup of the database)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=laws_import)


def law_json(e, today: date) -> dict:
    from csrdesk.domain.laws import is_stale, review_due

    return {
        "id": e.id, "country": e.country, "region": e.region, "topic": e.topic, "requirement": e.requirement,
        "value": e.value, "unit": e.unit, "currency": e.currency, "effective": e.effective, "source": e.source,
        "link": e.link, "checked": e.checked, "notes": e.notes, "builtin": e.builtin, "user_edited": e.user_edited,
        "stale": is_stale(e, today), "review_due": review_due(e),
    }


def outdated_json(o) -> dict:
    return {"finding_id": o.finding_id, "assessment_id": o.assessment_id, "supplier": o.supplier_code,
            "supplier_name": o.supplier_name, "title": o.title, "status": o.status, "cites": o.cites, "now": o.now,
            "reason": o.reason}


def _print_entries(entries, today: date) -> None:
    from csrdesk.domain.laws import is_stale

    for e in entries:
        where = e.country + (f" - {e.region}" if e.region else "")
        figure = e.figure()
        flag = "  (check: stale)" if is_stale(e, today) else ""
        print(f"{e.id:>5}  {where[:34]:<34} {e.topic:<17} {figure[:22]:<22} "
              f"{(e.effective.isoformat() if e.effective else '-'):<10}  checked {e.checked or '-'}{flag}")
        print(f"       {e.source}")


def laws_list(args) -> int:
    from csrdesk.domain.laws import VERIFY_NOTE
    from csrdesk.services.laws import list_laws

    today = date.today()
    entries = list_laws(open_db(args), country=args.country, topic=args.topic)
    if args.json:
        emit_json([law_json(e, today) for e in entries])
        return 0
    _print_entries(entries, today)
    print(f"{plural(len(entries), 'law reference')}. {VERIFY_NOTE}")
    return 0


def laws_stale(args) -> int:
    from csrdesk.services.laws import stale_laws

    today = date.today()
    entries = stale_laws(open_db(args), today)
    if args.json:
        emit_json([law_json(e, today) for e in entries])
        return 0
    _print_entries(entries, today)
    print(f"{plural(len(entries), 'law reference')} not checked in the last 12 months")
    return 0


def laws_checked(args) -> int:
    from csrdesk.services.laws import mark_checked

    n = mark_checked(open_db(args), args.ids)
    if args.json:
        emit_json({"checked": n, "on": date.today()})
    else:
        print(f"{plural(n, 'law reference')} marked as checked today")
    return 0


def laws_export(args) -> int:
    from csrdesk.services.laws import export_laws, list_laws

    db = open_db(args)
    path = export_laws(db, args.output, country=args.country)
    n = len(list_laws(db, country=args.country))
    if args.json:
        emit_json({"file": path, "entries": n})
    else:
        print(f"wrote {plural(n, 'law reference')} to {path}")
    return 0


def laws_import(args) -> int:
    from csrdesk.services.laws import apply_laws_import, preview_laws_import

    db = open_db(args)
    if args.apply:
        result = apply_laws_import(db, args.file)
        preview, applied, backup = result.preview, result.applied, result.backup
    else:
        preview, applied, backup = preview_laws_import(db, args.file), False, None
    if args.json:
        emit_json({
            "file": preview.file, "added": preview.added, "updated": preview.updated, "unchanged": preview.unchanged,
            "rows": [
                {"row": r.row, "action": r.action, "id": r.law_id, "country": r.entry.country, "region": r.entry.region,
                 "topic": r.entry.topic, "effective": r.entry.effective,
                 "changes": [{"field": f, "old": old, "new": new} for f, old, new in r.changes]}
                for r in preview.rows if r.action != "same"
            ],
            "outdated_findings": [outdated_json(o) for o in preview.outdated],
            "notes": list(preview.notes), "applied": applied, "backup": backup,
        })
        return 0
    for r in preview.rows:
        if r.action == "add":
            print(f"  row {r.row}: add {r.entry.country} {r.entry.region} {r.entry.topic} {r.entry.figure()}".rstrip())
        elif r.action == "update":
            print(f"  row {r.row}: update {r.law_id} ({r.entry.country}, {r.entry.topic})")
            for name, old, new in r.changes:
                print(f"      {name}: {old[:60]!r} -> {new[:60]!r}")
    for o in preview.outdated:
        print(f"  open finding {o.finding_id} ({o.supplier_code}, assessment {o.assessment_id}) cites {o.cites}: "
              f"{o.reason}")
    for note in preview.notes:
        print(f"  note: {note}")
    verb = "imported" if applied else "would import"
    refs = "reference" if preview.added + preview.updated == 1 else "references"
    print(f"{preview.file}: {verb} {preview.added} new and {preview.updated} changed {refs}; "
          f"{preview.unchanged} unchanged; {plural(len(preview.outdated), 'open finding')} "
          f"{'cites' if len(preview.outdated) == 1 else 'cite'} an old figure"
          + ("" if applied or not (preview.added or preview.updated) else "; --apply saves the changes"))
    if backup:
        print(f"backup of the database: {backup}")
    return 0
