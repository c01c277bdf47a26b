"""The Country laws and Risk map tabs of the Library page, and the legal requirement filled in the assessment
editor."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from csrdesk.services import laws
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.laws import LawInput
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui.context import AppContext
from csrdesk.ui.pages.laws_tab import LawsTab
from csrdesk.ui.pages.stale_laws import StaleLawsPanel
from csrdesk.ui.pages.risk_map import RiskMapTab


@pytest.fixture
def ctx(qtbot, db):
    context = AppContext(db)
    yield context
    context.wait_idle()


def _settle(qtbot, ctx):
    qtbot.waitUntil(lambda: not ctx.busy, timeout=15000)


@pytest.fixture
def tab(qtbot, ctx):
    widget = LawsTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 760)
    widget.show()
    _settle(qtbot, ctx)
    return widget


def test_laws_tab_shows_the_library_with_the_verify_banner_and_filters(qtbot, tab):
    """The built-in references are listed under the 'verify before relying on it' banner; choosing a country and a
    topic narrows the table to them."""
    assert "verify each one against the official text before relying on it" in tab.banner.text()
    assert tab.model.total_count == len(laws.list_laws(tab.ctx.db)) >= 100
    tab.country_filter.setCurrentIndex(tab.country_filter.findData("Vietnam"))
    tab.topic_filter.setCurrentIndex(tab.topic_filter.findData("minimum wage"))
    rows = tab.model.visible_rows()
    assert sorted(r.region for r in rows) == ["Region I", "Region II", "Region III", "Region IV"]
    assert tab.count_label.text().startswith("4 of ")


def test_editing_an_entry_saves_it_and_marks_it_the_users(qtbot, tab):
    """Selecting an entry fills the form; a new figure saved in the form is in the table and the entry is marked
    edited (an upgrade leaves it alone)."""
    tab.country_filter.setCurrentIndex(tab.country_filter.findData("Türkiye"))
    tab.topic_filter.setCurrentIndex(tab.topic_filter.findData("minimum wage"))
    tab.table.selectRow(0)
    assert tab.editor.value.text() == "33030" and tab.editor.unit.text() == "TRY/month"
    tab.editor.value.setText("34,000")
    tab.editor.save_button.click()
    _settle(qtbot, tab.ctx)
    saved = tab.model.visible_rows()[0]
    assert saved.value == 34000 and saved.user_edited
    assert tab.model.data(tab.model.index(0, 7)) == "edited"


def test_a_wrong_date_in_the_form_is_said_and_nothing_saved(qtbot, tab):
    tab.table.selectRow(0)
    before = laws.list_laws(tab.ctx.db)
    tab.editor.effective.setText("1 March")
    tab.editor.save_button.click()
    _settle(qtbot, tab.ctx)
    assert "not a date" in tab.editor.message.text()
    assert laws.list_laws(tab.ctx.db) == before


def test_stale_entries_are_marked_and_listed_for_review(qtbot, tab, ctx):
    """An entry last checked two years ago is red in the table, shown by 'Due for review', and on the dashboard
    panel; 'Checked today' takes it off."""
    old = laws.save_law(ctx.db, LawInput(country="India", region="Haryana", topic="minimum wage",
                                         requirement="Pay at least the Haryana minimum.",
                                         checked=date(2024, 6, 1))).entry
    tab.reload()
    _settle(qtbot, tab.ctx)
    tab.stale_box.setChecked(True)
    assert [r.id for r in tab.model.visible_rows()] == [old.id]
    index = tab.model.index(0, 6)
    assert tab.model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert "1 have not been checked" in tab.banner.text()
    panel = StaleLawsPanel(ctx)
    qtbot.addWidget(panel)
    panel.reload()
    _settle(qtbot, ctx)
    assert [r.id for r in panel.model.all_rows()] == [old.id] and "1 law reference" in panel.summary.text()
    tab.table.selectRow(0)
    tab.checked_button.click()
    _settle(qtbot, ctx)
    assert tab.model.visible_rows() == []


def test_import_from_the_tab_applies_and_names_outdated_findings(qtbot, tab, ctx, tmp_path):
    """Importing a workbook with a new Shanghai wage saves it and says which open finding cites the old figure."""
    create_supplier(ctx.db, SupplierInput(name="Pudong Knit", code="CN-0301", country="China",
                                          address="Jinqiao Road, Shanghai"))
    d = record_assessment(ctx.db, AssessmentInput("CN-0301", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    path = tmp_path / "laws.xlsx"
    laws.export_laws(ctx.db, path, country="China")
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book["Laws"]
    r = ws.max_row + 1
    for col, value in ((2, "China"), (3, "Shanghai"), (4, "minimum wage"), (5, "Pay at least the new minimum."),
                       (6, 2800), (7, "CNY/month"), (9, date.today().isoformat()), (10, "Shanghai notice")):
        ws.cell(r, col).value = value
    book.save(path)
    tab.import_from(path, confirm=False)
    _settle(qtbot, ctx)
    assert tab.last_message.startswith("Imported 1 new")
    assert [o.finding_id for o in tab.last_preview.outdated] == [d.findings[0].id]
    assert "CN-0301" in tab.outdated_box.detailedText()
    tab.outdated_box.close()


def test_risk_map_tab_draws_the_map_and_keeps_a_country_note(qtbot, ctx, supplier):
    """The tab lists each country with its assessments and draws the heat map; a note typed for a country is
    saved and shown in the table."""
    record_assessment(ctx.db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=[
        FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")]))
    widget = RiskMapTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 760)
    widget.show()
    _settle(qtbot, ctx)
    assert [r.country for r in widget.model.all_rows()] == ["China"]
    assert widget._canvas is not None and widget.map.cell("China", "wages").share == 1.0
    widget.table.selectRow(0)
    widget.note_edit.setPlainText("Peak season overtime in Q4")
    widget.note_button.click()
    _settle(qtbot, ctx)
    assert widget.model.all_rows()[0].note == "Peak season overtime in Q4"


def test_assessment_editor_fills_the_legal_requirement_as_a_finding_is_added(qtbot, ctx):
    """Adding a minimum-wage finding for a Shanghai factory puts Shanghai's wage and its source in the legal
    requirement box, where the user can still change it."""
    from csrdesk.ui.pages.assessments import AssessmentsPage

    create_supplier(ctx.db, SupplierInput(name="Pudong Knit", code="CN-0302", country="China",
                                          address="Jinqiao Road, Shanghai"))
    page = AssessmentsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1360, 840)
    page.show()
    _settle(qtbot, ctx)
    editor = page.editor
    editor.ensure_reference()
    editor.new_assessment("CN-0302")
    _settle(qtbot, ctx)
    editor.add_library_finding("WAG-001")
    draft = editor.model.draft(0)
    assert "2,740 CNY/month" in draft.legal_requirement and draft.law_reference_id is not None
    assert "2,740 CNY/month" in editor.legal_edit.toPlainText()


def test_export_opens_its_save_dialog_in_the_home_folder(qtbot, tab, monkeypatch):
    """Export... suggests law-references.xlsx in the home folder, not wherever csrdesk was started; cancelling
    writes nothing."""
    from csrdesk.ui.pages import laws_tab

    suggested = []

    def ask(parent, title, start, kinds):
        suggested.append(start)
        return "", ""

    monkeypatch.setattr(laws_tab.QFileDialog, "getSaveFileName", staticmethod(ask))
    tab.choose_export()
    assert suggested == [str(Path.home() / "law-references.xlsx")]
