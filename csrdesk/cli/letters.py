"""Command line: letters and e-mail drafts, their templates, and batches of them."""
from __future__ import annotations

import sys
from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, open_shared_db, parse_date


def register(sub) -> None:
    """Adds this module's commands to the csrdesk parser."""
    p = sub.add_parser("letter", help="write the CAP letter of a CAP (or another letter, by its template) as .docx")
    p.add_argument("cap_id", type=int, metavar="CAP_ID")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.docx")
    p.add_argument("--template", metavar="NAME", help="template name or file; overdue_reminder... and "
                   "verification_result... templates write those letters (default: cap_letter_<lang>)")
    p.add_argument("--lang", choices=("en", "zh-en"), help="letter language (default: the factory contact's)")
    p.add_argument("--date", type=parse_date, help="the letter's date (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=letter)

    p = sub.add_parser("email", help="write an unsent e-mail draft (.eml) with the CAP letter and tracker attached")
    p.add_argument("cap_id", type=int, metavar="CAP_ID")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.eml", help="a .eml file or a folder")
    p.add_argument("--template", metavar="NAME", help="e-mail body template (default: email_cap_<language>)")
    p.add_argument("--letter-template", metavar="NAME")
    p.add_argument("--lang", choices=("en", "zh-en"), help="language (default: the factory contact's)")
    p.add_argument("--no-tracker", action="store_true", help="attach the letter only")
    p.add_argument("--open", action="store_true", help="open the draft in the default mail program")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=email)

    tp = sub.add_parser("templates", help="letter and e-mail templates: list, copy a default to edit, check")
    tsub = tp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = tsub.add_parser("list", help="default templates and your copies (a copy overrides the default of its name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates_list)
    p = tsub.add_parser("copy", help="copy a default template into your templates folder to edit")
    p.add_argument("name")
    p.add_argument("--as", dest="new_name", metavar="NEW_NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates_copy)
    p = tsub.add_parser("check", help="check a template as it is checked before use")
    p.add_argument("name", help="template name or file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates_check)
    p = tsub.add_parser("share", help="shared team database: check one of your templates (letter, e-mail or report) "
                                      "and keep it in the database for every member")
    p.add_argument("name", help="a template of your templates folder")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates_share)
    p = tsub.add_parser("unshare", help="shared team database: stop sharing a template (members fall back to the "
                                        "default of its name)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates_unshare)

    p = sub.add_parser("letters", help="letters, trackers and e-mail drafts for many CAPs at once")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FOLDER")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--caps", type=int, nargs="+", metavar="CAP_ID")
    which.add_argument("--suppliers", nargs="+", metavar="CODE", help="the newest open CAP of each")
    which.add_argument("--all-open", action="store_true", help="every CAP that is not closed")
    p.add_argument("--letters", action="store_true", help="write letters (the default when nothing is chosen)")
    p.add_argument("--trackers", action="store_true")
    p.add_argument("--drafts", action="store_true")
    p.add_argument("--reminders", action="store_true", help="overdue reminders instead of CAP letters")
    p.add_argument("--template", metavar="NAME")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=letters_batch)


def warn(warnings) -> None:
    """One line on stderr per warning; the file was written all the same."""
    for text in warnings:
        print(f"warning: {text}", file=sys.stderr)


def letter(args) -> int:
    from csrdesk.services import letters as svc

    db = open_db(args)
    path, kind = svc.render_letter_for_cap(db, args.cap_id, args.output, args.template, args.lang, today=args.date)
    warnings = svc.letter_warnings(db)
    warn(warnings)
    if args.json:
        emit_json({"cap_id": args.cap_id, "path": path.resolve(), "kind": kind, "warnings": warnings})
    else:
        print(f"wrote {path}")
    return 0


def email(args) -> int:
    from csrdesk.services import letters as svc

    db = open_db(args)
    result = svc.make_email_draft_detail(db, args.cap_id, args.output, template=args.template,
                                         letter_template=args.letter_template, lang=args.lang,
                                         attach_tracker=not args.no_tracker)
    warn(svc.letter_warnings(db))
    if args.open:
        svc.open_with_default_program(result.path)
    if args.json:
        emit_json({"cap_id": args.cap_id, "path": result.path.resolve(), "to": result.to, "cc": result.cc,
                   "subject": result.subject, "attachments": list(result.attachments)})
    else:
        print(f"wrote {result.path}")
        print(f"  to {result.to}" + (f", cc {result.cc}" if result.cc else ""))
        print(f"  subject: {result.subject}")
        print(f"  attached: {', '.join(result.attachments)}")
    return 0


def _template_json(t) -> dict:
    return {"name": t.name, "kind": t.kind, "source": t.source, "path": t.path,
            "overrides_default": t.overrides_default, "in_use": t.in_use}


def templates_list(args) -> int:
    from csrdesk import paths
    from csrdesk.services.letters import list_templates

    open_shared_db(args)  # a team's database: its shared templates are listed too
    rows = list_templates()
    if args.json:
        emit_json([_template_json(t) for t in rows])
        return 0
    for t in rows:
        note = " (overrides the default)" if t.overrides_default else ("" if t.in_use else " (overridden by a copy)")
        print(f"{t.source:<8} {t.kind:<20} {t.name}{note}")
    print(f"your templates folder: {paths.user_templates_dir()}")
    return 0


def templates_share(args) -> int:
    from csrdesk.services.shared_templates import share_template

    info = share_template(open_db(args), args.name)
    if args.json:
        emit_json({"name": info.name, "size": info.size, "shared_at": info.shared_at, "shared_by": info.shared_by})
    else:
        print(f"shared {info.name} with the team ({info.size:,} bytes); every member's letters use it from now on")
    return 0


def templates_unshare(args) -> int:
    from csrdesk.services.shared_templates import unshare_template

    name = unshare_template(open_db(args), args.name)
    if args.json:
        emit_json({"name": name, "shared": False})
    else:
        print(f"{name} is no longer shared; members use their own copy or the default of its name")
    return 0


def templates_copy(args) -> int:
    from csrdesk.services.letters import copy_default_template

    path = copy_default_template(args.name, args.new_name)
    if args.json:
        emit_json({"path": path})
    else:
        print(f"copied to {path}")
    return 0


def templates_check(args) -> int:
    from csrdesk.services.letters import check_template_file

    info = check_template_file(args.name)
    if args.json:
        emit_json(dict(_template_json(info), ok=True))
    else:
        print(f"{info.name}: OK ({info.kind.replace('_', ' ')} template)")
    return 0


def letters_batch(args) -> int:
    from csrdesk.services.letters import run_batch, run_batch_for_suppliers
    from csrdesk.services.letters import letter_candidates
    from csrdesk.progress import Progress

    db = open_db(args)
    do_letters = args.letters or not (args.trackers or args.drafts)

    def report(done: int, total: int, message: str) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total} {message[:60]:<60}")
            sys.stderr.flush()

    options = dict(letters=do_letters, trackers=args.trackers, drafts=args.drafts, template=args.template,
                   lang=args.lang, letter_kind="overdue_reminder" if args.reminders else "cap_letter",
                   progress=Progress(report))
    if args.suppliers:
        result = run_batch_for_suppliers(db, args.suppliers, args.output, **options)
    else:
        ids = args.caps if args.caps else [c.cap_id for c in letter_candidates(db)]
        if not ids:
            raise CliError("There is no open CAP.")
        result = run_batch(db, ids, args.output, **options)
    if not args.json and sys.stderr.isatty():
        sys.stderr.write("\n")
    warn(result.warnings)
    if args.json:
        emit_json({
            "total": result.total, "done": result.done, "cancelled": result.cancelled, "warnings": result.warnings,
            "files": [{"cap_id": o.cap_id, "supplier": o.supplier_code, "what": o.what, "path": o.path}
                      for o in result.outputs],
            "failures": [{"cap_id": f.cap_id, "supplier": f.supplier_code, "message": f.message}
                         for f in result.failures],
        })
    else:
        for f in result.failures:
            print(f"problem: {f.supplier_code or '-'} {f'CAP #{f.cap_id}' if f.cap_id else 'no CAP'}: {f.message}")
        print(result.summary())
    return 0 if not result.failures else 2
