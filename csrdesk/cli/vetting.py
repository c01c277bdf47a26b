"""Command line: vetting checklists, questionnaires out to suppliers and back, screens, decisions and letters."""
from __future__ import annotations

from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date
from csrdesk.domain.reporting import plural


def register(sub) -> None:
    """Adds this module's commands to the csrdesk parser."""
    vp = sub.add_parser("vetting", help="vetting checklists and screens: questionnaires, scores, decisions, letters")
    vsub = vp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = vsub.add_parser("templates", help="the checklist templates (newest version of each)")
    p.add_argument("--all-versions", action="store_true", help="every version, not only the newest")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=templates)
    p = vsub.add_parser("list", help="vetting screens, newest first")
    p.add_argument("--supplier", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=screens)
    p = vsub.add_parser("start", help="start a screen for a supplier, or for a consultant or audit firm by name")
    p.add_argument("template", metavar="KEY")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--supplier", metavar="CODE")
    who.add_argument("--subject", metavar="NAME", help="the consultant or audit firm")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=start)
    p = vsub.add_parser("export", help="write a supplier's questionnaire (Excel, English and Chinese) to fill in")
    p.add_argument("code", metavar="CODE", help="supplier code")
    p.add_argument("--template", required=True, metavar="KEY")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=export)
    p = vsub.add_parser("import", help="show (and with --apply, save) the answers in a returned questionnaire")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--apply", action="store_true", help="save the answers (without it nothing is changed)")
    p.add_argument("--screen", type=int, metavar="ID", help="refuse the file unless it is this screen's")
    p.add_argument("--supplier", metavar="CODE", help="refuse the file unless it is this supplier's")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=import_file)
    p = vsub.add_parser("show", help="a screen's score, decision, knock-outs and reasons")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)
    p = vsub.add_parser("decide", help="record the reviewer's decision on a screen")
    p.add_argument("id", type=int)
    p.add_argument("--decision", required=True, help="approve, 'approve with conditions' or reject")
    p.add_argument("--reviewer", required=True)
    p.add_argument("--date", type=parse_date, help="decision date (default: today)")
    p.add_argument("--condition", action="append", default=None, metavar="TEXT[@YYYY-MM-DD]",
                   help="a condition and its due date; repeat for more (default: the checklist's proposals)")
    p.add_argument("--note", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=decide)
    p = vsub.add_parser("reopen", help="take back a screen's decision so its answers can change")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=reopen)
    p = vsub.add_parser("conditions", help="conditions of approvals, as action items with due dates")
    p.add_argument("--supplier", metavar="CODE")
    p.add_argument("--open", action="store_true", help="open conditions only")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=conditions)
    p = vsub.add_parser("condition", help="mark a condition closed (met), open or withdrawn")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=("closed", "open", "withdrawn"))
    p.add_argument("--date", type=parse_date)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=condition_status)
    p = vsub.add_parser("letter", help="write the decision letter of a decided screen (Word)")
    p.add_argument("id", type=int)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.docx")
    p.add_argument("--lang", choices=("en", "zh-en"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=letter)


def templates(args) -> int:
    from csrdesk.services.checklists import list_checklists

    rows = list_checklists(open_db(args), all_versions=args.all_versions)
    if args.json:
        emit_json([{"key": t.key, "title": t.title, "version": t.version, "title_zh": t.title_zh, "kind": t.kind,
                    "builtin": t.builtin, "questions": t.questions} for t in rows])
        return 0
    for t in rows:
        print(f"{t.key:28} v{t.version:<3} {t.kind:10} {t.questions:3} questions  {t.title}")
    return 0


def _print_screen(summary: dict) -> None:
    who = summary["supplier"] or summary["subject"]
    t = summary["template"]
    print(f"Screen {summary['screen_id']}: {t['title']} v{t['version']} for {who}")
    state = f"decided by {summary['reviewer']} on {summary['decision_date']}" if summary["decided"] else "suggested"
    print(f"  score {summary['score']:g}, {summary['decision']} ({state}); "
          f"{summary['answered']}/{summary['questions']} answered")
    for k in summary["knockouts"]:
        print(f"  KNOCK-OUT {k}")
    for reason in summary["reasons"]:
        print(f"  - {reason}")
    for c in summary["conditions"]:
        late = " OVERDUE" if c["overdue"] else ""
        print(f"  condition {c['id']} [{c['status']}{late}] due {c['due_date'] or '-'}: {c['text']}")


def screens(args) -> int:
    from csrdesk.services.vetting import list_screens

    rows = list_screens(open_db(args), args.supplier)
    if args.json:
        emit_json([{"screen_id": r.id, "template": r.template_key, "version": r.template_version,
                    "supplier": r.supplier_code or None, "subject": r.subject or None, "score": r.score,
                    "suggested_decision": r.suggested_decision, "decision": r.decision, "reviewer": r.reviewer,
                    "decision_date": r.decision_date, "open_conditions": r.open_conditions} for r in rows])
        return 0
    for r in rows:
        decision = r.decision or f"({r.suggested_decision})"
        score = "-" if r.score is None else f"{r.score:g}"
        print(f"{r.id:5}  {r.template_key:26} {r.name[:40]:40} {score:>5}  {decision}")
    return 0


def start(args) -> int:
    from csrdesk.services.vetting import screen_summary, start_screen

    detail = start_screen(open_db(args), args.template, supplier_code=args.supplier, subject=args.subject or "",
                          source="command line")
    summary = screen_summary(detail)
    emit_json(summary) if args.json else print(f"started screen {detail.id} ({detail.template.title}) for {detail.name}")
    return 0


def export(args) -> int:
    from csrdesk.services.vetting import export_for_supplier

    if args.output.suffix.lower() != ".xlsx":
        raise CliError(f"{args.output} must end in .xlsx")
    screen_id, path = export_for_supplier(open_db(args), args.code, args.template, args.output)
    if args.json:
        emit_json({"screen_id": screen_id, "file": path})
    else:
        print(f"wrote the questionnaire of screen {screen_id} to {path}")
    return 0


def import_file(args) -> int:
    from csrdesk.services.vetting import import_questionnaire

    result = import_questionnaire(open_db(args), args.file, screen_id=args.screen, supplier_code=args.supplier,
                                  apply=args.apply, source="command line")
    e = result.evaluation
    if args.json:
        emit_json({
            "screen_id": result.screen_id, "score": e.score, "decision": e.suggested.value,
            "knockouts": [k.text for k in e.knockouts],
            "supplier": result.supplier_code or None, "subject": result.subject or None,
            "template": {"key": result.template_key, "version": result.template_version},
            "changes": [{"question": c.question_id, "number": c.number, "old": c.old_answer, "new": c.new_answer,
                         "old_evidence": c.old_evidence, "new_evidence": c.new_evidence,
                         "comment_changed": c.old_comment != c.new_comment, "conflict": c.conflict}
                        for c in result.changes],
            "problems": list(result.problems), "reasons": list(e.reasons),
            "applied": result.applied, "backup": result.backup, "notes": list(result.notes),
        })
        return 0
    who = result.supplier_code or result.subject
    print(f"Questionnaire of screen {result.screen_id} ({who}), {result.template_key} v{result.template_version}")
    for c in result.changes:
        print(f"  {c.describe()}")
    for problem in result.problems:
        print(f"  PROBLEM {problem}")
    for note in result.notes:
        print(f"  note: {note}")
    if result.empty:
        print("  no changes")
    print(f"  score {e.score:g}, suggested: {e.suggested.value}")
    for k in e.knockouts:
        print(f"  KNOCK-OUT {k.text}")
    if result.applied:
        print(f"applied {plural(len(result.changes), 'change')}")
    elif not result.empty:
        print("nothing was changed; run again with --apply to save these answers")
    return 0


def show(args) -> int:
    from csrdesk.services.vetting import screen_detail, screen_summary

    summary = screen_summary(screen_detail(open_db(args), args.id))
    emit_json(summary) if args.json else _print_screen(summary)
    return 0


def _condition(text: str, default_date):
    from csrdesk.services.vetting import ConditionInput

    body, sep, when = text.rpartition("@")
    if sep and len(when.strip()) == 10:
        try:
            return ConditionInput(body.strip(), parse_date(when.strip()))
        except Exception:
            raise CliError(f"{when.strip()!r} is not a date in the form YYYY-MM-DD") from None
    return ConditionInput(text.strip(), default_date)


def decide(args) -> int:
    from csrdesk.services.vetting import decide_screen, screen_summary

    conditions = None
    if args.condition is not None:
        conditions = [_condition(c, None) for c in args.condition]
    detail = decide_screen(open_db(args), args.id, args.decision, args.reviewer, decided_on=args.date,
                           conditions=conditions, notes=args.note, source="command line")
    summary = screen_summary(detail)
    emit_json(summary) if args.json else _print_screen(summary)
    return 0


def reopen(args) -> int:
    from csrdesk.services.vetting import reopen_screen, screen_summary

    summary = screen_summary(reopen_screen(open_db(args), args.id, note=args.note, source="command line"))
    emit_json(summary) if args.json else _print_screen(summary)
    return 0


def _condition_json(c) -> dict:
    return {"id": c.id, "screen_id": c.screen_id, "supplier": c.supplier_code or None, "subject": c.subject or None,
            "text": c.text, "due_date": c.due_date, "status": c.status, "closed_date": c.closed_date,
            "overdue": c.overdue}


def conditions(args) -> int:
    from csrdesk.services.vetting import list_conditions

    rows = list_conditions(open_db(args), supplier_code=args.supplier, open_only=args.open)
    if args.json:
        emit_json([_condition_json(c) for c in rows])
        return 0
    for c in rows:
        late = " OVERDUE" if c.overdue else ""
        print(f"{c.id:5}  {(c.supplier_code or c.subject)[:20]:20} {str(c.due_date or '-'):10} "
              f"{c.status}{late}  {c.text}")
    return 0


def condition_status(args) -> int:
    from csrdesk.services.vetting import set_condition_status

    c = set_condition_status(open_db(args), args.id, args.status, on=args.date, source="command line")
    emit_json(_condition_json(c)) if args.json else print(f"condition {c.id} is {c.status}")
    return 0


def letter(args) -> int:
    from csrdesk.cli.letters import warn
    from csrdesk.services.letters import letter_warnings
    from csrdesk.services.letters import render_vetting_letter

    if args.output.suffix.lower() != ".docx":
        raise CliError(f"{args.output} must end in .docx")
    db = open_db(args)
    path = render_vetting_letter(db, args.id, args.output, lang=args.lang)
    warn(letter_warnings(db))
    emit_json({"screen_id": args.id, "file": path}) if args.json else print(f"wrote the decision letter to {path}")
    return 0
