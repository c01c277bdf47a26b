"""A short hint in an empty box (its placeholder), whole in the box: the box is never narrower than the hint in its
own font (measured again when the font changes), and the longer explanation goes to the tooltip. A long placeholder
in a narrow box ("YYYY-MM-DD: when someone last com…") was cut where it mattered."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLineEdit, QStyle

TEXT_MARGIN = 2  # Qt's own margin around a line edit's text, each side


class _Refit(QObject):
    """Measures the box again when its font or style changes (a larger system font, a style sheet)."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self.base = edit.minimumWidth()  # the width the box asked for before its hint

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish):
            _fit(obj, self.base)
        return False


def _fit(edit: QLineEdit, base: int) -> None:
    frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    margins = edit.textMargins()
    need = (edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + 2 * TEXT_MARGIN + 2 * frame
            + margins.left() + margins.right() + 4)
    if edit.isClearButtonEnabled():
        need += edit.fontMetrics().height() + 8  # the clear button's square
    edit.setMinimumWidth(max(base, need))


def hint(edit: QLineEdit, placeholder: str, tooltip: str = "") -> None:
    """Sets the placeholder of `edit` and the tooltip; the box keeps at least the width the placeholder needs."""
    edit.setPlaceholderText(placeholder)
    if tooltip:
        edit.setToolTip(tooltip)
    refit = getattr(edit, "_placeholder_refit", None)
    if refit is None:
        refit = _Refit(edit)
        edit.installEventFilter(refit)
        edit._placeholder_refit = refit
    _fit(edit, refit.base)
