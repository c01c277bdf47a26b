"""At the default 1360x840 window, with demo data, every page (each of its tabs, with an item open) and every dialog
shows its texts whole: no label wider than its room (unless it ends in … on purpose), no button text cut, no column
title cut, no sideways scroll bar, no dialog wider than the screen. Measured with the widgets' own fonts, so it holds
whatever fonts the machine has."""
from __future__ import annotations

import os
import re

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget

from tests.ui.conftest import wait_idle
from tests.ui.layout_check import problems

WIDTH, HEIGHT = 1360, 840


@pytest.fixture(scope="module")
def demo(ui_db):
    from csrdesk.services.demo import generate_demo

    return generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)


def _settle(qtbot, window) -> None:
    wait_idle(qtbot, window.ctx)
    qtbot.wait(30)  # queued layout passes (column fitting, scroll bar ranges)
    wait_idle(qtbot, window.ctx)
    qtbot.wait(30)


def _shot(window, where: str) -> None:
    folder = os.environ.get("CSRDESK_LAYOUT_SHOTS")  # to look at the pages: a folder for PNGs
    if folder:
        window.grab().save(os.path.join(folder, re.sub(r"[^A-Za-z0-9]+", "_", where) + ".png"))


def _walk_tabs(qtbot, window, root, where: str) -> list[str]:
    found = problems(root, where)
    _shot(window, where)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            if i == current or not tabs.isTabEnabled(i):
                continue
            tabs.setCurrentIndex(i)
            _settle(qtbot, window)
            found += problems(tabs.widget(i), f"{where} / tab {tabs.tabText(i)}")
            _shot(window, f"{where} / tab {tabs.tabText(i)}")
        tabs.setCurrentIndex(current)
    return found


def _first_id(model):
    return model.row_at(0).id if model.rowCount() else None


def test_every_page_shows_its_text_whole(qtbot, window, demo):
    window.resize(WIDTH, HEIGHT)
    found: list[str] = []
    for key in [k for k in window.pages if k != "supplier"]:
        window.go(key)
        page = window.pages[key]
        page.refresh()
        _settle(qtbot, window)
        found += _walk_tabs(qtbot, window, page, key)
        # With an item open, as the user works on it.
        model = getattr(page, "model", None) or getattr(page, "list_model", None)
        opener = getattr(page, "open_item", None)
        kind = {"assessments": "assessment", "caps": "cap_item", "vetting": "vetting_screen",
                "complaints": "complaint", "verification": "verification_visit"}.get(key)
        if model is not None and callable(opener) and kind and model.rowCount():
            opener(kind, _first_id(model))
            _settle(qtbot, window)
            qtbot.wait(50)
            found += _walk_tabs(qtbot, window, page, f"{key} (item open)")
        assert window.width() <= WIDTH, f"{key} widens the window to {window.width()}"
    suppliers = window.suppliers.model
    for position in range(min(3, suppliers.rowCount())):
        window.show_supplier(suppliers.row_at(position).id)
        _settle(qtbot, window)
        found += _walk_tabs(qtbot, window, window.supplier_page, f"supplier {suppliers.row_at(position).code}")
    assert not found, "\n".join(sorted(set(found)))
