"""Opening envelopes in order and handing each to the handler for its kind.

Envelopes are handled in small batches, one database transaction per batch and one
savepoint per envelope: a batch costs one BEGIN, one locking SELECT, one status UPDATE
and one COMMIT however many envelopes it holds, while an envelope whose handler fails
is rolled back alone.  A batch is closed after ``BATCH_SECONDS`` so a slow envelope
(a web submission's Argon2 hash) never holds SQLite's single write lock for long.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope

# Imported for their @handles registrations: the worker owns every envelope kind.
from safepassage.worker import messengers, web  # noqa: F401
from safepassage.worker.handlers import EnvelopeRejected, handler_for, handles

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 50
# Measured: 50 ms batches reach the worker's throughput target while an intake
# INSERT waiting for SQLite's write lock waits at most about that long.
BATCH_SECONDS = 0.05
_STATUS_FIELDS = ["status", "error_code", "attempts", "processed_at", "retry_at"]


def _handle(envelope: InboundEnvelope) -> None:
    """Open and handle one locked envelope inside a savepoint; set its new status.

    The handler's writes commit together with the status change or not at all, so an
    envelope is either fully handled or left pending for a retry, never half-applied.
    """
    handler = handler_for(envelope.kind)
    try:
        if handler is None:
            raise EnvelopeRejected(f"no handler for {envelope.kind}")
        data = open_envelope_body(envelope.body, get_keyring())
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


def _lock(ids: list[int]) -> list[InboundEnvelope]:
    """The still-pending envelopes among ``ids``, locked, oldest first (rows another
    worker holds are skipped where the database can)."""
    qs = InboundEnvelope.objects.filter(pk__in=ids, status=EnvelopeStatus.PENDING).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs)


def _process_batch(ids: list[int]) -> list[InboundEnvelope]:
    """Handle the pending envelopes among ``ids`` in one transaction, stopping early
    when the batch's time is up; return the envelopes handled (the rest stay pending)."""
    deadline = time.monotonic() + BATCH_SECONDS
    handled: list[InboundEnvelope] = []
    with transaction.atomic():
        for envelope in _lock(ids):
            _handle(envelope)
            handled.append(envelope)
            if time.monotonic() > deadline:
                break
        _save_statuses(handled)
    return handled


def _save_statuses(handled: list[InboundEnvelope]) -> None:
    """Record the batch's outcomes: one UPDATE for the handled envelopes, one per
    failure (rare).  ``bulk_update``'s CASE expressions cost more than the handlers."""
    processed = [e.pk for e in handled if e.status == EnvelopeStatus.PROCESSED]
    if processed:
        InboundEnvelope.objects.filter(pk__in=processed).update(
            status=EnvelopeStatus.PROCESSED, error_code="", processed_at=timezone.now()
        )
    for envelope in handled:
        if envelope.status != EnvelopeStatus.PROCESSED:
            envelope.save(update_fields=_STATUS_FIELDS)


def process_pending(limit: int = 100) -> int:
    """Handle up to ``limit`` due pending envelopes, oldest first; return how many were
    tried."""
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())
    ids = list(
        InboundEnvelope.objects.filter(due, status=EnvelopeStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    tried = 0
    remaining = ids
    size = BATCH_SIZE
    while remaining:
        batch = remaining[:size]
        handled = _process_batch(batch)
        tried += len(handled)
        if not handled:
            # All taken by another worker (or already handled): go on with the rest.
            remaining = remaining[len(batch) :]
            continue
        # A batch closed early leaves its later envelopes for the next one, and the
        # next batch asks for only as many as fitted (locking and loading rows that
        # wait for a later batch costs as much as a handler on PostgreSQL).
        size = len(handled) if len(handled) < len(batch) else min(BATCH_SIZE, size * 2)
        last = handled[-1].pk
        remaining = [pk for pk in remaining if pk > last]
    return tried


__all__ = ["EnvelopeKind", "EnvelopeRejected", "handles", "process_pending"]
