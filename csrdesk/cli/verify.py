"""Command line: verification of remediation (CAP meeting, evidence request, plan, on-site sheet, verdicts,
categories, onsite report, trends) and escalation of factories that lag."""
from __future__ import annotations

import argparse
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date
from csrdesk.domain.reporting import plural

SOURCE = "command line"


def _verdict(text: str):
    """ITEM=VERDICT[:note], e.g. 41=done_with_errors:Only one exit cleared."""
    from csrdesk.services.verification import VerdictInput

    item, sep, rest = text.partition("=")
    verdict, _colon, note = rest.partition(":")
    try:
        item_id = int(item.strip())
    except ValueError:
        item_id = None
    if not sep or item_id is None or not verdict.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not ITEM=VERDICT[:note] (e.g. 41=done_correctly)")
    return VerdictInput(item_id, verdict.strip(), note.strip())


def _category(text: str) -> int:
    if text.strip() not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a progress category (1, 2, 3 or 4)")
    return int(text)


def register(sub) -> None:
    """Adds `verify`, `escalations`, and `caps meeting` / `caps approval` to the csrdesk parser."""
    from csrdesk.cli import core

    csub = core.caps_actions
    if csub is None:  # pragma: no cover - core registers first (see cli.build_parser)
        raise RuntimeError("the caps command group must be registered before cli.verify")
    p = csub.add_parser("meeting", help="record the CAP meeting's date (the verification visit falls due after it)")
    p.add_argument("id", type=int, metavar="CAP")
    p.add_argument("--date", required=True, type=parse_date)
    p.add_argument("--sourcing", metavar="NAMES", help="who from the brand's sourcing team attended (comma-separated)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_meeting)
    p = csub.add_parser("approval", help="mark a CAP item as needing plans or drawings approved, record the approval")
    p.add_argument("item", type=int, metavar="ITEM")
    need = p.add_mutually_exclusive_group()
    need.add_argument("--needed", action="store_true", help="the item needs its plans approved before work starts")
    need.add_argument("--not-needed", action="store_true")
    p.add_argument("--approved", type=parse_date, metavar="DATE", help="the day the plans were approved")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_approval)

    vp = sub.add_parser("verify", help="verification visits: evidence request, plan, on-site sheet, verdicts, report")
    vsub = vp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = vsub.add_parser("request", help="the letter (and e-mail draft) asking for evidence of items due by the visit")
    p.add_argument("cap_id", type=int, metavar="CAP")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.docx")
    p.add_argument("--email", type=Path, metavar="FILE.eml", help="also write an unsent e-mail draft, letter attached")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--visit-date", type=parse_date, help="the visit (default: the booked date, else the due date)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_request)
    p = vsub.add_parser("plan", help="visits due, overdue and booked across all factories")
    p.add_argument("--all", action="store_true", help="include CAPs whose visit is done")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_plan)
    p = vsub.add_parser("book", help="book a CAP's visit for a date, with who attends")
    p.add_argument("cap_id", type=int, metavar="CAP")
    p.add_argument("--date", required=True, type=parse_date)
    p.add_argument("--attendee", action="append", default=[], metavar="ROLE[:NAME]",
                   help="brand, verifier, worker representative, union, factory management (repeat)")
    p.add_argument("--verifier", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_book)
    p = vsub.add_parser("sheet", help="write the on-site sheet the verifier fills in (.xlsx)")
    p.add_argument("cap_id", type=int, metavar="CAP")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    p.add_argument("--date", type=parse_date, help="the visit date printed on the sheet")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_sheet)
    p = vsub.add_parser("record", help="record a visit's verdicts (preview; --apply saves and updates the CAP)")
    p.add_argument("cap_id", type=int, metavar="CAP")
    p.add_argument("--date", required=True, type=parse_date, help="the day of the visit")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--sheet", type=Path, metavar="FILE.xlsx", help="the returned on-site sheet")
    source.add_argument("--verdict", type=_verdict, action="append", metavar="ITEM=VERDICT[:note]",
                        help="done_correctly, done_with_errors, not_done, not_checked (repeat)")
    p.add_argument("--verifier", default="")
    p.add_argument("--attendee", action="append", metavar="ROLE[:NAME]")
    p.add_argument("--notes", default="")
    evidence = p.add_mutually_exclusive_group()
    evidence.add_argument("--evidence", dest="evidence", action="store_true", default=None,
                          help="evidence came before the visit (default: worked out from the items)")
    evidence.add_argument("--no-evidence", dest="evidence", action="store_false")
    p.add_argument("--category", type=_category, help="confirm the progress category at once")
    p.add_argument("--apply", action="store_true", help="save the visit (without it, only show what changes)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_record)
    p = vsub.add_parser("confirm", help="confirm or change a visit's progress category")
    p.add_argument("visit_id", type=int, metavar="VISIT")
    p.add_argument("--category", required=True, type=_category)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_confirm)
    p = vsub.add_parser("show", help="a visit with its verdicts, progress rate and category")
    p.add_argument("visit_id", type=int, metavar="VISIT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_show)
    p = vsub.add_parser("list", help="visits, newest first")
    p.add_argument("--supplier", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_list)
    p = vsub.add_parser("report", help="the onsite report for the closing meeting (.docx)")
    p.add_argument("visit_id", type=int, metavar="VISIT")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.docx")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_report)
    p = vsub.add_parser("trends", help="what fails verification most, time to verified, categories over time")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=verify_trends)

    ep = sub.add_parser("escalations", help="factories not remediating fast enough, and their escalation steps")
    esub = ep.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = esub.add_parser("list", help="lagging or escalated factories with the reasons")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=escalations_list)
    p = esub.add_parser("step", help="move a supplier along the escalation ladder")
    p.add_argument("supplier", metavar="SUPPLIER")
    p.add_argument("--to", required=True, metavar="STEP",
                   help="reminder, warning_letter, senior_management_meeting, orders_at_risk, suspension, "
                        "responsible_exit, or resolved")
    p.add_argument("--reason", required=True)
    p.add_argument("--date", type=parse_date, help="the step's date (default: today)")
    p.add_argument("--sourcing", metavar="NAMES", default="",
                   help="who from the brand's sourcing team attended (an escalation meeting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=escalations_step)
    p = esub.add_parser("history", help="every step taken for a supplier")
    p.add_argument("supplier", metavar="SUPPLIER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=escalations_history)
    p = esub.add_parser("letter", help="the letter of the supplier's current step (warning letter...) as .docx")
    p.add_argument("supplier", metavar="SUPPLIER")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.docx")
    p.add_argument("--email", type=Path, metavar="FILE.eml", help="also an e-mail draft, the sourcing owner in copy")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=escalations_letter)


# ---------------------------------------------------------------- caps meeting / approval

def caps_meeting(args) -> int:
    from csrdesk.services.verification import set_meeting_date

    info = set_meeting_date(open_db(args), args.id, args.date, source=SOURCE, sourcing=args.sourcing)
    if args.json:
        emit_json({"cap_id": info.cap_id, "supplier": info.supplier, "meeting_date": info.meeting_date,
                   "visit_due": info.visit_due, "sourcing": info.sourcing})
    else:
        print(f"CAP #{info.cap_id} ({info.supplier}): meeting {info.meeting_date}, verification visit due "
              f"{info.visit_due}")
    return 0


def caps_approval(args) -> int:
    from csrdesk.services.verification import set_plan_approval

    needs = True if args.needed else False if args.not_needed else None
    if needs is None and args.approved is None:
        raise CliError("say --needed, --not-needed or --approved DATE")
    a = set_plan_approval(open_db(args), args.item, needs=needs, approved_on=args.approved, source=SOURCE)
    if args.json:
        emit_json({"item_id": a.item_id, "cap_id": a.cap_id, "needs_plan_approval": a.needs_plan_approval,
                   "plan_approved_date": a.plan_approved_date})
    else:
        state = "needs plan approval" if a.needs_plan_approval else "needs no plan approval"
        approved = f", approved {a.plan_approved_date}" if a.plan_approved_date else ""
        print(f"item {a.item_id}: {state}{approved}")
    return 0


# ---------------------------------------------------------------- verify

def _warn(db) -> list[str]:
    from csrdesk.cli.letters import warn
    from csrdesk.services.letters import letter_warnings

    warnings = letter_warnings(db)
    warn(warnings)
    return warnings


def verify_request(args) -> int:
    from csrdesk.services.verification_letters import make_evidence_request_email, render_evidence_request

    db = open_db(args)
    path = render_evidence_request(db, args.cap_id, args.output, lang=args.lang, visit_date=args.visit_date)
    draft = None
    if args.email:
        draft = make_evidence_request_email(db, args.cap_id, args.email, lang=args.lang, visit_date=args.visit_date)
    warnings = _warn(db)
    if args.json:
        emit_json({"cap_id": args.cap_id, "path": path.resolve(), "email": draft.path.resolve() if draft else None,
                   "to": draft.to if draft else None, "warnings": warnings})
    else:
        print(f"wrote {path}")
        if draft:
            print(f"wrote {draft.path} (to {draft.to})")
    return 0


def _plan_json(r) -> dict:
    return {"cap_id": r.cap_id, "supplier": r.supplier, "supplier_name": r.supplier_name,
            "meeting_date": r.meeting_date, "visit_due": r.visit_due, "items_due": r.items_due,
            "evidence_received": r.evidence_received, "state": r.state, "booked_date": r.booked_date,
            "attendees": [{"role": a.role, "name": a.name} for a in r.attendees], "last_visit": r.last_visit,
            "category": r.category, "open_items": r.open_items}


def verify_plan(args) -> int:
    from csrdesk.services.verification import visit_plan

    rows = visit_plan(open_db(args), include_done=args.all)
    if args.json:
        emit_json([_plan_json(r) for r in rows])
    else:
        for r in rows:
            when = f"booked {r.booked_date}" if r.booked_date else f"due {r.visit_due}"
            print(f"CAP #{r.cap_id:<6} {r.supplier:<10} {r.supplier_name[:34]:<34} {r.state:<8} {when:<18} "
                  f"items due {r.items_due:>3}, evidence {r.evidence_received:>3}")
        print(plural(len(rows), "CAP"))
    return 0


def verify_book(args) -> int:
    from csrdesk.services.verification import book_visit

    r = book_visit(open_db(args), args.cap_id, args.date, attendees=args.attendee, verifier=args.verifier,
                   source=SOURCE)
    if args.json:
        emit_json(_plan_json(r))
    else:
        who = ", ".join(f"{a.role}{f' ({a.name})' if a.name else ''}" for a in r.attendees) or "no attendees named"
        print(f"CAP #{r.cap_id} ({r.supplier}): visit booked for {r.booked_date}; {who}")
    return 0


def verify_sheet(args) -> int:
    from csrdesk.services.verification import export_visit_sheet

    path = export_visit_sheet(open_db(args), args.cap_id, args.output, visit_date=args.date)
    if args.json:
        emit_json({"cap_id": args.cap_id, "path": path.resolve()})
    else:
        print(f"wrote {path}")
    return 0


def _preview_json(p) -> dict:
    return {
        "applied": False, "cap_id": p.cap_id, "supplier": p.supplier, "date": p.date,
        "changes": [{"item_id": c.item_id, "finding": c.finding, "verdict": c.verdict, "note": c.note,
                     "status_before": c.status_before, "status_after": c.status_after, "due_before": c.due_before,
                     "due_after": c.due_after} for c in p.changes],
        "progress_rate_before": p.progress_rate_before, "progress_rate": p.progress_rate,
        "suggested_category": p.suggested_category, "category_reason": p.category_reason,
        "evidence_before_visit": p.evidence_before_visit, "items_verified": p.items_verified,
        "items_reopened": p.items_reopened, "not_checked": p.not_checked, "notes": list(p.notes),
    }


def verify_record(args) -> int:
    from csrdesk.services import verification as svc

    db = open_db(args)
    options = dict(verifier=args.verifier, attendees=args.attendee, notes=args.notes, evidence=args.evidence)
    if not args.apply:
        if args.sheet:
            preview = svc.preview_visit_sheet(db, args.cap_id, args.date, args.sheet, evidence=args.evidence)
        else:
            preview = svc.preview_visit(db, args.cap_id, args.date, args.verdict, evidence=args.evidence)
        if args.json:
            emit_json(_preview_json(preview))
        else:
            for c in preview.changes:
                move = f"{c.status_before} -> {c.status_after}" if c.status_after != c.status_before else c.status_after
                due = f", due {c.due_after}" if c.due_after != c.due_before else ""
                print(f"item {c.item_id:<7} {c.verdict:<17} {move}{due}  {c.finding[:50]}")
            print(f"progress {preview.progress_rate_before} -> {preview.progress_rate}%, suggested category "
                  f"{preview.suggested_category or '-'}: {preview.category_reason}")
            print("nothing saved; add --apply to record the visit")
        return 0
    if args.sheet:
        visit = svc.record_visit_from_sheet(db, args.cap_id, args.date, args.sheet, **options)
        if args.category:
            visit = svc.confirm_category(db, visit.id, args.category, source=SOURCE)
    else:
        visit = svc.record_visit(db, args.cap_id, args.date, args.verdict, category=args.category, source=SOURCE,
                                 **options)
    if args.json:
        emit_json({"applied": True, **svc.visit_summary(visit)})
    else:
        print(f"recorded visit {visit.id}: {visit.items_verified} verified, {visit.items_reopened} sent back; "
              f"progress {visit.progress_rate}%, suggested category {visit.suggested_category or '-'}")
    return 0


def verify_confirm(args) -> int:
    from csrdesk.services.verification import confirm_category, visit_summary

    v = confirm_category(open_db(args), args.visit_id, args.category, source=SOURCE)
    if args.json:
        emit_json(visit_summary(v))
    else:
        print(f"visit {v.id}: category {v.category} (suggested {v.suggested_category or '-'})")
    return 0


def verify_show(args) -> int:
    from csrdesk.services.verification import visit_detail, visit_summary

    v = visit_detail(open_db(args), args.visit_id)
    if args.json:
        emit_json(visit_summary(v))
    else:
        print(f"visit {v.id} of CAP #{v.cap_id} ({v.supplier} {v.supplier_name}) on {v.date}, {v.status}")
        print(f"progress {v.progress_rate if v.progress_rate is not None else '-'}%, category "
              f"{v.category or '-'} (suggested {v.suggested_category or '-'}): {v.category_reason}")
        for r in v.verdicts:
            print(f"  item {r.item_id:<7} {r.verdict:<17} {r.finding[:50]}{f'  — {r.note}' if r.note else ''}")
    return 0


def verify_list(args) -> int:
    from csrdesk.services.suppliers import supplier_detail
    from csrdesk.services.verification import list_visits

    db = open_db(args)
    supplier_id = supplier_detail(db, args.supplier).row.id if args.supplier else None
    rows = list_visits(db, supplier_id=supplier_id)
    if args.json:
        emit_json([{"id": r.id, "cap_id": r.cap_id, "supplier": r.supplier, "date": r.date, "status": r.status,
                    "judged": r.judged, "items_verified": r.items_verified, "items_reopened": r.items_reopened,
                    "progress_rate": r.progress_rate, "suggested_category": r.suggested_category,
                    "category": r.category} for r in rows])
    else:
        for r in rows:
            print(f"visit {r.id:<6} {r.date} {r.supplier:<10} CAP #{r.cap_id:<6} {r.status:<7} "
                  f"verified {r.items_verified:>3} sent back {r.items_reopened:>3} category "
                  f"{r.category or r.suggested_category or '-'}")
    return 0


def verify_report(args) -> int:
    from csrdesk.services.verification_letters import render_onsite_report

    db = open_db(args)
    path = render_onsite_report(db, args.visit_id, args.output, lang=args.lang)
    warnings = _warn(db)
    if args.json:
        emit_json({"visit_id": args.visit_id, "path": path.resolve(), "warnings": warnings})
    else:
        print(f"wrote {path}")
    return 0


def verify_trends(args) -> int:
    from csrdesk.services.verification_trends import verification_trends

    t = verification_trends(open_db(args))
    if args.json:
        emit_json({
            "failing_types": [{"violation_type": f.violation_type, "title": f.title, "checked": f.checked,
                               "failed": f.failed, "failed_share": f.failed_share} for f in t.failing_types],
            "time_to_verified": [{"category": x.category, "items": x.items, "median_days": x.median_days,
                                  "mean_days": x.mean_days} for x in t.time_to_verified],
            "categories_over_time": [{"period": c.period, "counts": c.counts} for c in t.categories_over_time],
        })
    else:
        print("Finding types failing verification most:")
        for f in t.failing_types:
            print(f"  {f.failed_share:>5}%  {f.failed:>4} of {f.checked:<4} {f.title[:60]}")
        print("Days from CAP meeting to verified, by finding category (median, mean):")
        for x in t.time_to_verified:
            print(f"  {x.median_days:>6} {x.mean_days:>7}  {x.category} ({x.items} items)")
        print("Progress categories per quarter (1, 2, 3, 4):")
        for c in t.categories_over_time:
            print(f"  {c.period}  " + "  ".join(str(c.counts[k]) for k in sorted(c.counts)))
    return 0


# ---------------------------------------------------------------- escalations

def escalations_list(args) -> int:
    from csrdesk.services.escalations import escalation_list, escalation_summary

    rows = escalation_list(open_db(args))
    if args.json:
        emit_json([escalation_summary(r) for r in rows])
    else:
        for r in rows:
            step = r.step or f"not escalated (next: {r.suggested_step})"
            print(f"{r.supplier:<10} {r.supplier_name[:34]:<34} {step:<40} since {r.since or '-'}")
            for reason in r.reasons:
                print(f"    {reason}")
        print(plural(len(rows), "supplier"))
    return 0


def escalations_step(args) -> int:
    from csrdesk.services.escalations import escalate, escalation_summary

    row = escalate(open_db(args), args.supplier, args.to, args.reason, on=args.date, source=SOURCE,
                   sourcing_attended=args.sourcing)
    if args.json:
        emit_json(escalation_summary(row))
    else:
        print(f"{row.supplier}: {row.step or 'not escalated'} (supplier {row.supplier_status})")
    return 0


def escalations_history(args) -> int:
    from csrdesk.services.escalations import escalation_history

    rows = escalation_history(open_db(args), args.supplier)
    if args.json:
        emit_json([{"step": r.step, "date": r.date, "reason": r.reason, "source": r.source,
                    "copied_to": r.copied_to, "sourcing_attended": r.sourcing_attended} for r in rows])
    else:
        for r in rows:
            print(f"{r.date}  {r.step:<26} {r.reason}")
    return 0


def escalations_letter(args) -> int:
    from csrdesk.services.verification_letters import make_escalation_email, render_escalation_letter

    db = open_db(args)
    path = render_escalation_letter(db, args.supplier, args.output, lang=args.lang)
    draft = make_escalation_email(db, args.supplier, args.email, lang=args.lang) if args.email else None
    warnings = _warn(db)
    if args.json:
        emit_json({"supplier": args.supplier, "path": path.resolve(), "email": draft.path.resolve() if draft else None,
                   "cc": draft.cc if draft else None, "warnings": warnings})
    else:
        print(f"wrote {path}")
        if draft:
            print(f"wrote {draft.path} (to {draft.to}, copy {draft.cc or 'nobody'})")
    return 0
