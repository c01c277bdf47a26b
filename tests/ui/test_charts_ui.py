"""Charts in the window: the supplier's score chart at a readable size, dashboard bars and tiles that open what is
behind them, and every chart copied or saved as PNG or SVG."""
import warnings
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers
from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def seeded(ui_db):
    """Two suppliers with a history of assessments: one Unsatisfactory now, one Satisfactory."""
    today = date.today()
    create_supplier(ui_db, SupplierInput(name="Chart Knit Ltd", code="VN-0901", country="Vietnam"), status="active")
    for n, (days, sev) in enumerate(((700, "critical"), (400, "major"), (100, "critical"))):
        record_assessment(ui_db, AssessmentInput(supplier_code="VN-0901", date=today - timedelta(days=days),
                                                 assessment_type="periodic",
                                                 findings=[FindingInput(f"Finding {n}", sev, days_allowed=14)]))
    create_supplier(ui_db, SupplierInput(name="Chart Toys Co", code="CN-0902", country="China"), status="active")
    record_assessment(ui_db, AssessmentInput(supplier_code="CN-0902", date=today - timedelta(days=50),
                                             assessment_type="periodic",
                                             findings=[FindingInput("First aid kit incomplete", "minor")]))
    return {r.code: r for r in list_suppliers(ui_db)}


def test_score_chart_is_readable_not_a_collapsed_strip(qtbot, window, seeded):
    """Shown at the default window size, the score chart is tall enough to read, and matplotlib draws it without
    the 'axes sizes collapsed' warning of the old 15-pixel strip."""
    window.show_supplier(seeded["VN-0901"].id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    page.tabs.setCurrentIndex(1)
    page.chart_button.setChecked(True)
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    qtbot.waitUntil(lambda: page.chart.findChild(FigureCanvasQTAgg) is not None, timeout=5000)
    qtbot.wait(50)
    canvas = page.chart.findChild(FigureCanvasQTAgg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        canvas.draw()
    assert not [w for w in caught if "collapse" in str(w.message)]
    assert page.chart.height() >= 200 and canvas.height() >= 200, (page.chart.height(), canvas.height())
    points = canvas.figure.axes[0].collections[-1].get_offsets()
    assert len(points) == 3  # one point per assessment
    page.chart_button.setChecked(False)


def test_every_chart_saves_as_png_and_svg(qtbot, window, seeded, tmp_path):
    """The score chart and the dashboard's bars save as PNG and SVG (what the context menu does)."""
    from csrdesk.ui.widgets.chart_view import save_widget_image

    window.show_supplier(seeded["VN-0901"].id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    page.tabs.setCurrentIndex(1)
    page.chart_button.setChecked(True)
    png = page.chart.save_image(tmp_path / "score.png")
    svg = page.chart.save_image(tmp_path / "score.svg")
    assert png.read_bytes()[:4] == b"\x89PNG" and b"<svg" in svg.read_bytes()[:400]
    page.chart_button.setChecked(False)
    assert window.go("dashboard")
    wait_idle(qtbot, window.ctx)
    bars = window.dashboard.ratings
    assert bars.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert save_widget_image(bars, tmp_path / "ratings.png").read_bytes()[:4] == b"\x89PNG"
    text = save_widget_image(bars, tmp_path / "ratings.svg").read_text(encoding="utf-8")
    assert "<svg" in text and "Unsatisfactory" in text


def test_dashboard_bar_opens_the_suppliers_behind_it(qtbot, window, seeded):
    """A click on the 'Unsatisfactory' bar shows the suppliers list filtered to Unsatisfactory suppliers."""
    assert window.go("dashboard")
    window.dashboard.reload()
    wait_idle(qtbot, window.ctx)
    bars = window.dashboard.ratings
    row = [label for label, _n in bars.items()].index("Unsatisfactory")
    y = row * bars._row_height() + 2 + bars._row_height() // 2
    qtbot.mouseClick(bars, Qt.MouseButton.LeftButton, pos=QPoint(40, y))
    qtbot.waitUntil(lambda: window.current_page() is window.suppliers, timeout=5000)
    wait_idle(qtbot, window.ctx)
    page = window.suppliers
    assert page.rating_filter.currentData() == "Unsatisfactory"
    shown = page.model.visible_rows()
    assert shown and {r.rating for r in shown} == {"Unsatisfactory"}
    assert "VN-0901" in {r.code for r in shown} and "CN-0902" not in {r.code for r in shown}


def test_dashboard_tile_opens_the_overdue_items(qtbot, window, seeded):
    """A click on the 'Overdue CAP items' tile opens the CAPs page showing overdue items."""
    assert window.go("dashboard")
    wait_idle(qtbot, window.ctx)
    card = window.dashboard.card_overdue
    qtbot.mouseClick(card.value_label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.caps, timeout=5000)
    assert window.caps.show_box.currentData() == "overdue"


def test_report_dialog_makes_the_report_on_the_worker_and_cancels(qtbot, window, seeded, tmp_path):
    """File > Reports… makes the program report on the worker; Cancel stops it with no file written."""
    from docx import Document

    from csrdesk.ui.dialogs.reports import ReportDialog

    dialog = ReportDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.open_after.setChecked(False)
    out = tmp_path / "program.docx"
    dialog.path.setText(str(out))
    dialog.make()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60000)
    assert out.is_file() and "Saved" in dialog.status.text()
    assert "CSR program report" in Document(str(out)).paragraphs[0].text
    # A scorecard for the supplier whose page is open; cancelled at once: no file.
    dialog.kind.setCurrentIndex(dialog.kind.findData("scorecard"))
    dialog.code.setText("VN-0901")
    cancelled = tmp_path / "card.docx"
    dialog.path.setText(str(cancelled))
    dialog.written = None
    task = dialog.make()
    task.progress.cancel()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.status.text() or dialog.written is not None, timeout=60000)
    assert "Cancelled" in dialog.status.text() and not cancelled.exists()
    wait_idle(qtbot, window.ctx)
