"""The live rating of an assessment with the reasons behind it: which findings, which points, which rule."""
from __future__ import annotations

import html
from typing import Optional

from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from csrdesk.domain.scoring import RatingResult
from csrdesk.ui.widgets.rating_badge import RatingBadge


REASONS_STYLE = """
QTextBrowser { background: transparent; border: none; padding: 0; }
QScrollBar:vertical { background: #eef2f5; width: 10px; margin: 0; border: none; border-radius: 5px; }
QScrollBar::handle:vertical { background: #b0bec5; min-height: 28px; border-radius: 5px; }
QScrollBar::handle:vertical:hover { background: #90a4ae; }
QScrollBar::handle:vertical:pressed { background: #78909c; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; border: none; background: none; }
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: none; }
"""


class ReasonsPanel(QFrame):
    """A large rating badge, what the rating means, and the list of reasons, in the rating's colour."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        title = QLabel("Rating")
        title.setStyleSheet("font-weight: 600; color: #455a64;")
        self.badge = RatingBadge(self, large=True)
        self.meaning = QLabel(self)
        self.meaning.setWordWrap(True)
        self.meaning.setStyleSheet("color: #37474f;")
        why = QLabel("Why")
        why.setStyleSheet("font-weight: 600; color: #455a64; margin-top: 6px;")
        # A text browser, not a label: long reasons wrap and scroll instead of being cut off.
        self.reasons = QTextBrowser(self)
        self.reasons.setFrameShape(QFrame.Shape.NoFrame)
        self.reasons.setOpenLinks(False)
        # With a style sheet on the panel, an unstyled scroll bar is drawn with a solid black handle: style it.
        self.reasons.setStyleSheet(REASONS_STYLE)
        for w in (title, self.badge, self.meaning, why):
            layout.addWidget(w)
        layout.addWidget(self.reasons, 1)
        self.result: Optional[RatingResult] = None
        self.show_message("Choose a supplier and add findings to see the rating.")

    def show_result(self, result: RatingResult) -> None:
        self.result = result
        self.badge.set_rating(result.rating.value, result.score)
        self.meaning.setText(result.rating.meaning)
        colour = result.rating.colour
        items = "".join(f"<p style='margin:0 0 6px 0'>• {html.escape(r)}</p>" for r in result.reasons)
        self.reasons.setHtml(items)
        self.setStyleSheet(f"QFrame#reasonsPanel {{ border: 2px solid {colour}; border-radius: 8px; }}")

    def show_message(self, text: str) -> None:
        """No rating to show (no supplier yet, or the input cannot be scored): says why instead."""
        self.result = None
        self.badge.set_rating(None, None)
        self.meaning.setText("")
        self.reasons.setHtml(f"<p style='color:#5f6b7a'>{html.escape(text)}</p>")
        self.setStyleSheet("QFrame#reasonsPanel { border: 1px solid #cfd8dc; border-radius: 8px; }")

    def reason_lines(self) -> tuple[str, ...]:
        return self.result.reasons if self.result else ()
