"""Appending to and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from safepassage.audit.models import AuditEvent, AuditHead

if TYPE_CHECKING:
    # Any account model: the audit trail sits below the accounts app.
    from django.contrib.auth.base_user import AbstractBaseUser

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"


def _event_hash(
    *,
    seq: int,
    created_at: str,
    actor_label: str,
    action: str,
    object_type: str,
    object_ref: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, created_at, actor_label, action, object_type, object_ref, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_event(
    action: str,
    *,
    actor: AbstractBaseUser | None = None,
    object_type: str = "",
    object_ref: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    Runs in its own atomic block (joining the caller's transaction if there is one), so
    an audited change and its event commit or roll back together.  ``detail`` must hold
    identifiers and codes only; it is stored in the clear.
    """
    detail = dict(detail or {})
    actor_label = actor.get_username() if actor is not None else SYSTEM_ACTOR
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        created_at = timezone.now()
        seq = head.seq + 1
        digest = _event_hash(
            seq=seq,
            created_at=created_at.isoformat(),
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            detail=detail,
            prev_hash=head.hash,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            detail=detail,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: ``ok`` or the first broken link and why."""

    ok: bool
    checked: int
    broken_at_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        """One line for operators and the CLI."""
        if self.ok:
            return f"audit chain intact: {self.checked} events verified"
        return f"audit chain broken at event #{self.broken_at_seq}: {self.problem}"


def _events_in_order(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last_seq = batch[-1].seq


def verify_chain() -> ChainReport:
    """Recompute every hash and link; report the first event that does not fit.

    Detects edited rows (hash mismatch), deleted rows (a gap in ``seq`` or a link that
    does not match), reordering, and truncation of the newest events (the head row
    remembers the last sequence number and hash).
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "event missing (deleted)")
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, "link to previous event does not match")
        recomputed = _event_hash(
            seq=event.seq,
            created_at=event.created_at.isoformat(),
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_ref=event.object_ref,
            detail=event.detail,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(False, checked, event.seq, "event content was altered")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(False, checked, checked + 1, "newest events missing (truncated)")
    return ChainReport(True, checked)
