"""The window tells a busy or read-only database in the same one line as the command line, not as a bug."""
from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QMessageBox

import csrdesk.storage.db as dbmod
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui import errors as ui_errors



def test_a_busy_database_is_a_plain_warning_in_the_window(qtbot, work_ctx, db, monkeypatch):
    """Another csrdesk holds the write lock: saving shows 'busy in another csrdesk; try again', no bug dialog."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 150)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append(text)))
    db.engine.dispose()  # new connections take the short wait
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        task = work_ctx.run(create_supplier, db, SupplierInput(name="Dhaka Knit Ltd", code="BD-0042", country="Bangladesh"))
        qtbot.waitUntil(lambda: task.is_done, timeout=10000)
    finally:
        holder.rollback()
        holder.close()
    assert len(shown) == 1 and "busy in another csrdesk; try again" in shown[0]
    assert ui_errors.current_error_dialog() is None


def test_a_read_only_database_is_a_plain_warning_in_the_window(qtbot, work_ctx, db, monkeypatch):
    """A database opened read-only refuses a change with 'the database file is read-only'."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append(text)))
    monkeypatch.setattr(db, "read_only", True)
    task = work_ctx.run(create_supplier, db, SupplierInput(name="Dhaka Knit Ltd", code="BD-0043", country="Bangladesh"))
    qtbot.waitUntil(lambda: task.is_done, timeout=10000)
    assert len(shown) == 1 and "database file is read-only" in shown[0]
    assert ui_errors.current_error_dialog() is None
