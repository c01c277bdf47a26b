"""At the default 1360x840 window, with demo data, every page (each of its tabs, with an item open) and every dialog
shows its texts whole: no label wider than its room (unless it ends in … on purpose), no button text cut, no column
title cut, no table cell cut short while its table has room (a short value never; a long text only when no other
column has room to spare, and then readable whole on hover), no sideways scroll bar, no placeholder cut in its box,
no dialog wider than the screen. Measured with the widgets' own fonts, so it holds whatever fonts the machine has."""
from __future__ import annotations

import os
from datetime import date
import re

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QTabWidget

from tests.ui.conftest import wait_idle
from tests.ui.layout_check import problems

WIDTH, HEIGHT = 1360, 840
LONG_MESSAGE = ("The change was refused: " + "a reason that takes a few lines to say in full, " * 4).strip()


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


CELLS_PENDING: tuple[str, ...] = ()  # every dialog's cells are checked (the supplier dialog's since issue 16)


def _walk_tabs(qtbot, window, root, where: str) -> list[str]:
    cells = not where.startswith(CELLS_PENDING)
    found = problems(root, where, cells)
    _shot(root.window(), where)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            if i == current or not tabs.isTabEnabled(i):
                continue
            tabs.setCurrentIndex(i)
            _settle(qtbot, window)
            found += problems(tabs.widget(i), f"{where} / tab {tabs.tabText(i)}", cells)
            _shot(root.window(), f"{where} / tab {tabs.tabText(i)}")
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


def _dialogs(window, db):
    """Every dialog of the app, built as the pages build them, over the demo data."""
    from csrdesk.services import review, vetting
    from csrdesk.services.caps import list_items
    from csrdesk.services.suppliers import list_suppliers, supplier_detail
    from csrdesk.ui.dialogs.letters import LettersDialog
    from csrdesk.ui.import_dialogs import ImportFindingsDialog
    from csrdesk.ui.pages.cap_review import CapReviewDialog
    from csrdesk.ui.pages.complaints import NewComplaintDialog
    from csrdesk.ui.pages.library import NewTypeDialog
    from csrdesk.ui.pages.supplier_dialogs import StatusDialog, SupplierDialog
    from csrdesk.ui.pages.verification import BookDialog
    from csrdesk.ui.pages.visit_screen import VisitDialog
    from csrdesk.ui.pages.vetting.dialogs import NewScreenDialog
    from csrdesk.ui.settings_dialog import SettingsDialog
    from csrdesk.ui.widgets.dialog_keys import TextPrompt
    from csrdesk.ui.wizards.rootcause import RootCauseWizard

    ctx = window.ctx
    suppliers = list_suppliers(db)
    prospect = next((s for s in suppliers if s.status in ("prospect", "vetting")), suppliers[0])
    detail = supplier_detail(db, prospect.code)
    items = [i for i in list_items(db) if i.due_date is not None]
    item = items[0]
    choices = vetting.screen_choices(db)
    yield "settings", SettingsDialog(ctx, window)
    yield "new supplier", SupplierDialog(ctx, None, countries=["Bangladesh", "China"], parent=window)
    yield "edit supplier", SupplierDialog(ctx, detail, countries=["Bangladesh", "China"], parent=window)
    yield "change status", StatusDialog(ctx, detail, window)
    yield "letters", LettersDialog(ctx, [item.cap_id], window)
    yield "import findings", ImportFindingsDialog(ctx, [], window)
    yield "CAP review", CapReviewDialog(ctx, item.cap_id, window)
    yield "root cause", RootCauseWizard(ctx, review.guided_context(db, item.id), window, user="Anna")
    yield "new complaint", NewComplaintDialog(ctx, [(s.code, s.name) for s in suppliers], [], window)
    yield "new finding type", NewTypeDialog([("HSF", "Health and safety")], window)
    yield "book visit", BookDialog(item.cap_id, date.today(), window)
    yield "visit", VisitDialog(ctx, item.cap_id, window)
    yield "new vetting screen", NewScreenDialog(choices.templates, choices.suppliers, window)
    from csrdesk.ui.dialogs.reports import ReportDialog

    reports = ReportDialog(ctx, window)
    reports.path.setText("/home/anna.schmidt/OneDrive - Northwind Apparel GmbH/Documents/CSR programme/x.docx")
    reports._kind_changed()  # the default report's name in a deep folder
    yield "reports", reports
    yield "override", TextPrompt(window, "Override the warning", "The root cause names a person, not the system "
                                 "that let it happen. " * 5)


def test_every_dialog_shows_its_text_whole(qtbot, window, demo, ui_db):
    window.resize(WIDTH, HEIGHT)
    found: list[str] = []
    for name, dialog in _dialogs(window, ui_db):
        dialog.show()
        qtbot.waitExposed(dialog)
        _settle(qtbot, window)
        pages = getattr(dialog, "stack", None)
        steps = range(pages.count()) if pages is not None else [None]
        for step in steps:
            if step is not None:
                pages.setCurrentIndex(step)
                _settle(qtbot, window)
            where = f"dialog {name}" + (f" step {step + 1}" if step is not None else "")
            found += _walk_tabs(qtbot, window, dialog, where)
            if dialog.width() > WIDTH or dialog.height() > HEIGHT:
                found.append(f"{where}: {dialog.width()}x{dialog.height()} px, larger than the window")
            # At its smallest size (what a user who shrinks it, or a larger font, gets) nothing overlaps either.
            natural = dialog.size()
            dialog.resize(dialog.minimumSizeHint().expandedTo(dialog.minimumSize()))
            _settle(qtbot, window)
            found += problems(dialog, where + " (smallest)", not where.startswith(CELLS_PENDING))
            _shot(dialog, where + " smallest")
            dialog.resize(natural)
        # A message shown under the form (a refusal, a warning) wraps to lines: the dialog makes room for them
        # instead of squeezing the fields into one another (the New supplier dialog did, Address over Region).
        slots = [label for label in dialog.findChildren(QLabel)
                 if label.wordWrap() and (not label.text().strip() or not label.isVisibleTo(dialog))]
        for label in slots:
            label.setText(LONG_MESSAGE)
            label.setVisible(True)
        if slots:
            _settle(qtbot, window)
            found += problems(dialog, f"dialog {name} (with a message)")
        dialog.reject()
        dialog.deleteLater()
    assert not found, "\n".join(sorted(set(found)))


def test_the_walk_sees_what_is_cut(qtbot, ui_app):
    """The measure itself: a label narrower than its text, a squeezed wrapped label, a button too narrow for its
    text, a column narrower than its title and a box narrower than its placeholder are reported; a label that ends
    in … on purpose is not."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QWidget

    from csrdesk.ui.widgets.elided_label import ElidedLabel

    root = QWidget()
    qtbot.addWidget(root)
    root.resize(600, 400)
    cut = QLabel("Pending conditions of the approval", root)
    cut.setGeometry(0, 0, 60, 30)
    wrapped = QLabel("Approval needs a pre-production assessment rated Satisfactory. " * 3, root)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 40, 200, 20)
    elided = ElidedLabel("", root)
    elided.set_full_text("Shapla Fashions and Knitwear Industries Ltd.")
    elided.setGeometry(0, 70, 60, 30)
    button = QPushButton("Change status…", root)
    button.setGeometry(0, 110, 40, 30)
    table = QTableView(root)
    model = QStandardItemModel(1, 1, table)
    model.setHorizontalHeaderLabels(["Compliance contact"])
    table.setModel(model)
    table.setColumnWidth(0, 30)
    table.setGeometry(0, 150, 300, 100)
    hinted = QLineEdit(root)
    hinted.setPlaceholderText("YYYY-MM-DD: when someone last compared it with the law")
    hinted.setGeometry(0, 260, 120, 30)
    root.show()
    qtbot.waitExposed(root)
    found = "\n".join(problems(root, "test"))
    assert "Pending conditions" in found and "Approval needs" in found and "Change status" in found
    assert "Compliance contact" in found
    assert "when someone last compared" in found  # a placeholder cut in its box
    assert "Shapla" not in found


def test_caps_library_vetting_and_the_cap_review_fit_a_font_a_tenth_wider(qtbot, window, demo, ui_db):
    """The pages of the week's CAP work, with an item open, the suppliers list, the CAP review and the letters
    dialog (their cells too: none cut while the table has room), at 1360x840 with the
    machine's font a tenth larger (a machine whose UI font runs wider than the one the tests have): nothing cut,
    no sideways scroll, no tab arrows. Measured, so it holds whatever fonts the machine has."""
    from PySide6.QtGui import QFont

    from csrdesk.services.caps import list_items
    from csrdesk.ui.dialogs.letters import LettersDialog
    from csrdesk.ui.pages.cap_review import CapReviewDialog

    before = QFont(QApplication.font())
    wider = QFont(before)
    wider.setPointSizeF(before.pointSizeF() * 1.1)
    QApplication.setFont(wider)
    found: list[str] = []
    try:
        window.resize(WIDTH, HEIGHT)
        for key, kind in (("caps", "cap_item"), ("vetting", "vetting_screen")):
            window.go(key)
            page = window.pages[key]
            page.refresh()
            _settle(qtbot, window)
            page.open_item(kind, _first_id(page.model))
            _settle(qtbot, window)
            qtbot.wait(50)
            found += _walk_tabs(qtbot, window, page, f"{key} (wider font)")
        window.go("library")
        library = window.pages["library"]
        for tab in (0, 1):  # the finding library with a type open, the scoring matrix
            library.tabs.setCurrentIndex(tab)
            library.table.selectRow(0)
            _settle(qtbot, window)
            found += problems(library, f"library tab {library.tabs.tabText(tab)} (wider font)")
        window.go("suppliers")  # the list whose names were cut beside roomy dates and counts
        window.suppliers.refresh()
        _settle(qtbot, window)
        found += problems(window.suppliers, "suppliers (wider font)")
        item = next(i for i in list_items(ui_db) if i.due_date is not None)
        for name, dialog in (("CAP review", CapReviewDialog(window.ctx, item.cap_id, window)),
                             ("letters", LettersDialog(window.ctx, [item.cap_id], window))):
            dialog.show()
            qtbot.waitExposed(dialog)
            _settle(qtbot, window)
            found += _walk_tabs(qtbot, window, dialog, f"{name} (wider font)")
            dialog.reject()
            dialog.deleteLater()
    finally:
        QApplication.setFont(before)
    assert not found, "\n".join(sorted(set(found)))
