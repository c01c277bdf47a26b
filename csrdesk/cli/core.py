"""Command line: suppliers, assessments, CAPs, the library, demo data, backups and the self-test."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date, whole_number
from csrdesk.domain.reporting import plural

ENCODING_HELP = ("the text encoding of a CSV file (utf-8, utf-16, gb18030, big5, shift-jis, windows-1252, "
                 "windows-1254, windows-1258...); without it csrdesk detects it and asks when unsure")
caps_actions = None  # the `caps` subcommand group, once register() ran


def register(sub) -> None:
    sp = sub.add_parser("suppliers", help="list, show, add, import suppliers and change their status")
    ssub = sp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ssub.add_parser("list", help="every supplier with rating, open and overdue items")
    p.add_argument("--blocked", action="store_true",
                   help="only suppliers whose production is not allowed (Zero Tolerance or Denied)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_list)
    p = ssub.add_parser("show", help="one supplier with its assessments and CAPs")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_show)
    p = ssub.add_parser("add", help="add a supplier")
    p.add_argument("name")
    p.add_argument("--code", default="")
    p.add_argument("--local-name", default="")
    p.add_argument("--country", default="")
    p.add_argument("--address", default="")
    p.add_argument("--region", default="",
                   help="province, state or district where the law differs (guessed from the address if left out)")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="add it even though it looks like an existing supplier (two factories sharing a name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_add)
    p = ssub.add_parser("update", help="change a supplier's name, country, address or region")
    p.add_argument("code")
    p.add_argument("--name")
    p.add_argument("--local-name")
    p.add_argument("--country")
    p.add_argument("--address")
    p.add_argument("--region", help="province, state or district, larger area first: 'West Java - Bekasi Regency'; "
                                    "an empty value guesses it from the address again")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_update)
    p = ssub.add_parser("contact", help="add or replace a supplier's contact (the compliance contact gets CAP e-mails)")
    p.add_argument("code")
    p.add_argument("--role", default="compliance contact",
                   help="compliance contact (default), factory manager, or another role")
    p.add_argument("--name", default="")
    p.add_argument("--email", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--language", default="en", help="preferred language of letters and e-mails: en or zh")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_contact)
    p = ssub.add_parser("certification", help="record a certification (WRAP, SA8000, ICTI, amfori BSCI...)")
    p.add_argument("code")
    p.add_argument("--scheme", required=True)
    p.add_argument("--issued", type=parse_date, required=True)
    p.add_argument("--expires", type=parse_date, required=True)
    p.add_argument("--reference", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_certification)
    p = ssub.add_parser("status", help="move a supplier along its lifecycle")
    p.add_argument("code")
    p.add_argument("status")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_status)
    p = ssub.add_parser("import", help="import a supplier list (CSV or XLSX, Open Supply Hub format included)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    p.add_argument("--existing", action="store_true",
                   help="the supplier base already in production: import as active (new suppliers are prospects)")
    p.add_argument("--encoding", metavar="NAME", help=ENCODING_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=suppliers_import)

    ap = sub.add_parser("assessments", help="import and show assessments")
    asub = ap.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = asub.add_parser("import", help="record an assessment from an auditor's findings spreadsheet")
    p.add_argument("file", help="CSV or XLSX of findings, or - with --denied")
    p.add_argument("--supplier", required=True, metavar="CODE")
    p.add_argument("--date", required=True, type=parse_date)
    p.add_argument("--type", required=True, dest="assessment_type")
    p.add_argument("--denied", action="store_true", help="the auditor was refused access")
    p.add_argument("--audit-firm", default="")
    p.add_argument("--auditor", default="")
    p.add_argument("--standard", default="")
    p.add_argument("--encoding", metavar="NAME", help=ENCODING_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=assessments_import)
    p = asub.add_parser("show", help="an assessment with its score, rating and reasons")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=assessments_show)

    cp = sub.add_parser("caps", help="show CAPs, list items, change statuses")
    csub = cp.add_subparsers(dest="action", metavar="ACTION", required=True)
    global caps_actions
    caps_actions = csub  # other command modules add `caps` subcommands here (cli/review.py)
    p = csub.add_parser("list", help="every CAP with items: its number, supplier, status and open items",
                        description="The CAPs of every supplier (or one), newest assessment first: the numbers "
                                    "`caps show`, `caps status` and the letters take. A CAP left with no items (its "
                                    "findings removed) is not listed.")
    p.add_argument("--supplier", metavar="CODE", help="only this supplier's CAPs (its code, e.g. CN-0012)")
    p.add_argument("--status", help="only CAPs in this status, e.g. sent, response received, under review")
    p.add_argument("--json", action="store_true", help="print the CAPs as JSON")
    p.set_defaults(handler=caps_list)
    p = csub.add_parser("show", help="a CAP with its items")
    p.add_argument("id", type=int, help="the CAP's number (see caps list)")
    p.add_argument("--json", action="store_true", help="print the CAP and its items as JSON")
    p.set_defaults(handler=caps_show)
    p = csub.add_parser("items", help="CAP items across suppliers",
                        description="The open CAP items of every supplier (or one), earliest due date first.")
    p.add_argument("--overdue", action="store_true", help="only the items past their due date")
    p.add_argument("--due-within", type=whole_number(0, 36_500, "--due-within"), metavar="DAYS",
                   help="only the items due within DAYS days from today")
    p.add_argument("--supplier", metavar="CODE", help="only this supplier's items (its code, e.g. CN-0012)")
    p.add_argument("--json", action="store_true", help="print the items as JSON")
    p.set_defaults(handler=caps_items)
    p = csub.add_parser("status", help="move a CAP along its lifecycle")
    p.add_argument("id", type=int, help="the CAP's number")
    p.add_argument("status", help="the new status, e.g. sent, response received, in remediation, closed")
    p.add_argument("--note", default="", help="why, kept in the CAP's history")
    p.add_argument("--json", action="store_true", help="print the CAP as JSON")
    p.set_defaults(handler=caps_status)
    p = csub.add_parser("item-status", help="move CAP items along their lifecycle")
    p.add_argument("status", help="the new status, e.g. action planned, evidence submitted, verified, closed")
    p.add_argument("items", type=int, nargs="+", help="the items' numbers")
    p.add_argument("--verification-notes", help="what was checked (needed to verify an item)")
    p.add_argument("--note", default="", help="why, kept in the items' history")
    p.set_defaults(handler=caps_item_status)

    lp = sub.add_parser("library", help="the finding library")
    lsub = lp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = lsub.add_parser("list", help="violation types")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=library_list)

    p = sub.add_parser("demo", help="fill the database with realistic, deterministic demo data")
    p.add_argument("--suppliers", type=whole_number(1, 5_000, "--suppliers"), default=40)
    p.add_argument("--findings-per-assessment", type=whole_number(0, 500, "--findings-per-assessment"), default=25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=demo)

    p = sub.add_parser("backup", help="copy the database file, or dump a shared PostgreSQL database with pg_dump "
                                      "(default: into the backups folder)")
    p.add_argument("path", nargs="?", type=Path)
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=backup)

    p = sub.add_parser("selftest", help="migrate a temporary database and exercise every part; exit 0 if all work")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=selftest)


def _supplier_json(row) -> dict:
    return {
        "code": row.code, "name": row.name, "local_name": row.local_name, "country": row.country,
        "status": row.status, "rating": row.rating, "score": row.score,
        "last_assessment": row.last_assessment, "open_items": row.open_items,
        "overdue_items": row.overdue_items, "progress": row.progress,
        "production_allowed": row.production_allowed, "production_block_reason": row.production_block_reason,
        "rating_reason": row.rating_reason, "rated_by_certificate": row.rated_by_certificate,
        "follow_up_due": row.follow_up_due, "propose_suspension": row.propose_suspension,
    }


def suppliers_list(args) -> int:
    from csrdesk.services.suppliers import list_suppliers

    rows = list_suppliers(open_db(args))
    if args.blocked:
        rows = [r for r in rows if not r.production_allowed]
    if args.json:
        emit_json([_supplier_json(r) for r in rows])
    else:
        for r in rows:
            print(f"{r.code:<10} {r.name[:40]:<40} {r.country[:14]:<14} {r.status:<22} "
                  f"{(r.rating or '-'):<18} open {r.open_items:>4} overdue {r.overdue_items:>4}"
                  + ("  PRODUCTION NOT ALLOWED" if not r.production_allowed else ""))
        print(plural(len(rows), "supplier"))
    return 0


def supplier_show_json(d) -> dict:
    out = _supplier_json(d.row)
    out.update({
        "id": d.row.id, "address": d.address, "region": d.region, "type": d.supplier_type, "os_id": d.os_id,
        "sourcing_owner": d.sourcing_owner, "follow_up_due": d.follow_up_due,
        "follow_up_met_by": d.row.follow_up_met_by,
        "contacts": [asdict(c) for c in d.contacts],
        "certifications": [asdict(c) for c in d.certifications],
        "assessments": [
            {"id": a.id, "date": a.date, "type": a.assessment_type, "score": a.score, "rating": a.rating,
             "findings": a.findings}
            for a in d.assessments
        ],
        "caps": [
            {"id": c.id, "assessment_id": c.assessment_id, "status": c.status, "items": c.items,
             "open_items": c.open_items, "overdue_items": c.overdue_items, "progress": c.progress}
            for c in d.caps
        ],
    })
    return out


def suppliers_show(args) -> int:
    from csrdesk.services.suppliers import supplier_detail

    d = supplier_detail(open_db(args), args.code)
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        r = d.row
        print(f"{r.code}  {r.name}  {r.local_name}".rstrip())
        print(f"{r.country}  status: {r.status}  rating: {r.rating or '-'} ({r.score if r.score is not None else '-'})")
        print(f"  {r.rating_reason}")
        if not r.production_allowed:
            print(f"  {r.production_block_reason}")
        print(f"open items {r.open_items}, overdue {r.overdue_items}, progress {r.progress if r.progress is not None else '-'}")
        if d.follow_up_due:
            print(f"follow-up assessment due {d.follow_up_due}")
        for a in d.assessments:
            print(f"  assessment {a.id}: {a.date} {a.assessment_type:<18} score {a.score:>5} {a.rating}")
        for c in d.caps:
            print(f"  CAP #{c.id}: {c.status:<18} {c.open_items}/{c.items} open")
    return 0


def suppliers_add(args) -> int:
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    d = create_supplier(open_db(args), SupplierInput(name=args.name, code=args.code, local_name=args.local_name,
                                                     country=args.country, address=args.address, region=args.region),
                        source="command line",
                        allow_duplicate=args.allow_duplicate)
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        print(f"created {d.row.code}")
    return 0


def suppliers_update(args) -> int:
    from csrdesk.services.suppliers import supplier_detail, supplier_input_from_detail, update_supplier

    db = open_db(args)
    data = supplier_input_from_detail(supplier_detail(db, args.code))
    given = {name: getattr(args, name) for name in ("name", "local_name", "country", "address", "region")
             if getattr(args, name) is not None}
    if not given:
        raise CliError("give what to change: --name, --local-name, --country, --address or --region")
    if "address" in given and "region" not in given:
        from csrdesk.domain.laws import guess_region

        # A region guessed from the old address is guessed again from the new one; one the user set stays.
        given["region"] = "" if data.region == guess_region(data.country, data.address) else data.region
    for name, value in given.items():
        setattr(data, name, value)
    d = update_supplier(db, args.code, data, source="command line")
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        print(f"{d.row.code}: {d.row.name}, {d.row.country}{' - ' + d.region if d.region else ''}")
    return 0


def suppliers_contact(args) -> int:
    from csrdesk.services.suppliers import ContactInput, supplier_detail, supplier_input_from_detail, update_supplier

    if not (args.name.strip() or args.email.strip()):
        raise CliError("give the contact's --name or --email")
    db = open_db(args)
    data = supplier_input_from_detail(supplier_detail(db, args.code))
    role = " ".join(args.role.lower().split())
    contacts = [c for c in data.contacts or [] if c.role.lower() != role]
    contacts.append(ContactInput(role=role, name=args.name, email=args.email, phone=args.phone,
                                 language=args.language))
    data.contacts = contacts
    d = update_supplier(db, args.code, data, source="command line")
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        print(f"{d.row.code}: {role} is now {args.name or args.email}")
    return 0


def suppliers_certification(args) -> int:
    from csrdesk.services.suppliers import CertificationInput, add_certification

    d = add_certification(open_db(args), args.code, CertificationInput(args.scheme, args.reference, args.issued,
                                                                        args.expires), source="command line")
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        print(f"{d.row.code}: {args.scheme} recorded; rating {d.row.rating or 'not assessed'} ({d.row.rating_reason})")
    return 0


def suppliers_status(args) -> int:
    from csrdesk.services.suppliers import change_status

    d = change_status(open_db(args), args.code, args.status, note=args.note, source="command line")
    if args.json:
        emit_json(supplier_show_json(d))
    else:
        print(f"{d.row.code} is now {d.row.status}")
    return 0


def suppliers_import(args) -> int:
    from csrdesk.services.supplier_import import import_suppliers

    report = import_suppliers(open_db(args), args.file, dry_run=args.dry_run, encoding=args.encoding,
                              existing=args.existing)
    if args.json:
        emit_json(report.to_json())
    else:
        print(report.summary())
    return 0


def assessment_json(d) -> dict:
    return {
        "id": d.id, "supplier": d.supplier_code, "supplier_name": d.supplier_name, "date": d.date,
        "type": d.assessment_type, "audit_firm": d.audit_firm, "auditor": d.auditor, "standard": d.standard,
        "denied": d.denied, "score": d.score, "rating": d.rating, "reasons": list(d.reasons),
        "cap_id": d.cap_id, "follow_up_due": d.follow_up_due, "messages": list(d.messages),
        "findings": [
            {"id": f.id, "category": f.category, "violation_type": f.violation_type, "title": f.title,
             "severity": f.severity, "points": f.points, "repeat": f.repeat,
             "legal_requirement": f.legal_requirement, "law_reference_id": f.law_reference_id}
            for f in d.findings
        ],
    }


def assessments_import(args) -> int:
    from csrdesk.services.findings_import import import_assessment

    if args.file == "-" and not args.denied:
        raise CliError("a findings file is needed unless --denied is given")
    d = import_assessment(
        open_db(args), None if args.file == "-" else Path(args.file), supplier_code=args.supplier, on=args.date,
        assessment_type=args.assessment_type, denied=args.denied, audit_firm=args.audit_firm,
        auditor=args.auditor, standard=args.standard, encoding=args.encoding,
    )
    if args.json:
        emit_json(assessment_json(d))
    else:
        print(f"assessment {d.id}: score {d.score}, {d.rating}; " + (f"CAP #{d.cap_id}" if d.cap_id else "no CAP"))
        for message in d.messages:
            print(f"  note: {message}")
        for reason in d.reasons:
            print(f"  {reason}")
    return 0


def assessments_show(args) -> int:
    from csrdesk.services.assessments import assessment_detail

    d = assessment_detail(open_db(args), args.id)
    if args.json:
        emit_json(assessment_json(d))
    else:
        print(f"assessment {d.id} of {d.supplier_code} {d.supplier_name}: {d.date} {d.assessment_type}")
        print(f"score {d.score}: {d.rating}")
        for reason in d.reasons:
            print(f"  {reason}")
        for f in d.findings:
            print(f"  [{f.severity:<14}] {f.points:>4}  {f.title}{'  (repeat)' if f.repeat else ''}")
    return 0


def cap_item_json(i) -> dict:
    r = i.row
    return {
        "id": r.id, "finding": r.finding, "category": r.category, "severity": r.severity, "points": r.points,
        "repeat": r.repeat, "due_date": r.due_date, "status": r.status, "overdue": r.overdue,
        "root_cause": r.root_cause, "preventive_action": r.preventive_action, "project_leader": r.project_leader,
        "planned_date": r.planned_date, "suggested_remediation": i.suggested_remediation,
        "days_allowed": i.days_allowed, "evidence_notes": i.evidence_notes,
        "verification_notes": i.verification_notes,
    }


def cap_json(d) -> dict:
    return {
        "id": d.id, "supplier": d.supplier_code, "supplier_name": d.supplier_name, "assessment_id": d.assessment_id,
        "status": d.status, "rating": d.rating, "score": d.score, "issued_date": d.issued_date,
        "response_due": d.response_due, "progress": d.progress,
        "items": [cap_item_json(i) for i in d.items],
    }


def caps_list(args) -> int:
    from csrdesk.services.trackers import cap_choices

    from csrdesk.domain.lifecycle import CapStatus

    wanted = " ".join((args.status or "").replace("_", " ").split()).casefold()
    if wanted and wanted not in {s.value for s in CapStatus}:  # a typo listed nothing, as if no CAP were in it
        raise CliError(f"no CAP status {args.status!r}: use one of " + ", ".join(s.value for s in CapStatus))
    rows = cap_choices(open_db(args))
    if args.supplier:
        rows = [r for r in rows if r.supplier_code.casefold() == args.supplier.strip().casefold()]
    if wanted:
        rows = [r for r in rows if r.status == wanted]
    if args.json:
        emit_json([{"id": r.cap_id, "supplier": r.supplier_code, "supplier_name": r.supplier_name,
                    "assessment_date": r.assessment_date.isoformat(), "rating": r.rating, "status": r.status,
                    "items": r.items, "open_items": r.open_items} for r in rows])
    else:
        for r in rows:
            print(f"{r.cap_id:>6} {r.supplier_code:<10} {r.assessment_date} {r.status:<18} "
                  f"{r.open_items}/{r.items} open  {r.supplier_name}")
        print(plural(len(rows), "CAP"))
    return 0


def caps_show(args) -> int:
    from csrdesk.services.caps import cap_detail

    d = cap_detail(open_db(args), args.id)
    if args.json:
        emit_json(cap_json(d))
    else:
        print(f"CAP #{d.id} for {d.supplier_code} {d.supplier_name}: {d.status}, progress {d.progress}")
        for i in d.items:
            r = i.row
            print(f"  {r.id:>7} {r.status:<20} due {r.due_date} {'OVERDUE ' if r.overdue else ''}{r.finding}")
    return 0


def caps_items(args) -> int:
    from csrdesk.services.caps import list_items
    from csrdesk.services.suppliers import supplier_detail

    db = open_db(args)
    supplier_id = supplier_detail(db, args.supplier).row.id if args.supplier else None
    rows = list_items(db, overdue_only=args.overdue, due_within_days=args.due_within, supplier_id=supplier_id)
    if args.json:
        emit_json([{**asdict(r)} for r in rows])
    else:
        for r in rows:
            print(f"{r.id:>7} {r.supplier_code:<10} {r.status:<20} due {r.due_date} "
                  f"{('+' + str(r.days_overdue) + 'd') if r.overdue else '':<6} {r.finding[:60]}")
        print(plural(len(rows), "item"))
    return 0


def caps_status(args) -> int:
    from csrdesk.services.caps import change_cap_status

    d = change_cap_status(open_db(args), args.id, args.status, note=args.note, source="command line")
    if args.json:
        emit_json(cap_json(d))
    else:
        print(f"CAP #{d.id} is now {d.status}")
    return 0


def caps_item_status(args) -> int:
    from csrdesk.services.caps import change_item_status

    n = change_item_status(open_db(args), args.items, args.status, note=args.note,
                           verification_notes=args.verification_notes, source="command line")
    print(f"{plural(n, 'item')} now {args.status}")
    return 0


def library_list(args) -> int:
    from csrdesk.services.library import list_violation_types

    types = list_violation_types(open_db(args))
    if args.json:
        emit_json([asdict(t) for t in types])
    else:
        for t in types:
            print(f"{t.key:<9} {t.severity:<15} {t.category:<24} {t.title}")
    return 0


def demo(args) -> int:
    from csrdesk.services.demo import generate_demo

    if args.suppliers < 1 or args.findings_per_assessment < 0:
        raise CliError("--suppliers must be at least 1 and --findings-per-assessment at least 0")
    result = generate_demo(open_db(args), suppliers=args.suppliers,
                           findings_per_assessment=args.findings_per_assessment, seed=args.seed)
    if args.json:
        emit_json(asdict(result))
    else:
        print(result.summary())
    return 0


def backup(args) -> int:
    from csrdesk.services.backup import backup_database

    if args.path is not None and args.path.exists() and not args.path.is_dir() and not args.force:
        raise CliError(f"{args.path} exists; choose another name, or add --force to replace it")
    if args.path is not None and not args.path.is_dir() and not args.path.parent.is_dir():
        raise CliError(f"the folder {args.path.parent} does not exist")
    path = backup_database(open_db(args), args.path)
    if args.json:
        emit_json({"backup": path})
    else:
        print(f"backed up to {path}")
    return 0


def selftest(args) -> int:
    from csrdesk.cli.selftest import run_selftest

    report = run_selftest(progress=(None if args.json else lambda line: print(line, flush=True)))
    if args.json:
        emit_json(report)
    return 0 if report["ok"] else 1
