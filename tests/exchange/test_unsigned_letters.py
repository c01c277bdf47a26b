"""A letter written while the user's name and company are empty in Settings is still written, but unsigned: the
service says so (letter_warnings, BatchResult.warnings) and the command line prints one warning line on stderr."""
from __future__ import annotations

import json
from datetime import date

import pytest

from csrdesk.cli import main
from csrdesk.services.letters import (
    UNSIGNED_WARNING, letter_warnings, render_cap_letter, run_batch, signature_warnings,
)
from csrdesk.services.settings import Preferences, save_preferences

from letter_support import add_supplier, brand_settings, docx_text, make_cap

TODAY = date(2026, 1, 20)
WARNING_LINE = "warning: your name and company are empty in Settings; the letter is unsigned"


@pytest.fixture
def unsigned_cap(db):
    """A CAP of a workspace whose Settings were never filled in (name, company and signature empty)."""
    add_supplier(db, "CN-0001", name="Golden Thread Garments Co., Ltd")
    return make_cap(db, "CN-0001")


def test_empty_name_and_company_make_an_unsigned_letter_warning(db, unsigned_cap, tmp_path):
    """The service reports the unsigned letter, and the letter it writes indeed carries no name or company."""
    assert letter_warnings(db) == [UNSIGNED_WARNING]
    text = docx_text(render_cap_letter(db, unsigned_cap, tmp_path / "letter.docx", lang="en", today=TODAY))
    closing = text.split("Yours sincerely,")[1]
    assert "Jane Doe" not in closing and "Northwind" not in closing


@pytest.mark.parametrize("prefs, warned", [
    (Preferences(), True),
    (Preferences(user_name="  ", company=""), True),
    (Preferences(user_name="Jane Doe"), False),
    (Preferences(company="Northwind Apparel Ltd"), False),
    (Preferences(signature="Jane Doe\nCSR Manager"), False),
])
def test_only_a_letter_with_no_signer_at_all_is_warned_about(prefs, warned):
    """A name, a company or a signature text each sign the letter; none of them is the unsigned case."""
    assert signature_warnings(prefs) == ([UNSIGNED_WARNING] if warned else [])


def test_letter_command_warns_on_stderr_and_still_writes(db, unsigned_cap, tmp_path, capsys):
    """`csrdesk letter` writes the unsigned letter, exits 0 and prints exactly one warning line on stderr."""
    out = tmp_path / "letter.docx"
    assert main(["--db", db.url, "letter", str(unsigned_cap), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert out.is_file() and captured.err.splitlines() == [WARNING_LINE]
    assert main(["--db", db.url, "letter", str(unsigned_cap), "-o", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == [UNSIGNED_WARNING]
    assert captured.err.splitlines() == [WARNING_LINE]


def test_batch_result_carries_the_warning_once(db, unsigned_cap, tmp_path, capsys):
    """A batch of letters lists the warning once on its result and `csrdesk letters` prints it once on stderr."""
    add_supplier(db, "CN-0002")
    second = make_cap(db, "CN-0002")
    result = run_batch(db, [unsigned_cap, second], tmp_path / "out", today=TODAY)
    assert result.warnings == [UNSIGNED_WARNING] and len(result.outputs) == 2 and not result.failures
    trackers_only = run_batch(db, [unsigned_cap], tmp_path / "trackers", letters=False, trackers=True)
    assert trackers_only.warnings == []

    code = main(["--db", db.url, "letters", "-o", str(tmp_path / "cli"), "--caps", str(unsigned_cap),
                 str(second), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err.splitlines() == [WARNING_LINE]
    report = json.loads(captured.out)
    assert report["warnings"] == [UNSIGNED_WARNING] and len(report["files"]) == 2


def test_signed_letters_give_no_warning(db, unsigned_cap, tmp_path, capsys):
    """Once Settings name the user and company, neither the service nor the command line warns."""
    brand_settings(db)
    assert letter_warnings(db) == []
    assert main(["--db", db.url, "letter", str(unsigned_cap), "-o", str(tmp_path / "l.docx")]) == 0
    assert capsys.readouterr().err == ""
    assert run_batch(db, [unsigned_cap], tmp_path / "out").warnings == []
    save_preferences(db, Preferences(user_name="", company="", signature=""))
    assert letter_warnings(db) == [UNSIGNED_WARNING]


def test_vetting_letter_command_warns_too(db, supplier, tmp_path, capsys):
    """`csrdesk vetting letter` writes an unsigned decision letter with the same one warning line."""
    from csrdesk.services.vetting import decide_screen, start_screen

    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0001")
    decide_screen(db, screen.id, "reject", "Mei Chen")
    out = tmp_path / "decision.docx"
    assert main(["--db", db.url, "vetting", "letter", str(screen.id), "-o", str(out)]) == 0
    assert out.is_file() and capsys.readouterr().err.splitlines() == [WARNING_LINE]
