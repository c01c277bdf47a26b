"""Close library matches for words that match no finding in full, offered before a free-text finding."""
from csrdesk.domain.finding_match import LibraryText, close_matches

LIBRARY = [
    LibraryText("HSF-008", "No fire-fighting equipment", "未配备消防器材", "Production areas have no fire extinguishers",
                "zero tolerance"),
    LibraryText("HSF-012", "Emergency lighting or exit signs missing or not working", "",
                "Exit signs and emergency lights are missing. fire safety", "major"),
    LibraryText("HSF-007", "Emergency exits locked or blocked", "紧急出口上锁或堵塞",
                "Emergency exit doors were locked or blocked. fire safety", "zero tolerance"),
    LibraryText("HRS-001", "Weekly working hours exceed the legal limit", "", "Workers worked 72 hours", "major"),
    LibraryText("CHL-001", "Child below the legal minimum working age found working", "", "", "zero tolerance"),
]


def test_fire_exit_offers_the_blocked_exits_entry_first():
    """"fire exit" names no entry in full; the zero-tolerance locked exits entry comes first, the exit signs next,
    and the equipment entry (fire only, no exit) after them."""
    assert close_matches("fire exit", LIBRARY) == ["HSF-007", "HSF-012", "HSF-008"]


def test_slips_plurals_and_other_spelling():
    """A swapped pair of letters, a plural and American spelling still find the entry; unrelated words find none."""
    assert close_matches("blocked exti", LIBRARY)[0] == "HSF-007"
    assert close_matches("child worker", LIBRARY)[0] == "CHL-001"
    assert close_matches("Dormitory roof leaking", LIBRARY) == []
    assert close_matches("leaking lacking", [LibraryText("X-1", "Roof lacking repair")]) == ["X-1"]
    assert close_matches("", LIBRARY) == [] and close_matches("the of and", LIBRARY) == []


def test_a_word_only_in_the_description_is_not_enough():
    """An entry is offered only when a typed word is in its key or title: the description alone does not do."""
    assert close_matches("extinguishers", LIBRARY) == []
    assert close_matches("fire extinguishers", LIBRARY) == ["HSF-008"]


def _rank(query, entries):
    from csrdesk.domain.finding_match import relevance

    tokens = query.casefold().split()
    held = [(i, e) for i, e in enumerate(entries)
            if all(t in " ".join((e.key, e.title, e.title_zh)).casefold() for t in tokens)]
    return [e.key for _i, e in sorted(held, key=lambda p: (relevance(tokens, query, p[1]), p[0]))]


def test_relevance_puts_the_entry_about_the_words_before_one_that_only_mentions_them():
    """'overtime': the excessive-overtime entries (their topic is overtime) come before the forced-labour entry
    that only mentions overtime, though the library lists that one first; a word inside a longer word ('overtimes')
    counts less than a whole word; a typed key still comes first."""
    entries = [
        LibraryText("FRC-006", "Overtime imposed under threat of penalty", "", "", "zero tolerance", "forced labour"),
        LibraryText("XXX-001", "Overtimes", "", "", "minor", ""),
        LibraryText("HRS-002", "Monthly overtime exceeds the legal limit", "", "", "major", "overtime limit"),
        LibraryText("HRS-006", "Overtime not voluntary", "", "", "zero tolerance", "overtime limit"),
    ]
    assert _rank("overtime", entries) == ["HRS-006", "HRS-002", "FRC-006", "XXX-001"]
    assert _rank("hrs-00", entries) == ["HRS-002", "HRS-006"]
