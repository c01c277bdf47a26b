"""Worker complaint rules: what each step needs, the refusals a user sees, and the days-taken figures."""
from datetime import date

import pytest

from csrdesk.domain.complaints import (
    Channel, ComplaintFacts, ComplaintStatus, FactoryDecision, Outcome, RetaliationRisk, StepRefused, age_band,
    check_acknowledge, check_close, check_compliance, check_decision, check_note, check_resolve, filed_by, median,
    percentile, status_of, time_figures,
)

TODAY = date(2026, 6, 30)
RECEIVED = date(2026, 3, 1)


def facts(**kw) -> ComplaintFacts:
    return ComplaintFacts(received=RECEIVED, **kw)


def test_words_users_type_become_keys():
    """Channels and outcomes are read as typed: spaces, hyphens, US spelling; an unknown one names the choices."""
    assert Channel.parse("Worker organization") is Channel.WORKER_ORGANISATION
    assert Channel.parse("e-mail") is Channel.EMAIL
    assert Channel.parse("in person") is Channel.IN_PERSON
    assert Outcome.parse("Partly substantiated") is Outcome.PARTLY_SUBSTANTIATED
    assert RetaliationRisk.parse("HIGH") is RetaliationRisk.HIGH
    with pytest.raises(ValueError, match="Unknown outcome 'proven'.*substantiated, partly_substantiated"):
        Outcome.parse("proven")


def test_resolving_before_acknowledging_is_refused():
    """The worker hears the complaint arrived before they hear its outcome."""
    with pytest.raises(StepRefused, match="Acknowledge the complaint before resolving"):
        check_resolve(facts(), Outcome.SUBSTANTIATED, "Back pay", date(2026, 3, 10), TODAY)


def test_dates_before_receipt_or_in_the_future_are_refused():
    """No step happens before the complaint arrived, or after today."""
    with pytest.raises(StepRefused, match="before the complaint was received"):
        check_acknowledge(facts(), date(2026, 2, 28), TODAY)
    with pytest.raises(StepRefused, match="in the future"):
        check_note(facts(), "Interviews", date(2026, 7, 1), TODAY)
    with pytest.raises(StepRefused, match="before the acknowledgement"):
        check_resolve(facts(acknowledged=date(2026, 3, 5)), Outcome.NOT_SUBSTANTIATED, "", date(2026, 3, 4), TODAY)


def test_a_confirmed_complaint_needs_a_remedy_and_a_compliance_check_before_closing():
    """Substantiated: remedy required; closed only once compliance was checked. Not substantiated: closes at once."""
    ack = facts(acknowledged=date(2026, 3, 2))
    with pytest.raises(StepRefused, match="needs its remedy"):
        check_resolve(ack, Outcome.SUBSTANTIATED, "  ", date(2026, 4, 1), TODAY)
    check_resolve(ack, Outcome.NOT_SUBSTANTIATED, "", date(2026, 4, 1), TODAY)
    resolved = facts(acknowledged=date(2026, 3, 2), resolved=date(2026, 4, 1), outcome="substantiated")
    with pytest.raises(StepRefused, match="after a check that compliance held"):
        check_close(resolved, date(2026, 4, 2), TODAY)
    with pytest.raises(StepRefused, match="before the resolution"):
        check_compliance(resolved, date(2026, 3, 30), TODAY)
    check_close(facts(acknowledged=date(2026, 3, 2), resolved=date(2026, 4, 1), outcome="substantiated",
                      compliance_checked=date(2026, 5, 15)), date(2026, 5, 16), TODAY)
    with pytest.raises(StepRefused, match="Resolve the complaint"):
        check_close(ack, date(2026, 4, 2), TODAY)


def test_telling_the_factory_needs_the_workers_agreement():
    """The factory hears of the complaint only if the worker agreed; raising the issue alone is always possible."""
    with pytest.raises(StepRefused, match="has not agreed"):
        check_decision(facts(), FactoryDecision.TOLD, date(2026, 3, 5), TODAY)
    check_decision(facts(), FactoryDecision.ISSUE_ONLY, date(2026, 3, 5), TODAY)
    check_decision(facts(worker_agrees_factory_told=True), FactoryDecision.TOLD, date(2026, 3, 5), TODAY)
    with pytest.raises(StepRefused, match="outside the program"):
        check_decision(facts(supplier_known=False), FactoryDecision.ISSUE_ONLY, date(2026, 3, 5), TODAY)


def test_a_closed_complaint_takes_no_more_steps():
    closed = facts(acknowledged=date(2026, 3, 2), resolved=date(2026, 3, 9), outcome="withdrawn",
                   closed=date(2026, 3, 10))
    with pytest.raises(StepRefused, match="was closed on 2026-03-10"):
        check_note(closed, "late note", date(2026, 3, 11), TODAY)


def test_status_follows_the_steps():
    assert status_of(facts()) is ComplaintStatus.RECEIVED
    assert status_of(facts(acknowledged=date(2026, 3, 2))) is ComplaintStatus.ACKNOWLEDGED
    assert status_of(facts(acknowledged=date(2026, 3, 2), notes=1)) is ComplaintStatus.INVESTIGATING
    assert status_of(facts(acknowledged=date(2026, 3, 2), resolved=date(2026, 4, 1))) is ComplaintStatus.RESOLVED
    assert status_of(facts(closed=date(2026, 4, 2), resolved=date(2026, 4, 1))) is ComplaintStatus.CLOSED


def test_median_and_90th_percentile_on_hand_made_data():
    """Figures a spreadsheet's MEDIAN and PERCENTILE.INC give for the same days."""
    assert median([]) is None and percentile([], 90) is None
    assert median([7]) == 7 and percentile([7], 90) == 7
    assert median([1, 3, 2, 10]) == 2.5
    days = [2, 4, 4, 5, 7, 9, 10, 12, 15, 30]
    assert median(days) == 8.0
    # rank 0.9 * 9 = 8.1: between 15 and 30 -> 15 + 0.1 * 15 = 16.5
    assert percentile(days, 90) == 16.5


def test_time_figures_count_only_what_happened():
    """Days to acknowledge count acknowledged complaints; days to resolve count resolved ones."""
    rows = [
        (date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 31)),   # 1 and 30 days
        (date(2026, 1, 10), date(2026, 1, 13), date(2026, 2, 19)),  # 3 and 40
        (date(2026, 2, 1), date(2026, 2, 8), None),                 # 7, open
        (date(2026, 3, 1), None, None),                             # nothing yet
    ]
    f = time_figures(rows)
    assert (f.acknowledged, f.resolved) == (3, 2)
    assert f.median_days_to_acknowledge == 3 and f.p90_days_to_acknowledge == 6.2
    assert f.median_days_to_resolve == 35 and f.p90_days_to_resolve == 39.0


def test_age_bands_and_who_filed():
    assert [age_band(d) for d in (0, 30, 31, 90, 91)] == ["0-30 days", "0-30 days", "31-60 days", "61-90 days",
                                                          "over 90 days"]
    assert filed_by("union", False) == "Union"
    assert filed_by("hotline", True) == "Anonymous worker"
    assert filed_by("in_person", False) == "Worker"
