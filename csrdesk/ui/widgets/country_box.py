"""The country choice of every form (a supplier, a partner): an editable list of the sourcing countries and those
already used in the workspace, which catches a typo once with a guess ("“Chin” is not in the country list. Did you
mean China?") and keeps an unknown country only when the user saves again as typed."""
from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtWidgets import QComboBox, QWidget

from csrdesk.domain.countries import countries_like, known_country

SOURCING_COUNTRIES = (
    "Bangladesh", "Brazil", "Cambodia", "China", "Egypt", "El Salvador", "Ethiopia", "Guatemala", "Honduras", "India",
    "Indonesia", "Italy", "Jordan", "Madagascar", "Mexico", "Morocco", "Myanmar", "Pakistan", "Peru", "Philippines",
    "Portugal", "Romania", "Sri Lanka", "Thailand", "Tunisia", "Türkiye", "Vietnam",
)


class CountryBox(QComboBox):
    """An editable country list; `checked()` gives the country to save or raises ValueError with a guess."""

    def __init__(self, countries: Iterable[str] = (), parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.set_countries(countries)
        self.setCurrentText("")
        self._confirmed = ""  # an unknown country the user chose to keep by saving again

    def set_countries(self, countries: Iterable[str]) -> None:
        """The list: the sourcing countries and those the workspace already uses (the typed text is kept)."""
        typed = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(sorted(set(SOURCING_COUNTRIES) | {c for c in countries if c}))
        self.setCurrentText(typed)
        self.blockSignals(False)

    def set_country(self, country: str) -> None:
        """Shows a saved record's country; a typo confirmed for another record is not carried over."""
        self._confirmed = ""
        self.setCurrentText(country)

    def checked(self, unknown_note: str = "") -> str:
        """The typed country, once it is one csrdesk knows (by its canonical name: 'P.R. China' -> 'China'), one
        already in the list, or one the user confirmed by asking again; otherwise the box takes the focus and a
        ValueError says what it may have meant."""
        typed = " ".join(self.currentText().split())
        known = known_country(typed)
        listed = {self.itemText(i).casefold(): self.itemText(i) for i in range(self.count())}
        if not typed or typed == self._confirmed:
            return typed
        if known or typed.casefold() in listed:
            return known or listed[typed.casefold()]
        self._confirmed = typed  # asking again as it is keeps it
        self.setFocus()
        self.lineEdit().selectAll()
        like = countries_like(typed)
        guess = f" Did you mean {' or '.join(like)}?" if like else ""
        raise ValueError(f"“{typed}” is not in the country list.{guess} Choose the country from the list, or Save "
                         f"again to keep “{typed}” as typed{f' ({unknown_note})' if unknown_note else ''}.")
