"""Errors meant for the user, told apart from bugs; below every layer, so each raises and catches the same types."""


class UserError(Exception):
    """Something the user can fix: bad input, a wrong file, a refused change. The message is shown as it is."""


class NotFound(UserError):
    pass


class DatabaseError(UserError):
    """A database that csrdesk cannot open or use (missing, foreign, busy, read-only); the message is for the user."""


class NewerDatabaseError(DatabaseError):
    """A database written by a newer csrdesk: refused and left untouched."""


class ConcurrentEdit(UserError):
    """A save of a record someone else changed since it was opened: refused, nothing saved; the window offers to
    reload. `changes` lists (who, what, when) from the change history, newest first."""

    def __init__(self, message: str, *, entity: str = "", entity_id: int = 0, changes: tuple = ()):
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id
        self.changes = changes
