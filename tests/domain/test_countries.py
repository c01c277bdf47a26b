"""Countries as typed in the New supplier dialog: known ones in any spelling, and guesses for half-typed ones."""
from csrdesk.domain.countries import countries_like, known_country


def test_known_country_takes_the_ways_lists_write_it_and_nothing_else():
    assert known_country("P.R. China") == "China" and known_country("viet nam") == "Vietnam"
    assert known_country("Turkey") == "Türkiye"
    assert known_country("Chin") is None and known_country("Ghana") is None and known_country("") is None


def test_half_typed_or_mistyped_countries_get_a_guess():
    assert countries_like("Chin")[0] == "China"
    assert countries_like("Chian") == ["China"] and countries_like("Bangladseh") == ["Bangladesh"]
    assert countries_like("Ghana") == [] and countries_like("C") == []
