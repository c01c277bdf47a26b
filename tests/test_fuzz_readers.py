"""Random and mutated bytes at every reader csrdesk has for files from outside: supplier lists, findings files,
trackers, questionnaires and letter templates. Each must end in success or in one line of ours with exit 2, leave
the database as it was when it refuses, and stay within bounded time and memory.

Mutations start from real files (an Open Supply Hub list, an exported tracker and questionnaire, the shipped
templates) and are applied to the raw bytes and, for zip formats, inside one XML part, so most cases get past
the container to the parsers. CSRDESK_FUZZ_EXAMPLES raises the number of cases per reader (the suite runs a few
dozen each); the counts of clean refusals are written to the log of the run (-s shows them).
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import time
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csrdesk.cli import main

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("CSRDESK_FUZZ_EXAMPLES", "30"))
SECONDS_PER_CASE = 30.0
MEMORY_PER_CASE = 600 * 1024 * 1024
TABLES = ("suppliers", "contacts", "assessments", "findings", "caps", "cap_items", "vetting_answers",
          "change_history", "settings")

outcomes: Counter = Counter()


def _rss() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return 0


class Workspace:
    """One database with a supplier, a sent CAP and an open vetting screen, and the real files to mutate."""

    def __init__(self, folder: Path) -> None:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parent / "exchange"))
        from tracker_support import make_cap

        from csrdesk.services.startup import open_workspace
        from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier
        from csrdesk.services.trackers import export_tracker
        from csrdesk.services.vetting import export_for_supplier

        self.folder = folder
        self.path = folder / "fuzz.sqlite3"
        db = open_workspace(str(self.path))
        create_supplier(db, SupplierInput(
            name="Golden Thread Garments Co., Ltd", code="CN-0001", local_name="金线服装有限公司", country="China",
            contacts=[ContactInput(role="compliance contact", name="Li Wei", email="li.wei@example.cn",
                                   language="zh")]), status="vetting")
        cap_id = make_cap(db, on=date(2026, 1, 10))
        export_tracker(db, cap_id, folder / "tracker.xlsx")
        export_for_supplier(db, "CN-0001", "new_supplier_screening", folder / "questionnaire.xlsx")
        db.dispose()
        self.seeds = {
            "tracker": (folder / "tracker.xlsx").read_bytes(),
            "questionnaire": (folder / "questionnaire.xlsx").read_bytes(),
            "supplier list": (DATA / "open-supply-hub" / "summer-2019-compliance-list.csv").read_bytes(),
            "findings": "Finding,Severity,Category,Days allowed,Points\n"
                        "Fire exit blocked by cartons,critical,Health and safety,30,30\n"
                        "Payslips without overtime hours,minor,Wages,60,1\n".encode("utf-8"),
            "template (text)": (ROOT / "resources" / "templates" / "email_cap_en.j2").read_bytes(),
            "template (Word)": (ROOT / "resources" / "templates" / "cap_letter_en.docx").read_bytes(),
        }

    def state(self) -> list:
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return [con.execute(f"SELECT count(*), max(id) FROM {t}").fetchone() if t != "settings"
                    else con.execute("SELECT count(*), group_concat(key || value) FROM settings").fetchone()
                    for t in TABLES]
        finally:
            con.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSRDESK_HOME", str(home))
        from csrdesk.exchange import letters

        mp.setattr(letters, "RENDER_SECONDS", 2.0)  # a mutated template that loops is stopped sooner
        yield Workspace(tmp_path_factory.mktemp("fuzz"))
        from csrdesk.services.backup import prune_backups

        prune_backups(0)
    report = ", ".join(f"{reader}: {outcomes[(reader, 'refused')]} refused cleanly, "
                       f"{outcomes[(reader, 'accepted')]} accepted" for reader in sorted({r for r, _ in outcomes}))
    print(f"\nfuzzed readers: {report}")


# -- mutations ---------------------------------------------------------------------------------------------------

def _mutate(data: bytes, draw) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "splice"]))
    if not data:
        return draw(st.binary(max_size=64))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        n = draw(st.integers(1, 8))
        chunk = bytes(draw(st.lists(st.integers(0, 255), min_size=n, max_size=n)))
        return data[:at] + chunk + data[at + n:]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.sampled_from([b"\x00", b"\xff\xfe", b'"', b"\n", b"{{", b"{%", b"<", b"&#0;",
                                                 b"9" * 25, b"=cmd|' /C calc'!A0", b"\xe4\xb8", b"\r"])) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)):]
    if kind == "duplicate":
        end = min(len(data), at + draw(st.integers(1, 256)))
        return data[:end] + data[at:end] * draw(st.integers(1, 50)) + data[end:]
    other = draw(st.integers(0, len(data) - 1))
    return data[:at] + data[other:other + 200] + data[at:]


def _mutate_part(data: bytes, draw) -> bytes:
    """A zip workbook or document with one of its parts mutated and the zip rebuilt whole (so the parsers see it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in source.namelist() if n.endswith((".xml", ".rels"))]
    target_name = draw(st.sampled_from(sorted(names)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == target_name:
                content = _mutate(content, draw)
            target.writestr(name, content)
    return out.getvalue()


@st.composite
def hostile(draw, seed: bytes):
    how = draw(st.sampled_from(["random", "bytes", "part", "part"] if seed[:2] == b"PK" else
                               ["random", "bytes", "bytes", "bytes"]))
    if how == "random":
        return draw(st.binary(max_size=4096))
    data = seed
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate_part(data, draw) if how == "part" else _mutate(data, draw)
    return data


# -- the readers -------------------------------------------------------------------------------------------------

READERS = {
    "supplier list": ("list.csv", lambda db, f: ["--db", db, "suppliers", "import", f]),
    "findings": ("findings.csv", lambda db, f: ["--db", db, "assessments", "import", f, "--supplier", "CN-0001",
                                                 "--date", "2026-03-01", "--type", "periodic"]),
    "tracker": ("tracker-back.xlsx", lambda db, f: ["--db", db, "tracker", "import", f, "--apply"]),
    "questionnaire": ("questionnaire-back.xlsx", lambda db, f: ["--db", db, "vetting", "import", f, "--apply"]),
    "template (text)": ("email_cap_fuzz.j2", lambda db, f: ["--db", db, "templates", "check", f]),
    "template (Word)": ("cap_letter_fuzz.docx", lambda db, f: ["--db", db, "templates", "check", f]),
}


def _run(workspace: Workspace, reader: str, data: bytes, name: str | None = None) -> None:
    file_name, argv = READERS[reader]
    path = workspace.folder / (name or file_name)
    path.write_bytes(data)
    before = workspace.state()
    err = io.StringIO()
    rss = _rss()
    started = time.monotonic()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv(str(workspace.path), str(path)))
    elapsed = time.monotonic() - started
    text = err.getvalue()
    assert code in (0, 2), f"{reader}: exit {code}: {text}"
    assert elapsed < SECONDS_PER_CASE, f"{reader}: {elapsed:.1f} s"
    assert _rss() - rss < MEMORY_PER_CASE, f"{reader}: memory grew by {(_rss() - rss) >> 20} MB"
    if code == 2:
        assert text.count("\n") == 1 and text.startswith("csrdesk: ") and "unexpected error" not in text, text
        assert workspace.state() == before, f"{reader}: the database changed on a refusal: {text}"
        outcomes[(reader, "refused")] += 1
    else:
        assert "unexpected error" not in text
        outcomes[(reader, "accepted")] += 1


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_hostile_bytes_cleanly(workspace, reader):
    """Exit 0 or 2, one line of ours on a refusal, the database unchanged then, bounded time and memory."""
    seed = workspace.seeds[reader]

    @FUZZ
    @given(data=hostile(seed))
    def case(data):
        _run(workspace, reader, data)

    case()


@pytest.mark.parametrize("reader, name", [("supplier list", "list.xlsx"), ("findings", "findings.xlsx")])
def test_tables_as_mutated_workbooks(workspace, reader, name):
    """Supplier lists and findings files as .xlsx: the tracker workbook mutated part by part stands in."""
    seed = workspace.seeds["tracker"]

    @FUZZ
    @given(data=hostile(seed))
    def case(data):
        _run(workspace, reader, data, name)

    case()
