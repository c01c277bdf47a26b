"""The Connect to a shared database dialog: fields, Test (nothing opened), then Connect; an empty database is set up
on first open. Needs the PostgreSQL test server."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("CSRDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL test server (set CSRDESK_TEST_PG_URL; CI sets it)")


@pytest.fixture
def empty_database():
    """A new, empty database on the test server, dropped afterwards."""
    name = f"csrdesk_connect_{os.getpid()}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        c.execute(text(f"CREATE DATABASE {name}"))
    yield name
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_test_then_connect_sets_up_an_empty_database(qtbot, ctx, empty_database):
    """A wrong password is told in the dialog and Connect stays off; the right one says the database is empty and
    will be set up; Connect gives the URL without the password, which then opens with the schema and library."""
    from csrdesk.services import team_connect
    from csrdesk.services.library import list_violation_types
    from csrdesk.services.startup import open_workspace
    from csrdesk.ui.dialogs.connect import ConnectDialog

    server = make_url(PG_URL)
    team_connect._this_session.clear()
    dialog = ConnectDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.host_edit.setText(server.host)
    dialog.port_spin.setValue(server.port or 5432)
    dialog.database_edit.setText(empty_database)
    dialog.user_edit.setText(server.username)
    dialog.password_edit.setText("not-the-password")
    dialog.remember_check.setChecked(False)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "password authentication failed" in dialog.result_label.text(), timeout=20000)
    assert not dialog.connect_button.isEnabled()
    dialog.password_edit.setText(server.password)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "empty" in dialog.result_label.text(), timeout=20000)
    assert dialog.connect_button.isEnabled() and "PostgreSQL" in dialog.result_label.text()
    shot = os.environ.get("CSRDESK_SCREENSHOT_DIR")
    if shot:
        dialog.grab().save(os.path.join(shot, "connect-dialog.png"))
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.chosen_url is not None, timeout=20000)
    assert make_url(dialog.chosen_url).password is None and "session only" in dialog.told
    db = open_workspace(dialog.chosen_url)
    try:
        assert db.path is None and len(list_violation_types(db)) >= 80
    finally:
        db.dispose()
        team_connect._this_session.clear()


def test_move_this_workspace_from_the_window(qtbot, ui_app, tmp_path, empty_database):
    """File > Move this workspace to a shared database: the dialog tests the empty database, the workspace is
    copied, the counts are told and the shared database can be opened at once; the local file stays."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from csrdesk.services import team_connect
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import list_suppliers
    from csrdesk.ui.app import close_window, open_window
    from csrdesk.ui.dialogs.connect import ConnectDialog

    local = open_workspace(str(tmp_path / "mine.sqlite3"))
    generate_demo(local, suppliers=4, findings_per_assessment=3, seed=4)
    ctx, win = open_window(local, install_hooks=False)
    try:
        win.show()
        win.move_to_shared_database()
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ConnectDialog) and w.isVisible())
        server = make_url(PG_URL)
        dialog.host_edit.setText(server.host)
        dialog.database_edit.setText(empty_database)
        dialog.user_edit.setText(server.username)
        dialog.password_edit.setText(server.password)
        dialog.remember_check.setChecked(False)
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.connect_button.isEnabled(), timeout=20000)
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

        def question():
            return next((w for w in QApplication.topLevelWidgets()
                         if isinstance(w, QMessageBox) and w.isVisible() and "rows were copied" in w.text()), None)

        qtbot.waitUntil(lambda: question() is not None, timeout=60000)
        box = question()
        assert "unchanged" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: ctx.db.path is None, timeout=30000)
        assert "shared database" in win.db_label.text()
        assert len(list_suppliers(ctx.db)) == 4 and (tmp_path / "mine.sqlite3").exists()
    finally:
        close_window(ctx, win)
        team_connect._this_session.clear()
