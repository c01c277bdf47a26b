"""When a save is refused because someone else changed the record since it was opened: say who changed what and
when, show the difference, and offer to reload (the person's own edits stay on screen if they keep editing)."""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import QMessageBox, QWidget

from csrdesk.errors import ConcurrentEdit


def _short(value: Optional[str]) -> str:
    if value is None or value == "":
        return "(empty)"
    one = " ".join(str(value).split())
    return one if len(one) <= 120 else one[:117] + "…"


def difference_text(exc: ConcurrentEdit) -> str:
    """The other person's changes, one a line: when, who, which field, from what to what."""
    lines = [f"{at:%Y-%m-%d %H:%M}  {who}: {field}: {_short(old)} → {_short(new)}"
             for who, field, at, old, new in exc.changes]
    return "\n".join(lines) or "The change history names no field (the record was changed without one)."


def offer_reload(parent: Optional[QWidget], exc: ConcurrentEdit, reload: Callable[[], None]) -> QMessageBox:
    """A non-blocking question: Reload (shows the record as saved now) or Keep my edits. Returns the box."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Changed by someone else", " ".join(str(exc).split()),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("concurrentEditBox")
    box.setInformativeText("Reload shows the record as it is saved now; your unsaved edits are then lost. "
                           "Show Details… lists what the other person changed.")
    box.setDetailedText(difference_text(exc))
    reload_button = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep my edits", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)

    def clicked(button) -> None:
        if button is reload_button:
            reload()

    box.buttonClicked.connect(clicked)
    box.open()
    return box
