"""Command line for the brand's side of remediation: the partners register, partners on a CAP, brand actions on
purchasing practices, brands sharing a factory and the shared CAP pack.

`caps partner`, `caps partners` and `caps share` are subcommands of `csrdesk caps` (the group is made in cli/core.py).
"""
from __future__ import annotations

from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date
from csrdesk.domain.reporting import plural

SOURCE = "command line"
KINDS = ("consultant", "audit_firm", "cso", "government", "brand")


def _yes_no(text: str) -> bool:
    key = text.strip().lower()
    if key in ("yes", "y", "true", "1"):
        return True
    if key in ("no", "n", "false", "0"):
        return False
    import argparse

    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def _share(text: str) -> float:
    import argparse

    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None


def register(sub) -> None:
    from csrdesk.cli import core

    pp = sub.add_parser("partners", help="consultants, audit firms, civil society, government and other brands")
    psub = pp.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext in (("add", "add a partner to the register"), ("update", "change a partner")):
        p = psub.add_parser(name, help=helptext)
        if name == "update":
            p.add_argument("id", type=int)
        p.add_argument("--kind", required=name == "add", choices=KINDS)
        p.add_argument("--name", required=name == "add")
        p.add_argument("--country")
        p.add_argument("--topics", metavar="A,B", help="finding categories they know (keys or titles)")
        p.add_argument("--contact", metavar="TEXT")
        p.add_argument("--cso-type", metavar="TYPE",
                       help="for a CSO: labour organisation, human-rights group, victim-service organisation, other")
        p.add_argument("--notes")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=partners_add if name == "add" else partners_update)
    p = psub.add_parser("list", help="the register, filtered by kind, country or topic")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--country")
    p.add_argument("--topic", metavar="T")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=partners_list)
    p = psub.add_parser("vet", help="start the consultant checklist for a consultant or audit firm")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=partners_vet)

    csub = core.caps_actions
    if csub is None:  # pragma: no cover - core registers first (see cli.build_parser)
        raise RuntimeError("the caps command group must be registered before cli.partners")
    p = csub.add_parser("partner", help="record a partner's part in a CAP: a consultant, a CSO consulted, a brand")
    p.add_argument("id", type=int, metavar="CAP")
    p.add_argument("--partner", type=int, required=True, metavar="ID")
    p.add_argument("--role", required=True, help="consultant, consulted, lead brand, collaborating brand...")
    p.add_argument("--item", type=int, metavar="ITEM", help="one item of the CAP (default: the whole CAP)")
    p.add_argument("--start", type=parse_date, metavar="DATE")
    p.add_argument("--end", type=parse_date, metavar="DATE")
    p.add_argument("--what", default="", help="what they did")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_partner)
    p = csub.add_parser("partners", help="the partners recorded on a CAP")
    p.add_argument("id", type=int, metavar="CAP")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_partners)
    p = csub.add_parser("share", help="the shared CAP pack for another brand (.xlsx): no complaints, no notes")
    p.add_argument("id", type=int, metavar="CAP")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=caps_share)

    bp = sub.add_parser("brand-actions", help="the brand's own actions on purchasing practices (never sent out)")
    bsub = bp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = bsub.add_parser("list", help="brand actions, soonest due first")
    p.add_argument("--supplier", metavar="CODE")
    p.add_argument("--owner")
    p.add_argument("--open", action="store_true", help="only those not closed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=brand_actions_list)
    p = bsub.add_parser("add", help="confirm purchasing practices as a CAP item's cause and open its brand action")
    p.add_argument("--item", type=int, required=True, metavar="ITEM")
    p.add_argument("--what", default="")
    p.add_argument("--owner")
    p.add_argument("--due", type=parse_date)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=brand_actions_add)
    p = bsub.add_parser("update", help="change a brand action's status, what, owner, due date or notes")
    p.add_argument("id", type=int)
    p.add_argument("--status", help="open, in progress, done, closed")
    p.add_argument("--what")
    p.add_argument("--owner")
    p.add_argument("--due", type=parse_date)
    p.add_argument("--notes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=brand_actions_update)
    p = bsub.add_parser("close", help="close a brand action")
    p.add_argument("id", type=int)
    p.add_argument("--date", type=parse_date)
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=brand_actions_close)

    sp = sub.add_parser("shared-brands", help="other brands buying from a factory")
    ssub = sp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ssub.add_parser("list")
    p.add_argument("supplier", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=shared_brands_list)
    p = ssub.add_parser("set", help="add a brand sharing the factory, or update it")
    p.add_argument("supplier", metavar="CODE")
    p.add_argument("--brand", required=True)
    p.add_argument("--contact")
    p.add_argument("--share", type=_share, metavar="PERCENT", help="its share of the factory's production")
    p.add_argument("--shared-audit", type=_yes_no, metavar="yes|no", help="whether it accepts a shared audit")
    p.add_argument("--partner", type=int, metavar="ID", help="the brand in the partners register")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=shared_brands_set)


def _input(args, base=None):
    from csrdesk.services.partners import PartnerInput

    def pick(name, default):
        value = getattr(args, name, None)
        return default if value is None else value

    return PartnerInput(
        kind=pick("kind", base.kind if base else ""), name=pick("name", base.name if base else ""),
        country=pick("country", base.country if base else ""),
        topics=pick("topics", list(base.topics) if base else ""),
        cso_type=pick("cso_type", base.cso_type if base else ""),
        contact=pick("contact", base.contact if base else ""), notes=pick("notes", base.notes if base else ""))


def _print_partner(p) -> None:
    vet = f"  [{p.vetting_state}]" if p.vetting_state else ""
    topics = f"  topics: {', '.join(p.topics)}" if p.topics else ""
    print(f"{p.id:>5} {p.kind:<11} {p.name[:40]:<40} {p.country[:16]:<16}{vet}{topics}")


def partners_add(args) -> int:
    from csrdesk.services.partners import add_partner, partner_json

    p = add_partner(open_db(args), _input(args), source=SOURCE)
    if args.json:
        emit_json(partner_json(p))
    else:
        print(f"partner {p.id} added: {p.name}")
    return 0


def partners_update(args) -> int:
    from csrdesk.services.partners import get_partner, partner_json, update_partner

    db = open_db(args)
    p = update_partner(db, args.id, _input(args, get_partner(db, args.id)), source=SOURCE)
    if args.json:
        emit_json(partner_json(p))
    else:
        print(f"partner {p.id} updated: {p.name}")
    return 0


def partners_list(args) -> int:
    from csrdesk.services.partners import list_partners, partner_json

    rows = list_partners(open_db(args), kind=args.kind, country=args.country, topic=args.topic)
    if args.json:
        emit_json([partner_json(p) for p in rows])
    else:
        for p in rows:
            _print_partner(p)
        print(plural(len(rows), "partner"))
    return 0


def partners_vet(args) -> int:
    from csrdesk.services.partners import partner_json, start_partner_vetting

    p = start_partner_vetting(open_db(args), args.id, source=SOURCE)
    if args.json:
        emit_json(partner_json(p))
    else:
        print(f"{p.name}: vetting screen {p.vetting_screen_id} ({p.vetting_state}); fill it with "
              f"`csrdesk vetting answer {p.vetting_screen_id}` and decide with `csrdesk vetting decide`")
    return 0


def caps_partner(args) -> int:
    from csrdesk.services.partners import assign_partner, cap_partner_json

    c = assign_partner(open_db(args), args.id, args.partner, args.role, item_id=args.item, start=args.start,
                       end=args.end, what_done=args.what, source=SOURCE)
    if args.json:
        emit_json(cap_partner_json(c))
    else:
        where = f"item {c.cap_item_id}" if c.cap_item_id else f"CAP #{c.cap_id}"
        print(f"{c.partner} recorded as {c.role} on {where}")
    if c.warning:
        import sys

        sys.stderr.write(f"csrdesk: warning: {c.warning}\n")
    return 0


def caps_partners(args) -> int:
    from csrdesk.services.partners import cap_partner_json, cap_partners

    rows = cap_partners(open_db(args), args.id)
    if args.json:
        emit_json([cap_partner_json(c) for c in rows])
    else:
        for c in rows:
            where = f"item {c.cap_item_id}" if c.cap_item_id else "whole CAP"
            print(f"{c.id:>5} {c.partner[:34]:<34} {c.role:<20} {where:<12} {c.start_date or ''} {c.what_done[:40]}")
            if c.warning:
                print(f"      ! {c.warning}")
    return 0


def caps_share(args) -> int:
    from csrdesk.services.cap_share import export_cap_pack

    path = export_cap_pack(open_db(args), args.id, args.output)
    if args.json:
        emit_json({"cap_id": args.id, "path": path.resolve()})
    else:
        print(f"wrote {path}")
    return 0


def _print_action(a) -> None:
    late = " OVERDUE" if a.overdue else ""
    print(f"{a.id:>5} {a.supplier:<10} {a.status:<12} due {a.due or '-'}{late}  owner {a.owner or '-'}")
    print(f"      {a.what[:110]}")


def brand_actions_list(args) -> int:
    from csrdesk.services.brand_actions import brand_action_json, list_brand_actions

    rows = list_brand_actions(open_db(args), supplier_code=args.supplier, owner=args.owner, open_only=args.open)
    if args.json:
        emit_json([brand_action_json(a) for a in rows])
    else:
        for a in rows:
            _print_action(a)
        print(plural(len(rows), "brand action"))
    return 0


def _emit_action(args, a) -> int:
    from csrdesk.services.brand_actions import brand_action_json

    if args.json:
        emit_json(brand_action_json(a))
    else:
        _print_action(a)
    return 0


def brand_actions_add(args) -> int:
    from csrdesk.services.brand_actions import add_brand_action

    return _emit_action(args, add_brand_action(open_db(args), args.item, what=args.what, owner=args.owner,
                                               due=args.due, source=SOURCE))


def brand_actions_update(args) -> int:
    from csrdesk.services.brand_actions import update_brand_action

    if all(getattr(args, n) is None for n in ("status", "what", "owner", "due", "notes")):
        raise CliError("say what to change: --status, --what, --owner, --due or --notes")
    return _emit_action(args, update_brand_action(open_db(args), args.id, status=args.status, what=args.what,
                                                  owner=args.owner, due=args.due, notes=args.notes, source=SOURCE))


def brand_actions_close(args) -> int:
    from csrdesk.services.brand_actions import close_brand_action

    return _emit_action(args, close_brand_action(open_db(args), args.id, on=args.date, note=args.note,
                                                 source=SOURCE))


def shared_brands_list(args) -> int:
    from csrdesk.services.brand_collab import list_shared_brands, shared_brand_json

    rows = list_shared_brands(open_db(args), args.supplier)
    if args.json:
        emit_json([shared_brand_json(b) for b in rows])
    else:
        for b in rows:
            share = f"{b.share:g}%" if b.share is not None else "share unknown"
            audit = {True: "accepts a shared audit", False: "no shared audit", None: ""}[b.accepts_shared_audit]
            print(f"{b.id:>5} {b.brand[:30]:<30} {share:<14} {audit:<24} {b.contact}")
    return 0


def shared_brands_set(args) -> int:
    from csrdesk.services.brand_collab import set_shared_brand, shared_brand_json

    b = set_shared_brand(open_db(args), args.supplier, args.brand, contact=args.contact, share=args.share,
                         accepts_shared_audit=args.shared_audit, partner_id=args.partner, source=SOURCE)
    if args.json:
        emit_json(shared_brand_json(b))
    else:
        print(f"{b.brand} recorded for {b.supplier}")
    return 0
