"""Command line: the settings of the Settings dialog (your name and signature, follow-up days, vetting rule...)."""
from __future__ import annotations

from csrdesk.cli.common import emit_json, open_db


def register(sub) -> None:
    sp = sub.add_parser("settings", help="show or change the settings (the same checks as the Settings dialog)")
    ssub = sp.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ssub.add_parser("show", help="every setting and its value")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=settings_show)
    p = ssub.add_parser("set", help="change one setting, e.g. `settings set follow_up_days 60`")
    p.add_argument("key")
    p.add_argument("value", help="text; yes/no for switches; a whole number for days; \\n for a new line")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=settings_set)


def settings_show(args) -> int:
    from csrdesk.services.settings import preferences_dict

    values = preferences_dict(open_db(args))
    if args.json:
        emit_json(values)
    else:
        for key, value in values.items():
            shown = str(value).replace("\n", "\\n")
            print(f"{key:<18} {shown}")
    return 0


def settings_set(args) -> int:
    from dataclasses import asdict

    from csrdesk.services.settings import set_preference

    prefs = set_preference(open_db(args), args.key, args.value)
    if args.json:
        emit_json(asdict(prefs))
    else:
        key = args.key.strip().replace("-", "_")
        print(f"{key} is now {getattr(prefs, key)!r}")
    return 0
