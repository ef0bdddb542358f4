"""Opening envelopes in order and handing each to the handler for its kind.

Each batch has two phases.  First, with no transaction open, the worker reads the
pending envelopes, opens them and runs each kind's preparer: the slow work (a web
submission's Argon2id receipt derivation, language detection) happens here and holds
no lock, so the intake's INSERTs never wait behind it.  Then one short write
transaction locks the prepared envelopes that are still pending, runs the handlers
(database writes only) with one savepoint per envelope, and records the outcomes: an
envelope whose handler fails is rolled back alone, and an envelope another worker
handled meanwhile is skipped (exactly once; the loser's preparation is wasted work,
never a second case).  A processed envelope's sealed body is cleared in the same
UPDATE, so the receipt it carried is stored nowhere once its keys are derived.
"""

from __future__ import annotations

import itertools
import logging
import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope

# Imported for their @handles registrations: the worker owns every envelope kind.
from safepassage.worker import messengers, partners, web  # noqa: F401
from safepassage.worker.handlers import EnvelopeRejected, handler_for, handles, prepare
from safepassage.worker.waiting import waited_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 50
# How long a batch spends preparing (outside any transaction) before it writes.  Longer
# batches mean fewer write transactions; shorter ones mean less work lost when two
# workers prepare the same envelope.  The write transaction itself is handlers only.
BATCH_SECONDS = 0.25
# Beyond this many due envelopes the worker alternates newest-first rounds of at most
# BACKLOG_ROUND envelopes (a few seconds of receipt derivation) with oldest-first ones.
BACKLOG = 200
BACKLOG_ROUND = 16
_rounds = itertools.count()
# A body as opened and prepared, or the reason it could not be.
Prepared = dict[str, Any] | Exception
_STATUS_FIELDS = ["status", "error_code", "attempts", "processed_at", "retry_at"]


def _prepare(envelope: InboundEnvelope) -> Prepared:
    """Open ``envelope`` and run its kind's preparer; no database writes, no lock."""
    try:
        if handler_for(envelope.kind) is None:
            raise EnvelopeRejected(f"no handler for {envelope.kind}")
        if envelope.body is None:
            raise EnvelopeRejected("no body")
        return prepare(envelope.kind, open_envelope_body(envelope.body, get_keyring()))
    except Exception as error:  # recorded by _handle under the lock, like a handler's
        return error


def _handle(envelope: InboundEnvelope, prepared: Prepared) -> None:
    """Handle one locked, prepared envelope inside a savepoint; set its new status.

    The handler's writes commit together with the status change or not at all, so an
    envelope is either fully handled or left pending for a retry, never half-applied.
    """
    handler = handler_for(envelope.kind)
    try:
        if isinstance(prepared, Exception):
            raise prepared
        if handler is None:
            raise EnvelopeRejected(f"no handler for {envelope.kind}")
        with transaction.atomic():
            handler(envelope, prepared)
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
    worker holds are skipped where the database can).  Bodies were read when prepared."""
    qs = (
        InboundEnvelope.objects.filter(pk__in=ids, status=EnvelopeStatus.PENDING)
        .defer("body")
        .order_by("id")
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs)


def _prepare_batch(ids: list[int]) -> dict[int, Prepared]:
    """Prepare the pending envelopes among ``ids``, in the order given, until the
    batch's time is up (at least one), with no transaction open."""
    deadline = time.monotonic() + BATCH_SECONDS
    pending = InboundEnvelope.objects.filter(pk__in=ids, status=EnvelopeStatus.PENDING)
    ready: dict[int, Prepared] = {}
    order = {pk: index for index, pk in enumerate(ids)}
    for envelope in sorted(pending, key=lambda e: order[e.pk]):
        ready[envelope.pk] = _prepare(envelope)
        if time.monotonic() > deadline:
            break
    return ready


def _process_batch(ids: list[int]) -> list[InboundEnvelope]:
    """Prepare the pending envelopes among ``ids`` outside any transaction, then handle
    them in one short write transaction; return the envelopes handled (envelopes left
    unprepared when time ran out, or taken by another worker, are not)."""
    ready = _prepare_batch(ids)
    if not ready:
        return []
    handled: list[InboundEnvelope] = []
    with transaction.atomic():
        for envelope in _lock(list(ready)):
            _handle(envelope, ready[envelope.pk])
            handled.append(envelope)
        _save_statuses(handled)
    return handled


def _save_statuses(handled: list[InboundEnvelope]) -> None:
    """Record the batch's outcomes: one UPDATE for the handled envelopes, one per
    failure (rare).  ``bulk_update``'s CASE expressions cost more than the handlers.

    A processed envelope's body is cleared: what the worker needed from it (a web
    submission's receipt, the message) now lives only in derived or re-sealed form, and
    the receipt must not survive in a sealed body a stolen key could open.  Failed
    envelopes keep theirs so an operator can retry them after a fix.
    """
    processed = [e.pk for e in handled if e.status == EnvelopeStatus.PROCESSED]
    if processed:
        InboundEnvelope.objects.filter(pk__in=processed).update(
            status=EnvelopeStatus.PROCESSED,
            error_code="",
            processed_at=timezone.now(),
            body=None,
        )
    for envelope in handled:
        if envelope.status != EnvelopeStatus.PROCESSED:
            envelope.save(update_fields=_STATUS_FIELDS)


def _round_ids(limit: int) -> list[int]:
    """The envelopes one round tries, in the order it tries them.

    First the submissions someone is waiting for (``waiting.waited_for``: a sign-in
    found nothing yet).  Then, without a backlog, oldest first (arrival order).  With a
    backlog (a flood, or a worker back from a pause), short rounds alternate: newest
    first, so an applicant who writes as a flood ends is answered in seconds instead of
    after everyone queued ahead; then oldest first, so nobody waits for ever.
    """
    due = InboundEnvelope.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()),
        status=EnvelopeStatus.PENDING,
    )
    first = waited_for()
    backlog = due.count() > BACKLOG
    newest_first = next(_rounds) % 2 == 0 and backlog
    if backlog:
        # Short rounds, so waiting sign-ins are looked at every few seconds.
        limit = min(limit, BACKLOG_ROUND)
    order = "-id" if newest_first else "id"
    rest = list(due.order_by(order).values_list("id", flat=True)[:limit])
    return first + [pk for pk in rest if pk not in first]


def process_pending(limit: int = 100) -> int:
    """Handle up to ``limit`` due pending envelopes (in ``_round_ids``' order); return
    how many were tried."""
    tried = 0
    remaining = _round_ids(limit)
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
        position = {pk: index for index, pk in enumerate(remaining)}
        remaining = remaining[max(position[e.pk] for e in handled) + 1 :]
    return tried


__all__ = ["EnvelopeKind", "EnvelopeRejected", "handles", "process_pending"]
