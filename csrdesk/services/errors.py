"""Errors meant for the user, told apart from bugs."""


class UserError(Exception):
    """Something the user can fix: bad input, a wrong file, a refused change. The message is shown as it is."""


class NotFound(UserError):
    pass
