"""The supplier page's Assessments tab says the score and the rating once each: it read "score 176, Unsatisfactory
(score 176: Unsatisfactory is a score of 30 to 799)"; now "score 176, Unsatisfactory (30 to 799 points)", and the
Why column gives the band's rule beside the Score and Rating columns without repeating the score."""
from __future__ import annotations

from datetime import date

from tests.ui.conftest import wait_idle


def test_the_trend_and_why_say_the_score_once(qtbot, window):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    db = window.ctx.db
    sup = create_supplier(db, SupplierInput(name="Score Words Ltd", code="CN-7701", country="China"))
    record_assessment(db, AssessmentInput("CN-7701", date(2025, 3, 1), "periodic", findings=[
        FindingInput("Fire exit locked", "critical", category="health-safety"),
        FindingInput("No fire drill", "critical", category="health-safety")]))
    record_assessment(db, AssessmentInput("CN-7701", date(2026, 3, 1), "follow-up", findings=[
        FindingInput("Fire exit locked", "critical", category="health-safety")]))
    window.show_supplier(sup.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    page.tabs.setCurrentIndex(1)
    trend = page.trend_label.text()
    assert trend == ("2 assessments. Latest 2026-03-01: score 30, Unsatisfactory (30 to 799 points); the score "
                     "improved from 60 on 2025-03-01."), trend
    assert trend.count("score 30") == 1 and trend.count("Unsatisfactory") == 1
    model = page.assessments_model
    why = [c.title for c in model.columns].index("Why")
    assert model.data(model.index(0, why)) == "Unsatisfactory is a score of 30 to 799"
    window.go("suppliers")


def test_band_ranges_in_words():
    from csrdesk.domain.scoring import Rating, band_range

    assert band_range(Rating.SATISFACTORY) == "0 to 7 points"
    assert band_range(Rating.NEEDS_IMPROVEMENT) == "8 to 29 points"
    assert band_range(Rating.ZERO_TOLERANCE) == "800 points or more"
    assert band_range(Rating.DENIED) == "access denied, counted as 800 points"
