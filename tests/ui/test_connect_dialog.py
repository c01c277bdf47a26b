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
