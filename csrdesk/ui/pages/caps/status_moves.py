"""Moving CAP items and CAPs along their lifecycle from the CAPs page, one item or many at once."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from PySide6.QtWidgets import QMessageBox

from csrdesk.domain.caps import days_overdue, is_overdue
from csrdesk.domain.lifecycle import ITEM_TRANSITIONS, ItemStatus
from csrdesk.errors import UserError
from csrdesk.services import caps as cap_service
from csrdesk.services.caps import CapDetail, CapItemRow
from csrdesk.ui.tables import build_search_texts
from csrdesk.ui.widgets.dialog_keys import ask_text


class CapStatusMoves:
    """The status half of the CAPs page (mixed into CapsPage, which owns the table, the panel and the rows)."""

    def selected_ids(self) -> list[int]:
        return [r.id for r in self.table.selected_rows()]

    def common_targets(self, rows: Sequence[CapItemRow]) -> list[str]:
        """The statuses every selected item may move to (the lifecycle's allowed moves)."""
        if not rows:
            return []
        common: Optional[list[str]] = None
        for status in {r.status for r in rows}:
            allowed = [s.value for s in ITEM_TRANSITIONS[ItemStatus(status)]]
            common = allowed if common is None else [s for s in common if s in allowed]
        return common or []

    def _fill_status_menu(self) -> None:
        self.status_menu.clear()
        rows = self.table.selected_rows()
        targets = self.common_targets(rows)
        if not targets:
            action = self.status_menu.addAction("No move suits every selected item (their statuses differ)")
            action.setEnabled(False)
            return
        for target in targets:
            label = f"Move to {target}" if len(rows) == 1 else f"Move {len(rows)} items to {target}"
            self.status_menu.addAction(label, lambda t=target: self.change_status(t, [r.id for r in rows]))

    def ask_verification_notes(self, count: int) -> Optional[str]:
        text, ok = ask_text(
            self, "Verification notes",
            f"What was checked, and how? (saved on {'the item' if count == 1 else f'all {count} items'})",
        )
        return text.strip() if ok else None

    def confirm_bulk(self, count: int, target: str) -> bool:
        answer = QMessageBox.question(
            self, "Change status", f"Move {count:,} items to {target}? A backup of the database is made first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def change_status(self, target: str, ids: Sequence[int], *, from_panel: bool = False) -> None:
        """Moves the items along the lifecycle; the service refuses a wrong move and the reason is shown once, on
        the message line beside the control used (the item panel's for its move buttons, the list's for the menu)."""
        ids = list(ids)
        if not ids:
            return
        if self.panel.detail is not None and self.panel.detail.row.id in ids and self.panel.is_dirty():
            if not self._save_item_now(self.panel.changes()):
                return
        notes = None
        if target == ItemStatus.VERIFIED.value:
            existing = self.panel.detail.verification_notes if (len(ids) == 1 and self.panel.detail) else ""
            if not existing.strip():
                notes = self.ask_verification_notes(len(ids))
                if notes is None:
                    return
        if len(ids) > 1 and not self.confirm_bulk(len(ids), target):
            return
        self.ctx.run(cap_service.change_item_status, self.ctx.db, ids, target, verification_notes=notes,
                     today=self.today, on_done=lambda n: self._status_changed(ids, target, n, from_panel),
                     on_error=lambda exc: self._status_failed(exc, from_panel), label=f"Moving {len(ids):,} items to {target}…", parent=self)

    def _status_changed(self, ids: list[int], target: str, count: int, from_panel: bool = False) -> None:
        self.last_error = None
        self._cap_cache.clear()
        updated = []
        for item_id in ids:
            position = self._index.get(item_id)
            if position is None:
                continue
            row = self._rows[position]
            updated.append(replace(row, status=target, overdue=is_overdue(row.due_date, target, self.today),
                                   days_overdue=days_overdue(row.due_date, target, self.today)))
        self._update_rows(updated)
        gone = sum(1 for i in ids if self.model.position_of(i) is None)
        note = f" {gone:,} no longer match the filters and left the list." if gone else ""
        self._tell(f"{count:,} item{'s' if count != 1 else ''} moved to {target}.{note}", from_panel=from_panel)
        if self._shown_item in ids:
            self._show_item(self._shown_item)
        self._notify()

    def _status_failed(self, exc: BaseException, from_panel: bool = False) -> None:
        """A refusal by the rules (a UserError) is told once, on the message line beside the control; anything
        else is a fault, told once by the error dialog (with its details for a report)."""
        text = " ".join(str(exc).split())
        self.last_error = text
        if isinstance(exc, UserError):
            self._tell("Not changed: " + text, error=True, from_panel=from_panel)
        else:
            self.ctx.show_error(self, exc)

    def change_cap_status(self, cap_id: int, target: str, *, from_panel: bool = True) -> None:
        """Moves the CAP (its buttons are on the item panel's CAP tab, so what happens is told there)."""
        self.ctx.run(cap_service.change_cap_status, self.ctx.db, cap_id, target, today=self.today,
                     on_done=lambda cap: self._cap_changed(cap, from_panel),
                     on_error=lambda exc: self._status_failed(exc, from_panel), label="Changing the CAP status…",
                     parent=self)

    def _cap_changed(self, cap: CapDetail, from_panel: bool = True) -> None:
        self.last_error = None
        self._cap_cache.clear()
        self._tell(f"CAP #{cap.id} is now {cap.status}.", from_panel=from_panel)
        # Sending a CAP sets its items' due dates; read the list again.
        self._notify()
        self.reload()

    def _update_rows(self, rows: Sequence[CapItemRow]) -> None:
        if not rows:
            return
        for row in rows:
            position = self._index.get(row.id)
            if position is None:
                continue
            self._rows[position] = row
            self._search[position] = build_search_texts(self.columns, [row])[0]
        if not self._loaded_all and any(not ItemStatus(r.status).is_open for r in rows):
            # The list holds open items only: items verified or closed leave it (a filter pass per keystroke
            # would cost more than dropping them once).
            keep = [i for i, r in enumerate(self._rows) if ItemStatus(r.status).is_open]
            self._rows = [self._rows[i] for i in keep]
            self._search = [self._search[i] for i in keep]
            self._index = {r.id: i for i, r in enumerate(self._rows)}
        self._push_rows()
        self._update_subtitle()

    def _set_message(self, text: str, *, error: bool = False) -> None:
        self.message.show_message(text, error=error)

    def _tell(self, text: str, *, error: bool = False, from_panel: bool = False) -> None:
        """Says what a move did on the message line by the control used; the other line's message about an earlier
        move is cleared (it would tell the same story twice, or an old one)."""
        here, there = (self.panel.message, self.message) if from_panel else (self.message, self.panel.message)
        here.show_message(text, error=error)
        if there.text().startswith(("Not changed:", "CAP #")) or " moved to " in there.text():
            there.show_message("")

