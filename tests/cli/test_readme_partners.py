"""Every command of README's "Partners and the brand's side" runs as written after `csrdesk demo`, and does what
the section says: the brand action opens, the pack is written, the escalation step copies the sourcing owner."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from openpyxl import load_workbook

from csrdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]


def section_examples() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Partners and the brand's side"):]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def test_partners_section_runs_after_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    examples = section_examples()
    assert len(examples) >= 15 and all(argv[0] == "csrdesk" for argv in examples)
    outputs = {}
    for argv in examples:
        code = main(["--db", db, *argv[1:]])
        out, err = capsys.readouterr()
        assert code == 0, f"{' '.join(argv)}: exit {code}: {err}"
        outputs.setdefault(" ".join(argv[1:3]), out)  # the first of each command
    assert json.loads(outputs["partners add"])["id"] == 1
    assert json.loads(outputs["brand-actions list"])[0]["cap_item"] == 1978
    steps = json.loads(outputs["escalations history"])
    assert steps[-1]["copied_to"] and steps[-1]["sourcing_attended"] == "Priya Nair"
    wb = load_workbook(tmp_path / "shared-pack.xlsx")
    assert wb["Findings"].max_row > 2
