"""Arguments and files a user gets wrong: exit 2 and one line of ours on stderr, never a traceback or exit 1."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from csrdesk.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("csrdesk: "), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return err


@pytest.mark.parametrize("argv", [
    ("caps", "show", "99999999999999999999"),
    ("caps", "items", "--due-within", "99999999999999"),
    ("assessments", "show", "-3"),
    ("caps", "item-status", "closed", "1", "123456789012345678901234567890"),
    ("letters", "-o", "out", "--caps", "1", "99999999999999999999"),
    ("demo", "--suppliers", "100000000000"),
])
def test_numbers_past_64_bits_or_out_of_range_are_refused_in_one_line(capsys, tmp_path, argv):
    """An id or a count no database column can hold is refused by the parser (was OverflowError, exit 1)."""
    code, out, err = run(capsys, "--db", str(tmp_path / "x.sqlite3"), *argv)
    assert code == 2 and out == ""
    assert "out of range" in one_line(err)


def test_a_text_file_as_a_letter_template_is_refused(capsys, db, supplier, tmp_path):
    """`letter --template ./mine.txt` names the problem (a letter template is a Word document), not BadZipFile."""
    from datetime import date

    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment

    d = record_assessment(db, AssessmentInput(supplier.row.code, date(2026, 2, 2), "periodic", findings=[
        FindingInput("No fire drill in 12 months", "major", category="health-safety")]))
    mine = tmp_path / "mine.txt"
    mine.write_text("Dear {{ supplier.name }}", encoding="utf-8")
    for template in (str(mine), str(tmp_path / "cap_letter_mine.j2")):
        if not template.endswith("mine.txt"):
            (tmp_path / "cap_letter_mine.j2").write_text("Dear {{ supplier.name }}", encoding="utf-8")
        code, out, err = run(capsys, "--db", db.url, "letter", str(d.cap_id), "-o", str(tmp_path / "l.docx"),
                             "--template", template)
        assert code == 2 and "must be a Word document" in one_line(err)
    assert not (tmp_path / "l.docx").exists()


def test_findings_points_past_64_bits_are_a_row_problem(capsys, db, supplier, tmp_path):
    """points 9223372036854775808 in a findings file: the row is refused with its number (was OverflowError)."""
    path = tmp_path / "findings.csv"
    path.write_text("Finding,Severity,Points\nNo fire drill,major,9223372036854775808\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db.url, "assessments", "import", str(path), "--supplier", supplier.row.code,
                         "--date", "2026-03-01", "--type", "periodic")
    assert code == 2 and "row 2" in one_line(err) and "points" in err


def test_no_display_says_why_in_one_line():
    """Starting the window where there is no display at all: one line saying why and exit 2 (was a silent 134)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if sys.platform.startswith(("win", "darwin")):
        pytest.skip("Windows and macOS always have a display")
    done = subprocess.run([sys.executable, "-m", "csrdesk"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no display" in one_line(done.stderr)


def test_fatal_qt_message_is_one_line_and_exit_2():
    """A display Qt cannot use (here a display number with no server): Qt's fatal message and its platform
    reason reach stderr as one line of ours, and the exit is 2 instead of an abort."""
    if sys.platform.startswith(("win", "darwin")):
        pytest.skip("Linux display handling")
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = ":97"
    done = subprocess.run([sys.executable, "-m", "csrdesk"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "the window cannot start" in one_line(done.stderr)


def test_library_warnings_never_reach_stderr(tmp_path):
    """A workbook openpyxl warns about (a defined name for a sheet that is not there) imports with nothing on
    stderr; the warning goes to the log. In a refusal, stderr still has only our one line."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Facility name", "Country"])
    wb.active.append(["Golden Thread Garments", "China"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(odd, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"</workbook>", b'<definedNames><definedName name="x" localSheetId="5">'
                                                    b"Sheet!$A$1</definedName></definedNames></workbook>")
            target.writestr(info.filename, data)
    env = dict(os.environ)
    database = str(tmp_path / "w.sqlite3")
    done = subprocess.run([sys.executable, "-m", "csrdesk", "--db", database, "suppliers", "import", str(odd)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = subprocess.run([sys.executable, "-m", "csrdesk", "--db", database, "assessments", "import", str(odd),
                           "--supplier", "NOPE", "--date", "2026-01-01", "--type", "periodic"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "No supplier" in one_line(done.stderr)
