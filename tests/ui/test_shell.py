"""The window shell: navigation, the Ctrl+K search, status bar, remembered state, start-up, refusing a newer file."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import list_items, update_item
from csrdesk.services.search import build_search_index, search
from csrdesk.services.suppliers import SupplierInput, create_supplier
from tests.ui.conftest import wait_idle

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data(ui_db):
    """Two suppliers, one with an assessment whose CAP item has the factory's answer."""
    create_supplier(ui_db, SupplierInput(name="Saigon Stitch Garment JSC", code="VN-0201", country="Vietnam",
                                         local_name="Công ty May Sài Gòn"), status="vetting")
    create_supplier(ui_db, SupplierInput(name="Lotus Footwear Ltd", code="IN-0202", country="India"),
                    status="vetting")
    detail = record_assessment(ui_db, AssessmentInput(
        supplier_code="VN-0201", date=date.today() - timedelta(days=60), assessment_type="periodic",
        findings=[FindingInput("Emergency exit blocked by cartons", "critical", days_allowed=30),
                  FindingInput("Overtime premium underpaid", "major", days_allowed=90)]))
    item = next(i for i in list_items(ui_db) if i.finding == "Overtime premium underpaid")
    update_item(ui_db, item.id, root_cause="Payroll clerk not trained on the premium rule",
                project_leader="Nguyen Thi Lan")
    return {"assessment": detail}


def test_navigation_lists_only_pages_that_exist(window):
    """The left list holds Dashboard, Suppliers and Assessments at least, each with a real page, no placeholders."""
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles[:3] == ["Dashboard", "Suppliers", "Assessments"]
    for i, key in enumerate(window._nav_keys):
        page = window.pages[key]
        assert page is not None and page.layout() is not None and page.layout().count() > 0
        assert titles[i]
    assert len(set(titles)) == len(titles)


def test_ctrl_number_switches_pages(qtbot, window):
    """Ctrl+2 shows the suppliers, Ctrl+1 the dashboard."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.suppliers
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.dashboard


def test_ctrl_n_makes_what_the_page_shows(qtbot, window, monkeypatch):
    """Ctrl+N adds a supplier on the suppliers page; File > New starts an assessment on the assessments page."""
    called = []
    assessments = window.pages["assessments"]
    monkeypatch.setattr(assessments, "new_assessment", lambda *a, **k: called.append("assessment"), raising=False)
    monkeypatch.setattr(window.suppliers, "new_supplier", lambda: called.append("supplier"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.go("suppliers")
    assert window.new_action.text() == "New supplier…"
    window.search_box.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    window.go("assessments")
    assert window.new_action.text() == "New assessment…"
    window.new_action.trigger()
    assert called == ["supplier", "assessment"]
    window.go("dashboard")


def test_ctrl_k_search_finds_a_supplier_and_enter_opens_it(qtbot, window, data):
    """Ctrl+K, type part of a name, Enter: the supplier's page opens."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    box = window.search_box
    assert window.focusWidget() is box
    qtbot.keyClicks(box, "saigon")
    qtbot.waitUntil(lambda: box.shown_text == "saigon" and box.results.isVisible(), timeout=10000)
    assert box.hits[0].kind == "supplier" and box.hits[0].supplier_code == "VN-0201"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is window.supplier_page, timeout=5000)
    wait_idle(qtbot, window.ctx)
    assert "VN-0201" in window.supplier_page.title_label.text()
    box.prepare()  # an index read finishing after the choice must not open the list again
    wait_idle(qtbot, window.ctx)
    assert not box.results.isVisible()
    box.clear()


def test_search_finds_cap_items_by_the_factorys_answer(qtbot, window, data):
    """Typing the project leader's name finds the CAP item; a finding's words find it too."""
    box = window.search_box
    box.setFocus()
    box.setText("Nguyen Thi Lan")
    box.search_now()
    qtbot.waitUntil(lambda: box.shown_text == "Nguyen Thi Lan" and box.results.isVisible(), timeout=10000)
    assert [(h.kind, h.title) for h in box.hits] == [("cap_item", "Overtime premium underpaid")]
    box.setText("exit cartons")
    box.search_now()
    qtbot.waitUntil(lambda: bool(box.hits) and box.hits[0].title == "Emergency exit blocked by cartons", timeout=5000)
    assert box.hits[0].overdue is True
    box.choose(0)
    wait_idle(qtbot, window.ctx)
    # the CAP item opens on the CAPs page when it exists, else its assessment or supplier
    assert window.current_page() in (window.pages.get("caps"), window.pages.get("assessments"), window.supplier_page)
    box.clear()
    window.go("dashboard")


def test_search_says_when_nothing_matches(qtbot, window, data):
    """A search with no result says so rather than showing an empty list."""
    box = window.search_box
    box.setText("zzqx-nothing")
    box.search_now()
    qtbot.waitUntil(lambda: box.shown_text == "zzqx-nothing" and box.results.isVisible(), timeout=10000)
    assert box.hits == []
    assert "No supplier, assessment, vetting screen, complaint, finding or CAP item matches" in box.results.note.text()
    # the note alone, no blank band of an empty list above it
    assert not box.results.list.isVisible()
    assert box.results.height() < 2 * box.fontMetrics().height() + box.results.note.sizeHint().height() + 30
    assert box.results.note.geometry().top() < box.fontMetrics().height()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not box.results.isVisible()
    box.clear()


def test_search_service_kinds_and_limits(ui_db, data):
    """The service returns suppliers first, open CAP items next; % and _ are searched literally; the limit holds."""
    hits = search(ui_db, "VN-0201")
    assert hits[0].kind == "supplier"
    assert {h.kind for h in hits} >= {"supplier", "cap_item"}
    assert search(ui_db, "100%") == []
    assert search(ui_db, "_") == []
    assert len(search(ui_db, "e", limit=2)) == 2
    assert search(ui_db, "   ") == []


def test_the_index_finds_what_the_database_search_finds(ui_db, data):
    """The in-memory index the window searches gives the same hits, in the same order, as the SQL search."""
    index = build_search_index(ui_db)
    for text in ("VN-0201", "saigon", "exit cartons", "Nguyen", "overtime premium", "india", "zzqx", "Sài Gòn"):
        assert index.search(ui_db, text) == search(ui_db, text), text


def test_search_sees_a_change_made_in_the_window(qtbot, window, data):
    """A supplier added after the first search is found at the next one (the index is read again)."""
    box = window.search_box
    box.setText("Lotus")
    box.search_now()
    qtbot.waitUntil(lambda: bool(box.hits), timeout=5000)
    create_supplier(window.ctx.db, SupplierInput(name="Lotus Leather Goods", code="IN-0203", country="India"))
    window.ctx.notify("suppliers")
    box.setText("Lotus")
    box.search_now()
    qtbot.waitUntil(lambda: any(h.supplier_code == "IN-0203" for h in box.hits), timeout=5000)
    box.clear()


def test_status_bar_shows_the_database_in_use(window, ui_db):
    """The status bar names the database file."""
    assert str(ui_db.path) in window.db_label.text()
    assert ui_db.path.name in window.windowTitle()


def test_dashboard_shows_the_figures(qtbot, window, data):
    """The dashboard counts suppliers, overdue items and the ratings."""
    window.go("dashboard")
    window.dashboard.refresh()
    wait_idle(qtbot, window.ctx)
    summary = window.dashboard.summary
    assert summary is not None and summary.suppliers >= 2
    assert window.dashboard.card_suppliers.value_label.text() == f"{summary.suppliers:,}"
    ratings = dict(window.dashboard.ratings.items())
    assert ratings["Unsatisfactory"] >= 1


def test_f5_reloads_the_page(qtbot, window):
    """F5 loads the current page's data again."""
    window.go("dashboard")
    wait_idle(qtbot, window.ctx)
    before = window.dashboard.loads
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window.ctx)
    assert window.dashboard.loads == before + 1


def test_window_size_splitter_and_page_are_remembered(qtbot, ui_app, ui_db, window, csrdesk_home):
    """Closing saves size, sidebar width and page; the next window comes back the same."""
    from csrdesk.ui.app import open_window

    window.go("dashboard")
    window.resize(960, 700)  # fits the 800x800 offscreen screen (a restored window is kept on screen)
    qtbot.waitUntil(lambda: window.width() == 960)
    window.splitter.setSizes([260, 700])
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 260)
    window.save_state()
    ctx, second = open_window(ui_db, install_hooks=False)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (960, 700)
    assert second.current_page() is second.dashboard
    assert second.splitter.sizes()[0] == 260
    ctx.wait_idle()
    second.hide()
    window.resize(1360, 840)


def test_settings_dialog_saves_preferences(qtbot, window):
    """The user's name, signature and letter language are saved for letters."""
    from csrdesk.services.settings import load_preferences

    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=5000)
    dialog.name_edit.setText("Anna Berg")
    dialog.signature_edit.setPlainText("Kind regards,\nAnna Berg")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh-en"))
    dialog.retention_spin.setValue(30)
    dialog.save()
    wait_idle(qtbot, window.ctx)
    prefs = load_preferences(window.ctx.db)
    assert (prefs.user_name, prefs.letter_language, prefs.backup_retention) == ("Anna Berg", "zh-en", 30)
    assert prefs.signature == "Kind regards,\nAnna Berg"


def test_a_newer_database_is_refused_with_a_message_and_exit_code_2(tmp_path, monkeypatch, ui_app):
    """Opening a file written by a newer csrdesk says so and stops, leaving the file untouched."""
    import sqlite3

    from csrdesk.services.startup import open_workspace
    from csrdesk.ui import app as ui_app_module

    path = tmp_path / "newer.sqlite3"
    open_workspace(str(path)).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = path.read_bytes()
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a, **k: messages.append(text)))
    assert ui_app_module.run_gui(str(path)) == 2
    assert messages and "newer version of csrdesk" in messages[0]
    assert path.read_bytes() == before
    import gc

    assert gc.isenabled()  # the start paused the garbage collector; a start that stops early turns it back on


def test_the_start_pauses_the_garbage_collector_until_the_first_page_has_its_data(qtbot, ui_app):
    """Python's cycle collector is off while the start imports and builds (nothing it could collect, a tenth of a
    second of collecting), and on again once the worker is idle, with what the start built set aside."""
    import gc

    from csrdesk.ui import app as ui_app_module

    from PySide6.QtCore import QObject, Signal

    from csrdesk.ui.context import AppContext

    class Worker(QObject):  # the context's worker, busy with the first page's data
        busy_changed = Signal(bool)
        busy = True
        when_idle = AppContext.when_idle

    worker = Worker()
    frozen_before = gc.get_freeze_count()
    ui_app_module.begin_start()
    try:
        assert not gc.isenabled()
        ui_app_module.end_start_when_ready(worker)
        qtbot.wait(120)
        assert not gc.isenabled()  # the first page still reads its data
        worker.busy = False
        worker.busy_changed.emit(False)
        qtbot.waitUntil(gc.isenabled, timeout=2000)
        assert gc.get_freeze_count() > frozen_before
    finally:
        ui_app_module.end_start()
        gc.enable()


def test_start_up_does_not_load_heavy_libraries(tmp_path):
    """Opening the window imports neither matplotlib nor openpyxl nor docxtpl nor cryptography (they load when first
    needed)."""
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["CSRDESK_HOME"] = {str(tmp_path / 'home')!r}
        from csrdesk.ui.app import ensure_application, open_window
        from csrdesk.services.startup import open_workspace
        app = ensure_application()
        ctx, window = open_window(open_workspace({str(tmp_path / 'start.sqlite3')!r}))
        window.show()
        app.processEvents()
        ctx.wait_idle()
        app.processEvents()
        print(sorted(m for m in ("matplotlib", "openpyxl", "docxtpl", "cryptography") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_start_up_imports_the_database_layer_before_qt_and_builds_only_the_first_page(tmp_path):
    """The start's own work, not its timing: SQLAlchemy and the models are imported before PySide6 (whose import hook
    reads the source of every module imported after it: about 300 files, a tenth of a second, before this), and the
    suppliers list and supplier page are not built (nor their modules imported) until first shown, and the services
    only other pages use are not imported either."""
    from csrdesk.services.startup import open_workspace

    open_workspace(str(tmp_path / "start.sqlite3")).dispose()  # an existing workspace, as at every start but the first
    script = textwrap.dedent(f"""
        import inspect, os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["CSRDESK_HOME"] = {str(tmp_path / 'home')!r}
        read = []
        original = inspect.getsource
        def counted(obj):
            read.append(getattr(obj, "__name__", "?"))
            return original(obj)
        inspect.getsource = counted
        from csrdesk.ui.app import ensure_application, open_window
        app = ensure_application()
        from csrdesk.services.startup import open_workspace
        ctx, window = open_window(open_workspace({str(tmp_path / 'start.sqlite3')!r}))
        window.show()
        app.processEvents()
        ctx.wait_idle()
        order = list(sys.modules)
        print(order.index("sqlalchemy.orm") < order.index("PySide6.QtCore"))
        print(len([name for name in read if name.startswith("sqlalchemy")]))
        print(sorted(name for name in read if name in ("typing", "logging", "dataclasses", "csrdesk.domain.scoring")))
        print(sorted(key for key, _page in window.pages.built_items()))
        print(sorted(m for m in ("csrdesk.ui.pages.suppliers", "csrdesk.ui.pages.supplier_page", "csrdesk.ui.pages.laws_tab")
                     if m in sys.modules))
        print(sorted(m for m in ("csrdesk.services.complaints", "csrdesk.services.caps", "csrdesk.domain.vetting")
                     if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    before_qt, sqlalchemy_read, plain_read, built, imported, services = result.stdout.strip().splitlines()[-6:]
    assert plain_read == "[]"  # modules without Qt imported before it are not read again (typing.py, logging...)
    assert before_qt == "True"
    assert int(sqlalchemy_read) <= 3  # a late "from sqlalchemy.orm import ..." reads one file; before: over 200
    assert built == "['dashboard']"
    assert imported == "[]"
    # Neither the complaints' use cases nor the CAPs' (about 15 ms of dataclasses and imports) nor the checklists' rules
    # (10 ms) are needed by the dashboard: they load with their pages. Before, sealing old identities, a category-title
    # lookup and the built-in checklists' hash compare pulled them in.
    assert services == "[]"


def test_a_failing_unsaved_check_keeps_the_page_and_shows_the_error(qtbot, window, monkeypatch):
    """When the page's unsaved-changes check itself fails, the window stays on the page (edits are not lost) and
    the error is shown."""
    import csrdesk.ui.main_window as main_window

    window.go("assessments")
    page = window.current_page()
    shown = []
    monkeypatch.setattr(main_window, "show_error", lambda parent, exc: shown.append(str(exc)))
    monkeypatch.setattr(page, "leave", lambda then: 1 / 0)
    assert not window.go("suppliers")
    assert window.current_page() is page
    assert window.navigation.currentRow() == window._nav_keys.index("assessments")
    assert shown and "division by zero" in shown[0]
    monkeypatch.undo()
    assert window.go("dashboard")


def test_qt_messages_go_to_the_log_not_to_stderr(ui_app, caplog, capfd):
    """A Qt warning (like the offscreen plugin's propagateSizeHints note) lands in the log at WARNING level and
    prints nothing on stderr."""
    import logging

    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from csrdesk.ui import app as app_module

    previous = qInstallMessageHandler(None)  # pytest-qt's own capture, put back below
    app_module._qt_handler = None
    try:
        app_module.install_qt_message_handler()
        with caplog.at_level(logging.DEBUG, logger="qt"):
            qWarning("This plugin does not support propagateSizeHints()")
    finally:
        app_module.remove_qt_message_handler(previous)
    records = [r for r in caplog.records if r.name == "qt"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.WARNING, "This plugin does not support propagateSizeHints()")]
    assert "propagateSizeHints" not in capfd.readouterr().err
