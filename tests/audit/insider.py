"""What a database insider does to the audit chain, with raw SQL and the real formulas.

The insider can read our source, so re-hashing uses ``safepassage.audit.hashing``
itself; what the insider lacks is the programme signing key.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime

from safepassage.audit.hashing import GENESIS_HASH, event_hash_v2

EVENTS = "audit_auditevent"
HEAD = "audit_audithead"


def execute(sql: str, params: list[Any] | None = None) -> None:
    """Run one statement as the insider would, at the database's own prompt."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _rows() -> list[tuple[Any, ...]]:
    created = "CAST(created_at AS TEXT)" if connection.vendor == "sqlite" else "created_at"
    detail = "CAST(detail AS TEXT)" if connection.vendor == "sqlite" else "detail::text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, seq, {created}, actor_id, actor_label, action, object_type, "  # noqa: S608
            f"object_ref, {detail} FROM {EVENTS} ORDER BY seq"
        )
        return list(cursor.fetchall())


def _moment(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    assert parsed is not None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def rehash_everything() -> None:
    """Renumber the events 1..n in their current order, recompute every link and hash
    with the real version-2 formula, and move the head row to match: the chain is then
    internally perfect."""
    previous = GENESIS_HASH
    rows = _rows()
    # Park the sequence numbers out of the way first (they are unique).
    execute(f"UPDATE {EVENTS} SET seq = -seq")  # noqa: S608
    for seq, row in enumerate(rows, start=1):
        row_id, _, created, actor_id, label, action, otype, oref, detail = row
        digest = event_hash_v2(
            row_id=row_id,
            seq=seq,
            created_at=_moment(created),
            actor_id=actor_id,
            actor_label=label,
            action=action,
            object_type=otype,
            object_ref=oref,
            detail=json.loads(detail),
            prev_hash=previous,
        )
        execute(
            f"UPDATE {EVENTS} SET seq = %s, prev_hash = %s, hash = %s, hash_version = 2 "  # noqa: S608
            "WHERE id = %s",
            [seq, previous, digest, row_id],
        )
        previous = digest
    execute(f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1", [len(rows), previous])  # noqa: S608


def event_id(seq: int) -> int:
    """The row id of the event at ``seq``."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {EVENTS} WHERE seq = %s", [seq])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0])
