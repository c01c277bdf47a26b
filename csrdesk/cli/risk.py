"""Command line: reports of the program; the country risk map and the user's country risk notes."""
from __future__ import annotations

from pathlib import Path

from csrdesk.cli.common import CliError, emit_json, open_db, parse_date

report_actions = None  # the `report` subcommand group, for other command modules to add their reports to


def register(sub) -> None:
    global report_actions
    rp = sub.add_parser("report", help="reports of the program: program report, supplier scorecard, public summary, risk map")
    rsub = rp.add_subparsers(dest="action", metavar="REPORT", required=True)
    report_actions = rsub
    p = rsub.add_parser("risk", help="countries x finding categories: share of assessments with a finding, "
                                     "weighted by severity")
    p.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD", help="only assessments from this day on")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.png", help="also draw the heat map as a PNG")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report_risk)
    p = rsub.add_parser("risk-note", help="keep your own note on a country's risk (empty text removes it)")
    p.add_argument("country")
    p.add_argument("text", nargs="?", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=report_risk_note)
    from csrdesk.cli import reports_cli

    reports_cli.register(rsub)


def report_risk(args) -> int:
    from csrdesk.services.risk import category_titles, risk_map, risk_map_png

    db = open_db(args)
    risk = risk_map(db, args.since)
    if args.output is not None:
        if args.output.suffix.lower() != ".png":
            raise CliError("the risk map is drawn as a PNG: give a file name ending in .png")
        risk_map_png(db, args.output, args.since)
    if args.json:
        emit_json({
            "countries": list(risk.countries), "categories": list(risk.categories),
            "cells": [{"country": c.country, "category": c.category, "assessments": c.assessments,
                       "with_finding": c.with_finding, "share": round(c.share, 4), "weighted": round(c.weighted, 4)}
                      for c in risk.cells],
            "assessments": dict(risk.assessments), "scores": {k: round(v, 4) for k, v in risk.scores.items()},
            "notes": dict(risk.notes), "category_titles": category_titles(db), "since": args.since,
            "png": args.output,
        })
        return 0
    titles = category_titles(db)
    for country in risk.countries:
        cells = sorted((c for c in risk.cells if c.country == country and c.with_finding),
                       key=lambda c: -c.weighted)[:4]
        top = ", ".join(f"{titles.get(c.category, c.category)} {c.share:.0%}" for c in cells) or "no findings"
        n = risk.assessments[country]
        word = "assessment" if n == 1 else "assessments"
        print(f"{country:<16} {n:>5} {word:<11}  score {risk.scores[country]:.2f}  {top}")
        if risk.notes.get(country):
            print(f"{'':<16} note: {risk.notes[country]}")
    if args.output is not None:
        print(f"wrote {args.output}")
    return 0


def report_risk_note(args) -> int:
    from csrdesk.services.risk import save_country_note

    country = save_country_note(open_db(args), args.country, args.text)
    if args.json:
        emit_json({"country": country, "notes": args.text.strip()})
    else:
        print(f"note on {country} {'saved' if args.text.strip() else 'removed'}")
    return 0
