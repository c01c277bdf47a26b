"""The country risk map's figures, worked out by hand on small data."""
import pytest

from csrdesk.domain.risk import build_risk_map

CATEGORIES = ["wages", "hours", "health-safety"]


def test_share_and_severity_weighting_by_hand():
    """China: 4 assessments; wages found in 2 (one critical, one minor), hours in 1 (zero tolerance and a minor in
    the same audit: the worst counts once). Share = 2/4; weighted = (0.75 + 0.25) / 4."""
    assessments = [(1, "China"), (2, "China"), (3, "China"), (4, "China"), (5, "Vietnam"), (6, "Vietnam")]
    findings = [
        (1, "wages", "critical"), (1, "wages", "minor"), (2, "wages", "Minor"),
        (3, "hours", "zero tolerance"), (3, "hours", "minor"),
        (5, "health-safety", "major"), (6, "health-safety", "major"), (6, "ethics", "major"),
    ]
    risk = build_risk_map(assessments, findings, CATEGORIES, {"China": "Peak season in Q4"})
    wages = risk.cell("China", "wages")
    assert (wages.assessments, wages.with_finding, wages.share, wages.weighted) == (4, 2, 0.5, 0.25)
    hours = risk.cell("China", "hours")
    assert (hours.with_finding, hours.share, hours.weighted) == (1, 0.25, 0.25)
    assert risk.cell("China", "health-safety").share == 0
    vn = risk.cell("Vietnam", "health-safety")
    assert (vn.share, vn.weighted) == (1.0, 0.5)
    assert risk.categories == ("wages", "hours", "health-safety", "ethics")  # a category found elsewhere is added
    assert len(risk.cells) == 2 * 4
    assert risk.scores["Vietnam"] == pytest.approx(0.75) and risk.scores["China"] == pytest.approx(0.5)
    assert risk.notes == {"China": "Peak season in Q4"}


def test_countries_ranked_by_weighted_risk_with_few_assessments_last():
    """The country with more, and more severe, findings comes first; one with a single audit comes last however
    bad it was; audits of suppliers without a country are left out."""
    assessments = [(i, "Bangladesh") for i in range(1, 6)] + [(i, "India") for i in range(6, 11)] + \
        [(11, "Mexico"), (12, "")]
    findings = [(1, "hours", "critical"), (2, "hours", "critical"), (6, "hours", "minor"),
                (11, "wages", "zero tolerance"), (12, "wages", "zero tolerance")]
    risk = build_risk_map(assessments, findings, CATEGORIES)
    assert risk.countries == ("Bangladesh", "India", "Mexico")
    assert risk.assessments == {"Bangladesh": 5, "India": 5, "Mexico": 1}


def test_no_assessments_gives_an_empty_map():
    risk = build_risk_map([], [], CATEGORIES)
    assert risk.countries == () and risk.cells == ()
