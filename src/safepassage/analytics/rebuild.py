"""Rebuilding the counter tables from the cases and the audit trail.

For a fresh install over existing data, or after a bug: the live counters are dropped
and recomputed.  Cases give openings (day, first channel, language, campaign) and first
responses; the audit chain's ``case.transition`` events give every state change in
order, from which transitions, first arrivals in each funnel state and closures follow.

Run it while the worker is stopped: events counted during the rebuild's own run could
otherwise be counted twice or missed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from safepassage.analytics.buckets import bucket_key
from safepassage.analytics.counters import FUNNEL_STATES, exclusive_counting, slices
from safepassage.analytics.models import DailyCount, Metric, StateReached
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case, Direction
from safepassage.cases.states import CaseState

CHUNK = 5000
REBUILT_METRICS = tuple(Metric.values)
Key = tuple[datetime.date, str, str, str, str]


@dataclass
class CaseFacts:
    """What the counters need to know about one case (no personal data)."""

    case_id: int
    opened_on: datetime.date
    channel: str
    language: str
    campaign_id: int | None
    # (day, from, to, close reason), in order.
    transitions: list[tuple[datetime.date, str, str, str]] = field(default_factory=list)
    first_response_on: datetime.date | None = None
    first_response_delay: datetime.timedelta | None = None


@dataclass
class Tally:
    """Counter rows and funnel arrivals accumulated from ``CaseFacts``."""

    counts: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    reached: list[tuple[int, str, datetime.date]] = field(default_factory=list)

    def _count(
        self, day: datetime.date, metric: str, key: str, facts: CaseFacts | None = None
    ) -> None:
        found = (
            slices(
                metric,
                channel=facts.channel,
                language=facts.language,
                campaign_id=facts.campaign_id,
            )
            if facts is not None
            else slices(metric, channel="", language="", campaign_id=None)
        )
        for dimension, value in found:
            self.counts[(day, metric, key, dimension, value)] += 1

    def add(self, facts: CaseFacts) -> None:
        """Count one case: its opening, transitions, funnel arrivals, closures, response."""
        self._count(facts.opened_on, Metric.OPENED, "", facts)
        seen: set[str] = set()
        for day, previous, state, reason in facts.transitions:
            self._count(day, Metric.TRANSITION, f"{previous}>{state}")
            if state in FUNNEL_STATES and state not in seen:
                seen.add(state)
                self.reached.append((facts.case_id, state, day))
                self._count(day, Metric.REACHED, state, facts)
            if state == CaseState.CLOSED:
                self._count(day, Metric.CLOSED, reason)
        if facts.first_response_on is not None and facts.first_response_delay is not None:
            key = bucket_key(facts.first_response_delay)
            self._count(facts.first_response_on, Metric.FIRST_RESPONSE, key)

    def rows(self) -> Iterator[DailyCount]:
        """The accumulated counts as squashed counter rows."""
        for (day, metric, key, dimension, value), count in self.counts.items():
            if count:
                yield DailyCount(
                    day=day,
                    metric=metric,
                    key=key,
                    dimension=dimension,
                    value=value,
                    count=count,
                    squashed=True,
                )


def _facts_in_chunks() -> Iterator[list[CaseFacts]]:
    cases = (
        Case.objects.order_by("pk")
        .annotate(
            first_in=Min("messages__created_at", filter=Q(messages__direction=Direction.INBOUND))
        )
        .values_list(
            "pk",
            "reference",
            "created_at",
            "first_channel",
            "language",
            "campaign_id",
            "first_response_at",
            "first_in",
            # A purged case's messages are gone; the purge kept its first inbound time
            # (retention.CaseRetention) so response times rebuild to the same figures.
            "retention__first_inbound_at",
        )
    )
    last_pk = 0
    while True:
        chunk = list(cases.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1][0]
        by_reference: dict[str, CaseFacts] = {}
        for row in chunk:
            pk, reference, created, channel, language, campaign_id, responded, first_in, kept_in = (
                row
            )
            first_in = first_in or kept_in
            facts = CaseFacts(
                case_id=pk,
                opened_on=timezone.localdate(created),
                channel=channel,
                language=language,
                campaign_id=campaign_id,
            )
            if responded is not None:
                facts.first_response_on = timezone.localdate(responded)
                facts.first_response_delay = responded - (first_in or created)
            by_reference[reference] = facts
        events = (
            AuditEvent.objects.filter(
                action="case.transition", object_type="case", object_ref__in=list(by_reference)
            )
            .order_by("seq")
            .values_list("object_ref", "created_at", "detail")
        )
        for reference, created, detail in events:
            if not isinstance(detail, dict):
                continue
            by_reference[reference].transitions.append(
                (
                    timezone.localdate(created),
                    str(detail.get("from", "")),
                    str(detail.get("to", "")),
                    str(detail.get("reason", "")),
                )
            )
        yield list(by_reference.values())


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild counted."""

    cases: int
    rows: int


def write_tally(tally: Tally) -> int:
    """Insert a tally's rows and funnel arrivals; returns the number of counter rows."""
    rows = list(tally.rows())
    DailyCount.objects.bulk_create(rows, batch_size=2000)
    StateReached.objects.bulk_create(
        (StateReached(case_id=c, state=s, day=d) for c, s, d in tally.reached), batch_size=2000
    )
    return len(rows)


def rebuild_counters(facts: Iterable[list[CaseFacts]] | None = None) -> RebuildReport:
    """Drop and recompute every counter, in one transaction.

    ``facts`` defaults to reading all cases and their audited transitions; the benchmark
    passes generated facts.  Side effects: ``DailyCount`` rows of the rebuilt metrics and
    all ``StateReached`` rows are replaced.
    """
    tally = Tally()
    cases = 0
    with transaction.atomic():
        exclusive_counting()
        for chunk in facts if facts is not None else _facts_in_chunks():
            for item in chunk:
                tally.add(item)
            cases += len(chunk)
        DailyCount.objects.filter(metric__in=REBUILT_METRICS).delete()
        StateReached.objects.all().delete()
        rows = write_tally(tally)
    return RebuildReport(cases=cases, rows=rows)
