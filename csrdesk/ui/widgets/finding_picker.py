"""Type-ahead picker for findings: the library by key, English or Chinese title, or a free-text finding."""
from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from csrdesk.services.library import ViolationTypeInfo

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def entry_text(v: ViolationTypeInfo) -> str:
    zh = f" · {v.title_zh}" if v.title_zh else ""
    return f"{v.key} — {v.title}{zh}"


class FindingPicker(QLineEdit):
    """A line edit that completes on any part of a library entry.

    Choosing a completion emits `picked(key)`; Enter on text that is no library entry emits `free_text(text)`.
    """

    picked = Signal(str)
    free_text = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Add a finding: type a key, an English or Chinese title, or free text, then Enter")
        self.setClearButtonEnabled(True)
        self._model = QStandardItemModel(self)
        self._by_text: dict[str, str] = {}
        self._keys: set[str] = set()
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self.setCompleter(self._completer)
        self._completer.activated[QModelIndex].connect(self._on_activated)
        self.returnPressed.connect(self.submit)
        self._swallow_return = False

    def set_library(self, types: Iterable[ViolationTypeInfo]) -> None:
        self._model.clear()
        self._by_text.clear()
        self._keys.clear()
        for v in types:
            text = entry_text(v)
            item = QStandardItem(text)
            item.setData(v.key, KEY_ROLE)
            item.setToolTip(v.description)
            self._model.appendRow(item)
            # A full key, title or Chinese title typed without picking names the entry too.
            for name in (text, v.key, v.title, v.title_zh):
                if name:
                    self._by_text[" ".join(name.split()).casefold()] = v.key
            self._keys.add(v.key)

    def completion_count(self, prefix: str) -> int:
        """How many entries match the text (what the popup would list); used by tests and the status line."""
        self._completer.setCompletionPrefix(prefix)
        return self._completer.completionCount()

    def completions(self, prefix: str) -> list[str]:
        self._completer.setCompletionPrefix(prefix)
        model = self._completer.completionModel()
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    def _on_activated(self, index: QModelIndex) -> None:
        key = index.data(KEY_ROLE)
        if key:
            # The completer hands Enter on to the line edit after this; that second Enter must not add again.
            self._swallow_return = True
            QTimer.singleShot(0, self._end_swallow)
            self.picked.emit(key)
            QTimer.singleShot(0, self.clear)

    def _end_swallow(self) -> None:
        self._swallow_return = False

    def submit(self) -> None:
        """Adds what is typed: a library entry when the text names one, else a free-text finding."""
        if self._swallow_return:
            self._swallow_return = False
            return
        text = " ".join(self.text().split())
        if not text:
            return
        key = self._by_text.get(text.casefold())
        self.clear()
        if key:
            self.picked.emit(key)
        else:
            self.free_text.emit(text)
