"""Times csrdesk from launch to a usable window, frozen bundle against the source, on the same database.

    python installer/measure_start.py [--runs 5] [--suppliers 40]

With --cold the page cache is emptied before every launch (Linux, as root). Each run is a new process started with CSRDESK_STARTUP_PROBE=1, which prints READY once the first page shows its
data and then closes; the time is from launch to READY. The first run of each is reported apart as the cold one
(files not yet in the page cache after a build), the others as warm medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "dist" / "csrdesk" / ("csrdesk.exe" if sys.platform == "win32" else "csrdesk")


def launch(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "READY":
            seconds = time.perf_counter() - started
            child.wait(30)
            return seconds
    child.wait(30)
    raise RuntimeError(f"{cmd[0]} did not start: {child.stderr.read()[-800:] if child.stderr else ''}")


def drop_page_cache() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suppliers", type=int, default=40)
    parser.add_argument("--cold", action="store_true",
                        help="empty the page cache before every launch (Linux, as root): a true cold start")
    args = parser.parse_args()
    if not FROZEN.exists():
        sys.exit(f"no frozen app at {FROZEN}: run installer/build.sh first")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CSRDESK_HOME=str(Path(tmp) / "home"), CSRDESK_STARTUP_PROBE="1")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        db = str(Path(tmp) / "start.sqlite3")
        subprocess.run([sys.executable, "-m", "csrdesk", "--db", db, "demo", "--suppliers", str(args.suppliers)],
                       check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        commands = {"source": [sys.executable, "-m", "csrdesk", "--db", db], "frozen": [str(FROZEN), "--db", db]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so a busy moment hits both alike
            for name, cmd in commands.items():
                if args.cold:
                    drop_page_cache()
                times[name].append(launch(cmd, env))
    print(f"{'':8} {'first':>7} {'median':>7}  runs")
    for name, values in times.items():
        print(f"{name:8} {values[0]:7.2f} {statistics.median(values[1:] or values):7.2f}  {len(values)}")
    ratio = statistics.median(times["frozen"][1:] or times["frozen"]) / statistics.median(times["source"][1:] or times["source"])
    print(f"frozen / source (medians): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
