"""Rows that serve nothing once their work is done: deleted at each retention run.

- Processed and skipped envelopes: the case rows hold what they carried; an envelope is
  sealed to the programme key (SP1, the intake has no case key), so while it exists a
  backup holds a copy readable without any case key.  They go at the next run.
- Failed envelopes: kept ``failed_envelopes`` days for investigation, then deleted.
- Finished outbound deliveries: kept ``deliveries`` days for late status callbacks.
- Flood marks: after the flood look-back window (as the flood noting does on each case).
- Bot chats nobody ever wrote in, after ``idle_chats`` days; expired console sessions.

Deduplication does not need any of these: provider retries are dropped by the message's
blind index of the provider id (a keyed hash, not content), which lives as long as the
message does.
"""

from __future__ import annotations

import datetime
from collections import Counter
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.channels.models import ChatSession, DeliveryState, OutboundDelivery
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.floods.conf import flood_settings
from safepassage.floods.domain.marks import prune_marks
from safepassage.retention.conf import retention_settings

_CHUNK = 2000
_FINISHED = (DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.READ, DeliveryState.FAILED)


def _delete_in_chunks(rows: QuerySet[Any]) -> int:
    # Chunks keep each DELETE (and the SET NULL it cascades into messages) short.
    total = 0
    while True:
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:_CHUNK])
        if not ids:
            return total
        deleted, _ = rows.model._default_manager.filter(pk__in=ids).delete()
        total += deleted


def housekeeping(*, now: datetime.datetime | None = None) -> Counter[str]:
    """Delete what serves nothing any more; returns counts per kind of row."""
    now = now or timezone.now()
    conf = retention_settings()
    counts: Counter[str] = Counter()
    done = Q(status__in=[EnvelopeStatus.PROCESSED, EnvelopeStatus.SKIPPED])
    old_failure = Q(status=EnvelopeStatus.FAILED, received_at__lt=now - conf.failed_envelopes)
    counts["envelopes"] = _delete_in_chunks(InboundEnvelope.objects.filter(done | old_failure))
    counts["deliveries"] = _delete_in_chunks(
        OutboundDelivery.objects.filter(state__in=_FINISHED, updated_at__lt=now - conf.deliveries)
    )
    counts["flood_marks"] = prune_marks(older_than=now - flood_settings().mark_lifetime)
    idle = now - conf.idle_chats
    counts["chat_sessions"] = _delete_in_chunks(
        ChatSession.objects.filter(contact__isnull=True, created_at__lt=idle).exclude(
            last_inbound_at__gte=idle
        )
    )
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return +counts
