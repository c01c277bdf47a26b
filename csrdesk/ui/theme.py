"""The look of csrdesk: a calm light palette, one accent colour, and the colours of ratings and statuses."""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from csrdesk.domain.scoring import RATING_COLOURS, Rating

ACCENT = "#1f5fa8"
ACCENT_DARK = "#184b85"
ACCENT_LIGHT = "#e8f0fa"
SIDEBAR = "#f3f5f8"
BORDER = "#d9dee5"
TEXT = "#1f2933"
MUTED = "#5f6b7a"
WINDOW = "#ffffff"
ALT_ROW = "#f8f9fb"
OVERDUE = "#b42318"
OVERDUE_BG = "#fdecea"
WARNING = "#b54708"
WARNING_BG = "#fff4e5"
OK = "#2e7d32"

STATUS_COLOURS = {
    "prospect": "#5f6b7a",
    "vetting": "#1f5fa8",
    "approved": "#2e7d32",
    "conditionally approved": "#7a8f1f",
    "active": "#1b7a4a",
    "suspended": "#c62828",
    "exiting": "#b54708",
    "exited": "#7b8794",
}


def rating_colour(rating: Optional[str]) -> Optional[QColor]:
    if not rating:
        return None
    try:
        return QColor(RATING_COLOURS[Rating(rating)])
    except (ValueError, KeyError):
        return None


def rating_background(rating: Optional[str]) -> Optional[QColor]:
    """A pale tint of the rating colour, for a table cell behind dark text."""
    colour = rating_colour(rating)
    if colour is None:
        return None
    tint = QColor(colour)
    tint.setAlpha(48)
    return tint


def rating_text_colour(rating: Optional[str]) -> Optional[QColor]:
    """The rating colour darkened enough to read as text on white (yellow is not readable as is)."""
    colour = rating_colour(rating)
    if colour is None:
        return None
    if colour.lightness() > 120:
        colour = colour.darker(150)
    return colour


def status_colour(status: Optional[str]) -> Optional[QColor]:
    value = STATUS_COLOURS.get(status or "")
    return QColor(value) if value else None


# Qt style sheets are not used application-wide: one app style sheet, even of a single rule, made building the
# window three times slower (0.45 s against 0.14 s of CPU for the main window with its pages). The look comes from
# Fusion, a palette and fonts; a few small widgets (navigation, cards, primary buttons) carry their own sheet, which
# costs only for them. Widgets mark their role with an object name and `decorate` styles them once built.

NAVIGATION_SHEET = f"""
QListWidget {{ background: {SIDEBAR}; border: none; outline: 0; padding-top: 6px; }}
QListWidget::item {{ padding: 8px 14px; margin: 1px 8px; border-radius: 6px; color: {TEXT}; }}
QListWidget::item:hover {{ background: #e6ebf1; }}
QListWidget::item:selected {{ background: {ACCENT}; color: white; }}
"""
CARD_SHEET = f"QFrame#card {{ background: {WINDOW}; border: 1px solid {BORDER}; border-radius: 8px; }}"
PRIMARY_SHEET = (f"QPushButton {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; border-radius: 4px;"
                 f" padding: 5px 14px; }} QPushButton:hover {{ background: {ACCENT_DARK}; }}"
                 " QPushButton:disabled { background: #9db5d3; border-color: #9db5d3; }")
PANEL_SHEET = f"QFrame#searchPanel {{ background: {WINDOW}; border: 1px solid {BORDER}; border-radius: 8px; }}"


def _font(widget: QWidget, scale: float = 1.0, weight: Optional[QFont.Weight] = None) -> None:
    font = QFont(QApplication.font())
    if scale != 1.0:
        font.setPointSizeF(max(6.0, font.pointSizeF() * scale))
    if weight is not None:
        font.setWeight(weight)
    widget.setFont(font)


def set_text_colour(widget: QWidget, colour: str) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    palette.setColor(QPalette.ColorRole.Text, QColor(colour))
    widget.setPalette(palette)


def style_widget(widget: QWidget) -> None:
    """Styles one widget by its object name (pageTitle, pageSubtitle, sectionTitle, muted, card, primary...)."""
    name = widget.objectName()
    if not name:
        return
    if name == "pageTitle":
        _font(widget, 1.6, QFont.Weight.DemiBold)
        set_text_colour(widget, TEXT)
    elif name in ("pageSubtitle", "muted", "cardLabel"):
        set_text_colour(widget, MUTED)
    elif name in ("sectionTitle", "dialogTitle"):
        _font(widget, 1.12, QFont.Weight.DemiBold)
        set_text_colour(widget, TEXT)
    elif name == "cardValue":
        _font(widget, 2.0, QFont.Weight.DemiBold)
    elif name == "card":
        widget.setStyleSheet(CARD_SHEET)
    elif name == "primary" and isinstance(widget, QPushButton):
        widget.setStyleSheet(PRIMARY_SHEET)
    elif name == "navigation":
        widget.setStyleSheet(NAVIGATION_SHEET)
    elif name == "searchPanel":
        widget.setStyleSheet(PANEL_SHEET)


def decorate(root: QWidget) -> QWidget:
    """Styles `root` and every widget in it by object name; call it once a page or dialog is built."""
    style_widget(root)
    for child in root.findChildren(QWidget):
        style_widget(child)
    return root


def apply_theme(app: QApplication) -> None:
    """Fusion with a light palette, so the app looks the same on Windows, macOS and Linux."""
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Base, QColor(WINDOW))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(ALT_ROW))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor("#f5f7fa"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#fffdf3"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a94a3"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.Mid, QColor(BORDER))
    palette.setColor(QPalette.ColorRole.Midlight, QColor("#eef1f5"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a0a8b3"))
    # A box that cannot be typed into looks it: grey, not white (an empty disabled box showing only its placeholder
    # looked the same as one waiting for input, e.g. the complaint intake's Factory before "outside the program").
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(SIDEBAR))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, QColor("#b4bbc5"))
    app.setPalette(palette)


def table_palette(widget: QWidget) -> None:
    """A light selection in tables, so coloured cells (ratings, overdue) stay readable when selected."""
    palette = widget.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#d6e4f5"))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(TEXT))
    widget.setPalette(palette)
