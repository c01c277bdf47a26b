"""The 'Why' panel of the assessment editor: long reasons scroll with a visible, styled scroll bar."""
from __future__ import annotations

from datetime import date

from csrdesk.domain.scoring import ScoredFinding, Severity, rate_assessment
from csrdesk.ui.widgets.reasons_panel import ReasonsPanel


def test_reasons_scroll_bar_handle_is_not_drawn_black(qtbot, ui_app):
    """With more reasons than fit, the scroll bar shows a light grey handle, not a solid black block."""
    findings = [ScoredFinding(f"Finding number {i} with a long title that wraps", Severity.CRITICAL, 30)
                for i in range(12)]
    panel = ReasonsPanel()
    qtbot.addWidget(panel)
    panel.resize(260, 420)
    panel.show_result(rate_assessment(findings, denied=False))
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.reasons.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    image = bar.grab().toImage()
    lightness = [image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height())]
    assert min(lightness) > 100  # no near-black pixels anywhere on the bar
    assert any(light < 220 for light in lightness)  # but a handle that stands out from the white panel
