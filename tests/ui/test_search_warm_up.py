"""The Ctrl+K search index is read in the background right after the window shows, in parts that let a page's own
reads through, so the first search answers at once; a change made outside the window is still found."""
from __future__ import annotations

from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui.search_box import SearchBox
from tests.ui.conftest import wait_idle


def test_index_is_ready_after_start_and_first_search_needs_no_read(qtbot, window, ui_db):
    """Without any typing the index is read once the window shows; the first search then shows its hits without
    'Preparing the search…' and without reading the index again."""
    box: SearchBox = window.search_box
    qtbot.waitUntil(lambda: box.index is not None, timeout=20000)
    wait_idle(qtbot, window.ctx)
    reads = box.index_reads
    notes = []
    real_note = box._show_note
    box._show_note = lambda note: notes.append(note) or real_note(note)
    try:
        window.focus_search()
        box.setText("Warm")
        box.search_now()
        qtbot.waitUntil(lambda: box.shown_text == "Warm" and box.results.isVisible(), timeout=10000)
    finally:
        del box._show_note
    assert notes == [] and box.index_reads == reads
    box.clear()


def test_a_supplier_added_outside_the_window_is_found_at_the_next_search(qtbot, window, ui_db):
    """A supplier created by another program (no change notice reaches the window) after the index was read is
    found at the next search: the index notices the workspace changed and is read again first."""
    box: SearchBox = window.search_box
    qtbot.waitUntil(lambda: box.index is not None, timeout=20000)
    wait_idle(qtbot, window.ctx)
    reads = box.index_reads
    create_supplier(ui_db, SupplierInput(name="Warm Start Weaving", code="BD-0777", country="Bangladesh"),
                    status="active")
    box.setText("Warm Start")
    box.search_now()
    qtbot.waitUntil(lambda: box.shown_text == "Warm Start" and box.results.isVisible(), timeout=20000)
    assert [h.supplier_code for h in box.hits] == ["BD-0777"]
    assert box.index_reads == reads + 1
    box.clear()


def test_a_page_opened_while_the_index_is_read_waits_for_one_part_at_most(qtbot, window, ui_db, monkeypatch):
    """The index is read in several worker calls (one per part of the findings), not one long call."""
    from datetime import date

    from csrdesk.services import search
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment

    record_assessment(ui_db, AssessmentInput(supplier_code="BD-0777", date=date.today(), findings=[
        FindingInput(title="Fire exit locked", severity="critical"),
        FindingInput(title="No wage slips", severity="major")]))
    box: SearchBox = window.search_box
    wait_idle(qtbot, window.ctx)
    monkeypatch.setattr(search, "INDEX_PART_FINDINGS", 1)
    calls = []
    real = box.ctx.run

    def counting(fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", ""))
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(box.ctx, "run", counting)
    box._index_stale = True
    box.prepare()
    qtbot.waitUntil(lambda: box._index_task is None, timeout=20000)
    wait_idle(qtbot, window.ctx)
    assert calls[0] == "start_search_index" and calls[-1] == "finish_search_index"
    assert calls.count("read_search_index_part") >= 2

