"""Errors a person can act on.

A ``UserError`` carries a message written for the person at the screen: what happened and
what to do. Services raise it for bad input and refused actions; the window and the command
line show its text and nothing else (no traceback ever reaches a user).
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; ``str(error)`` is the message to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """Input that cannot be saved. ``problems`` maps a field name to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        text = "; ".join(f"{msg}" for msg in self.problems.values())
        super().__init__(text, field=next(iter(self.problems), None))


class PermissionDenied(UserError):
    """The acting user's role may not do this (and no manager approved it)."""

    def __init__(self, message: str, *, permission: str) -> None:
        super().__init__(message)
        self.permission = permission


class AuthenticationFailed(UserError):
    """A wrong PIN or password, or a locked or disabled user."""
