"""The box where a supplier is chosen by typing (new complaint, new vetting screen, auditor's findings import): it
lists "CODE  Name", suggests as the user types any part of a code or a name, and reads back the supplier's code
from a code, a name, or any part of one that only one supplier has ('yildiz' finds 'Yıldız Knitwear')."""
from __future__ import annotations

import unicodedata
from typing import Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget


def fold(text: str) -> str:
    """Text compared as a user types it: no case, no accents (ş, ö, ệ), dotless ı as i."""
    decomposed = unicodedata.normalize("NFKD", (text or "").replace("ı", "i").replace("İ", "I"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def match_code(suppliers: Sequence[tuple[str, str]], text: str) -> str:
    """The code of the supplier `text` names: its code, its name, "CODE  Name", or the one supplier whose code or
    name contains it; otherwise the first word as typed (the service then says no supplier has that code)."""
    typed = fold(text)
    if not typed:
        return ""
    for code, name in suppliers:
        if typed in (fold(code), fold(name), fold(f"{code}  {name}"), fold(f"{code} {name}")):
            return code
    hits = [code for code, name in suppliers if typed in fold(code) or typed in fold(name)]
    if len(hits) == 1:
        return hits[0]
    return text.split()[0]


class SupplierBox(QComboBox):
    """An editable list of suppliers ("CODE  Name"); `code()` is the chosen supplier's code."""

    def __init__(self, suppliers: Sequence[tuple[str, str]], parent: Optional[QWidget] = None,
                 placeholder: str = "Type a code or name") -> None:
        super().__init__(parent)
        self.suppliers = [(code, name) for code, name in suppliers]
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, name in self.suppliers:
            self.addItem(f"{code}  {name}", code)
        # Typing suggests by any part of the code or the name, not only by the code's start.
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setCurrentIndex(-1)

    def code(self) -> str:
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and text == self.itemText(index):
            return self.itemData(index)
        return match_code(self.suppliers, text)
