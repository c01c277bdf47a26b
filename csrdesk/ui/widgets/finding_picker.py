"""Type-ahead picker for findings: the library by key, English or Chinese title, or a free-text finding.

The suggestions are a list drawn over the window under the box (not a separate popup window), so every key stays
in the box and one key press takes one path: Enter with suggestions shown adds the highlighted one (or the first)
exactly once. When no entry holds every typed word, the library's close matches are listed while typing ("did you
mean HSF-007 Emergency exits locked or blocked, zero tolerance?", with "add as your own text" last) with none
chosen: the first Enter (or ↑↓) chooses the best one and the next adds it; with no close match either, Enter adds
the text as a free-text finding. When a zero-tolerance entry comes first among ordinary ones ("overtime": Overtime
not voluntary), nothing is chosen either: one Enter never stops a factory's production unseen. Ctrl+Enter adds the typed words as free text even when suggestions are shown (the
editor's shortcut calls `submit_free`). Enter in the empty box asks for what the last free-text findings still need
(`classify_requested`), so no prompt ever takes keys typed for the next finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidgetItem, QWidget

from csrdesk.domain.finding_match import LibraryText, close_matches, guess_category, relevance
from csrdesk.services.library import ViolationTypeInfo
from csrdesk.ui.widgets.placeholder import hint
from csrdesk.ui.widgets.suggestion_panel import SuggestionPanel

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
FREE_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # the "add as your own text" row of the close matches
MAX_SUGGESTIONS = 40
VISIBLE_ROWS = 10
ZERO_TOLERANCE = "zero tolerance"
MIN_CLOSE_CHARS = 3  # close entries are offered while typing from this many letters on ("fi" would find too much)

# Han, kana and Hangul: written without spaces, so they are matched by character pairs instead of words.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uac00-\ud7af\u3000-\u303f\uff00-\uffef]+")
_EDGE_PUNCTUATION = ",.;:!?()[]{}\"'“”‘’«»、，。；：！？（）【】"


def entry_text(v: ViolationTypeInfo) -> str:
    zh = f" · {v.title_zh}" if v.title_zh else ""
    return f"{v.key} — {v.title}{zh}"


def query_tokens(text: str) -> list[str]:
    """The pieces every match must contain: each typed word, and each pair of neighbouring CJK characters
    (a lone CJK character stands for itself). Order does not matter: 'locked exits' finds 'exits locked'."""
    tokens: list[str] = []
    for word in (text or "").casefold().split():
        position = 0
        for run in _CJK.finditer(word):
            before = word[position:run.start()].strip(_EDGE_PUNCTUATION)
            if before:
                tokens.append(before)
            chars = "".join(c for c in run.group() if c not in _EDGE_PUNCTUATION)
            if len(chars) == 1:
                tokens.append(chars)
            else:
                tokens.extend(chars[i:i + 2] for i in range(len(chars) - 1))
            position = run.end()
        rest = word[position:].strip(_EDGE_PUNCTUATION)
        if rest:
            tokens.append(rest)
    return tokens


@dataclass(frozen=True)
class _Entry:
    """A suggestion of the finding picker: a library finding type and the text typing is matched against."""

    key: str
    text: str
    title: str
    title_zh: str
    description: str
    haystack: str
    order: int
    severity: str = ""


class _FindingSuggestions(SuggestionPanel):
    """The matching library entries under the box, with a line on how to choose."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "findingSuggestions", margins=1)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#findingSuggestions { background: white; border: 1px solid #b0bec5; "
                           "border-radius: 4px; }")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the box
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.note.setStyleSheet("color: #5f6b7a;")
        self.note.setContentsMargins(8, 3, 8, 4)


class FindingPicker(QLineEdit):
    """A line edit that suggests library entries whose key, title or Chinese title hold every typed word.

    Choosing a suggestion emits `picked(key)`; text that is no library entry emits `free_text(text)`.
    """

    picked = Signal(str)
    free_text = Signal(str)
    classify_requested = Signal()  # Enter in the empty box: grade the free-text findings added so far

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        # A short hint, whole in the box beside the severity and Add at 1360 px; the rest is in the tooltip.
        hint(self, "Add a finding: key, title words or your text",
             "Type a library key (HRS-001), words of an English or Chinese title, or your own text. Enter adds the "
             "highlighted suggestion (↑↓ to choose); with no suggestion it adds your text as a free-text finding. "
             "Ctrl+Enter adds your own text even when suggestions are shown.")
        self._entries: list[_Entry] = []
        self._texts: list[LibraryText] = []
        self._offering_close = False  # the list shows close matches ("did you mean"), not type-ahead matches
        self._by_text: dict[str, str] = {}
        self._severity: dict[str, str] = {}  # key -> severity of each library entry
        self._count_note = ""
        self._panel: Optional[_FindingSuggestions] = None
        self._host: Optional[QWidget] = None
        self._hide_timer = QTimer(self)  # owned, so it dies with the box
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(120)
        self._hide_timer.timeout.connect(self._hide_if_unfocused)
        self.textEdited.connect(self._edited)
        self.textChanged.connect(self._text_changed)

    # -- the library --------------------------------------------------------------------------------------------------
    def set_library(self, types: Iterable[ViolationTypeInfo]) -> None:
        self._entries = []
        self._texts = []
        self._severity = {}
        self._by_text.clear()
        for order, v in enumerate(types):
            text = entry_text(v)
            haystack = " ".join((v.key, v.title, v.title_zh or "")).casefold()
            self._entries.append(_Entry(v.key, text, v.title, v.title_zh or "", v.description or "", haystack, order,
                                        v.severity or ""))
            self._severity[v.key] = v.severity or ""
            other = " ".join(x for x in (v.description, v.legal_topic, v.code_requirement) if x)
            self._texts.append(LibraryText(v.key, v.title, v.title_zh or "", other, v.severity or "",
                                           v.legal_topic or "", v.category or ""))
            # A full key, title or Chinese title typed and added names the entry too.
            for name in (text, v.key, v.title, v.title_zh):
                if name:
                    self._by_text[" ".join(name.split()).casefold()] = v.key
        if self.suggestions_visible():
            self._update_suggestions()

    def matches(self, text: str) -> list[str]:
        """The keys of the entries holding every typed piece, most relevant first (see `relevance`: a typed key,
        whole words of the title, the entry's topic, the start of the title), library order last."""
        tokens = query_tokens(text)
        if not tokens:
            return []
        found = []
        for e, lib in zip(self._entries, self._texts):
            if all(t in e.haystack for t in tokens):
                found.append((relevance(tokens, text, lib), e.order, e.key))
        found.sort()
        return [key for _r, _o, key in found]

    def close_matches(self, text: str) -> list[str]:
        """The keys of the library entries close to text that matches none in full (the "did you mean" list)."""
        return close_matches(text, self._texts)

    def guess_category(self, text: str) -> str:
        """The category of the library entry closest to a free-text finding's words ("" when none is near)."""
        return guess_category(text, self._texts)

    def completion_count(self, text: str) -> int:
        """How many entries match the text (what the list would show)."""
        return len(self.matches(text))

    def completions(self, text: str) -> list[str]:
        """The suggestion lines for the text, as the list shows them."""
        texts = {e.key: e.text for e in self._entries}
        return [texts[k] for k in self.matches(text)]

    # -- the suggestion list ------------------------------------------------------------------------------------------
    def _ensure_panel(self) -> _FindingSuggestions:
        host = self.window()
        if self._panel is None:
            self._panel = _FindingSuggestions(host)
            self._panel.list.itemClicked.connect(self._item_clicked)
        if self._host is not host:
            if self._host is not None:
                self._host.removeEventFilter(self)
            self._panel.setParent(host)
            self._host = host
            host.installEventFilter(self)
        return self._panel

    def suggestions_visible(self) -> bool:
        return self._panel is not None and self._panel.isVisible()

    def suggestions(self) -> list[str]:
        """The keys listed under the box right now (empty when the list is hidden)."""
        if not self.suggestions_visible():
            return []
        lst = self._panel.list
        keys = (lst.item(i).data(KEY_ROLE) for i in range(lst.count()))
        return [k for k in keys if k]  # not the "add as your own finding" row

    def highlighted(self) -> Optional[str]:
        """The key Enter would add now: the highlighted suggestion, or the first one."""
        if not self.suggestions_visible():
            return None
        lst = self._panel.list
        if lst.currentRow() < 0:
            return None  # nothing chosen yet (close entries, or a zero-tolerance entry first): Enter or ↑↓ choose
        item = lst.currentItem() or (lst.item(0) if lst.count() else None)
        return item.data(KEY_ROLE) if item is not None else None

    def offering_close_matches(self) -> bool:
        """True while the list shows "did you mean" entries for text that matched nothing in full."""
        return self.suggestions_visible() and self._offering_close

    def _free_row_highlighted(self) -> bool:
        item = self._panel.list.currentItem() if self._panel is not None else None
        return item is not None and bool(item.data(FREE_TEXT_ROLE))

    def _edited(self, _text: str) -> None:
        self._update_suggestions()

    def _text_changed(self, text: str) -> None:
        if not text.strip():
            self.hide_suggestions()

    def _update_suggestions(self) -> None:
        text = self.text()
        keys = self.matches(text) if text.strip() else []
        if not keys:
            # Nothing holds every typed word: the close entries are shown while typing ("fire exit" lists HSF-007
            # Emergency exits locked or blocked), none highlighted, so Enter first chooses and never adds unseen.
            if len(text.strip()) < MIN_CLOSE_CHARS or not self.offer_close_matches(highlight=False):
                self.hide_suggestions()
            return
        self._fill(keys[:MAX_SUGGESTIONS], severity=True)  # "zero tolerance" seen before Enter adds it
        more = f" (first {MAX_SUGGESTIONS} of {len(keys)})" if len(keys) > MAX_SUGGESTIONS else ""
        self._count_note = f"{len(keys)} in the library{more}"
        severities = {self._severity.get(k, "") for k in keys[:MAX_SUGGESTIONS]}
        if self._severity.get(keys[0]) == ZERO_TOLERANCE and severities != {ZERO_TOLERANCE}:
            # A zero-tolerance entry first among ordinary ones ("overtime": Overtime not voluntary): nothing is
            # chosen, so one Enter never stops a factory's production unseen; Enter chooses it, the next adds it.
            self._panel.list.setCurrentRow(-1)
            self._panel.note.setText(f"{self._count_note} · the first is zero tolerance: ↑↓ or Enter choose · "
                                     "Ctrl+Enter adds your own text")
        else:
            self._say_chosen()
        self._show_panel(close=False)

    def _fill(self, keys: list[str], *, severity: bool = False) -> None:
        lst = self._ensure_panel().list
        by_key = {e.key: e for e in self._entries}
        lst.clear()
        for key in keys:
            e = by_key[key]
            text = e.text
            if severity and e.severity:  # the severity where the row cannot cut it off: after the English title
                zh = f" · {e.title_zh}" if e.title_zh else ""
                text = f"{e.key} — {e.title}, {e.severity}{zh}"
            item = QListWidgetItem(text)
            item.setData(KEY_ROLE, e.key)
            if e.description:
                item.setToolTip(e.description)
            lst.addItem(item)
        lst.setCurrentRow(0)

    def _show_panel(self, *, close: bool) -> None:
        self._offering_close = close
        self._place()
        self._panel.show_over()

    def offer_close_matches(self, *, highlight: bool = True) -> bool:
        """Shows the library entries close to the typed text ("did you mean...?") with "add as your own text" as the
        last row; False (nothing shown) when none is close. Without `highlight` (while typing) no row is chosen yet:
        the first Enter highlights the best entry, the next adds it, so a free-text finding typed fast is never
        turned into a library entry the user did not look at."""
        text = " ".join(self.text().split())
        keys = self.close_matches(text) if text else []
        if not keys:
            return False
        self._fill(keys, severity=True)
        free = QListWidgetItem(f"Add “{text}” as your own finding (not in the library)")
        free.setData(FREE_TEXT_ROLE, True)
        self._panel.list.addItem(free)
        if not highlight:
            self._panel.list.setCurrentRow(-1)
        self._say_close(chosen=highlight)
        self._panel.note.setToolTip("No library entry has all these words; these come close. ↑↓ choose, Enter adds the "
                                    "highlighted one, Ctrl+Enter (or the last row) adds your own text.")
        self._show_panel(close=True)
        return True

    def _say_close(self, *, chosen: bool) -> None:
        if chosen:
            self._panel.note.setText("Not in the library as typed. Did you mean…? · Enter adds · Ctrl+Enter: your text")
        else:
            self._panel.note.setText("Not in the library as typed. Did you mean…? · ↑↓ or Enter choose · "
                                     "Ctrl+Enter: your text")

    def _close_row_chosen(self) -> bool:
        return self._panel is not None and self._panel.list.currentRow() >= 0

    def _say_chosen(self) -> None:
        self._panel.note.setText(f"{self._count_note} · ↑↓ choose · Enter adds · Ctrl+Enter adds your own text")

    def _place(self) -> None:
        panel, host = self._panel, self._host
        if panel is None or host is None:
            return
        rows = max(1, min(panel.list.count(), VISIBLE_ROWS))
        hinted = panel.list.sizeHintForRow(0)  # the row as the list draws it; before it is known, a line and a gap
        row_height = hinted if hinted > 0 else self.fontMetrics().height() + 6
        height = rows * row_height + panel.note.sizeHint().height() + 6
        below = self.mapTo(host, QPoint(0, self.height() + 2)).y()
        above = self.mapTo(host, QPoint(0, 0)).y() - height - 2
        if below + height > host.height() - 4 and above < 0:  # fits neither way: shorter, below the box
            height = max(row_height * 3, host.height() - below - 4)
        panel.place_under(self, host, max(self.width(), 520), height)

    def hide_suggestions(self) -> None:
        if self._panel is not None:
            self._panel.hide()

    def _move(self, step: int) -> None:
        self._panel.move_current(step)
        if self._offering_close and self._close_row_chosen():
            self._say_close(chosen=True)
        elif not self._offering_close and self._close_row_chosen():
            self._say_chosen()

    def _item_clicked(self, item: QListWidgetItem) -> None:
        if item.data(FREE_TEXT_ROLE):
            self.submit_free(library_names=True)
        else:
            self._take(item.data(KEY_ROLE))
        self.setFocus()

    def _take(self, key: Optional[str]) -> None:
        self.hide_suggestions()
        if not key:
            return
        self.clear()
        self.picked.emit(key)

    # -- keys ----------------------------------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                          | Qt.KeyboardModifier.MetaModifier))
        if self.suggestions_visible() and plain:
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: VISIBLE_ROWS - 1,
                     Qt.Key.Key_PageUp: -(VISIBLE_ROWS - 1)}
            if key in steps:
                self._move(steps[key])
                event.accept()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()
                event.accept()
                return
            if key == Qt.Key.Key_Escape:
                self.hide_suggestions()
                event.accept()
                return
        elif key == Qt.Key.Key_Down and plain and self.text().strip():
            self._update_suggestions()  # Down brings the list back after Escape
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self.submit()
            event.accept()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        """Adds what is typed: the highlighted suggestion when the list is shown, else a library entry the text
        names in full, else the close matches to choose from ("did you mean"), else a free-text finding; in the empty
        box, a request to grade the free-text findings (`classify_requested`)."""
        if self.suggestions_visible():
            if not self._close_row_chosen():
                # The first Enter chooses (the best close entry, or the zero-tolerance entry listed first); the
                # next adds it.
                self._panel.list.setCurrentRow(0)
                if self._offering_close:
                    self._say_close(chosen=True)
                else:
                    self._say_chosen()
                return
            if self._free_row_highlighted():
                self.submit_free(library_names=True)
            else:
                self._take(self.highlighted())
            return
        text = " ".join(self.text().split())
        if not text:
            self.classify_requested.emit()
            return
        if self._by_text.get(text.casefold()) or not self.offer_close_matches():
            self.submit_free(library_names=True)

    def submit_free(self, *, library_names: bool = True) -> None:
        """Adds the typed text itself: as the library entry it names in full (a key or a whole title), else as a
        free-text finding, whatever the suggestions say."""
        self.hide_suggestions()
        text = " ".join(self.text().split())
        if not text:
            return
        key = self._by_text.get(text.casefold()) if library_names else None
        self.clear()
        if key:
            self.picked.emit(key)
        else:
            self.free_text.emit(text)

    # -- following the window --------------------------------------------------------------------------------------------
    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self._hide_timer.start()

    def _hide_if_unfocused(self) -> None:
        if not self.hasFocus():
            self.hide_suggestions()

    def hideEvent(self, event) -> None:  # noqa: N802
        self.hide_suggestions()
        super().hideEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.suggestions_visible():
            self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._host and event.type() in (QEvent.Type.Resize, QEvent.Type.Move,
                                                      QEvent.Type.LayoutRequest):
            if self.suggestions_visible():
                self._place()
        return False
