"""Opening envelopes in order and handing each to the handler for its kind."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_envelope_body
from safepassage.intake.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope

logger = logging.getLogger(__name__)

Handler = Callable[[InboundEnvelope, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}
MAX_ATTEMPTS = 5


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


def _load_handlers() -> None:
    # Imported for their @handles registrations.
    from safepassage.worker import channels, web  # noqa: F401


def process_envelope(envelope_id: int) -> str:
    """Open and handle one envelope if it is still pending; return its resulting status.

    The row is locked for the duration (skipped if another worker holds it), and the
    handler's writes commit together with the status change, so an envelope is either
    fully handled or left pending for a retry — never half-applied.
    """
    _load_handlers()
    keyring = get_keyring()
    with transaction.atomic():
        qs = InboundEnvelope.objects.filter(pk=envelope_id, status=EnvelopeStatus.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        envelope = qs.first()
        if envelope is None:
            return "skipped"
        handler = _HANDLERS.get(envelope.kind)
        try:
            if handler is None:
                raise EnvelopeRejected(f"no handler for {envelope.kind}")
            data = open_envelope_body(envelope.body, keyring)
            with transaction.atomic():
                handler(envelope, data)
        except (EnvelopeRejected, CryptoError) as error:
            code = error.code if isinstance(error, EnvelopeRejected) else type(error).__name__
            envelope.status = EnvelopeStatus.FAILED
            envelope.error_code = code[:64]
            logger.warning("envelope %s rejected: %s", envelope.pk, envelope.error_code)
        except Exception as error:
            envelope.attempts += 1
            envelope.error_code = type(error).__name__[:64]
            if envelope.attempts >= MAX_ATTEMPTS:
                envelope.status = EnvelopeStatus.FAILED
            else:
                envelope.retry_at = timezone.now() + timedelta(seconds=2**envelope.attempts)
            logger.exception("envelope %s failed (attempt %s)", envelope.pk, envelope.attempts)
        else:
            envelope.status = EnvelopeStatus.PROCESSED
            envelope.error_code = ""
        envelope.processed_at = timezone.now()
        envelope.save(
            update_fields=["status", "error_code", "attempts", "processed_at", "retry_at"]
        )
        return str(envelope.status)


def process_pending(limit: int = 100) -> int:
    """Handle up to ``limit`` pending envelopes, oldest first; return how many were tried."""
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())
    ids = list(
        InboundEnvelope.objects.filter(due, status=EnvelopeStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for envelope_id in ids:
        process_envelope(envelope_id)
    return len(ids)


__all__ = ["EnvelopeKind", "EnvelopeRejected", "handles", "process_envelope", "process_pending"]
