"""The vetting page and its parts: page, screen form, checklist editor, dialogs."""
from csrdesk.ui.pages.vetting.page import VettingPage

__all__ = ["VettingPage"]
