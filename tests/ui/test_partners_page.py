"""The Partners page (list, filters, add and edit, vetting decision) and the CAP's Partners tab (assign with a
warning, the brand's actions, the shared pack), and the supplier page's Brand's side tab."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from csrdesk.services import partners as ps
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.review import record_answer
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.services.vetting import decide_screen

SHOTS = "/tmp/partners-shots"


@pytest.fixture
def ctx(ctx):
    ctx.errors = []
    ctx.show_error = lambda parent, exc: ctx.errors.append(exc)
    return ctx


def _shot(widget, name):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    widget.grab().save(f"{SHOTS}/{name}.png")


def test_partners_page_adds_filters_and_shows_the_vetting_decision(qtbot, ctx, db, settle):
    """A consultant typed into the form is saved and listed; the kind filter narrows the list; a rejected
    consultant shows 'rejected' in the list and in the form."""
    from csrdesk.ui.pages.partners import PartnersPage

    rejected = ps.start_partner_vetting(db, ps.add_partner(db, ps.PartnerInput("consultant", "Quick Fix Ltd")).id)
    decide_screen(db, rejected.vetting_screen_id, "reject", "A. Reviewer", decided_on=date(2026, 3, 1))
    ps.add_partner(db, ps.PartnerInput("cso", "Safe Return Foundation", "Thailand", ["forced-labour"],
                                       cso_type="victim-service organisation"))
    page = PartnersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 800)
    page.show()
    settle(ctx)
    assert {p.name for p in page.model.visible_rows()} == {"Quick Fix Ltd", "Safe Return Foundation"}
    row = next(p for p in page.model.visible_rows() if p.name == "Quick Fix Ltd")
    assert page.model.columns[4].text(row) == "rejected"

    page.new_partner()
    form = page.form
    # Every topic in view: the list does not scroll (it did, 8 of 11 shown, with room to spare below).
    assert form.topics.count() >= 10 and not form.topics.verticalScrollBar().isVisible()
    form.kind.setCurrentIndex(form.kind.findData("consultant"))
    qtbot.keyClicks(form.name, "Pearl River Remediation")
    qtbot.keyClicks(form.country, "China")
    hours = next(i for i in range(form.topics.count()) if form.topics.item(i).data(Qt.ItemDataRole.UserRole) == "hours")
    form.topics.item(hours).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert ctx.errors == []
    added = next(p for p in page.model.visible_rows() if p.name == "Pearl River Remediation")
    assert added.topics == ("hours",) and added.vetting_state == "not vetted"
    assert "Saved Pearl River Remediation" in form.message.text()
    assert form.vet_button.isVisible()  # a consultant not yet screened can be sent to vetting

    page.kind_box.setCurrentIndex(page.kind_box.findData("cso"))
    assert [p.name for p in page.model.visible_rows()] == ["Safe Return Foundation"]
    page.kind_box.setCurrentIndex(0)
    page.topic_box.setCurrentIndex(page.topic_box.findData("hours"))
    assert [p.name for p in page.model.visible_rows()] == ["Pearl River Remediation"]
    page.topic_box.setCurrentIndex(0)

    assert page.table.select_id(rejected.id)
    assert "rejected" in form.vetting.text()
    _shot(page, "partners_page")

    page.new_partner()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # no name
    settle(ctx)
    assert "needs a name" in form.message.text() and page.model.total_count == 3


@pytest.fixture
def cap(db):
    create_supplier(db, SupplierInput(name="Bright Toys", code="CN-0042", country="China",
                                      sourcing_owner="Maria Rossi", other_brands="Acme (30%)"), status="active")
    d = record_assessment(db, AssessmentInput("CN-0042", date.today(), "periodic", findings=[
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002")]))
    return d.cap_id


def test_cap_partners_tab_assigns_with_a_warning_and_lists_brand_actions(qtbot, ctx, db, cap, settle, monkeypatch,
                                                                        tmp_path):
    """The CAP page's Partners tab follows the shown item's CAP: adding an unvetted consultant records it and says
    it is not vetted; a brand action opened from the item's purchasing cause is listed; the pack is written."""
    from csrdesk.ui.pages import cap_partners
    from csrdesk.ui.pages.caps import CapsPage

    consultant = ps.add_partner(db, ps.PartnerInput("consultant", "Quick Fix Ltd"))
    item_id = next(iter(__import__("csrdesk.services.caps", fromlist=["x"]).cap_detail(db, cap).items)).row.id
    record_answer(db, item_id, root_cause="The buyer changed the order two weeks before shipment.",
                  preventive_action="1. Procedure: capacity check of order changes.", project_leader="Mr Zhao",
                  cause_category="purchasing")
    page = CapsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 840)
    page.show()
    qtbot.waitUntil(lambda: not page._loading)
    assert page.table.select_id(item_id)
    settle(ctx)
    panel = page.cap_partners
    assert panel.cap_id == cap
    page.panel.tabs.setCurrentWidget(panel)
    settle(ctx)
    assert [a.owner for a in panel.action_model.visible_rows()] == ["Maria Rossi"]

    def accept(dialog):
        dialog.partner.setCurrentIndex(dialog.partner.findData(consultant.id))
        dialog.item.setCurrentIndex(dialog.item.findData(item_id))
        dialog.what.setPlainText("Reviewed the production planning")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(cap_partners.AssignDialog, "exec", accept)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    [link] = panel.link_model.visible_rows()
    assert (link.partner, link.role, link.cap_item_id) == ("Quick Fix Ltd", "consultant", item_id)
    assert "recorded as consultant" in panel.message.text() and "not vetted" in panel.warnings.text()
    qtbot.keyClicks(panel.sourcing_edit, "Maria Rossi,  Tom Lee")
    qtbot.mouseClick(panel.sourcing_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert panel.sourcing_edit.text() == "Maria Rossi, Tom Lee"
    assert ps.cap_partners_view(db, cap).meeting_sourcing == "Maria Rossi, Tom Lee"
    _shot(page, "cap_partners_tab")

    suggested = []

    def ask(parent, title, start, kinds):
        suggested.append(start)
        return "", ""

    monkeypatch.setattr(cap_partners.QFileDialog, "getSaveFileName", staticmethod(ask))
    qtbot.mouseClick(panel.share_button, Qt.MouseButton.LeftButton)
    # The save dialog opens in the home folder, not wherever csrdesk was started.
    assert suggested == [str(Path.home() / f"CAP {cap} shared pack.xlsx")]
    out = tmp_path / "pack.xlsx"
    panel.write_pack(str(out))
    settle(ctx)
    assert out.exists() and "no complaints" in panel.message.text()


def test_supplier_page_shows_the_brand_side(qtbot, ctx, db, cap, settle):
    """The supplier page's Brand's side tab counts the findings traced to our purchasing practices, lists the
    sourcing owner's open brand actions and the brands sharing the factory; Close closes the selected action."""
    from csrdesk.services.brand_actions import list_brand_actions
    from csrdesk.services.caps import cap_detail
    from csrdesk.ui.pages.supplier_page import SupplierPage

    item_id = cap_detail(db, cap).items[0].row.id
    record_answer(db, item_id, root_cause="The buyer changed the order two weeks before shipment.",
                  preventive_action="1. Procedure: capacity check of order changes.", project_leader="Mr Zhao",
                  cause_category="purchasing")
    page = SupplierPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 840)
    page.show()
    page.show_supplier(cap_detail(db, cap).supplier_id)
    settle(ctx)
    settle(ctx)
    widget = page.brand_side
    page.tabs.setCurrentWidget(widget)
    assert "<b>1 finding</b> of this factory traces back" in widget.summary.text()
    assert "Maria Rossi" in widget.owner_title.text()
    assert [b.brand for b in widget.brands_model.visible_rows()] == ["Acme"]
    _shot(page, "supplier_brand_side")
    [action] = widget.actions_model.visible_rows()
    widget.actions.clearSelection()
    assert not widget.close_button.isEnabled() and "Select a brand action" in widget.close_button.toolTip()
    assert widget.actions.select_id(action.id)
    assert widget.close_button.isEnabled() and widget.done_button.isEnabled()
    qtbot.mouseClick(widget.close_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    settle(ctx)
    assert widget.actions_model.visible_rows() == [] and list_brand_actions(db)[0].status == "closed"


def test_partner_country_typo_is_caught_with_a_guess(qtbot, ctx, db, settle):
    """The partner form's country is the supplier dialog's country choice: 'Thialand' is refused once with "Did you
    mean Thailand?" and nothing is saved (it used to be free text, saved as typed); 'viet nam' is saved as Vietnam; an
    unknown country is kept when the user saves again as typed."""
    from csrdesk.ui.pages.partners import PartnersPage

    page = PartnersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 800)
    page.show()
    settle(ctx)
    page.new_partner()
    form = page.form
    assert form.country.isEditable() and form.country.findText("Bangladesh") >= 0  # a list to choose from
    qtbot.keyClicks(form.name, "Mekong Labour Rights")
    form.country.setCurrentText("Thialand")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert "Did you mean Thailand?" in form.message.text() and page.model.total_count == 0
    form.country.setCurrentText("viet nam")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert ctx.errors == [] and [p.country for p in page.model.visible_rows()] == ["Vietnam"]
    page.new_partner()
    qtbot.keyClicks(form.name, "Atlantis Workers Union")
    form.country.setCurrentText("Atlantis")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert "not in the country list" in form.message.text() and page.model.total_count == 1
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # again, as typed: kept
    settle(ctx)
    assert sorted(p.country for p in page.model.visible_rows()) == ["Atlantis", "Vietnam"]


def test_partner_name_is_not_squeezed_by_a_long_list_of_topics(qtbot, ctx, db, settle):
    """A civil society organisation working on several topics: the list at the window's default size shows its
    name whole and ends the topics in … (the name column, the one that stretches, was left its title's width and
    read 'Dha…' beside the whole list of topics)."""
    from csrdesk.ui.pages.partners import PartnersPage

    from csrdesk.services.library import list_categories

    topics = [c.key for c in list_categories(db)][:4]
    name = "Dhaka Workers Solidarity Centre"
    ps.add_partner(db, ps.PartnerInput("cso", name, country="Bangladesh", topics=topics,
                                       contact="Ms Rina Akter, rina@dwsc.example"))
    page = PartnersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360 - 200, 840 - 100)  # the page's part of the window at 1360x840
    page.show()
    page.refresh()
    settle(ctx)
    qtbot.waitUntil(lambda: page.model.total_count == 1)
    qtbot.wait(50)
    table = page.table
    needed = table.fontMetrics().horizontalAdvance(name) + 8
    assert table.columnWidth(0) >= needed
    assert table.horizontalHeader().length() <= table.viewport().width() + 2  # still no sideways scroll
