"""The hash formulas of the audit chain, one per format version.

Version 1 (events written before 2026-12) covered every field but the row id and the
actor's foreign key.  Version 2 covers every stored column: the row id, the sequence
number, the timestamp (as one canonical UTC string), the actor's id and label, the
action, the object, the detail, the previous hash and the version itself.  Old events
keep verifying under version 1; every new event is written as version 2, and a chain
that steps back from version 2 to 1 is broken (see ``verify``).

Every function here takes plain values, never model instances: verification reads the
rows with raw SQL, so a value a database insider has made unreadable (a timestamp of
``'garbage'``) is reported as a broken event instead of crashing the ORM.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
LEGACY_VERSION = 1
CURRENT_VERSION = 2
# Prefix of the version-2 canonical form: no version-1 form (whose first member is an
# integer) can ever serialise to the same bytes.
_V2_TAG = "safepassage-audit-event-v2"


def _digest(members: list[Any]) -> str:
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_time(moment: dt.datetime) -> str:
    """``moment`` in UTC with microseconds, e.g. ``2026-12-02T18:39:18.000123Z``.

    Fixed width whatever the value, unlike ``isoformat`` (which drops zero
    microseconds), so the same instant always hashes the same.
    """
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` as it will read back from a JSON column (tuples become lists, keys
    strings), so the hash computed before the insert matches the one recomputed later."""
    value = json.loads(json.dumps(detail))
    if not isinstance(value, dict):
        raise TypeError("audit detail must be a JSON object")
    return value


def legacy_hash(
    *,
    seq: int,
    created_at: dt.datetime,
    actor_label: str,
    action: str,
    object_type: str,
    object_ref: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """The version-1 formula, exactly as events before 2026-12 were hashed."""
    return _digest(
        [
            seq,
            created_at.isoformat(),
            actor_label,
            action,
            object_type,
            object_ref,
            detail,
            prev_hash,
        ]
    )


def event_hash_v2(
    *,
    row_id: int,
    seq: int,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_ref: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """The version-2 formula: every stored column of the event."""
    return _digest(
        [
            _V2_TAG,
            row_id,
            seq,
            canonical_time(created_at),
            actor_id,
            actor_label,
            action,
            object_type,
            object_ref,
            detail,
            prev_hash,
            CURRENT_VERSION,
        ]
    )
