"""Command line: worker complaints from intake to closure, revealing an identity with a reason, the CAP item, the
report, the publishable list and the identity key's recovery copy. Identities read "hidden" unless revealed."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date
from csrdesk.domain.reporting import plural


def _keys(ids) -> str:
    """'key K1' or 'keys K1, K2'."""
    return f"{'key' if len(ids) == 1 else 'keys'} {', '.join(ids)}"


SOURCE = "command line"


def register(sub) -> None:
    """Adds the `complaints` commands to the csrdesk parser."""
    cp = sub.add_parser("complaints", help="worker complaints: intake, steps, reveal with a reason, CAP item, report")
    csub = cp.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = csub.add_parser("add", help="record a complaint (the complainant's name and contact are sealed at once)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--supplier", metavar="CODE", help="the supplier's code")
    where.add_argument("--factory-name", metavar="NAME", help="a factory outside the program")
    p.add_argument("--received", required=True, type=parse_date, metavar="DATE")
    p.add_argument("--channel", required=True,
                   help="hotline, worker_organisation, union, email, in_person or other")
    p.add_argument("--provision", required=True, metavar="CATEGORY", help="the finding category (key or title)")
    p.add_argument("--summary", required=True, metavar="TEXT", help="what the worker reports, not who they are")
    p.add_argument("--complainant", default="", metavar="NAME", help="leave out for an anonymous complaint")
    p.add_argument("--contact", default="", metavar="TEXT")
    p.add_argument("--retaliation-risk", default="low", metavar="LEVEL", help="low (default), medium or high")
    p.add_argument("--factory-may-be-told", action="store_true",
                   help="the worker agreed that the factory may be told of the complaint")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)

    p = csub.add_parser("list", help="complaints, newest first (identities hidden)")
    p.add_argument("--open", action="store_true", help="open complaints only")
    p.add_argument("--supplier", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    p = csub.add_parser("show", help="a complaint with its timeline; --reveal --reason shows the identity (recorded)")
    p.add_argument("id", metavar="ID", help="the complaint's id or reference")
    p.add_argument("--reveal", action="store_true", help="show the complainant's name and contact")
    p.add_argument("--reason", default="", metavar="TEXT", help="why the identity is needed (recorded)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)

    p = csub.add_parser("step", help="one step of the work: acknowledged, a note, the factory decision, resolved, "
                                     "compliance checked, closed")
    p.add_argument("id", metavar="ID", help="the complaint's id or reference")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--acknowledged", type=parse_date, metavar="DATE", help="the worker was told it arrived")
    what.add_argument("--note", metavar="TEXT", help="an investigation step (with --date)")
    what.add_argument("--tell-factory", metavar="DECISION", help="not_told, issue_only or told (with --how, --date)")
    what.add_argument("--resolve", metavar="OUTCOME", help="substantiated, partly_substantiated, not_substantiated, "
                                                           "withdrawn or referred (with --remedy, --date)")
    what.add_argument("--compliance-checked", type=parse_date, metavar="DATE", help="compliance held when checked")
    what.add_argument("--close", action="store_true", help="close it (with --date)")
    what.add_argument("--reopen", metavar="REASON")
    what.add_argument("--retaliation-found", metavar="TEXT", help="what was done to the worker (with --date)")
    what.add_argument("--retaliation-risk", metavar="LEVEL", help="low, medium or high")
    what.add_argument("--worker-agrees", choices=("yes", "no"), help="whether the factory may be told")
    p.add_argument("--date", type=parse_date, metavar="DATE", help="the step's date (default: today)")
    p.add_argument("--remedy", default="", metavar="TEXT")
    p.add_argument("--how", default="", metavar="TEXT", help="how the factory is (or is not) told")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=step)

    p = csub.add_parser("to-cap", help="make a substantiated complaint a CAP item of its supplier (no identity)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--violation-type", metavar="KEY", help="a finding library type (default: none, by provision)")
    p.add_argument("--severity", help="minor, major (default), critical or zero tolerance")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=to_cap)

    p = csub.add_parser("focus", help="provisions raised by complaints since the supplier's last assessment")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--on", type=parse_date, metavar="DATE", help="the coming assessment's date (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=focus)

    p = csub.add_parser("report", help="counts and days to acknowledge and resolve, with no identities")
    p.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report)

    p = csub.add_parser("public", help="the publishable list (factory, date, status, filed by, summary, outcome): "
                                       "shown for review; written with -o and --reviewed")
    p.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE")
    p.add_argument("--exclude", action="append", default=[], metavar="ID", help="leave a complaint out (repeat)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx")
    p.add_argument("--reviewed", action="store_true", help="you read the list and it may leave as shown")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=public)

    kp = csub.add_parser("key", help="the identity key: where it is, its recovery copy")
    ksub = kp.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    p = ksub.add_parser("status", help="where the key is kept and whether every identity can be opened here")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=key_status)
    p = ksub.add_parser("export", help="write the recovery copy of the key (keep it safe, apart from the database)")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=key_export)
    p = ksub.add_parser("import", help="add the keys of a recovery copy to this computer")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=key_import)


def _row_json(r) -> dict:
    return {
        "id": r.id, "reference": r.reference, "received": r.received_date, "age_days": r.age_days,
        "supplier": r.supplier_code or None, "factory": r.factory, "provision": r.provision,
        "provision_title": r.provision_title, "channel": r.channel, "retaliation_risk": r.retaliation_risk,
        "retaliation_found": r.retaliation_found, "status": r.status, "outcome": r.outcome or None,
        "acknowledged": r.acknowledged_date, "resolved": r.resolved_date, "summary": r.summary,
        "complainant": "anonymous" if r.identity == "anonymous" else "hidden",
        "identity": r.identity, "cap_item_id": r.cap_item_id,
    }


def _id(db, text: str) -> int:
    from csrdesk.services.complaints import find_complaint

    return find_complaint(db, text)


def add(args) -> int:
    from csrdesk.services.complaints import ComplaintInput, add_complaint

    db = open_db(args)
    try:
        d = add_complaint(db, ComplaintInput(
            received=args.received, channel=args.channel, provision=args.provision, summary=args.summary,
            supplier_code=args.supplier or "", factory_name=args.factory_name or "",
            complainant_name=args.complainant, contact=args.contact, retaliation_risk=args.retaliation_risk,
            worker_agrees_factory_told=args.factory_may_be_told,
        ), source=SOURCE)
    finally:
        db.dispose()
    if args.json:
        emit_json({"id": d.id, "reference": d.row.reference, "status": d.row.status,
                   "complainant": "anonymous" if d.row.identity == "anonymous" else "hidden"})
    else:
        print(f"Recorded complaint {d.row.reference} (id {d.id})"
              + ("" if d.row.identity == "anonymous" else "; the complainant's identity is sealed") + ".")
    return 0


def list_(args) -> int:
    from csrdesk.services.complaints import list_complaints
    from csrdesk.services.suppliers import supplier_detail

    db = open_db(args)
    try:
        supplier_id = supplier_detail(db, args.supplier).row.id if args.supplier else None
        rows = list_complaints(db, open_only=args.open, supplier_id=supplier_id)
    finally:
        db.dispose()
    if args.json:
        emit_json([_row_json(r) for r in rows])
        return 0
    for r in rows:
        risk = r.retaliation_risk.upper() if r.retaliation_risk == "high" else r.retaliation_risk
        print(f"{r.id:>5}  {r.reference:<14} {r.received_date.isoformat()}  {r.age_days:>4} d  {r.status:<13} "
              f"risk {risk:<6} {r.supplier_code or '-':<10} {r.provision_title}")
    print(f"{plural(len(rows), 'complaint')}.")
    return 0


def _detail_json(d, revealed=None) -> dict:
    out = _row_json(d.row)
    out.update({
        "remedy": d.remedy, "worker_agrees_factory_told": d.worker_agrees_factory_told,
        "factory_decision": d.factory_decision or None, "factory_decision_note": d.factory_decision_note,
        "compliance_checked": d.compliance_checked_date, "closed": d.closed_date,
        "retaliation_found_date": d.retaliation_found_date, "cap_id": d.cap_id,
        "contact": "" if d.row.identity == "anonymous" else "hidden",
        "timeline": [{"date": e.on, "kind": e.kind, "label": e.label, "text": e.text, "who": e.who}
                     for e in d.timeline],
        "reveals": [{"date": e.on, "by": e.who, "reason": e.text} for e in d.reveals],
        "warnings": list(d.warnings),
    })
    if revealed is not None:
        out["complainant"] = revealed.name
        out["contact"] = revealed.contact
        out["revealed"] = {"by": revealed.by, "at": revealed.at, "reason": revealed.reason}
    return out


def show(args) -> int:
    from csrdesk.services.complaints import complaint_detail, reveal_identity

    if args.reveal and not args.reason.strip():
        raise CliError("--reveal needs --reason TEXT: why the identity is needed (it is recorded in the history)")
    if args.reason and not args.reveal:
        raise CliError("--reason goes with --reveal")
    db = open_db(args)
    try:
        complaint_id = _id(db, args.id)
        revealed = reveal_identity(db, complaint_id, args.reason, source=SOURCE) if args.reveal else None
        d = complaint_detail(db, complaint_id)
    finally:
        db.dispose()
    if args.json:
        emit_json(_detail_json(d, revealed))
        return 0
    r = d.row
    print(f"{r.reference} (id {r.id}) · {r.status} · received {r.received_date.isoformat()} by {r.channel}")
    print(f"Factory: {r.supplier_code + ' ' if r.supplier_code else ''}{r.factory}")
    print(f"Provision: {r.provision_title}   Retaliation risk: {r.retaliation_risk.upper()}"
          + ("   RETALIATION FOUND" if r.retaliation_found else ""))
    print(f"Summary: {r.summary}")
    if revealed is not None:
        print(f"Complainant: {revealed.name}   Contact: {revealed.contact}   "
              f"(revealed to {revealed.by}; reason recorded)")
    else:
        print("Complainant: " + {"anonymous": "anonymous", "hidden": "hidden (show --reveal --reason TEXT)",
                                 "unavailable": "unavailable (the key is not on this computer)"}[r.identity])
    if r.outcome:
        print(f"Outcome: {r.outcome}   Remedy: {d.remedy}")
    print("Timeline:")
    for e in d.timeline:
        print(f"  {e.on.isoformat()}  {e.label}" + (f": {e.text}" if e.text else ""))
    for w in d.warnings:
        print(f"Note: {w}")
    return 0


def step(args) -> int:
    from csrdesk.services import complaints as svc

    on = args.date or date.today()
    db = open_db(args)
    try:
        cid = _id(db, args.id)
        kw = {"source": SOURCE}
        if args.acknowledged:
            d = svc.acknowledge(db, cid, args.acknowledged, **kw)
        elif args.note is not None:
            d = svc.add_note(db, cid, args.note, on, **kw)
        elif args.tell_factory is not None:
            d = svc.decide_factory(db, cid, args.tell_factory, args.how, on, **kw)
        elif args.resolve is not None:
            d = svc.resolve(db, cid, args.resolve, args.remedy, on, **kw)
        elif args.compliance_checked:
            d = svc.check_compliance_held(db, cid, args.compliance_checked, **kw)
        elif args.close:
            d = svc.close(db, cid, on, **kw)
        elif args.reopen is not None:
            d = svc.reopen(db, cid, args.reopen, **kw)
        elif args.retaliation_found is not None:
            d = svc.record_retaliation(db, cid, on, args.retaliation_found, **kw)
        elif args.retaliation_risk is not None:
            d = svc.update_complaint(db, cid, retaliation_risk=args.retaliation_risk, **kw)
        else:
            d = svc.update_complaint(db, cid, worker_agrees_factory_told=args.worker_agrees == "yes", **kw)
    finally:
        db.dispose()
    if args.json:
        emit_json(_detail_json(d))
    else:
        print(f"{d.row.reference}: {d.row.status}" + (f" ({d.row.outcome})" if d.row.outcome else "") + ".")
    return 0


def to_cap(args) -> int:
    from csrdesk.services.complaints import to_cap as make_item

    db = open_db(args)
    try:
        result = make_item(db, _id(db, args.id), violation_type=args.violation_type, severity=args.severity,
                           source=SOURCE)
    finally:
        db.dispose()
    if args.json:
        emit_json({"complaint_id": result.complaint_id, "cap_id": result.cap_id, "item_id": result.item_id,
                   "finding_id": result.finding_id, "assessment_id": result.assessment_id,
                   "supplier": result.supplier_code, "placed": result.placed,
                   "retaliation_item_id": result.retaliation_item_id})
    else:
        print(f"CAP item {result.item_id} added to CAP #{result.cap_id} of {result.supplier_code} ({result.placed})"
              + (f"; retaliation item {result.retaliation_item_id}" if result.retaliation_item_id else "") + ".")
    return 0


def focus(args) -> int:
    from csrdesk.services.complaints import focus_areas_for

    db = open_db(args)
    try:
        areas = focus_areas_for(db, args.code, args.on)
    finally:
        db.dispose()
    if args.json:
        emit_json({"since": areas.since, "areas": [
            {"provision": a.provision, "title": a.title, "complaints": a.complaints, "confirmed": a.confirmed,
             "retaliation": a.retaliation, "latest": a.latest, "references": list(a.references)}
            for a in areas.areas]})
        return 0
    since = areas.since.isoformat() if areas.since else "ever"
    if not areas.areas:
        print(f"No complaints about {args.code} since {since}.")
    for a in areas.areas:
        print(f"{a.title}: {plural(a.complaints, 'complaint')} since {since}, {a.confirmed} confirmed"
              + (", retaliation found" if a.retaliation else ""))
    return 0


def report(args) -> int:
    from csrdesk.services.complaint_reports import complaints_report, write_report

    db = open_db(args)
    try:
        result = complaints_report(db, args.date_from, args.date_to)
        if args.output:
            write_report(db, args.output, args.date_from, args.date_to)
    finally:
        db.dispose()
    if args.json:
        out = result.to_dict()
        if args.output:
            out["file"] = str(args.output)
        emit_json(out)
        return 0
    print(f"{result.complaints} complaints, {result.open} open.")
    print(f"Days to acknowledge: median {result.median_days_to_acknowledge}, 90th percentile "
          f"{result.p90_days_to_acknowledge}. Days to resolve: median {result.median_days_to_resolve}, "
          f"90th percentile {result.p90_days_to_resolve}.")
    for title, counts in (("provision", result.by_provision), ("outcome", result.by_outcome),
                          ("channel", result.by_channel), ("supplier", result.by_supplier)):
        print(f"By {title}: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if args.output:
        print(f"Wrote {args.output}.")
    return 0


def public(args) -> int:
    from csrdesk.services.complaint_reports import publishable_list, write_publishable_list

    if args.output and not args.reviewed:
        raise CliError("the publishable list leaves only after review: run without -o to read it, leave out what "
                       "must not go (--exclude ID), then add --reviewed")
    excluded = set()
    for value in args.exclude:
        if not value.isdigit():
            raise CliError(f"--exclude takes a complaint id, not {value!r}")
        excluded.add(int(value))
    db = open_db(args)
    try:
        rows = [r for r in publishable_list(db, args.date_from, args.date_to) if r.complaint_id not in excluded]
    finally:
        db.dispose()
    if args.output:
        write_publishable_list(rows, args.output)
    if args.json:
        emit_json({"rows": [{"id": r.complaint_id, "reference": r.reference, "factory": r.factory,
                             "date": r.received, "status": r.status, "filed_by": r.filed_by, "summary": r.summary,
                             "outcome": r.outcome} for r in rows],
                   "file": str(args.output) if args.output else None})
        return 0
    for r in rows:
        print(f"{r.complaint_id:>5}  {r.received.isoformat()}  {r.factory}  ·  {r.status}  ·  {r.filed_by}  ·  "
              f"{r.summary}  ·  {r.outcome or '-'}")
    print(f"Wrote {len(rows)} rows to {args.output}." if args.output else
          f"{len(rows)} rows. Review them, then write with -o FILE.xlsx --reviewed.")
    return 0


def key_status(args) -> int:
    from csrdesk.services.complaints import identity_status

    db = open_db(args)
    try:
        st = identity_status(db)
    finally:
        db.dispose()
    if args.json:
        emit_json({"sealed": st.sealed, "unavailable": st.unavailable, "missing_key_ids": list(st.missing_key_ids),
                   "current_key_id": st.current_key_id, "store": st.store, "message": st.message})
    else:
        print(st.message)
    return 0


def key_export(args) -> int:
    from csrdesk.services.identity_key import export_keys

    path, ids = export_keys(args.file)
    if args.json:
        emit_json({"file": str(path), "key_ids": list(ids)})
    else:
        print(f"Wrote the recovery copy of {_keys(ids)} to {path} (readable by you only). Keep it apart "
              "from the database, e.g. on a USB stick in a locked drawer or in your password manager.")
    return 0


def key_import(args) -> int:
    from csrdesk.services.identity_key import import_keys

    added = import_keys(args.file)
    if args.json:
        emit_json({"added": list(added)})
    else:
        print(f"Imported {_keys(added)}." if added else "Every key in that file was already here.")
    return 0
