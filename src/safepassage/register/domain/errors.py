"""Refusals from the register's domain functions.

``str(error)`` is translated and safe to show a registrar or supervisor: messages name
fields, dates and register numbers, never a personal value.
"""

from __future__ import annotations

from collections.abc import Mapping

NON_FIELD = "__all__"


class RegisterError(Exception):
    """A register operation was refused; nothing was changed.

    ``errors`` maps form field names (or ``"__all__"``) to messages, so a form can put
    each message beside the field it concerns and keep everything the user typed.
    """

    def __init__(self, message: str | Mapping[str, str], *, field: str = NON_FIELD) -> None:
        errors = dict(message) if isinstance(message, Mapping) else {field: str(message)}
        if not errors:
            raise ValueError("a RegisterError needs at least one message")
        self.errors: dict[str, str] = errors
        super().__init__(" ".join(errors.values()))


class InvalidInput(RegisterError):
    """A value cannot be recorded as given (a future date, a date before capture…)."""


class OutOfOrder(InvalidInput):
    """A movement is dated before the last recorded one, or a wish before the last wish."""


class RecordClosed(RegisterError):
    """The person was released, repatriated or has died: the record takes no new events."""


class IdentityIncomplete(RegisterError):
    """An Art. 17 field a capture card or a bureau transmission needs is missing."""

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)


class DuplicateCard(RegisterError):
    """A capture card for exactly this situation was already printed or sent."""


class CardRefused(RegisterError):
    """A capture card cannot be printed or marked as sent now."""


class ExportRefused(RegisterError):
    """An information-bureau batch cannot be prepared, approved or rejected now."""


class StaleRecord(RegisterError):
    """The record changed since the form was rendered; nothing was changed."""
