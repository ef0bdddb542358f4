"""Appending to the audit chain (verification lives in ``verify``, re-exported here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from safepassage.audit.hashing import (
    CURRENT_VERSION,
    GENESIS_HASH,
    canonical_detail,
    event_hash_v2,
)
from safepassage.audit.models import AuditEvent, AuditHead
from safepassage.audit.verify import ChainReport, verify_chain

if TYPE_CHECKING:
    # Any account model: audit sits below accounts and names it only as AUTH_USER_MODEL.
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["GENESIS_HASH", "SYSTEM_ACTOR", "ChainReport", "record_event", "verify_chain"]

SYSTEM_ACTOR = "system"


def _next_event_id() -> int:
    """The id the next event row will get, known before the insert so the hash covers it.

    PostgreSQL draws it from the column's identity sequence.  SQLite serialises writers
    (our transactions begin IMMEDIATE) and the caller holds the head row, so the next
    free id cannot be taken by anyone else before the insert.
    """
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        else:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quoted}")  # noqa: S608 - our table name
        row = cursor.fetchone()
    return int(row[0])


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
    identifiers and codes only; it is stored in the clear.  The event is inserted once
    and never updated: the table needs INSERT and SELECT rights only.
    """
    canonical = canonical_detail(dict(detail or {}))
    actor_label = actor.get_username() if actor is not None else SYSTEM_ACTOR
    actor_id = int(actor.pk) if actor is not None else None
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        created_at = timezone.now()
        seq = head.seq + 1
        row_id = _next_event_id()
        digest = event_hash_v2(
            row_id=row_id,
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            detail=canonical,
            prev_hash=head.hash,
        )
        event = AuditEvent.objects.create(
            id=row_id,
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            detail=canonical,
            prev_hash=head.hash,
            hash=digest,
            hash_version=CURRENT_VERSION,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event
