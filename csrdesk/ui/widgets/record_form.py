"""What the forms editing one saved record share: which fields changed, the unsaved mark, revert and messages.

Used by the CAP item panel (CAPs page) and the finding type editor (Library page). A form using the mixin has
`save_button`, `revert_button`, `message` (a QLabel) and `_loading`, and says what it shows through three methods:
`form_values()` (the widgets now), `saved_values()` (the record as shown; None when nothing is shown) and
`show_saved()` (fill the widgets from the record again).
"""
from __future__ import annotations

from typing import Any, Optional

from csrdesk.ui import theme

UNSAVED_MARK = "● Unsaved changes"


class RecordFormMixin:
    """Changes, dirty state, revert and the message line of a form over one saved record."""

    _loading: bool = False

    # -- what the form provides ----------------------------------------------------------------------------------------
    def form_values(self) -> dict[str, Any]:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def saved_values(self) -> Optional[dict[str, Any]]:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def show_saved(self) -> None:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The fields edited since the record was shown (what the service's update needs)."""
        saved = self.saved_values()
        if saved is None:
            return {}
        return {k: v for k, v in self.form_values().items() if v != saved.get(k)}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.set_message(UNSAVED_MARK, warning=True)
        elif self.message.text().startswith("●"):
            self.set_message("")

    def revert(self) -> None:
        """Throws the edits away: the record as saved again."""
        self.show_saved()
        if self.message.text().startswith("●"):
            self.set_message("")

    def set_message(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.message.setText(text)
        colour = theme.OVERDUE if error else (theme.WARNING if warning else theme.OK)
        self.message.setStyleSheet(f"color: {colour}; font-weight: 600;")
