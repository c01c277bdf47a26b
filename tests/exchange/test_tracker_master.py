"""The brand's master tracker: every supplier with rating and progress, every open item, fast and safe."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from csrdesk.cli import main
from csrdesk.services.caps import change_item_status, update_item
from csrdesk.progress import Cancelled, Progress
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.services.trackers import export_master
from tracker_support import SOFFICE, item_ids, make_cap, soffice_convert

TODAY = date(2026, 6, 1)


@pytest.fixture
def program(db, supplier):
    """Two suppliers: CN-0001 with two CAPs (one item verified), VN-0002 with none."""
    create_supplier(db, SupplierInput(name="Saigon Stitch", code="VN-0002", country="Vietnam"))
    first = make_cap(db)
    second = make_cap(db, findings=[("Payslips not given", "minor", "", "")], on=date(2026, 2, 1))
    ids = item_ids(db, first)
    update_item(db, ids[1], root_cause="No exit checks", preventive_action="Daily checks", project_leader="Li",
                evidence_notes="photo.jpg")
    change_item_status(db, [ids[1]], "action planned")
    change_item_status(db, [ids[1]], "evidence submitted")
    change_item_status(db, [ids[1]], "verified", verification_notes="Seen on site")
    return first, second, ids


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_master_lists_open_items_and_supplier_progress(db, program, tmp_path):
    """Open items of every supplier are listed (verified ones not); each supplier shows rating and progress."""
    first, second, ids = program
    path = export_master(db, tmp_path / "master.xlsx", today=TODAY)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Suppliers", "Open items"]
    items = _rows(wb["Open items"])
    header = items[1]
    assert len(header) == 15 and header[:7] == ["Supplier code", "Supplier", "Country", "Rating", "CAP",
                                                "CAP status", "Item ID"]
    listed = [r[6] for r in items[2:]]
    assert ids[1] not in listed and set(ids) - {ids[1]} <= set(listed) and len(listed) == len(ids)
    overdue = {r[6]: r[12] for r in items[2:]}
    assert overdue[ids[0]] == (TODAY - date(2026, 1, 10)).days - 60  # a major finding: 60 days allowed
    assert overdue[ids[2]] == (TODAY - date(2026, 1, 10)).days - 90  # a minor one: 90 days
    suppliers = {r[0]: r for r in _rows(wb["Suppliers"])[2:]}
    assert set(suppliers) == {"CN-0001", "VN-0002"}
    cn = suppliers["CN-0001"]
    head = _rows(wb["Suppliers"])[1]
    assert cn[head.index("Rating")] in ("Unsatisfactory", "Needs Improvement", "Zero Tolerance", "Satisfactory")
    assert cn[head.index("Open CAPs")] == 2 and cn[head.index("CAP items")] == len(ids) + 1
    assert cn[head.index("Progress %")] == round(100 / (len(ids) + 1), 1)
    assert suppliers["VN-0002"][head.index("Open items")] == 0
    ws = wb["Open items"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:O")
    assert ws.page_setup.orientation == "landscape"


def test_master_keeps_formula_like_text_as_text(db, program, tmp_path):
    """Finding titles like '=HYPERLINK(...)' are string cells in the write-only master too."""
    path = export_master(db, tmp_path / "master.xlsx", today=TODAY)
    ws = load_workbook(path)["Open items"]
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","y")', "+cmd"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_master_progress_and_cancel(db, program, tmp_path):
    """Progress is reported while writing; a cancel leaves no file (and no half-written one) behind."""
    import csrdesk.exchange.master_tracker as master

    seen = []
    export_master(db, tmp_path / "ok.xlsx", Progress(lambda d, t, m: seen.append((d, t))), today=TODAY)
    assert seen and seen[-1][0] == seen[-1][1]
    progress = Progress()
    progress.cancel()
    old = master.PROGRESS_EVERY
    master.PROGRESS_EVERY = 1
    try:
        with pytest.raises(Cancelled):
            export_master(db, tmp_path / "cancelled.xlsx", progress, today=TODAY)
    finally:
        master.PROGRESS_EVERY = old
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == ["ok.xlsx"]


def test_cli_master(db, program, tmp_path, capsys):
    """`csrdesk tracker master -o FILE.xlsx` writes the master tracker."""
    out = tmp_path / "m.xlsx"
    assert main(["--db", db.url, "tracker", "master", "-o", str(out)]) == 0
    assert "wrote the master tracker" in capsys.readouterr().out
    assert len(list(load_workbook(out, read_only=True)["Open items"].iter_rows(values_only=True))) == 2 + 4


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.libreoffice
def test_libreoffice_opens_the_master(db, program, tmp_path):
    """LibreOffice opens the master tracker written in write-only mode."""
    path = export_master(db, tmp_path / "master.xlsx", today=TODAY)
    result = soffice_convert(path, "pdf", tmp_path, tmp_path / "lo-profile")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "master.pdf").read_bytes().startswith(b"%PDF")
