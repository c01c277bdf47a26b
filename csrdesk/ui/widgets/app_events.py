"""The one application-wide event filter. Every event of every widget passes through an application filter, so its
cost is paid thousands of times a second (about 4,000 events while the first window is built). Three filters of our
own each crossed into Python and made a Python enum of the event's type for every event: about a tenth of a second
at start. Here one filter picks the few handlers that care by the event's class (a dict lookup, no enum made), and
every other event goes straight back to Qt."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

Handler = Callable[[QObject, QEvent], bool]  # True: the event is handled and goes no further


class AppEvents(QObject):
    """The filter on the QApplication; features register a handler for the event classes they need."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._handlers: dict[type, list[Handler]] = {}  # as registered
        self._by_class: dict[type, tuple[Handler, ...]] = {}  # per class seen, its own and its bases' handlers
        self._names: set[str] = set()
        self.held = False

    def add(self, name: str, event_class: type, handler: Handler) -> None:
        """Registers handler for events of event_class (and its subclasses), once per name."""
        if name in self._names:
            return
        self._names.add(name)
        self._handlers.setdefault(event_class, []).append(handler)
        self._by_class.clear()

    def has(self, name: str) -> bool:
        return name in self._names

    def hold(self) -> None:
        """Steps aside while the first window is built (its 4,000 events need none of the handlers: no dialog, no
        wheel, no key and no tooltip reaches a window that is not shown yet)."""
        app = self.parent()
        if not self.held and app is not None:
            app.removeEventFilter(self)
            self.held = True

    def release(self) -> None:
        """Back on the application: as soon as the window is shown, before the event loop runs (so no dialog, key
        or wheel can have come meanwhile)."""
        app = self.parent()
        if self.held and app is not None:
            self.held = False
            app.installEventFilter(self)

    def _handlers_for(self, cls: type) -> tuple[Handler, ...]:
        found = tuple(h for base in cls.__mro__ for h in self._handlers.get(base, ()))
        self._by_class[cls] = found
        return found

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        cls = type(event)
        handlers = self._by_class.get(cls)
        if handlers is None:
            handlers = self._handlers_for(cls)
        for handler in handlers:
            if handler(obj, event):
                return True
        return False


def app_events(app: QApplication) -> AppEvents:
    """The application's one filter, installed on first use."""
    events = getattr(app, "_csrdesk_app_events", None)
    if events is None:
        events = AppEvents(app)
        app.installEventFilter(events)
        app._csrdesk_app_events = events
    return events
