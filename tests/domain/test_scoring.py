"""The scoring matrix and the rating bands, exactly as DOMAIN.md fixes them."""
from datetime import date

import pytest

from csrdesk.domain.scoring import (
    Certification, Rating, ScoredFinding, ScoringMatrix, Severity, band_for, rate_assessment,
)


def f(points, severity=Severity.MINOR, title="finding"):
    return ScoredFinding(title, severity, points)


@pytest.mark.parametrize("score,rating", [
    (0, Rating.SATISFACTORY), (7, Rating.SATISFACTORY),
    (8, Rating.NEEDS_IMPROVEMENT), (29, Rating.NEEDS_IMPROVEMENT),
    (30, Rating.UNSATISFACTORY), (799, Rating.UNSATISFACTORY),
    (800, Rating.ZERO_TOLERANCE), (5000, Rating.ZERO_TOLERANCE),
])
def test_every_band_edge(score, rating):
    """Each band starts and ends exactly where the rating table says."""
    assert band_for(score) is rating
    assert rate_assessment([f(score)]).rating is rating


def test_default_matrix_puts_one_violation_in_its_band():
    """One violation of each severity lands in its own band with the default points 1, 8, 30, 800."""
    m = ScoringMatrix()
    expected = {Severity.MINOR: (1, Rating.SATISFACTORY), Severity.MAJOR: (8, Rating.NEEDS_IMPROVEMENT),
                Severity.CRITICAL: (30, Rating.UNSATISFACTORY), Severity.ZERO_TOLERANCE: (800, Rating.ZERO_TOLERANCE)}
    for severity, (points, rating) in expected.items():
        assert m.points(severity) == points
        assert rate_assessment([f(points, severity)]).rating is rating


def test_matrix_override_per_violation_type():
    """A user's points for one violation type apply to it and leave the others on the defaults."""
    m = ScoringMatrix(overrides={"HRS-001": {Severity.MAJOR: 12}})
    assert m.points(Severity.MAJOR, "HRS-001") == 12
    assert m.points(Severity.MAJOR, "WAG-001") == 8
    assert m.points(Severity.MINOR, "HRS-001") == 1


def test_matrix_refuses_negative_points():
    """Negative points are refused with a message naming what was wrong."""
    with pytest.raises(ValueError, match="points for HRS-001"):
        ScoringMatrix(overrides={"HRS-001": {Severity.MAJOR: -1}}).validate()


def test_denied_counts_as_800_whatever_the_findings():
    """Denied access is rated Denied with a score of 800, even with no or minor findings."""
    r = rate_assessment([], denied=True)
    assert r.rating is Rating.DENIED and r.score == 800
    assert r.blocks_production
    r2 = rate_assessment([f(1)], denied=True)
    assert r2.rating is Rating.DENIED and r2.score == 800
    assert any("refused access" in reason for reason in r.reasons)


def test_reasons_name_findings_points_and_rule():
    """The explanation names the findings, their points and the band rule."""
    r = rate_assessment([f(30, Severity.CRITICAL, "Fire exit locked"), f(8, Severity.MAJOR, "Excessive overtime")])
    text = " ".join(r.reasons)
    assert r.score == 38 and r.rating is Rating.UNSATISFACTORY
    assert "Fire exit locked" in text and "30 points" in text
    assert "Unsatisfactory is a score of 30 to 799" in text
    assert "follow-up assessment" in text


def test_an_assessment_is_rated_by_its_band_whatever_the_score():
    """Nothing lifts a scored audit: 120 points is Unsatisfactory, 8 is Needs Improvement (certificates are no input
    of an assessment's rating any more; they stand in for one in the supplier's current rating)."""
    passports_wage_exits = [f(30, Severity.CRITICAL, "Minimum wage not paid"), f(90, Severity.CRITICAL, "Exits locked")]
    assert rate_assessment(passports_wage_exits).rating is Rating.UNSATISFACTORY
    r = rate_assessment([f(8, Severity.MAJOR)])
    assert r.rating is r.band_rating is Rating.NEEDS_IMPROVEMENT
    assert not any("certification" in reason for reason in r.reasons)



def test_severity_parse_aliases_and_errors():
    """Severities are read as auditors write them, and an unknown one is refused clearly."""
    assert Severity.parse(" Major ") is Severity.MAJOR
    assert Severity.parse("ZT") is Severity.ZERO_TOLERANCE
    assert Severity.parse("zero-tolerance") is Severity.ZERO_TOLERANCE
    with pytest.raises(ValueError, match="unknown severity"):
        Severity.parse("catastrophic")


def test_rating_consequences():
    """Unsatisfactory requires a follow-up; Zero Tolerance and Denied block production; S and NI allow approval."""
    assert Rating.UNSATISFACTORY.requires_follow_up
    assert Rating.ZERO_TOLERANCE.blocks_production and Rating.DENIED.blocks_production
    assert Rating.SATISFACTORY.allows_approval and Rating.NEEDS_IMPROVEMENT.allows_approval
    assert not Rating.UNSATISFACTORY.allows_approval


def test_chinese_severities():
    """Chinese audit reports' grades are read: 轻微 minor, 重大 major, 严重 critical, 零容忍 zero tolerance."""
    assert [Severity.parse(t) for t in ("轻微", "重大", "严重问题", "零容忍")] == [
        Severity.MINOR, Severity.MAJOR, Severity.CRITICAL, Severity.ZERO_TOLERANCE]
