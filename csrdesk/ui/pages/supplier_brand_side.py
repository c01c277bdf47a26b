"""The supplier page's "Brand's side" tab: how many of the factory's findings trace back to the brand's own
purchasing practices, the sourcing owner's open brand actions, and the other brands sharing the factory."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from csrdesk.domain.reporting import plural
from csrdesk.services import brand_actions, brand_collab
from csrdesk.ui import theme
from csrdesk.ui.pages.base import section_title
from csrdesk.ui.pages.cap_partners import fit_to_width
from csrdesk.ui.tables import Column, RowTableModel, TableView

ACTION_COLUMNS = (
    Column("What the brand will do", lambda a: a.what, tooltip=lambda a: f"{a.what}\n\nFactory's cause: {a.cause}"),
    Column("Supplier", lambda a: a.supplier, width=90, tooltip=lambda a: a.supplier_name),
    Column("Due", lambda a: a.due, width=90, colour=lambda a: QColor(theme.OVERDUE) if a.overdue else None),
    Column("Status", lambda a: a.status, width=90),
)
BRAND_COLUMNS = (
    Column("Brand", lambda b: b.brand),
    Column("Share of production", lambda b: f"{b.share:g}%" if b.share is not None else "unknown", width=130),
    Column("Shared audit", lambda b: {True: "accepts", False: "no", None: "not asked"}[b.accepts_shared_audit],
           width=100),
    Column("Contact", lambda b: b.contact, width=200),
)


@dataclass(frozen=True)
class BrandSideBundle:
    """What the "Brand's side" tab shows of a supplier, loaded off the GUI thread."""

    code: str
    side: brand_actions.BrandSide
    brands: tuple


def load_brand_side(db, code: str) -> BrandSideBundle:
    return BrandSideBundle(code, brand_actions.brand_side(db, code),
                           tuple(brand_collab.list_shared_brands(db, code)))


class BrandSideWidget(QWidget):
    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: Optional[str] = None
        self.bundle: Optional[BrandSideBundle] = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.owner_title = section_title("The sourcing owner's open brand actions")
        self.actions_model = RowTableModel(ACTION_COLUMNS, self)
        self.actions = TableView(self, settings_key="supplier.brand_actions",
                                 placeholder="No open brand action: no root cause lies in our purchasing practices.")
        self.actions.setModel(self.actions_model)
        fit_to_width(self.actions)
        buttons = QHBoxLayout()
        self.done_button = QPushButton("Mark done")
        self.close_button = QPushButton("Close")
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.close_button)
        self.brands_model = RowTableModel(BRAND_COLUMNS, self)
        self.brands = TableView(self, settings_key="supplier.shared_brands",
                                placeholder="No other brand is recorded for this factory.")
        self.brands.setModel(self.brands_model)
        fit_to_width(self.brands)
        layout.addWidget(self.summary)
        layout.addWidget(self.owner_title)
        layout.addWidget(self.actions, 2)
        layout.addLayout(buttons)
        layout.addWidget(section_title("Other brands sharing the factory"))
        layout.addWidget(self.brands, 1)
        self.done_button.clicked.connect(lambda: self.set_status("done"))
        self.close_button.clicked.connect(lambda: self.set_status("closed"))
        self.actions.selection_changed_rows.connect(self._selection_changed)
        self._selection_changed([])

    def _selection_changed(self, rows: list) -> None:
        """Mark done and Close act on the selected brand action: greyed, with the reason, until one is chosen."""
        for b in (self.done_button, self.close_button):
            b.setEnabled(bool(rows))
        self.done_button.setToolTip("Mark the selected brand action done (the factory's side is unaffected)" if rows
                                    else "Select a brand action in the list first")
        self.close_button.setToolTip("Close the selected brand action (checked and settled)" if rows
                                     else "Select a brand action in the list first")

    def show_code(self, code: str) -> None:
        self.code = code
        self.ctx.run(load_brand_side, self.ctx.db, code, on_done=self._loaded, parent=self)

    def _loaded(self, bundle: BrandSideBundle) -> None:
        if bundle.code != self.code:
            return
        self.bundle = bundle
        side = bundle.side
        repeats = f", {side.repeats_from_purchasing} of them repeat findings" if side.repeats_from_purchasing else ""
        n = side.findings_from_purchasing
        traced = ("No finding of this factory traces back to our own purchasing practices" if n == 0 else
                  f"<b>{plural(n, 'finding')}</b> of this factory {'traces' if n == 1 else 'trace'} back to our own "
                  f"purchasing practices{repeats}")
        self.summary.setText(f"{traced}. Brand actions stay with our team: they are never sent to the factory.")
        self.owner_title.setText(f"Open brand actions of {side.owner}" if side.owner
                                 else "Open brand actions (no sourcing owner named)")
        self.actions_model.set_rows(side.owner_open_actions)
        self.brands_model.set_rows(bundle.brands)

    def set_status(self, status: str) -> None:
        rows = self.actions.selected_rows()
        if not rows or self.code is None:
            return
        self.ctx.run(brand_actions.update_brand_action, self.ctx.db, rows[0].id, status=status,
                     on_done=lambda _a: (self.ctx.notify("caps", origin=self), self.show_code(self.code)),
                     parent=self)


def attach_to(page) -> BrandSideWidget:
    """Adds the tab to the supplier page; it follows the supplier the page shows."""
    widget = BrandSideWidget(page.ctx, page)
    page.tabs.addTab(widget, "Brand's side")
    shown = page._show

    def show(bundle) -> None:
        shown(bundle)
        widget.show_code(bundle.detail.row.code)

    page._show = show
    return widget
