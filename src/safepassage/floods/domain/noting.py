"""``note_new_case``: what the worker does for every newly opened case."""

from __future__ import annotations

import datetime

from safepassage.cases.domain.flags import flag_case
from safepassage.cases.models import Case
from safepassage.crypto.runtime import get_keyring
from safepassage.floods.conf import FloodSettings, flood_settings
from safepassage.floods.domain import groups
from safepassage.floods.domain.marks import (
    BandMatch,
    RecentMarks,
    add_marks,
    prune_marks,
    recent_marks,
)
from safepassage.floods.fingerprint import MIN_SHARED_BANDS, arrival_digest, fingerprint
from safepassage.floods.models import GroupKind

NEAR_DUPLICATE = "near_duplicate"
# Every this many cases (by id) the worker also deletes marks older than any window.
PRUNE_EVERY = 1000


def note_new_case(*, case: Case, text: str, channel: str, received_at: datetime.datetime) -> None:
    """Note a newly opened case for flood and near-duplicate detection.

    Call once, inside the worker's transaction, with the case's FIRST inbound message
    (``text`` may be empty: a photo still counts as an arrival).  Follow-ups are not
    noted: floods and planted applicants show at case opening, and fingerprinting every
    message would double the worker's cost.

    Side effects, all in the caller's transaction:

    - marks: the case's arrival on ``channel`` and, for a text long enough to compare
      (``fingerprint.MIN_WORDS``), its keyed MinHash band digests;
    - near-duplicates: earlier cases (within ``SAFEPASSAGE_FLOOD_LOOKBACK_DAYS``, any
      channel) sharing at least two bands; the case is flagged
      ``near_duplicate:<other reference>`` for the nearest few (most shared bands, then
      most recent; ``SAFEPASSAGE_FLOOD_NEAR_DUPLICATE_FLAGS``), and each of those gets the
      reverse flag unless it already carries that many;
    - a near-duplicate cluster of ``SAFEPASSAGE_FLOOD_CLUSTER_SIZE`` cases opens (or
      grows) a ``near_duplicate`` flood group; more than the burst count of new cases on
      one channel within the burst window opens (or grows) a ``burst`` group; members
      are flagged ``flood:<group id>`` (see ``groups``);
    - every ``PRUNE_EVERY``-th case also deletes marks older than both windows.

    Cost for an ordinary case: two queries (one bounded lookup, one insert) and about
    0.1 ms of hashing.
    """
    conf = flood_settings()
    bands = fingerprint(text, get_keyring()) if text else ()
    arrival = arrival_digest(channel)
    marks = recent_marks(
        case_id=case.pk,
        bands=bands,
        band_since=received_at - conf.lookback,
        min_shared=MIN_SHARED_BANDS,
        arrival=arrival,
        arrival_since=received_at - conf.burst_window,
        arrival_limit=conf.burst_count,
    )
    add_marks(case_id=case.pk, channel=channel, bands=bands, arrival=arrival, at=received_at)

    own_flags: list[str] = []
    # Nearest first: most shared bands, then most recent.
    matches = sorted(
        marks.matches, key=lambda match: (match.shared, match.latest, match.case_id), reverse=True
    )
    if matches:
        own_flags += _note_near_duplicates(case, channel, matches, conf, received_at)
    if conf.burst_count and len(marks.arrivals) >= conf.burst_count:
        own_flags += _note_burst(case, channel, marks, conf, received_at)
    if own_flags:
        flag_case(case, *own_flags)
    if case.pk % PRUNE_EVERY == 0:
        prune_marks(older_than=received_at - conf.mark_lifetime)


def _near_duplicate_flags(case: Case) -> int:
    return sum(1 for flag in case.risk_flags if str(flag).startswith(NEAR_DUPLICATE + ":"))


def _note_near_duplicates(
    case: Case,
    channel: str,
    matches: list[BandMatch],
    conf: FloodSettings,
    received_at: datetime.datetime,
) -> list[str]:
    """Flag the nearest matches both ways (capped); join or open a cluster group.
    Returns the flags the new case should carry."""
    nearest = matches[: conf.near_duplicate_flags]
    others = Case.objects.filter(pk__in=[m.case_id for m in nearest]).only(
        "reference", "risk_flags"
    )
    by_id = {other.pk: other for other in others}
    flags: list[str] = []
    for match in nearest:
        other = by_id.get(match.case_id)
        if other is None:
            continue
        flags.append(f"{NEAR_DUPLICATE}:{other.reference}")
        # The first copies of a flood are flagged with their nearest later copies; once
        # full, a case takes no more, so 10,000 copies write no flags on earlier ones.
        if _near_duplicate_flags(other) < conf.near_duplicate_flags:
            flag_case(other, f"{NEAR_DUPLICATE}:{case.reference}")
    if len(matches) + 1 >= conf.cluster_size:
        arrived = {m.case_id: m.latest for m in matches}
        flags += _join_cluster(case, channel, arrived, received_at)
    return flags


def _join_cluster(
    case: Case, channel: str, arrived: dict[int, datetime.datetime], received_at: datetime.datetime
) -> list[str]:
    group, members = groups.cluster_groups(list(arrived))
    if group is None and groups.serialise_group_creation(GroupKind.NEAR_DUPLICATE, ""):
        group, members = groups.cluster_groups(list(arrived))
    if group is None:
        group = groups.open_group(kind=GroupKind.NEAR_DUPLICATE, channel=channel, members=arrived)
    else:
        groups.add_members(group, {cid: at for cid, at in arrived.items() if cid not in members})
    return groups.join(group, case, received_at)


def _note_burst(
    case: Case,
    channel: str,
    marks: RecentMarks,
    conf: FloodSettings,
    received_at: datetime.datetime,
) -> list[str]:
    since = received_at - conf.burst_window
    group = groups.current_burst_group(channel, since)
    if group is None and groups.serialise_group_creation(GroupKind.BURST, channel):
        group = groups.current_burst_group(channel, since)
    if group is None:
        # The cases that made the burst (the window's arrivals) are its first members.
        group = groups.open_group(
            kind=GroupKind.BURST, channel=channel, members=marks.arrival_times()
        )
    return groups.join(group, case, received_at)
