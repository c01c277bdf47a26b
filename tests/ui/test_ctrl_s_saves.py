"""Ctrl+S saves where the user types, as in the assessment editor: a law reference from any box of its form, and a
vetting screen's answers from any box of the screen (both had only their Save button)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from csrdesk.services.vetting import start_screen
from csrdesk.ui.pages.laws_tab import LawsTab
from csrdesk.ui.pages.vetting import VettingPage
from tests.ui.conftest import wait_idle


def _settle(qtbot, ctx):
    wait_idle(qtbot, ctx, 15000)


def test_ctrl_s_saves_a_law_reference(qtbot, ctx):
    tab = LawsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1360, 760)
    tab.show()
    qtbot.waitExposed(tab)
    _settle(qtbot, ctx)
    tab.country_filter.setCurrentIndex(tab.country_filter.findData("Türkiye"))
    tab.topic_filter.setCurrentIndex(tab.topic_filter.findData("minimum wage"))
    tab.table.selectRow(0)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.editor.value.setFocus()
    tab.editor.value.setText("34,000")
    qtbot.keyClick(tab.editor.value, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    _settle(qtbot, ctx)
    assert tab.model.visible_rows()[0].value == 34000


def test_ctrl_s_saves_vetting_answers(qtbot, ctx, supplier, db):
    page = VettingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: not page.loading and not ctx.busy)
    screen = start_screen(db, "new_supplier_screening", supplier_code="CN-0001")
    page.open_item("vetting_screen", screen.id)
    qtbot.waitUntil(lambda: page.form.detail is not None and page.form.detail.id == screen.id and not ctx.busy)
    row = page.form.rows["compliance_lead"]
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    row.input.setFocus()
    qtbot.keyClicks(row.input, "Li Wei, compliance manager")
    assert page.form.save_button.isEnabled(), (page.form.dirty, row.input.text(), page.form.focusWidget())
    qtbot.keyClick(row.input, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    _settle(qtbot, ctx)
    from csrdesk.services.vetting import screen_detail

    assert screen_detail(db, screen.id).answers["compliance_lead"].value == "Li Wei, compliance manager"
