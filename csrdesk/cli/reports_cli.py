"""Command line: the program report, a supplier's scorecard and the public summary (`csrdesk report ...`)."""
from __future__ import annotations

from pathlib import Path

from csrdesk.cli.common import emit_json, open_db, open_shared_db, parse_date, whole_number


def register(rsub) -> None:
    p = rsub.add_parser("program", help="the program report for a period: Word with charts (.docx) or the figures "
                                        "behind every chart (.xlsx)")
    p.add_argument("--from", dest="date_from", type=parse_date, metavar="YYYY-MM-DD",
                   help="first day (default: the first of the month a year ago)")
    p.add_argument("--to", dest="date_to", type=parse_date, metavar="YYYY-MM-DD", help="last day (default: today)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.docx|FILE.xlsx", help="write the report to this file")
    p.add_argument("--lang", choices=("en", "zh-en"), default="en", help="English, or English and Chinese headings")
    p.add_argument("--template", metavar="NAME", help="a report template of yours (see `report templates`)")
    p.add_argument("--json", action="store_true", help="print the report's figures")
    p.set_defaults(handler=report_program)
    p = rsub.add_parser("supplier", help="one supplier's scorecard (Word, one or two pages)")
    p.add_argument("code", help="supplier code")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.docx", help="write the scorecard to this file")
    p.add_argument("--lang", choices=("en", "zh-en"), default="en")
    p.add_argument("--template", metavar="NAME", help="a scorecard template of yours (see `report templates`)")
    p.add_argument("--json", action="store_true", help="print the scorecard's figures")
    p.set_defaults(handler=report_supplier)
    p = rsub.add_parser("public", help="the public summary of a year (Excel): aggregate figures, no supplier names "
                                       "unless --with-names")
    p.add_argument("--year", type=whole_number(1990, 9999, "the year"), required=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx", help="write the summary to this file")
    p.add_argument("--with-names", action="store_true",
                   help="include the list of factories (only when they are to be published)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report_public)
    p = rsub.add_parser("templates", help="the report templates: built-in ones and your copies")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report_templates)
    p = rsub.add_parser("template-copy", help="copy a built-in report template into your templates folder to edit "
                                              "in Word (a copy with the same name is then used instead)")
    p.add_argument("name", help="e.g. program_report_en.docx")
    p.add_argument("new_name", nargs="?", help="name of the copy (must start like the original)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report_template_copy)


def report_program(args) -> int:
    from csrdesk.services.program_report import program_report
    from csrdesk.services.reports import write_program_report

    db = open_db(args)
    if args.output is not None:
        written = write_program_report(db, args.output, args.date_from, args.date_to, lang=args.lang,
                                       template=args.template)
        figures, empty = written.figures, written.empty
    else:
        report = program_report(db, args.date_from, args.date_to)
        figures, empty = report.to_dict(), report.empty
    if args.json:
        emit_json({**figures, "output": args.output})
        return 0
    if empty:
        print("The database holds no suppliers yet: there is nothing to report.")
    for key, sec in figures["sections"].items():
        print(sec["title"])
        for sentence in sec["sentences"]:
            print(f"  {sentence}")
    if args.output is not None:
        print(f"wrote {args.output}")
    return 0


def report_supplier(args) -> int:
    from csrdesk.services.reports import write_scorecard
    from csrdesk.services.scorecard import supplier_scorecard

    db = open_db(args)
    if args.output is not None:
        figures = write_scorecard(db, args.code, args.output, lang=args.lang, template=args.template).figures
    else:
        figures = supplier_scorecard(db, args.code).to_dict()
    if args.json:
        emit_json({**figures, "output": args.output})
        return 0
    print(f"{figures['code']} {figures['name']}: {figures['rating'] or 'not assessed'}")
    for sec in figures["sections"].values():
        for sentence in sec["sentences"]:
            print(f"  {sentence}")
    if args.output is not None:
        print(f"wrote {args.output}")
    return 0


def report_public(args) -> int:
    from csrdesk.services.public_summary import public_summary, write_public_summary

    db = open_db(args)
    if args.output is not None:
        summary = write_public_summary(db, args.year, args.output, with_names=args.with_names)
    else:
        summary = public_summary(db, args.year, with_names=args.with_names)
    if args.json:
        emit_json({**summary.to_dict(), "output": args.output})
        return 0
    rate = f"{summary.remediation_rate:.0%}" if summary.remediation_rate is not None else "-"
    print(f"{summary.year}: {summary.factories:,} factories, {summary.assessments:,} assessments, "
          f"remediation rate {rate}, complaints {summary.complaints_received:,} received / "
          f"{summary.complaints_resolved:,} resolved")
    if args.output is not None:
        print(f"wrote {args.output}")
    return 0


def report_templates(args) -> int:
    from csrdesk.services.report_templates import list_report_templates

    open_shared_db(args)  # a team's database: its shared templates are listed too
    rows = list_report_templates()
    if args.json:
        emit_json([{"name": t.name, "kind": t.kind, "source": t.source, "path": t.path} for t in rows])
        return 0
    for t in rows:
        print(f"{t.name:<34} {t.kind:<20} {t.source}" + (f"  {t.path}" if t.path else ""))
    return 0


def report_template_copy(args) -> int:
    from csrdesk.services.report_templates import copy_report_template

    path = copy_report_template(args.name, args.new_name)
    if args.json:
        emit_json({"path": path})
    else:
        print(f"copied to {path}: edit it in Word; keep the paragraph {{{{ report_body }}}} where the sections go")
    return 0
