"""The rating rules of DOMAIN.md: a supplier's current rating (assessment or certificate), the follow-up it owes,
the production block, and access refused recorded as Denied. Every edge a CSR manager could be blamed for."""
from datetime import date

import pytest

from csrdesk.domain.ratings import (
    AssessmentFacts, current_rating, follow_up, follow_up_due_after, is_denied_access, production_block,
    should_propose_suspension,
)
from csrdesk.domain.scoring import Certification, Rating

TODAY = date(2026, 6, 1)


def a(aid, day, kind="periodic", rating="Needs Improvement", score=12):
    return AssessmentFacts(aid, day, kind, rating, score)


# -- certificates ---------------------------------------------------------------------------------------------------

def test_certificate_stands_in_when_no_assessment_is_newer():
    """A valid amfori BSCI issued after the last audit rates the supplier Satisfactory, saying which and until when."""
    cert = Certification("amfori BSCI", expires=date(2027, 3, 31), issued=date(2026, 2, 1))
    r = current_rating([a(1, date(2025, 11, 5))], [cert], TODAY)
    assert r.rating is Rating.SATISFACTORY and r.by_certification
    assert "AMFORI BSCI" in r.reason and "2027-03-31" in r.reason


def test_assessment_issued_after_the_certificate_decides_by_its_score():
    """A pre-production audit scoring 120 after the certificate's issue date is Unsatisfactory: never lifted."""
    cert = Certification("amfori BSCI", expires=date(2027, 3, 31), issued=date(2026, 1, 10))
    pre = a(1, date(2026, 3, 2), "pre-production", "Unsatisfactory", 120)
    r = current_rating([pre], [cert], TODAY)
    assert r.rating is Rating.UNSATISFACTORY and not r.by_certification
    assert r.assessment == pre


def test_certificate_expiring_today_still_holds_and_lapses_tomorrow():
    """Valid through its expiry day; the day after, the rating goes back to the latest assessment."""
    cert = Certification("WRAP", expires=TODAY, issued=date(2026, 1, 1))
    older = a(1, date(2025, 6, 1), rating="Needs Improvement")
    assert current_rating([older], [cert], TODAY).rating is Rating.SATISFACTORY
    after = current_rating([older], [cert], date(2026, 6, 2))
    assert after.rating is Rating.NEEDS_IMPROVEMENT and not after.by_certification


def test_lapsed_certificate_with_no_assessment_is_not_assessed():
    cert = Certification("SA8000", expires=date(2026, 1, 1), issued=date(2023, 1, 1))
    r = current_rating([], [cert], TODAY)
    assert r.rating is None and "Not assessed" in r.reason


def test_certificate_without_assessment_stands_in():
    r = current_rating([], [Certification("ICTI", expires=date(2027, 1, 1), issued=date(2025, 1, 1))], TODAY)
    assert r.rating is Rating.SATISFACTORY and r.assessment is None


def test_certificate_never_clears_an_owed_follow_up():
    """Unsatisfactory owes a follow-up; a certificate issued since does not lift it."""
    unsat = a(1, date(2026, 3, 1), rating="Unsatisfactory", score=45)
    cert = Certification("WRAP", expires=date(2028, 1, 1), issued=date(2026, 4, 1))
    r = current_rating([unsat], [cert], TODAY)
    assert r.rating is Rating.UNSATISFACTORY and "follow-up" in r.reason


def test_a_follow_up_worked_out_by_the_caller_rates_as_the_rule_itself_would():
    """The supplier's standing works out the owed follow-up once and hands it to the rating (the dashboard rates
    600 suppliers at every start): the same rating and reason as when the rating works it out itself."""
    unsat = a(1, date(2026, 3, 1), rating="Unsatisfactory", score=45)
    cert = Certification("WRAP", expires=date(2028, 1, 1), issued=date(2026, 4, 1))
    for facts in ([unsat], [unsat, a(2, date(2026, 5, 1), "follow-up", "Satisfactory", 5)], []):
        owed = follow_up(facts, 30)
        assert current_rating(facts, [cert], TODAY, 30, owed) == current_rating(facts, [cert], TODAY, 30)


@pytest.mark.parametrize("rating", ["Zero Tolerance", "Denied"])
def test_certificate_never_lifts_a_production_block(rating):
    blocked = a(1, date(2026, 3, 1), rating=rating, score=800)
    cert = Certification("SA8000", expires=date(2028, 1, 1), issued=date(2026, 4, 1))
    assert current_rating([blocked], [cert], TODAY).rating is Rating(rating)


def test_unrecognised_or_not_yet_issued_certificate_does_not_count():
    iso = Certification("ISO 9001", expires=date(2030, 1, 1), issued=date(2026, 1, 1))
    future = Certification("WRAP", expires=date(2030, 1, 1), issued=date(2026, 7, 1))
    r = current_rating([a(1, date(2025, 1, 1))], [iso, future], TODAY)
    assert r.rating is Rating.NEEDS_IMPROVEMENT


def test_a_certificate_without_an_expiry_date_never_stands_in_and_the_reason_says_why():
    """A certificate typed without its expiry date cannot be shown to be unexpired (DOMAIN.md: a valid, unexpired
    certificate): it rated a new supplier Satisfactory for ever, a 2019 certificate included. The supplier is rated
    by its assessment, or not assessed, and the reason asks for the date."""
    undated = Certification("WRAP", expires=None, issued=date(2019, 5, 1))
    alone = current_rating([], [undated], TODAY)
    assert alone.rating is None and not alone.by_certification
    assert "WRAP certificate has no expiry date" in alone.reason and "enter its expiry date" in alone.reason
    with_audit = current_rating([a(1, date(2018, 1, 1), rating="Unsatisfactory", score=45)], [undated], TODAY)
    assert with_audit.rating is Rating.UNSATISFACTORY and "no expiry date" in with_audit.reason
    dated = Certification("WRAP", expires=date(2027, 1, 1), issued=date(2026, 1, 1))
    assert "no expiry date" not in current_rating([], [undated, dated], TODAY).reason  # the dated one stands in
    two = current_rating([], [undated, Certification("SA8000", expires=None)], TODAY)
    assert "The SA8000 and WRAP certificates have no expiry date, so they cannot" in two.reason
    assert "enter their expiry dates" in two.reason


def test_certificate_with_unknown_issue_date_does_not_override_an_assessment():
    """We cannot tell it is newer than our audit, so the audit decides."""
    cert = Certification("WRAP", expires=date(2030, 1, 1))
    assert current_rating([a(1, date(2026, 1, 1))], [cert], TODAY).rating is Rating.NEEDS_IMPROVEMENT


def test_verification_visit_does_not_decide_the_current_rating():
    """A verification visit with no findings (score 0) leaves the Unsatisfactory periodic assessment standing."""
    unsat = a(1, date(2026, 1, 5), rating="Unsatisfactory", score=60)
    visit = a(2, date(2026, 3, 1), "verification visit", "Satisfactory", 0)
    assert current_rating([unsat, visit], [], TODAY).rating is Rating.UNSATISFACTORY


# -- follow-up ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["follow-up", "periodic", "unannounced"])
def test_follow_up_met_by_a_later_follow_up_periodic_or_unannounced_assessment(kind):
    unsat = a(1, date(2026, 1, 10), rating="Unsatisfactory", score=40)
    later = a(2, date(2026, 3, 1), kind, "Needs Improvement", 10)
    state = follow_up([unsat, later], 90)
    assert not state.owed and state.due is None and state.met_by == 2


@pytest.mark.parametrize("kind", ["verification visit", "pre-production"])
def test_follow_up_not_met_by_a_verification_visit_or_pre_production(kind):
    unsat = a(1, date(2026, 1, 10), rating="Unsatisfactory", score=40)
    later = a(2, date(2026, 3, 1), kind, "Satisfactory", 0)
    state = follow_up([unsat, later], 90)
    assert state.due == date(2026, 4, 10) and state.met_by is None


def test_follow_up_days_come_from_the_setting_even_when_changed_after_the_unsatisfactory():
    """The due date is computed from the setting in force now, not the one when the audit was entered."""
    unsat = a(1, date(2026, 1, 10), rating="Unsatisfactory", score=40)
    assert follow_up([unsat], 90).due == date(2026, 4, 10)
    assert follow_up([unsat], 60).due == date(2026, 3, 11)
    assert follow_up_due_after(unsat, 30) == date(2026, 2, 9)


def test_an_unsatisfactory_follow_up_meets_the_old_one_and_owes_a_new_one():
    first = a(1, date(2026, 1, 10), rating="Unsatisfactory", score=40)
    second = a(2, date(2026, 3, 1), "follow-up", "Unsatisfactory", 35)
    state = follow_up([first, second], 90)
    assert state.owed_since == second and state.due == date(2026, 5, 30)
    assert state.overdue(date(2026, 6, 1)) and not state.overdue(date(2026, 5, 30))


def test_no_follow_up_without_unsatisfactory():
    assert follow_up([a(1, date(2026, 1, 1))], 90) == follow_up([], 90)


# -- production block -----------------------------------------------------------------------------------------------

def test_zero_tolerance_blocks_until_a_later_assessment_rates_better():
    zt = a(1, date(2026, 1, 10), rating="Zero Tolerance", score=830)
    block = production_block([zt])
    assert block is not None and "Zero Tolerance" in block.reason and "2026-01-10" in block.reason
    # a verification visit does not lift it
    assert production_block([zt, a(2, date(2026, 2, 1), "verification visit", "Satisfactory", 0)]) is not None
    assert production_block([zt, a(3, date(2026, 4, 1), "follow-up", "Needs Improvement", 9)]) is None


def test_denied_blocks_and_says_access_was_refused():
    block = production_block([a(1, date(2026, 1, 10), rating="Denied", score=800)])
    assert block is not None and "denied access" in block.reason


def test_suspension_proposed_only_for_suppliers_in_production():
    block = production_block([a(1, date(2026, 1, 10), rating="Zero Tolerance", score=800)])
    assert should_propose_suspension("active", block) and should_propose_suspension("approved", block)
    assert not should_propose_suspension("suspended", block) and not should_propose_suspension("prospect", block)
    assert not should_propose_suspension("active", None)


# -- access refused ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Auditor denied access to the facility, areas or records", "Access refused to dormitory",
                                   "工厂拒绝审核员进入", "审核被拒绝进入"])
def test_access_refused_is_recognised(title):
    assert is_denied_access(title)


def test_ordinary_findings_are_not_access_refused():
    assert not is_denied_access("Fire exits locked")
    assert is_denied_access("anything", "MGT-009")
