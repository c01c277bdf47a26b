"""Command line: quality checks of CAP answers, recording a factory's answer, CAP review, the improvement plan.

These are subcommands of `csrdesk caps` (the group is made in cli/core.py).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date
from csrdesk.domain.reporting import listing, plural

SOURCE = "command line"


def _comment(text: str) -> tuple[int, str]:
    item, sep, comment = text.partition("=")
    try:
        item_id = int(item.strip())
    except ValueError:
        item_id = None
    if not sep or item_id is None or not comment.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not ITEM=COMMENT (an item id, '=', then the comment)")
    return item_id, comment.strip()


def register(sub) -> None:
    """Adds check, update, override, review and plan to the `caps` command."""
    from csrdesk.cli import core

    csub = core.caps_actions
    if csub is None:  # pragma: no cover - core registers first (see cli.build_parser)
        raise RuntimeError("the caps command group must be registered before cli.review")

    p = csub.add_parser("check", help="the quality checks of a CAP's answers and its quality figure")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_check)

    p = csub.add_parser("update", help="record a factory's root cause, preventive action and project leader")
    p.add_argument("id", type=int, help="the CAP")
    p.add_argument("--item", type=int, required=True, help="the CAP item (it must belong to the CAP)")
    p.add_argument("--root-cause", required=True)
    p.add_argument("--preventive-action", required=True)
    p.add_argument("--project-leader", required=True)
    p.add_argument("--planned-date", type=parse_date, help="planned completion, YYYY-MM-DD")
    p.add_argument("--note", default="")
    p.add_argument("--cause-category", metavar="KEY",
                   help="the main cause category (policy, procedure, training, responsibility, monitoring, "
                        "communication, resources, purchasing, external); purchasing opens a brand action")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_update)

    p = csub.add_parser("override", help="accept a warning on a CAP item for a reason")
    p.add_argument("id", type=int, help="the CAP")
    p.add_argument("--item", type=int, required=True)
    p.add_argument("--code", required=True, help="the warning's code, as `caps check` prints it")
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_override)

    p = csub.add_parser("review", help="approve a CAP, or return it to the factory with comments per item")
    p.add_argument("id", type=int)
    decision = p.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--return", dest="send_back", action="store_true", help="return it to the factory")
    p.add_argument("--comment", type=_comment, action="append", default=[], metavar="ITEM=TEXT",
                   help="a comment for one item (repeat for more items)")
    p.add_argument("--accept", type=int, action="append", default=[], metavar="ITEM",
                   help="accept one item's answer in a returned CAP (repeat for more; it becomes action planned)")
    p.add_argument("--return-item", type=int, action="append", default=[], metavar="ITEM",
                   help="return one item to the factory (repeat for more; give it a --comment)")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_review)

    p = csub.add_parser("returned-letter", help="the 'CAP returned' letter: each returned item with its comment")
    p.add_argument("id", type=int, help="the CAP")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.docx")
    p.add_argument("--email", type=Path, metavar="FILE.eml",
                   help="also an e-mail draft with the letter and the tracker attached")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_returned_letter)

    p = csub.add_parser("plan", help="the systems-improvement plan: items by cause category, with risk sources")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_plan)


def check_json(check) -> dict:
    from csrdesk.services.review import item_json

    return {"id": check.id, "quality": check.quality, "items": [item_json(i) for i in check.items]}


def item_answer_json(item) -> dict:
    from csrdesk.services.review import item_json

    out = item_json(item)
    out.update({
        "cap_id": item.cap_id, "finding": item.finding, "status": item.status, "root_cause": item.root_cause,
        "preventive_action": item.preventive_action, "project_leader": item.project_leader,
        "planned_date": item.planned_date, "due_date": item.due_date,
    })
    return out


def _print_warnings(item) -> None:
    for w in item.open_warnings:
        print(f"    ! {w.code}: {w.message}")
    for w in item.warnings:
        if w.overridden:
            print(f"    (accepted) {w.code}: {w.override_reason}")


def caps_check(args) -> int:
    from csrdesk.services.review import check_cap

    check = check_cap(open_db(args), args.id)
    if args.json:
        emit_json(check_json(check))
        return 0
    good = sum(1 for i in check.items if i.ok)
    print(f"CAP #{check.id} ({check.supplier_code}, {check.status}): quality {check.quality}% "
          f"({good} of {plural(len(check.items), 'item')} without open warnings)")
    for i in check.items:
        print(f"  {i.id:>7} {'ok ' if i.ok else '-- '} {i.finding[:70]}")
        _print_warnings(i)
    return 0


def caps_update(args) -> int:
    from csrdesk.services.review import record_answer

    db = open_db(args)
    item = record_answer(
        db, args.item, cap_id=args.id, root_cause=args.root_cause,
        preventive_action=args.preventive_action, project_leader=args.project_leader,
        planned_date=args.planned_date, source=SOURCE, note=args.note, cause_category=args.cause_category,
    )
    from csrdesk.services.brand_actions import purchasing_state

    action_id, suggested = purchasing_state(db, item.id, item.root_cause)
    if args.json:
        out = item_answer_json(item)
        out.update({"cause_category": args.cause_category, "brand_action": action_id,
                    "brand_action_suggested": suggested})
        emit_json(out)
    else:
        print(f"item {item.id} of CAP #{item.cap_id} updated; "
              f"{plural(len(item.open_warnings), 'open warning')}")
        _print_warnings(item)
        if action_id:
            print(f"  brand action {action_id} is open for the brand's own purchasing practices")
        elif suggested:
            print("  the root cause names buyer purchasing practices: confirm with --cause-category purchasing "
                  f"(or `csrdesk brand-actions add --item {item.id}`) to open a brand action")
    return 0


def caps_override(args) -> int:
    from csrdesk.services.review import check_item, override_warning

    db = open_db(args)
    if check_item(db, args.item).cap_id != args.id:
        raise CliError(f"CAP item {args.item} does not belong to CAP #{args.id}")
    item = override_warning(db, args.item, args.code, args.reason, source=SOURCE)
    if args.json:
        emit_json(item_answer_json(item))
    else:
        print(f"warning {args.code} on item {item.id} accepted; {plural(len(item.open_warnings), 'open warning')} left")
    return 0


def caps_review(args) -> int:
    from csrdesk.services.review import review_cap

    comments: dict[int, str] = {}
    for item_id, text in args.comment:
        if item_id in comments:
            raise CliError(f"item {item_id} has more than one --comment")
        comments[item_id] = text
    both = sorted(set(args.accept) & set(args.return_item))
    if both:
        raise CliError(f"{'item' if len(both) == 1 else 'items'} {listing([str(i) for i in both])} "
                       f"{'is' if len(both) == 1 else 'are'} both accepted and returned")
    decisions = {**{i: "accept" for i in args.accept}, **{i: "return" for i in args.return_item}}
    result = review_cap(open_db(args), args.id, approve=args.approve, comments=comments, note=args.note,
                        source=SOURCE, decisions=decisions)
    if args.json:
        out = check_json(result.cap)
        out.update({"decision": result.decision, "status": result.cap.status,
                    "items_planned": list(result.items_planned), "items_accepted": list(result.items_accepted),
                    "items_returned": list(result.items_returned), "items_reopened": list(result.items_reopened)})
        emit_json(out)
    else:
        print(f"CAP #{result.cap.id} {result.decision}: now {result.cap.status} (quality {result.cap.quality}%)")
        if result.items_returned and result.decision == "returned":
            print(f"{plural(len(result.items_returned), 'item')} returned to the factory, "
                  f"{len(result.items_accepted)} accepted")
        if result.items_reopened:
            print(f"{plural(len(result.items_reopened), 'item')} back to open (its plan sent back)"
                  if len(result.items_reopened) == 1 else
                  f"{plural(len(result.items_reopened), 'item')} back to open (their plans sent back)")
        if result.items_planned:
            print(f"{plural(len(result.items_planned), 'item')} now action planned")
    return 0


def caps_returned_letter(args) -> int:
    from csrdesk.services.cap_returned import make_cap_returned_email, render_cap_returned_letter

    db = open_db(args)
    path = render_cap_returned_letter(db, args.id, args.output, lang=args.lang)
    draft = make_cap_returned_email(db, args.id, args.email, lang=args.lang) if args.email else None
    if args.json:
        emit_json({"cap_id": args.id, "path": path.resolve(), "email": draft.path.resolve() if draft else None,
                   "attachments": list(draft.attachments) if draft else []})
    else:
        print(f"wrote {path}")
        if draft:
            print(f"wrote {draft.path} (to {draft.to}, copy {draft.cc or 'nobody'})")
    return 0


def caps_plan(args) -> int:
    from csrdesk.services.review import improvement_plan

    plan = improvement_plan(open_db(args), args.id)
    if args.json:
        emit_json(plan.as_dict())
    else:
        print(plan.as_text(), end="")
    return 0
