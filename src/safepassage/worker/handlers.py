"""Which function handles which envelope kind, and how a handler refuses an envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safepassage.envelopes.models import InboundEnvelope

Handler = Callable[[InboundEnvelope, dict[str, Any]], None]
# A preparer turns an opened body into the data its handler gets.  It runs before the
# write transaction (never under SQLite's write lock or PostgreSQL's row locks), so it
# is where CPU-heavy work belongs: receipt derivation, language detection.  It must not
# write to the database; it may raise EnvelopeRejected.
Preparer = Callable[[dict[str, Any]], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
_PREPARERS: dict[str, Preparer] = {}


class EnvelopeRejected(Exception):
    """The envelope's content is unusable; ``code`` says why without quoting it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register a handler for one envelope kind."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def prepares(kind: str) -> Callable[[Preparer], Preparer]:
    """Register the out-of-transaction preparation for one envelope kind."""

    def register(func: Preparer) -> Preparer:
        _PREPARERS[kind] = func
        return func

    return register


def prepare(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data ``kind``'s handler gets: ``data`` prepared, or as opened if the kind
    needs no preparation."""
    preparer = _PREPARERS.get(kind)
    return data if preparer is None else preparer(data)


def handler_for(kind: str) -> Handler | None:
    """The handler registered for ``kind``, if any."""
    return _HANDLERS.get(kind)


def forget_handler(kind: str) -> None:
    """Unregister ``kind`` (tests that register a probe handler)."""
    _HANDLERS.pop(kind, None)


def forget_preparer(kind: str) -> None:
    """Unregister ``kind``'s preparer (tests that register a probe preparer)."""
    _PREPARERS.pop(kind, None)
