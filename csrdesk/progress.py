"""Progress and cancel for long work: services report through it, the window or the terminal listens."""
from __future__ import annotations

import threading
from typing import Callable, Optional


class Cancelled(Exception):
    """The user cancelled long work; whatever it did in its transaction is rolled back."""


class Progress:
    """Handed to a long service call. `step` reports and raises Cancelled once cancel() was called."""

    def __init__(self, callback: Optional[Callable[[int, int, str], None]] = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("Cancelled; nothing was changed.")

    def step(self, done: int, total: int, message: str = "") -> None:
        self.check()
        if self._callback is not None:
            self._callback(done, total, message)


NO_PROGRESS = Progress()
