"""Quitting the app: the real `python -m csrdesk` starts on a workspace, shows its first page and quits, again and
again, each time with exit status 0 (no abort while Qt objects are torn down, no worker thread left running)."""
from __future__ import annotations

import os
import subprocess
import sys

from csrdesk.ui.app import STARTUP_PROBE_ENV

RUNS = 5


def test_the_app_starts_and_quits_cleanly_every_time(tmp_path):
    """Five starts of the window over a workspace with demo data: each shows every page with its data, quits, and
    leaves with status 0 and nothing on stderr."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.startup import open_workspace

    home = tmp_path / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CSRDESK_HOME": str(home), STARTUP_PROBE_ENV: "pages",
           "MPLCONFIGDIR": str(home / "mpl")}
    env.pop("CSRDESK_DB", None)
    path = tmp_path / "workspace.sqlite3"
    os.environ["CSRDESK_HOME"] = str(home)  # the autouse fixture restores it
    db = open_workspace(str(path))
    try:
        generate_demo(db, suppliers=20, seed=5)
    finally:
        db.dispose()
    for run in range(1, RUNS + 1):
        result = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "csrdesk", "--db", str(path)], env=env,
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"run {run} ended with {result.returncode}: {result.stderr[-3000:]}"
        assert "READY" in result.stdout, f"run {run} never showed its pages: {result.stderr[-3000:]}"
        assert result.stderr.strip() == "", f"run {run} wrote to stderr: {result.stderr[-3000:]}"
