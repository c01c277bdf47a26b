"""The window tour rows of the benchmark: every page's first open, the first Ctrl+K and the window's peak memory are
reported from one real window in a new process, and --reuse measures a kept workspace again without a new demo."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_ROWS = {"first open, Dashboard page", "first open, Suppliers page", "first open, Assessments page",
             "first open, CAPs page", "first open, Vetting page", "first open, Verification page",
             "first open, Complaints page", "first open, Library page", "first open, supplier page"}


def _run(tmp_path, *args):
    env = dict(os.environ, CSRDESK_HOME=str(tmp_path / "outer-home"), PYTHONPATH=str(ROOT),
               QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "csrdesk.bench", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)


def test_tour_reports_every_page_search_and_memory_and_reuse_skips_the_demo(tmp_path):
    """A user reading the benchmark sees a row per page (target 0.5 s), the first Ctrl+K (0.2 s) with its hits,
    and the peak memory in MB; a second run on the kept workspace measures the same rows without a demo."""
    keep = tmp_path / "kept"
    done = _run(tmp_path, "--suppliers", "6", "--findings-per-assessment", "4", "--json", "--keep", str(keep),
                "--only", "first open", "--only", "first Ctrl+K", "--only", "peak memory")
    assert done.returncode in (0, 1), done.stderr
    rows = {r["operation"]: r for r in json.loads(done.stdout)["rows"]}
    assert PAGE_ROWS <= set(rows)
    for name in PAGE_ROWS:
        assert rows[name]["target"] == 0.5 and rows[name]["seconds"] is not None, rows[name]
        assert not rows[name]["detail"].startswith("failed"), rows[name]
    search = rows["first Ctrl+K after start"]
    assert search["target"] == 0.2 and "hits shown" in search["detail"] and "-1 hits" not in search["detail"]
    memory = rows["window peak memory, every page visited"]
    assert "peak" in memory["detail"] and "MB" in memory["detail"]

    again = _run(tmp_path, "--reuse", str(keep), "--json", "--only", "first open, CAPs")
    assert again.returncode in (0, 1), again.stderr
    operations = [r["operation"] for r in json.loads(again.stdout)["rows"]]
    assert operations == ["first open, CAPs page"]

    missing = _run(tmp_path, "--reuse", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "no benchmark database" in missing.stderr
