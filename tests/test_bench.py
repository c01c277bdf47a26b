"""The benchmark command: every row is produced on a small scale, new measurements plug in, --keep keeps the data.

Timings are not asserted here (the benchmark reports them); these tests show the command works end to end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csrdesk.bench import registry, runner

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION_ROWS = {
    "demo generation", "supplier list with ratings", "one supplier's detail", "overdue items, all suppliers",
    "open items, all suppliers (CAPs page)",
}
# The rows of this part; other parts' rows (letters, trackers) work at fixed sizes and are tested by those parts.
ONLY = ("--only", "supplier list", "--only", "supplier's detail", "--only", "items, all suppliers")


def _run(tmp_path, *args):
    env = dict(os.environ, CSRDESK_HOME=str(tmp_path / "outer-home"), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "csrdesk.bench", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)


def test_small_bench_json_has_every_row(tmp_path):
    """`python -m csrdesk.bench --suppliers 20 --findings-per-assessment 10 --json` reports every operation."""
    done = _run(tmp_path, "--suppliers", "20", "--findings-per-assessment", "10", "--json", *ONLY)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    rows = {r["operation"]: r for r in report["rows"]}
    assert set(rows) == FOUNDATION_ROWS
    for name in FOUNDATION_ROWS:
        row = rows[name]
        assert set(row) >= {"operation", "seconds", "target", "ok"}
        assert row["seconds"] is not None and not row["detail"].startswith("failed"), row
    assert rows["demo generation"]["target"] == 60 and rows["supplier list with ratings"]["target"] == 0.2
    assert rows["one supplier's detail"]["target"] == 0.05 and rows["overdue items, all suppliers"]["target"] == 0.3
    assert len(rows["supplier list with ratings"]["runs"]) == 5 and len(rows["demo generation"]["runs"]) == 1
    assert report["counts"]["suppliers"] == 20 and rows["supplier list with ratings"]["detail"] == "20 suppliers"
    assert report["ok"] == all(r["ok"] is not False for r in report["rows"])
    assert not (tmp_path / "outer-home").exists(), "the benchmark works in its own temporary folder"


def test_table_output_and_keep(tmp_path):
    """Without --json a table with operation, seconds, target and ok is printed; --keep leaves the database there."""
    keep = tmp_path / "kept"
    done = _run(tmp_path, "--suppliers", "8", "--findings-per-assessment", "4", "--keep", str(keep), *ONLY)
    assert done.returncode in (0, 1), done.stderr
    header = done.stdout.splitlines()[0].split()
    assert header[:4] == ["operation", "seconds", "target", "ok"]
    assert "supplier list with ratings" in done.stdout and "< 0.2" in done.stdout
    assert (keep / "bench.sqlite3").is_file()
    again = _run(tmp_path, "--suppliers", "8", "--keep", str(keep))
    assert again.returncode == 2 and "already holds a benchmark database" in again.stderr


def test_bad_arguments_exit_2(tmp_path):
    """A size out of range is refused with one line and exit status 2."""
    done = _run(tmp_path, "--suppliers", "0")
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_registered_measurement_runs_on_the_demo_workspace(tmp_path, monkeypatch):
    """A measurement added with @measure runs after the demo on the same workspace and gets its own row."""
    seen = {}
    before = list(registry.MEASUREMENTS)
    try:
        @registry.measure("count suppliers in the workspace", target=10.0, repeat=3)
        def _count(ctx):
            from csrdesk.services.suppliers import list_suppliers

            seen["n"] = len(list_suppliers(ctx.db))
            return f"{seen['n']} suppliers"

        @registry.measure("a broken measurement", target=1.0, repeat=1)
        def _broken(ctx):
            raise RuntimeError("no such export")

        report = runner.run_bench(5, 3, measurements=[registry.MEASUREMENTS[0], *registry.MEASUREMENTS[-2:]])
    finally:
        registry.MEASUREMENTS[:] = before
    rows = {r["operation"]: r for r in report["rows"]}
    assert seen["n"] == 5 and rows["count suppliers in the workspace"]["detail"] == "5 suppliers"
    assert len(rows["count suppliers in the workspace"]["runs"]) == 3
    broken = rows["a broken measurement"]
    assert broken["ok"] is False and "no such export" in broken["detail"] and report["ok"] is False
    assert "count suppliers in the workspace" in runner.format_table(report)


def test_every_part_s_rows_reach_the_command(tmp_path):
    """Rows registered by the letters, trackers and window modules appear when the command runs as `python -m`."""
    extra = [m.name for m in registry.MEASUREMENTS if m.name not in FOUNDATION_ROWS]
    assert len(extra) >= 5
    done = _run(tmp_path, "--suppliers", "6", "--findings-per-assessment", "4", "--json", "--only", extra[0])
    assert done.returncode in (0, 1), done.stderr
    operations = [r["operation"] for r in json.loads(done.stdout)["rows"]]
    assert operations == ["demo generation", extra[0]]
