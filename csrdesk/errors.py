"""Errors meant for the user, told apart from bugs; below every layer, so each raises and catches the same types."""


class UserError(Exception):
    """Something the user can fix: bad input, a wrong file, a refused change. The message is shown as it is."""


class NotFound(UserError):
    pass


class DatabaseError(UserError):
    """A database that csrdesk cannot open or use (missing, foreign, busy, read-only); the message is for the user."""


class NewerDatabaseError(DatabaseError):
    """A database written by a newer csrdesk: refused and left untouched."""
