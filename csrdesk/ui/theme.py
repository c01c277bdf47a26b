"""The look of csrdesk: a calm light palette, one accent colour, and the colours of ratings and statuses."""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

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


STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QListWidget#navigation {{
    background: {SIDEBAR}; border: none; border-right: 1px solid {BORDER}; outline: 0; padding-top: 6px;
}}
QListWidget#navigation::item {{ padding: 8px 14px; margin: 1px 8px; border-radius: 6px; color: {TEXT}; }}
QListWidget#navigation::item:hover {{ background: #e6ebf1; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; }}
QLabel#pageTitle {{ font-size: 17pt; font-weight: 600; color: {TEXT}; }}
QLabel#pageSubtitle {{ color: {MUTED}; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 600; color: {TEXT}; padding-top: 4px; }}
QLabel#muted {{ color: {MUTED}; }}
QFrame#card {{ background: {WINDOW}; border: 1px solid {BORDER}; border-radius: 8px; }}
QLabel#cardValue {{ font-size: 20pt; font-weight: 600; color: {TEXT}; }}
QLabel#cardLabel {{ color: {MUTED}; }}
QFrame#searchPanel {{ background: {WINDOW}; border: 1px solid {BORDER}; border-radius: 8px; }}
QTableView {{
    border: 1px solid {BORDER}; border-radius: 6px; gridline-color: {BORDER};
    selection-background-color: {ACCENT_LIGHT}; selection-color: {TEXT}; alternate-background-color: {ALT_ROW};
}}
QTableView::item {{ padding: 0 6px; }}
QHeaderView::section {{
    background: {SIDEBAR}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER};
    border-right: 1px solid #e7eaee; padding: 5px 6px; font-weight: 600;
}}
QPushButton {{ padding: 5px 14px; border-radius: 5px; border: 1px solid {BORDER}; background: {WINDOW}; }}
QPushButton:hover {{ background: #f0f3f7; }}
QPushButton:disabled {{ color: #a0a8b3; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    border: 1px solid {BORDER}; border-radius: 5px; padding: 3px 6px; background: {WINDOW};
}}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 6px; top: -1px; }}
QTabBar::tab {{ padding: 6px 14px; border: 1px solid transparent; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; font-weight: 600; }}
QStatusBar {{ background: {SIDEBAR}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QSplitter::handle {{ background: {BORDER}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
"""


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
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a0a8b3"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
