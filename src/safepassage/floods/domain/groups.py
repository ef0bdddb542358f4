"""Opening and growing flood groups (worker side)."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter

from safepassage.audit.chain import record_event
from safepassage.cases.domain.flags import flag_case
from safepassage.cases.models import Case
from safepassage.db.locks import lock_for_transaction
from safepassage.floods.models import FloodGroup, FloodMembership, GroupKind, Verdict

# Names PostgreSQL's advisory locks for "creating a flood group" (two-integer form, so it
# cannot meet the single-bigint locks other apps take).
_GROUP_LOCK = 0x5350_464C


def flood_flag(group_id: int) -> str:
    """The risk flag a member of flood group ``group_id`` carries."""
    return f"flood:{group_id}"


def serialise_group_creation(kind: str, channel: str) -> bool:
    """On PostgreSQL, wait until no other worker is creating a group of this kind (and,
    for bursts, channel) in an open transaction; the lock lasts until our commit.  Returns
    whether it locked: the caller must then look for a group again, since the other worker
    may just have made one.  SQLite transactions are serialised already (IMMEDIATE).
    """
    name = f"{kind}:{channel if kind == GroupKind.BURST else ''}".encode()
    scope = int.from_bytes(hashlib.blake2b(name, digest_size=4).digest(), "big", signed=True)
    return lock_for_transaction(_GROUP_LOCK, scope)


def current_burst_group(channel: str, since: datetime.datetime) -> FloodGroup | None:
    """The burst group of ``channel`` that a case arrived in since ``since``, if any."""
    return (
        FloodGroup.objects.filter(
            kind=GroupKind.BURST, channel=channel, memberships__joined_at__gte=since
        )
        .order_by("-pk")
        .first()
    )


def cluster_groups(case_ids: list[int]) -> tuple[FloodGroup | None, set[int]]:
    """The near-duplicate group most of ``case_ids`` belong to (ties: the newest), and
    which of them are already its members."""
    rows = list(
        FloodMembership.objects.filter(
            case_id__in=case_ids, group__kind=GroupKind.NEAR_DUPLICATE
        ).values_list("case_id", "group_id", "group__channel", "group__verdict")
    )
    if not rows:
        return None, set()
    counts = Counter(row[1] for row in rows)
    best = max(counts, key=lambda group_id: (counts[group_id], group_id))
    _case, group_id, channel, verdict = next(row for row in rows if row[1] == best)
    # Built from the joined columns (one query fewer per copy during a flood); only the
    # id and verdict are used to add members.
    group = FloodGroup(pk=group_id, kind=GroupKind.NEAR_DUPLICATE, channel=channel, verdict=verdict)
    return group, {row[0] for row in rows if row[1] == best}


def open_group(*, kind: str, channel: str, members: dict[int, datetime.datetime]) -> FloodGroup:
    """Create a flood group awaiting a decision, with ``members`` (case id → arrival).

    Side effects: the group and memberships; each member is flagged ``flood:<id>``; one
    ``flood.group_opened`` audit event (by the system) with the group's kind, channel and
    size.
    """
    group = FloodGroup.objects.create(kind=kind, channel=channel)
    add_members(group, members)
    record_event(
        "flood.group_opened",
        object_type="flood_group",
        object_ref=str(group.pk),
        detail={"kind": kind, "channel": channel, "members": len(members)},
    )
    return group


def add_members(group: FloodGroup, members: dict[int, datetime.datetime]) -> None:
    """Add earlier cases (not members yet) to ``group`` and flag them unless the group
    was judged not to be a flood.  The new case itself is added with ``join``, which
    leaves flagging to the caller (it writes all of the case's flags at once)."""
    if not members:
        return
    flagged = group.verdict != Verdict.NOT_FLOOD
    FloodMembership.objects.bulk_create(
        [
            FloodMembership(group=group, case_id=case_id, joined_at=at, flagged=flagged)
            for case_id, at in members.items()
        ],
        ignore_conflicts=True,
    )
    if flagged:
        for case in Case.objects.filter(pk__in=list(members)).only("reference", "risk_flags"):
            flag_case(case, flood_flag(group.pk))


def join(group: FloodGroup, case: Case, at: datetime.datetime) -> list[str]:
    """Add the new case to ``group``; return the flags it should carry for it."""
    flagged = group.verdict != Verdict.NOT_FLOOD
    FloodMembership.objects.create(group=group, case=case, joined_at=at, flagged=flagged)
    return [flood_flag(group.pk)] if flagged else []
