"""Files in and out: one atomic writer, one guarded opener for outside workbooks, bugs never blamed on the file,
and exchange/ kept to file formats (the database work is in services/)."""
from __future__ import annotations

import ast
import logging
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from csrdesk.exchange import files
from csrdesk.exchange.tables import TableError, read_table
from csrdesk.errors import UserError
from tracker_support import FactoryEdit, item_ids, make_cap

EXCHANGE = Path(__file__).resolve().parents[2] / "csrdesk" / "exchange"
SCREENING = "new_supplier_screening"


# ---------------------------------------------------------------- layers

def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_exchange_modules_know_file_formats_only():
    """No exchange module queries the database or opens a transaction: it takes plain data and gives plain data
    """
    allowed_services = {"csrdesk.errors", "csrdesk.progress"}
    offenders = []
    for path in sorted(EXCHANGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imports(tree):
            if (name.split(".")[0] == "sqlalchemy" or name.startswith("csrdesk.storage")
                    or (name.startswith("csrdesk.services") and name not in allowed_services)):
                offenders.append(f"{path.name} imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("reading", "transaction"):
                offenders.append(f"{path.name} opens a session (.{node.attr})")
    assert offenders == []


def test_the_moved_use_cases_are_services():
    """Batches and questionnaires are reached through services, where the CLI, UI and self-test call them."""
    from csrdesk.services import letters, vetting

    for name in ("run_batch", "run_batch_for_suppliers"):
        assert callable(getattr(letters, name))
    for name in ("export_questionnaire", "export_for_supplier", "import_questionnaire"):
        assert callable(getattr(vetting, name))


# ---------------------------------------------------------------- writing: a file open in Excel or Word

@pytest.fixture
def locked(monkeypatch):
    """Makes replacing the given targets fail as Windows does when Excel or Word holds the file open."""
    targets: set[Path] = set()
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) in targets:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(files.os, "replace", replace)
    return targets


def _writers():
    from csrdesk.services.letters import make_email_draft, render_cap_letter
    from csrdesk.services.trackers import export_master, export_tracker
    from csrdesk.services.vetting import export_questionnaire, start_screen

    return [
        ("tracker.xlsx", lambda db, cap, out: export_tracker(db, cap, out)),
        ("master.xlsx", lambda db, cap, out: export_master(db, out)),
        ("letter.docx", lambda db, cap, out: render_cap_letter(db, cap, out, lang="en")),
        ("mail.eml", lambda db, cap, out: make_email_draft(db, cap, out)),
        ("questionnaire.xlsx",
         lambda db, cap, out: export_questionnaire(db, start_screen(db, SCREENING, supplier_code="CN-0001").id, out)),
    ]


@pytest.mark.parametrize("index", range(5), ids=["tracker", "master", "letter", "e-mail", "questionnaire"])
def test_a_file_open_in_another_program_is_one_line_naming_it(db, supplier, tmp_path, locked, index):
    """Writing over a file Excel or Word holds open says which file and what to do; the old file is untouched and
    no temporary file is left behind."""
    name, write = _writers()[index]
    cap_id = make_cap(db)
    target = tmp_path / "out" / name
    target.parent.mkdir()
    target.write_bytes(b"the copy the user has open")
    locked.add(target)
    with pytest.raises(UserError) as info:
        write(db, cap_id, target)
    message = str(info.value)
    assert str(target) in message and "close it in Excel/Word and try again" in message
    assert "\n" not in message
    assert target.read_bytes() == b"the copy the user has open"
    assert sorted(p.name for p in target.parent.iterdir()) == [name]


def test_write_atomically_gives_a_whole_file_or_none(tmp_path):
    """A writer that fails half-way leaves the previous file as it was and no temporary file."""
    target = tmp_path / "letter.docx"
    target.write_bytes(b"previous")

    def half(handle):
        handle.write(b"half a letter")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        files.write_atomically(target, half)
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["letter.docx"]
    assert files.write_atomically(target, lambda h: h.write(b"new")) == target and target.read_bytes() == b"new"


@pytest.fixture
def umask():
    """Sets the process umask for one test and puts the old one back."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_write_atomically_gives_the_permissions_of_the_users_umask(tmp_path, umask, mask, mode):
    """A written file has 0o666 less the umask (-rw-r--r-- under 022), even when the writer locked it down."""
    umask(mask)
    assert files.current_umask() == mask

    def private_writer(handle):  # what mkstemp or a library's own temporary file would leave
        handle.write(b"tracker")
        os.chmod(handle.name, 0o600)

    target = files.write_atomically(tmp_path / "tracker.xlsx", private_writer)
    assert target.stat().st_mode & 0o777 == mode
    assert files.current_umask() == mask  # reading the umask did not change it


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_trackers_letters_and_drafts_get_the_same_normal_permissions(db, supplier, tmp_path, umask):
    """An exported tracker, the master tracker, a letter and an e-mail draft are all -rw-r--r-- under umask 022."""
    from csrdesk.services.letters import make_email_draft, render_cap_letter
    from csrdesk.services.trackers import export_master, export_tracker

    umask(0o022)
    cap_id = make_cap(db)
    written = [
        export_tracker(db, cap_id, tmp_path / "tracker.xlsx"),
        export_master(db, tmp_path / "master.xlsx"),
        render_cap_letter(db, cap_id, tmp_path / "letter.docx", lang="en"),
        make_email_draft(db, cap_id, tmp_path / "draft.eml", lang="en"),
    ]
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in written} == {
        "tracker.xlsx": "0o644", "master.xlsx": "0o644", "letter.docx": "0o644", "draft.eml": "0o644"}


# ---------------------------------------------------------------- reading: the guards of outside workbooks

def _supplier_list(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["Factory name", "Country"])
    wb.active.append(["Alpha Garments", "China"])
    wb.save(path)
    return path


def test_a_table_that_unpacks_to_too_much_is_refused_before_unpacking(tmp_path, monkeypatch):
    """A supplier list padded into a zip bomb is refused by its declared size, as trackers are, not unpacked."""
    path = _supplier_list(tmp_path / "list.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (3 << 20))
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 2 << 20)
    with pytest.raises(TableError, match=r"list.xlsx unpacks to more than 2 MB"):
        read_table(path, {"name": ["factory name"]}, required_any=["name"])


def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


def _openpyxl_with_a_bug(monkeypatch):
    """load_workbook failing the way a bug in csrdesk would (not a parse error of the file)."""
    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'sheets'")

    monkeypatch.setattr(openpyxl, "load_workbook", broken)


def test_a_bug_while_opening_a_table_is_not_called_a_damaged_file(tmp_path, monkeypatch, caplog):
    """A bug met while opening a good workbook reaches the bug dialog with its traceback in the log."""
    path = _supplier_list(tmp_path / "list.xlsx")
    _openpyxl_with_a_bug(monkeypatch)
    with caplog.at_level(logging.ERROR), pytest.raises(AttributeError):
        read_table(path, {"name": ["factory name"]}, required_any=["name"])
    assert _errors(caplog) and "list.xlsx" in _errors(caplog)[0].getMessage()


def test_a_bug_while_reading_a_tracker_is_not_called_a_damaged_file(db, supplier, tmp_path, monkeypatch, caplog):
    """A bug in the tracker reader (here in reading a cell) is raised and logged, not shown as 'damaged'."""
    from csrdesk.exchange import tracker_import
    from csrdesk.services.trackers import export_tracker, preview_tracker_import

    path = export_tracker(db, make_cap(db), tmp_path / "tracker.xlsx")

    def buggy_cell_text(value):
        raise KeyError("a bug in csrdesk")

    monkeypatch.setattr(tracker_import, "_cell_text", buggy_cell_text)
    with caplog.at_level(logging.ERROR), pytest.raises(KeyError):
        preview_tracker_import(db, path)
    assert _errors(caplog)


def test_a_bug_while_opening_a_questionnaire_is_not_called_a_damaged_file(db, supplier, tmp_path, monkeypatch,
                                                                         caplog):
    """The questionnaire reader does not blame the supplier's file for a bug of csrdesk either."""
    from csrdesk.services.vetting import export_for_supplier, import_questionnaire

    _screen, path = export_for_supplier(db, "CN-0001", SCREENING, tmp_path / "questionnaire.xlsx")
    _openpyxl_with_a_bug(monkeypatch)
    with caplog.at_level(logging.ERROR), pytest.raises(AttributeError):
        import_questionnaire(db, path)
    assert _errors(caplog)


def _cut_part(path: Path, target: Path, part: str) -> Path:
    """A copy whose XML part is cut short but stored whole (its zip checksums are right): only parsing sees it."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = body[: len(body) // 2]
            dst.writestr(info.filename, body)
    return target


def test_a_questionnaire_with_a_damaged_sheet_is_refused_as_damaged(db, supplier, tmp_path):
    """A sheet whose XML is broken (found only while reading rows) is one line saying the file is damaged."""
    from csrdesk.services.vetting import export_for_supplier, import_questionnaire

    _screen, path = export_for_supplier(db, "CN-0001", SCREENING, tmp_path / "questionnaire.xlsx")
    broken = _cut_part(path, tmp_path / "broken.xlsx", "xl/worksheets/sheet1.xml")
    with pytest.raises(UserError, match=r"nothing was changed: broken.xlsx is damaged and cannot be read"):
        import_questionnaire(db, broken)


def test_a_tracker_with_a_damaged_sheet_is_still_refused_as_damaged(db, supplier, tmp_path):
    """Narrowing the error handling keeps real damage a one-line refusal."""
    from csrdesk.services.trackers import export_tracker, preview_tracker_import

    cap_id = make_cap(db)
    path = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    f = FactoryEdit(path)
    f.set(item_ids(db, cap_id)[0], "root_cause", "x")
    returned = f.save(tmp_path / "returned.xlsx")
    # sheet2 holds the items, sheet3 the hidden data (sheet1, the instructions, is never read back)
    for part in ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"):
        broken = _cut_part(returned, tmp_path / "broken.xlsx", part)
        with pytest.raises(UserError, match=r"broken.xlsx is damaged and cannot be read"):
            preview_tracker_import(db, broken)
