"""What a supervisor watches: who is on shift, which queues are uncovered, and how fast
people get a first answer."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from safepassage.accounts.models import Account, Role
from safepassage.cases.models import Case, Direction
from safepassage.cases.states import CaseState

DEFAULT_TARGET_MINUTES = 15
MAX_LISTED_LATE = 50


def first_response_target() -> datetime.timedelta:
    """The first-response target (``SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES``, 15)."""
    minutes = getattr(settings, "SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES", None)
    return datetime.timedelta(minutes=int(minutes or DEFAULT_TARGET_MINUTES))


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LanguageCoverage:
    """One language queue: how many wait, how many nobody has, who on shift reads it."""

    language: str
    waiting: int
    unassigned: int
    readers_on_shift: list[str]

    @property
    def uncovered(self) -> bool:
        """People wait in this language and nobody on shift reads it: alert."""
        return self.waiting > 0 and not self.readers_on_shift


@dataclass(frozen=True)
class Coverage:
    """The shift as a whole."""

    on_shift: list[Account]
    languages: list[LanguageCoverage]

    @property
    def alerts(self) -> list[LanguageCoverage]:
        """Uncovered language queues."""
        return [language for language in self.languages if language.uncovered]


def shift_coverage(languages: Sequence[str]) -> Coverage:
    """Who is on shift and, per language of ``languages``, waiting cases and readers.

    Reads two aggregate queries; counts only open cases that wait for an answer.
    """
    on_shift = list(
        Account.objects.filter(
            is_active=True, on_shift=True, role__in=[Role.OPERATOR, Role.SUPERVISOR]
        ).order_by("username")
    )
    counts = {
        row["language"]: row
        for row in Case.objects.filter(waiting_since__isnull=False)
        .exclude(state=CaseState.CLOSED)
        .values("language")
        # Indexed columns only (COUNT(assigned_to) counts the held ones): an index-only
        # read on PostgreSQL.
        .annotate(waiting=Count("*"), held=Count("assigned_to"))
    }
    rows = []
    for language in dict.fromkeys([*languages, *sorted(counts)]):
        row: dict[str, Any] = dict(counts.get(language, {}))
        rows.append(
            LanguageCoverage(
                language=language,
                waiting=int(row.get("waiting", 0)),
                unassigned=int(row.get("waiting", 0)) - int(row.get("held", 0)),
                readers_on_shift=[a.username for a in on_shift if a.reads(language)],
            )
        )
    return Coverage(on_shift=on_shift, languages=rows)


@dataclass(frozen=True)
class LateCase:
    """A case whose first answer came (or is still to come) after the target."""

    reference: str
    language: str
    delay: datetime.timedelta
    answered: bool


@dataclass(frozen=True)
class FirstResponseStats:
    """Time to first response over the cases opened in a window."""

    since: datetime.datetime
    target: datetime.timedelta
    cases: int
    answered: int
    median: datetime.timedelta | None
    p90: datetime.timedelta | None
    over_target: int
    late: list[LateCase]


def first_response_stats(
    *, since: datetime.datetime, now: datetime.datetime | None = None
) -> FirstResponseStats:
    """Median and 90th percentile of first-response times for cases opened since ``since``.

    A case's time runs from its first inbound message to ``first_response_at``.  Cases
    not answered yet count towards "over target" once they have waited longer than the
    target (closed ones do not: nobody waits on them), but not towards the percentiles
    (their time is not known yet).  Cases merged
    into another are left out: their messages now belong to the kept case.
    """
    now = now or timezone.now()
    target = first_response_target()
    rows = (
        Case.objects.filter(created_at__gte=since, merged_into=None)
        .annotate(
            first_in=Min("messages__created_at", filter=Q(messages__direction=Direction.INBOUND))
        )
        .values_list(
            "reference", "language", "state", "first_in", "first_response_at", "created_at"
        )
    )
    delays: list[float] = []
    late: list[LateCase] = []
    total = 0
    for reference, language, state, first_in, responded, created in rows:
        total += 1
        start = first_in or created
        if responded is not None:
            delay = max(responded - start, datetime.timedelta(0))
            delays.append(delay.total_seconds())
            if delay > target:
                late.append(LateCase(reference, language, delay, answered=True))
        elif state != CaseState.CLOSED and now - start > target:
            late.append(LateCase(reference, language, now - start, answered=False))
    late.sort(key=lambda case: case.delay, reverse=True)
    median = percentile(delays, 0.5)
    p90 = percentile(delays, 0.9)
    return FirstResponseStats(
        since=since,
        target=target,
        cases=total,
        answered=len(delays),
        median=datetime.timedelta(seconds=median) if median is not None else None,
        p90=datetime.timedelta(seconds=p90) if p90 is not None else None,
        over_target=len(late),
        late=late[:MAX_LISTED_LATE],
    )
