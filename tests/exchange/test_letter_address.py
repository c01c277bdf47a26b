"""A letter's addressee block prints the country once: demo and imported addresses often end with the country
("Lot 111, Industrial Park, Hai Phong City, Vietnam"), and the letters add the country line below the address."""
from __future__ import annotations

from csrdesk.exchange.letter_context import LetterSupplier, supplier_context


def _lines(address: str, country: str = "Vietnam") -> list[str]:
    return supplier_context(LetterSupplier(id=1, code="VN-0004", name="Minh Anh", country=country,
                                           address=address))["address_lines"]


def test_an_address_ending_with_the_country_loses_that_ending():
    assert _lines("Lot 111, Industrial Park, Hai Phong City, Vietnam") == ["Lot 111, Industrial Park, Hai Phong City"]
    assert _lines("Lot 111, Industrial Park\nHai Phong\nVietnam") == ["Lot 111, Industrial Park", "Hai Phong"]
    assert _lines("Lot 111, Industrial Park, Hai Phong, VIETNAM") == ["Lot 111, Industrial Park, Hai Phong"]


def test_other_addresses_stay_as_typed():
    assert _lines("1 Mill Road\nNingbo", "China") == ["1 Mill Road", "Ningbo"]
    assert _lines("12 South Vietnam Street, Hanoi") == ["12 South Vietnam Street, Hanoi"]
    assert _lines("88 Road, NorthVietnam") == ["88 Road, NorthVietnam"]  # a word ending in the name is not it
    assert _lines("") == []
