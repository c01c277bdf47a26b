"""A rating shown as a coloured badge with its score, readable on every rating colour."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from csrdesk.domain.scoring import Rating


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on the background (relative luminance)."""
    c = QColor(background)
    luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return "#1b1b1b" if luminance > 0.55 else "#ffffff"


def rating_colour(rating: Optional[str]) -> Optional[str]:
    try:
        return Rating(rating).colour if rating else None
    except ValueError:
        return None


class RatingBadge(QLabel):
    """Shows 'Needs Improvement · 16 points' on the rating's colour; an empty badge says there is nothing to rate."""

    def __init__(self, parent: Optional[QWidget] = None, *, large: bool = False) -> None:
        super().__init__(parent)
        self._large = large
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(large)
        if large:
            self.setMinimumHeight(self.fontMetrics().height() * 3 + 16)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rating: Optional[str] = None
        self.score: Optional[int] = None
        self.set_rating(None, None)

    def set_rating(self, rating: Optional[str], score: Optional[int]) -> None:
        self.rating, self.score = rating, score
        colour = rating_colour(rating)
        size = "12pt" if self._large else "9pt"
        pad = "8px 16px" if self._large else "2px 8px"
        if colour is None:
            self.setText("not rated")
            self.setStyleSheet(
                f"QLabel {{ border: 1px dashed #9e9e9e; color: #616161; border-radius: 6px; padding: {pad};"
                f" font-size: {size}; }}"
            )
            self.setToolTip("")
            return
        plural = "s" if score != 1 else ""
        if self._large:
            points = "" if score is None else f"<br><span style='font-size:10pt; font-weight:500'>{score} point{plural}</span>"
            self.setText(f"{rating}{points}")
        else:
            points = "" if score is None else f"  ·  {score} point{plural}"
            self.setText(f"{rating}{points}")
        self.setStyleSheet(
            f"QLabel {{ background: {colour}; color: {text_colour_on(colour)}; border-radius: 6px; padding: {pad};"
            f" font-size: {size}; font-weight: 600; }}"
        )
        self.setToolTip(Rating(rating).meaning)
