"""Every command-line example in README runs as written after `csrdesk demo` (it used CN-0001, which the demo
does not create). Lines whose comment says "refused" must be refused in one line (exit 2); all others succeed."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from csrdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]
OSH = ROOT / "tests" / "data" / "open-supply-hub" / "summer-2019-compliance-list.csv"


def readme_examples() -> list[tuple[str, list[str], bool]]:
    """(line, argv, refused) for each line of the bash block under '## Command line'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line"):]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    out = []
    for line in block.splitlines():
        if not line.strip():
            continue
        argv = shlex.split(line, comments=True)
        comment = line.split("#", 1)[1] if "#" in line.replace('"#', "") else ""
        out.append((line, argv, "refused" in comment))
    return out


def _user_files(folder: Path) -> None:
    """The files the examples take from the user: a supplier list and an auditor's findings file."""
    shutil.copy(OSH, folder / "open-supply-hub-list.csv")
    wb = openpyxl.Workbook()
    wb.active.append(["Finding", "Severity", "Legal requirement"])
    wb.active.append(["Fire exit on the second floor blocked by cartons", "critical", "Fire Law art. 28"])
    wb.active.append(["Payslips do not show overtime hours", "minor", ""])
    wb.save(folder / "findings.xlsx")


def test_every_readme_example_runs_as_written_after_the_demo(tmp_path, monkeypatch, capsys):
    examples = readme_examples()
    assert examples[0][1][:2] == ["csrdesk", "demo"] and len(examples) > 25
    assert all(argv[0] == "csrdesk" for _, argv, _ in examples)
    assert not [line for line, _, _ in examples if "…" in line.split("#")[0] or "[" in line.split("#")[0]]
    monkeypatch.chdir(tmp_path)
    _user_files(tmp_path)
    failures = []
    for line, argv, refused in examples:
        if argv[1] == "selftest":  # it opens the window: in a process of its own
            done = subprocess.run([sys.executable, "-m", "csrdesk", *argv[1:]], capture_output=True, text=True,
                                  timeout=300, env=dict(os.environ))
            code, err = done.returncode, done.stderr
        else:
            code = main(argv[1:])
            err = capsys.readouterr().err
        expected = 2 if refused else 0
        if code != expected or (refused and err.count("\n") != 1):
            failures.append(f"{line!r}: exit {code}, expected {expected}: {err.strip()[:300]}")
    assert failures == []
    assert (tmp_path / "cap-letter.docx").is_file() and (tmp_path / "master.xlsx").is_file()
