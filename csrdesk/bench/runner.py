"""The benchmark: builds the large-program scale in a temporary workspace and times what users wait for.

    python -m csrdesk.bench [--suppliers 600] [--findings-per-assessment 87] [--json] [--keep DIR | --reuse DIR] [--only TEXT]

Each measurement is a function registered with @measure(name, target), as the self-test registers its steps with
@step: each part keeps its own in a module of this package (foundation, letters, trackers, window), imported below.
Measurements run in the order registered, after
the demo generation, on the same workspace. Quick operations run several times and the median is reported; the
table says whether each met its target on this machine, and gives the CPU seconds of the work itself (on a busy
machine the wall clock grows, the CPU time does not). Exit status 0 when every measurement with a target met it,
1 otherwise, 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

# Each part's measurements, registered in this order when imported: the demo generation first.
from csrdesk.bench import foundation, letters, trackers, verification, window  # noqa: F401
from csrdesk.bench import complaints  # noqa: F401,I001  (after the demo generation it builds on)
from csrdesk.bench import reports  # noqa: F401,I001  (the report and chart rows)
from csrdesk.bench import partners  # noqa: F401,I001  (the brand's side: partners tab, brand actions, shared pack)
from csrdesk.bench import pages  # noqa: F401,I001  (the window tour: every page's first open, Ctrl+K, memory)
from csrdesk.bench import team  # noqa: F401,I001  (after the SQLite rows it compares with)
from csrdesk.bench.registry import MEASUREMENTS, BenchContext, Measurement, Row, Timed


# -- running ------------------------------------------------------------------------------------------------------

def run_bench(suppliers: int = 600, findings_per_assessment: int = 87, *, keep: Optional[Path] = None,
              seed: int = 1, progress: Optional[Callable[[Row], None]] = None,
              measurements: Optional[Sequence[Measurement]] = None, only: Sequence[str] = (),
              reuse: Optional[Path] = None) -> dict:
    """Runs every measurement in a fresh workspace (CSRDESK_HOME in a temporary folder, or in `keep`).

    `only`: run just the measurements whose name contains one of these texts, and the demo generation they need.
    `reuse`: a workspace kept earlier with `keep`; its data is measured again without generating the demo (for
    before-and-after figures on the same data).
    """
    if measurements is None:
        measurements = list(MEASUREMENTS)
    if only:
        wanted = [t.lower() for t in only]
        measurements = [m for m in measurements
                        if m.name == "demo generation" or any(t in m.name.lower() for t in wanted)]
    rows: list[Row] = []
    previous_home = os.environ.get("CSRDESK_HOME")
    with tempfile.TemporaryDirectory(prefix="csrdesk-bench-") as tmp:
        folder = Path(reuse or keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["CSRDESK_HOME"] = str(folder / "home")
        os.environ.setdefault("MPLCONFIGDIR", str(folder / "home" / "cache" / "matplotlib"))
        ctx = BenchContext(folder=folder, suppliers=suppliers, findings_per_assessment=findings_per_assessment,
                           seed=seed)
        if reuse is not None:
            from csrdesk.services.startup import open_workspace

            measurements = [m for m in measurements if m.name != "demo generation"]
            ctx.db = open_workspace(str(folder / "bench.sqlite3"))
        try:
            for m in measurements:
                row = _run_one(m, ctx)
                rows.append(row)
                if progress:
                    progress(row)
        finally:
            if ctx.db is not None:
                ctx.db.dispose()
            if previous_home is None:
                os.environ.pop("CSRDESK_HOME", None)
            else:
                os.environ["CSRDESK_HOME"] = previous_home
    return {
        "ok": all(r.ok is not False for r in rows),
        "suppliers": suppliers,
        "findings_per_assessment": findings_per_assessment,
        "counts": asdict(ctx.demo) if ctx.demo is not None else None,
        "database": str(folder / "bench.sqlite3") if (keep or reuse) else None,
        "rows": [
            {"operation": r.operation, "seconds": r.seconds, "target": r.target, "ok": r.ok, "detail": r.detail,
             "runs": r.runs, "cpu_seconds": r.cpu}
            for r in rows
        ],
    }


def _run_one(m: Measurement, ctx: BenchContext) -> Row:
    runs: list[float] = []
    cpu: list[float] = []
    detail = ""
    try:
        for _ in range(max(1, m.repeat)):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = m.fn(ctx) or ""
            elapsed, spent = time.perf_counter() - started, time.process_time() - started_cpu
            if isinstance(result, Timed):
                elapsed, spent, result = result.seconds, result.cpu, result.detail
            detail = result
            runs.append(elapsed)
            if spent is not None:
                cpu.append(spent)
    except Exception as exc:  # one broken measurement is reported, the rest still run
        return Row(m.name, None, m.target, False, f"failed: {type(exc).__name__}: {exc}", [round(r, 4) for r in runs])
    seconds = statistics.median(runs)
    # A target relative to a reference measured earlier in the same run (bare docxtpl...) is set in ctx.facts.
    target = ctx.facts.get(("target", m.name), m.target)
    ok = None if target is None else seconds < target
    return Row(m.name, round(seconds, 4), target, ok, detail, [round(r, 4) for r in runs],
               round(statistics.median(cpu), 4) if cpu else None)


def format_table(report: dict) -> str:
    """The report as a table: operation, seconds (median wall clock), target, ok, CPU seconds, detail."""
    header = ("operation", "seconds", "target", "ok", "cpu", "detail")
    lines = [header]
    for r in report["rows"]:
        lines.append((
            r["operation"],
            "-" if r["seconds"] is None else f"{r['seconds']:.3f}",
            "-" if r["target"] is None else f"< {r['target']:g}",
            {True: "yes", False: "NO", None: "-"}[r["ok"]],
            "-" if r.get("cpu_seconds") is None else f"{r['cpu_seconds']:.3f}",
            r["detail"],
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(5)]
    out = []
    for k, line in enumerate(lines):
        cells = [str(line[0]).ljust(widths[0]), str(line[1]).rjust(widths[1]), str(line[2]).ljust(widths[2]),
                 str(line[3]).ljust(widths[3]), str(line[4]).rjust(widths[4]), str(line[5])]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(out)


def _parser() -> argparse.ArgumentParser:
    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:
            self.exit(2, f"csrdesk.bench: {message}\n")

    p = Parser(prog="python -m csrdesk.bench",
               description="Build the large-program scale in a temporary workspace and time what users wait for.")
    p.add_argument("--suppliers", type=int, default=600)
    p.add_argument("--findings-per-assessment", type=int, default=87)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--keep", type=Path, metavar="DIR", help="build the workspace in DIR and keep it")
    p.add_argument("--only", action="append", default=[], metavar="TEXT",
                   help="run only the measurements whose name contains TEXT (repeatable; the demo always runs)")
    p.add_argument("--reuse", type=Path, metavar="DIR",
                   help="measure a workspace kept earlier with --keep again, without generating the demo")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if not 1 <= args.suppliers <= 9999 or not 0 <= args.findings_per_assessment <= 500:
        sys.stderr.write("csrdesk.bench: --suppliers must be from 1 to 9999 and --findings-per-assessment from 0 to 500\n")
        return 2
    if args.reuse is not None and not (args.reuse / "bench.sqlite3").is_file():
        sys.stderr.write(f"csrdesk.bench: {args.reuse} holds no benchmark database; keep one first with --keep\n")
        return 2
    if args.keep is not None and (args.keep / "bench.sqlite3").exists():
        sys.stderr.write(f"csrdesk.bench: {args.keep} already holds a benchmark database; choose an empty folder\n")
        return 2

    def show(row: Row) -> None:
        if not args.json:
            mark = {True: "ok", False: "SLOW" if row.seconds is not None else "FAILED", None: "--"}[row.ok]
            took = "-" if row.seconds is None else f"{row.seconds:.3f} s"
            print(f"[{mark}] {row.operation}: {took} {row.detail}", file=sys.stderr, flush=True)

    report = run_bench(args.suppliers, args.findings_per_assessment, keep=args.keep, seed=args.seed, progress=show,
                       only=args.only, reuse=args.reuse)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        print(format_table(report))
        if args.keep:
            print(f"\nThe workspace is kept in {args.keep}.")
    return 0 if report["ok"] else 1

