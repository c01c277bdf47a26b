"""The conditions of a vetting decision, read at the default 1360x840 window: in the decision form and in the
decided screen each condition shows whole (wrapped in the narrow panel, never cut to "Ha…"), the Condition title is
not cut, and the tables never scroll sideways."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRect, Qt

from tests.ui.conftest import open_vetting_screen
from tests.ui.layout_check import problems

CONDITIONS = [
    "Have a recognised third-party social audit done and send the report.",
    "Send evidence for: Does every worker get a written contract in a language they understand?",
    "Present a production plan that keeps weekly hours, overtime included, at 60 or fewer.",
]


def _cells_whole(table) -> list[str]:
    cut = []
    width = table.columnWidth(0) - 8  # the cell's own margins
    for row in range(table.rowCount()):
        text = table.item(row, 0).text()
        needed = table.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        if needed > table.rowHeight(row) + 2:
            cut.append(f"row {row}: {text[:30]!r} needs {needed} px, has {table.rowHeight(row)}")
    return cut


def test_conditions_show_whole_before_and_after_the_decision(qtbot, window, ui_db):
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.vetting import ConditionInput, decide_screen, save_answers, start_screen
    from tests.services.test_vetting import good_answers

    create_supplier(ui_db, SupplierInput(name="Anatolia Socks Tekstil", code="TR-7301", country="Türkiye"),
                    status="vetting")
    screen = start_screen(ui_db, "new_supplier_screening", supplier_code="TR-7301")
    page = open_vetting_screen(qtbot, window, screen.id)
    form = page.form
    for text in CONDITIONS:
        form._add_condition(text, date.today() + timedelta(days=30))
    qtbot.wait(50)
    table = form.conditions_table
    assert not table.horizontalScrollBar().isVisible()
    assert not _cells_whole(table), _cells_whole(table)

    save_answers(ui_db, screen.id, good_answers(screen.template))
    decide_screen(ui_db, screen.id, "approve with conditions", "Anna Berg",
                  conditions=[ConditionInput(t, date.today() + timedelta(days=30)) for t in CONDITIONS])
    form.load(screen.id)
    qtbot.waitUntil(lambda: form.detail.decided and not window.ctx.busy)
    qtbot.wait(50)
    decided = form.decided_conditions
    header = decided.horizontalHeader()
    right = max(header.sectionViewportPosition(i) + header.sectionSize(i) for i in range(decided.columnCount()))
    assert right <= decided.viewport().width() + 2, "a column of the decided conditions is out of sight"
    assert "open" in decided.item(0, 1).text()  # the status, under the due date
    decided_problems = [p for p in problems(form.decided_box, "decided") if "Condition" in p or "sideways" in p]
    assert not decided.horizontalScrollBar().isVisible()
    assert not decided_problems, decided_problems
    assert not _cells_whole(decided), _cells_whole(decided)
