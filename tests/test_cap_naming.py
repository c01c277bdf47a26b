"""The app names a CAP one way, "CAP #140", in every message, heading and command-line line of its own (the
window's headings and the Change history said "CAP #140" while messages, refusals and the command line said
"CAP 140": the fresh new-user pass read both within one review). File names keep "CAP 140" (no "#" in a file
name), and so do the documents that go to factories, whose templates the user may edit."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "csrdesk"
PLAIN = re.compile(r"CAP \{(?!numbered)")  # an f-string writing "CAP 140"


def test_every_message_of_the_app_names_a_cap_with_its_number_sign():
    offenders = []
    for folder in ("ui", "services", "cli", "domain"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if PLAIN.search(line) and ".xlsx" not in line and "assert " not in line:
                    offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_sees_a_plain_cap_number():
    assert PLAIN.search('raise UserError(f"CAP {cap_id} is closed")')
    assert not PLAIN.search('raise UserError(f"CAP #{cap_id} is closed")')
