"""The fill rule of a finding's legal requirement, staleness, figures that changed and a supplier's region."""
from datetime import date

from csrdesk.domain.laws import (
    CitingFinding, LawEntry, fill_requirement, guess_region, is_stale, normalise_region, pick_entry, region_chain,
    review_due, superseded_citations,
)


def entry(id, country="China", region="", topic="minimum wage", effective=None, value=None, **kw):
    return LawEntry(id=id, country=country, region=region, topic=topic, requirement=kw.pop("requirement", f"rule {id}"),
                    effective=effective, value=value, **kw)


LIBRARY = [
    entry(1, region="", topic="overtime limit", value=36, unit="hours/month", source="Labour Law, Art. 41"),
    entry(2, region="Shanghai", value=2690, unit="CNY/month", effective=date(2024, 7, 1)),
    entry(3, region="Shanghai", value=2740, unit="CNY/month", effective=date(2025, 7, 1)),
    entry(4, region="Guangdong", value=2300, unit="CNY/month", effective=date(2025, 3, 1)),
    entry(5, region="Guangdong - Shenzhen", value=2520, unit="CNY/month", effective=date(2025, 3, 1)),
    entry(6, country="Vietnam", region="Region I", value=5310000, unit="VND/month", effective=date(2026, 1, 1)),
]


def test_country_and_topic_pick_the_whole_country_entry():
    """A supplier anywhere in China gets China's overtime limit, whatever its region; the text names the source."""
    fill = fill_requirement(LIBRARY, "PRC", "Zhejiang - Ningbo", "Overtime  limit", date(2026, 1, 1))
    assert fill is not None and fill.entry.id == 1
    assert "36 hours/month" in fill.text and "Source: Labour Law, Art. 41" in fill.text


def test_most_specific_region_first():
    """Shenzhen's own minimum wage wins over Guangdong's; another Guangdong city gets the province's."""
    assert pick_entry(LIBRARY, "China", "Guangdong - Shenzhen", "minimum wage", date(2026, 1, 1)).id == 5
    assert pick_entry(LIBRARY, "China", "Guangdong - Dongguan", "minimum wage", date(2026, 1, 1)).id == 4
    assert pick_entry(LIBRARY, "china", "guangdong / shenzhen", "minimum wage", date(2026, 1, 1)).id == 5


def test_newest_effective_date_on_or_before_the_finding_date():
    """A finding of June 2025 cites the wage then in force; one of the day the new wage starts cites the new one."""
    assert pick_entry(LIBRARY, "China", "Shanghai", "minimum wage", date(2025, 6, 30)).id == 2
    assert pick_entry(LIBRARY, "China", "Shanghai", "minimum wage", date(2025, 7, 1)).id == 3
    assert pick_entry(LIBRARY, "China", "Shanghai", "minimum wage", date(2024, 1, 1)) is None


def test_missing_entry_leaves_the_field_to_the_user():
    """No entry for the country, the region's chain or the topic (or no topic at all): nothing is filled."""
    assert fill_requirement(LIBRARY, "China", "Zhejiang", "minimum wage", date(2026, 1, 1)) is None
    assert fill_requirement(LIBRARY, "Vietnam", "", "minimum wage", date(2026, 6, 1)) is None
    assert fill_requirement(LIBRARY, "Mexico", "", "overtime limit") is None
    assert fill_requirement(LIBRARY, "China", "", None) is None
    assert fill_requirement(LIBRARY, "", "", "overtime limit") is None


def test_regions_are_paths():
    """Regions are compared as paths, however they are typed; a hyphen inside a name (Ba Ria-Vung Tau) stays."""
    assert normalise_region(" West Java -Bekasi  Regency ") == "West Java - Bekasi Regency"
    assert region_chain("West Java - Bekasi Regency") == ["West Java - Bekasi Regency", "West Java", ""]
    assert normalise_region("Ba Ria-Vung Tau") == "Ba Ria-Vung Tau"


def test_stale_after_twelve_months():
    """An entry checked 12 months ago is due for review that day; one never checked is stale at once."""
    checked = entry(9, checked=date(2025, 12, 2))
    assert review_due(checked) == date(2026, 12, 2)
    assert not is_stale(checked, date(2026, 12, 1))
    assert is_stale(checked, date(2026, 12, 2))
    assert is_stale(entry(10), date(2020, 1, 1))
    assert review_due(entry(11, checked=date(2024, 2, 29))) == date(2025, 2, 28)


def test_a_new_minimum_wage_outdates_the_findings_citing_the_old_one():
    """Adding Shanghai's 2026 wage lists the open finding citing the 2025 one; a Shenzhen finding is not listed."""
    citing = [CitingFinding(100, 3, "China", "Shanghai", "minimum wage", date(2025, 9, 1)),
              CitingFinding(101, 5, "China", "Guangdong - Shenzhen", "minimum wage", date(2025, 9, 1))]
    newer = entry(7, region="Shanghai", value=2800, unit="CNY/month", effective=date(2026, 7, 1))
    found = superseded_citations(citing, LIBRARY, LIBRARY + [newer], date(2026, 8, 1))
    assert [(s.finding_id, s.old.id, s.new.id) for s in found] == [(100, 3, 7)]
    assert "2,800 CNY/month" in found[0].reason


def test_an_edited_figure_outdates_its_citations():
    """Correcting the figure of the entry a finding cites lists that finding, saying old and new figure."""
    citing = [CitingFinding(100, 3, "China", "Shanghai", "minimum wage", date(2025, 9, 1))]
    edited = [e if e.id != 3 else entry(3, region="Shanghai", value=2750, unit="CNY/month",
                                        effective=date(2025, 7, 1)) for e in LIBRARY]
    found = superseded_citations(citing, LIBRARY, edited, date(2026, 1, 1))
    assert len(found) == 1 and found[0].reason == "the figure changed from 2,740 CNY/month to 2,750 CNY/month"
    notes_only = [e if e.id != 3 else entry(3, region="Shanghai", value=2740, unit="CNY/month",
                                            effective=date(2025, 7, 1), notes="checked") for e in LIBRARY]
    assert superseded_citations(citing, LIBRARY, notes_only, date(2026, 1, 1)) == []


def test_region_guessed_from_the_address_only_when_unambiguous():
    """Addresses naming one known region give it; an address that names two, or a neighbouring state, gives none."""
    assert guess_region("China", "No. 8 Jinqiao Road, Pudong, Shanghai") == "Shanghai"
    assert guess_region("China", "上海市浦东新区") == "Shanghai"
    assert guess_region("Pakistan", "Plot 4, SITE Area, Karachi") == "Sindh"
    assert guess_region("Pakistan", "Sialkot Road, Lahore, Punjab") == "Punjab"
    assert guess_region("Pakistan", "Karachi and Lahore offices") == ""
    assert guess_region("India", "Okhla Phase II, New Delhi") == "Delhi"
    assert guess_region("India", "Sector 63, Noida, Delhi NCR") == ""
    assert guess_region("Indonesia", "Jl. Raya, Kabupaten Bekasi, Jawa Barat") == "West Java - Bekasi Regency"
    assert guess_region("Indonesia", "Kota Bekasi") == ""
    assert guess_region("Vietnam", "Thu Dau Mot, Binh Duong") == ""
    assert guess_region("Mexico", "Parque Industrial, Tijuana, B.C.") == "Northern Border Free Zone"
    assert guess_region("Bangladesh", "Shanghai Road, Dhaka") == ""


def test_a_figure_of_one_reads_in_the_singular():
    """Bangladesh's rest day reads "1 day/week" in the Laws tab and the letters, not "1 days/week"; other figures
    keep their unit as typed."""
    assert entry(90, topic="rest days", value=1, unit="days/week").figure() == "1 day/week"
    assert entry(91, topic="minimum age", value=1, unit="years").figure() == "1 year"
    assert entry(92, topic="rest days", value=2, unit="days/week").figure() == "2 days/week"
    assert entry(93, topic="annual leave", value=1, unit="day/18 days worked").figure() == "1 day/18 days worked"
    assert entry(94, topic="minimum wage", value=1, unit="USD/hour").figure() == "1 USD/hour"
    assert entry(95, topic="overtime premium", value=1.5, unit="hours/day").figure() == "1.5 hours/day"
