"""Which function handles which envelope kind, and how a handler refuses an envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safepassage.envelopes.models import InboundEnvelope

Handler = Callable[[InboundEnvelope, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


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


def handler_for(kind: str) -> Handler | None:
    """The handler registered for ``kind``, if any."""
    return _HANDLERS.get(kind)


def forget_handler(kind: str) -> None:
    """Unregister ``kind`` (tests that register a probe handler)."""
    _HANDLERS.pop(kind, None)
