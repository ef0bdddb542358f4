"""Feeding the counter tables from the case service layer.

Each ``count_*`` function is called once by the domain function that made the change
(``open_case``, ``transition_case``, ``post_reply``, ``attribute``), inside its
transaction, so a counted event and the change it counts commit or roll back together.
They only insert rows; ``squash_counters`` folds them later.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from safepassage.analytics.buckets import bucket_key
from safepassage.analytics.models import (
    METRIC_DIMENSIONS,
    DailyCount,
    Dimension,
    Metric,
    StateReached,
)
from safepassage.cases.models import Case, Direction, Message
from safepassage.cases.states import CaseState
from safepassage.db.locks import lock_for_transaction

if TYPE_CHECKING:
    pass

# States the funnel shows after "new" (which is counted when a case opens).
FUNNEL_STATES: tuple[str, ...] = (
    CaseState.ENGAGED,
    CaseState.VERIFIED,
    # Counted when a case first joins the waiting list (not every case does).
    CaseState.WAITING,
    CaseState.PLANNING,
    CaseState.SURRENDERED,
)
SQUASH_BATCH = 50_000


def _day(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(moment or timezone.now())


def slices(
    metric: str, *, channel: str, language: str, campaign_id: int | None
) -> list[tuple[str, str]]:
    """The (dimension, value) pairs one event of ``metric`` is counted under."""
    values: dict[str, str] = {
        Dimension.TOTAL: "",
        Dimension.CHANNEL: channel,
        Dimension.LANGUAGE: language,
        Dimension.CAMPAIGN: "" if campaign_id is None else str(campaign_id),
    }
    return [(dim, values[dim]) for dim in METRIC_DIMENSIONS[metric]]


def event_rows(
    day: datetime.date,
    metric: str,
    key: str = "",
    *,
    channel: str = "",
    language: str = "",
    campaign_id: int | None = None,
    count: int = 1,
) -> list[DailyCount]:
    """Counter rows for one event: one per breakdown the metric keeps."""
    return [
        DailyCount(day=day, metric=metric, key=key, dimension=dim, value=value, count=count)
        for dim, value in slices(
            metric, channel=channel, language=language, campaign_id=campaign_id
        )
    ]


def _case_rows(day: datetime.date, metric: str, key: str, case: Case) -> list[DailyCount]:
    return event_rows(
        day,
        metric,
        key,
        channel=case.first_channel,
        language=case.language,
        campaign_id=case.campaign_id,
    )


def count_case_opened(case: Case) -> None:
    """Count a newly opened case under its day, first channel, language and campaign."""
    DailyCount.objects.bulk_create(_case_rows(_day(case.created_at), Metric.OPENED, "", case))


def count_case_transition(
    case: Case, *, previous: str, at: datetime.datetime | None = None
) -> None:
    """Count ``case`` moving from ``previous`` to its current state (and reason).

    Every transition is counted; the funnel counts a case only the first time it reaches
    a state (a plan that falls through and is made again is one "planning"), and a
    closure is counted under its reason.
    """
    day = _day(at or case.state_changed_at)
    rows = event_rows(day, Metric.TRANSITION, f"{previous}>{case.state}")
    if (
        case.state in FUNNEL_STATES
        and not StateReached.objects.filter(case_id=case.pk, state=case.state).exists()
    ):
        StateReached.objects.create(case_id=case.pk, state=case.state, day=day)
        rows += _case_rows(day, Metric.REACHED, case.state, case)
    if case.state == CaseState.CLOSED:
        rows += event_rows(day, Metric.CLOSED, case.close_reason)
    DailyCount.objects.bulk_create(rows)


def first_inbound_at(case: Case) -> datetime.datetime:
    """When the person first wrote (the case's opening time if no message is stored)."""
    first = Message.objects.filter(case_id=case.pk, direction=Direction.INBOUND).aggregate(
        first=Min("created_at")
    )["first"]
    return first or case.created_at


def count_first_response(case: Case, *, responded_at: datetime.datetime) -> None:
    """Count a case's first response in the delay bucket from its first inbound message."""
    delay = responded_at - first_inbound_at(case)
    DailyCount.objects.bulk_create(
        event_rows(_day(responded_at), Metric.FIRST_RESPONSE, bucket_key(delay))
    )


def count_campaign_moved(case: Case, *, previous_id: int | None, campaign_id: int | None) -> None:
    """Move an already counted case's opening and funnel counts between campaigns.

    ``None`` stands for "no campaign": a case attributed for the first time moves from
    none, and undoing a merge takes back the campaign the kept case had inherited.
    Nothing is written when the two are the same.
    """
    if previous_id == campaign_id:
        return
    moves: list[tuple[datetime.date, str, str]] = [(_day(case.created_at), Metric.OPENED, "")]
    moves += [
        (day, Metric.REACHED, state)
        for day, state in StateReached.objects.filter(case_id=case.pk).values_list("day", "state")
    ]
    before = "" if previous_id is None else str(previous_id)
    after = "" if campaign_id is None else str(campaign_id)
    rows: list[DailyCount] = []
    for day, metric, key in moves:
        for value, count in ((before, -1), (after, 1)):
            rows.append(
                DailyCount(
                    day=day,
                    metric=metric,
                    key=key,
                    dimension=Dimension.CAMPAIGN,
                    value=value,
                    count=count,
                )
            )
    DailyCount.objects.bulk_create(rows)


# An arbitrary constant naming the "counters are being folded or rebuilt" lock.
_COUNTER_LOCK = 0x5350_4354


def exclusive_counting() -> None:
    """Within a transaction, wait until no other squash or rebuild runs.

    Two squashes reading the same rows would each write their sum, doubling it.
    PostgreSQL gets a transaction-scoped advisory lock; SQLite needs nothing, because
    its transactions begin IMMEDIATE (one writer at a time) in our settings.
    """
    lock_for_transaction(_COUNTER_LOCK)


GroupKey = tuple[datetime.date, str, str, str, str]


def squash_counters(*, batch: int = SQUASH_BATCH) -> int:
    """Fold up to ``batch`` unsquashed rows into one row per key; returns rows folded.

    The unsquashed rows and any existing squashed row for the same key are replaced by a
    single squashed row holding their sum, in one transaction.  Rows inserted meanwhile
    are left for the next run.  Totals read by the dashboard never change.
    """
    with transaction.atomic():
        exclusive_counting()
        pending = list(
            DailyCount.objects.filter(squashed=False)
            .order_by("id")
            .values_list("id", "day", "metric", "key", "dimension", "value", "count")[:batch]
        )
        if not pending:
            return 0
        sums: dict[GroupKey, int] = defaultdict(int)
        old_ids: list[int] = []
        for row_id, *key_parts, count in pending:
            sums[tuple(key_parts)] += count  # type: ignore[index]
            old_ids.append(row_id)
        days = {key[0] for key in sums}
        squashed = DailyCount.objects.filter(squashed=True, day__in=days).values_list(
            "id", "day", "metric", "key", "dimension", "value", "count"
        )
        for row_id, *key_parts, count in squashed.iterator(chunk_size=5000):
            key = tuple(key_parts)
            if key in sums:
                sums[key] += count
                old_ids.append(row_id)
        _delete_ids(old_ids)
        DailyCount.objects.bulk_create(_rows_from_sums(sums.items()), batch_size=5000)
    return len(pending)


def _delete_ids(ids: list[int]) -> None:
    # In chunks: SQLite limits the number of parameters in one statement.
    for start in range(0, len(ids), 900):
        DailyCount.objects.filter(id__in=ids[start : start + 900]).delete()


def _rows_from_sums(items: Iterable[tuple[GroupKey, int]]) -> list[DailyCount]:
    return [
        DailyCount(
            day=day,
            metric=metric,
            key=key,
            dimension=dimension,
            value=value,
            count=count,
            squashed=True,
        )
        for (day, metric, key, dimension, value), count in items
        if count != 0
    ]


def total(metric: str, dimension: str = Dimension.TOTAL, value: str = "", **filters: object) -> int:
    """The sum of a metric's counters in one slice (all days unless ``filters`` narrow it)."""
    found = DailyCount.objects.filter(
        metric=metric, dimension=dimension, value=value, **filters
    ).aggregate(n=Sum("count"))["n"]
    return int(found or 0)
