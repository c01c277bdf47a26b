"""First start: an empty workspace shows a short start (your details, your suppliers, or demo data to look around)
instead of a dashboard of zeros; F1 opens the guide bundled with the app."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from tests.ui.conftest import wait_idle


def test_empty_workspace_offers_a_start_and_demo_data_fills_it(qtbot, window, monkeypatch):
    window.go("dashboard")
    page = window.dashboard
    page.refresh()
    wait_idle(qtbot, window.ctx)
    panel = page.first_start
    assert panel.isVisible()
    assert [b.text() for b in (panel.details_button, panel.import_button, panel.demo_button)] == [
        "Your name, company and signature…", "Import your supplier list…", "Load demo data to look around"]
    opened = []
    monkeypatch.setattr(window, "open_settings", lambda: opened.append("settings"))
    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    assert opened == ["settings"]
    qtbot.mouseClick(panel.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.summary is not None and page.summary.suppliers > 0, timeout=60000)
    wait_idle(qtbot, window.ctx)
    assert not panel.isVisible()
    assert page.card_suppliers.isVisible()


def test_f1_opens_the_guide(qtbot, window, monkeypatch):
    urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url) or True))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    if not urls:  # offscreen windows may not be active: the menu entry is the same action
        action = next(a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.text() == "Guide")
        assert action.shortcut().toString() == "F1"
        action.trigger()
    assert len(urls) == 1
    guide = Path(urls[0].toLocalFile())
    text = guide.read_text(encoding="utf-8")
    assert guide.name == "guide.html" and "First steps" in text and "Ctrl</kbd>+<kbd>K" in text


def test_suppliers_card_says_why_an_exited_supplier_is_not_counted(qtbot, ctx):
    """Two suppliers added, one since exited: the card shows 1 and says '1 exited, not counted' (a new user who
    added 40 and saw 39 had no way to tell why)."""
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.ui.pages.dashboard import DashboardPage

    create_supplier(ctx.db, SupplierInput(name="Still Here Knit", code="CN-0901", country="China"), status="vetting")
    create_supplier(ctx.db, SupplierInput(name="Gone Away Knit", code="CN-0902", country="China"), status="exited")
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 840)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.summary is not None and not ctx.busy, timeout=10000)
    assert page.card_suppliers.value_label.text() == "1"
    assert "1 exited, not counted" in page.card_suppliers.note.text()


def test_f1_without_a_browser_says_where_the_guide_is(qtbot, window, monkeypatch):
    """When the system cannot open the guide (no browser, no desktop), F1 says so and where the guide file is,
    instead of doing nothing."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda parent, title, text: shown.append(text)))
    assert window.open_guide() is False
    assert len(shown) == 1 and str(window.guide_path()) in shown[0]


def test_saving_the_settings_says_so(qtbot, window):
    """Your name, company and signature... then Save: the status bar confirms what letters will carry (the dialog
    closed without a word, and the first start still offered the same button, so a new user could not tell it
    was kept)."""
    from shiboken6 import isValid

    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    dialog.name_edit.setText("Maria Lopez")
    dialog.company_edit.setText("Acme Apparel Ltd")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=10000)
    wait_idle(qtbot, window.ctx)
    message = window.statusBar().currentMessage()
    assert "Settings saved" in message and "Maria Lopez" in message and "Acme Apparel Ltd" in message
