"""The CAPs page's first open at scale: the items due first show at once while the rest is read, no progress dialog
covers the page meanwhile, and the full list then replaces them with its counts and supplier choices."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QProgressDialog

from csrdesk.services import caps as cap_service
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.ui.pages.caps import CapsPage
from csrdesk.ui.pages.caps import page as caps_page


@pytest.fixture
def ctx(ctx):
    ctx.errors = []
    ctx.show_error = lambda parent, exc: ctx.errors.append(exc)
    return ctx


@pytest.fixture
def items(db, supplier):
    """CN-0001: 12 open items, the oldest audit's due first."""
    record_assessment(db, AssessmentInput(
        supplier_code="CN-0001", date=date.today() - timedelta(days=100), findings=[
            FindingInput(title=f"Finding {i:02d}", severity="major", days_allowed=10 + i) for i in range(12)]))


def test_first_items_show_before_the_rest_is_read(qtbot, ctx, items, monkeypatch):
    """With the full read held back, the page already lists the first items (due first), says the rest is coming
    and shows no progress dialog; once read, all 12 items, the subtitle counts and the supplier choice appear."""
    monkeypatch.setattr(caps_page, "FIRST_ROWS", 5)
    release = threading.Event()
    real = cap_service.list_items

    def held(*args, **kwargs):
        if kwargs.get("limit") is None:
            release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(cap_service, "list_items", held)
    page = CapsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 800)
    page.show()
    try:
        qtbot.waitUntil(page.first_rows_shown, timeout=10000)
        titles = [r.finding for r in page.model.visible_rows()]
        assert titles == [f"Finding {i:02d}" for i in range(5)]
        assert "reading the rest" in page.count_label.text()
        qtbot.wait(caps_page_delay())  # longer than a progress dialog waits before it shows
        assert not [w for w in page.findChildren(QProgressDialog) if w.isVisible()]
        # The page answers while the rest is read: the filter narrows what is shown.
        page.filter_box.setText("Finding 03")
        assert [r.finding for r in page.model.visible_rows()] == ["Finding 03"]
        page.filter_box.clear()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not page._loading and not ctx.busy, timeout=10000)
    assert page.model.visible_count == 12 and page.count_label.text() == "12 items"
    assert "12 open items at 1 suppliers" in page.subtitle.text()
    assert page.supplier_box.findText("CN-0001", flags=caps_page.Qt.MatchFlag.MatchStartsWith) > 0
    assert ctx.errors == []


def test_a_later_reload_drops_an_older_answer(qtbot, ctx, items):
    """Two reloads in a row: the list shows what the last one read, once, without errors."""
    page = CapsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: not page._loading and not ctx.busy, timeout=10000)
    assert page.model.visible_count == 12 and ctx.errors == []


def caps_page_delay() -> int:
    from csrdesk.ui.context import PROGRESS_DELAY_MS

    return PROGRESS_DELAY_MS + 200
