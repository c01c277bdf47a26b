"""The CAPs page, split by task: the page (list, loading, selection), the item panel, the filters, the status moves
and the columns. The names other modules use are re-exported here."""
from csrdesk.ui.pages.caps.columns import (
    NO_DATE, SHOW_ALL, SHOW_DUE_SOON, SHOW_OPEN, SHOW_OVERDUE, STATUS_COLOURS, cap_columns,
)
from csrdesk.ui.pages.caps.item_panel import ItemPanel
from csrdesk.ui.pages.caps.page import CapsPage

__all__ = [
    "CapsPage", "ItemPanel", "cap_columns", "NO_DATE", "STATUS_COLOURS",
    "SHOW_ALL", "SHOW_DUE_SOON", "SHOW_OPEN", "SHOW_OVERDUE",
]
