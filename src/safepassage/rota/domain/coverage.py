"""When will a language next have nobody on shift?

"Covered now" means someone has actually started a shift for the language.  Ahead,
planned shifts count: a planned shift whose start has passed by more than the grace
period without being started counts no longer (its person is missing).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from safepassage.rota.models import Shift

DEFAULT_HORIZON_MINUTES = 120
DEFAULT_START_GRACE_MINUTES = 10


def rota_languages() -> list[str]:
    """Languages that must be covered around the clock (``SAFEPASSAGE_ROTA_LANGUAGES``)."""
    configured = getattr(settings, "SAFEPASSAGE_ROTA_LANGUAGES", None)
    # An empty list is a choice (no language needs round-the-clock cover), not "unset".
    return ["ru", "ko"] if configured is None else list(configured)


def horizon() -> datetime.timedelta:
    """How far ahead a gap alerts (``SAFEPASSAGE_COVERAGE_HORIZON_MINUTES``, 120)."""
    minutes = getattr(settings, "SAFEPASSAGE_COVERAGE_HORIZON_MINUTES", None)
    return datetime.timedelta(minutes=int(minutes or DEFAULT_HORIZON_MINUTES))


def start_grace() -> datetime.timedelta:
    """How late a planned shift may start before its language counts as uncovered."""
    minutes = getattr(settings, "SAFEPASSAGE_ROTA_START_GRACE_MINUTES", None)
    return datetime.timedelta(minutes=int(minutes or DEFAULT_START_GRACE_MINUTES))


@dataclass(frozen=True)
class Gap:
    """A language with nobody on shift from ``starts_at`` (``now`` if uncovered now)."""

    language: str
    starts_at: datetime.datetime

    def is_now(self, now: datetime.datetime) -> bool:
        """Whether the gap has already begun."""
        return self.starts_at <= now


def _intervals(
    shifts: Iterable[Shift], language: str, now: datetime.datetime
) -> tuple[bool, list[tuple[datetime.datetime, datetime.datetime]]]:
    covered_now = False
    spans = []
    grace = start_grace()
    for shift in shifts:
        if language not in shift.languages:
            continue
        if shift.is_running:
            covered_now = True
            # Someone working past the planned end covers at least the grace period.
            spans.append((now, max(shift.ends_at, now + grace)))
        elif shift.started_at is None and shift.starts_at + grace > now:
            spans.append((shift.starts_at, shift.ends_at))
    return covered_now, sorted(spans)


def first_gap(
    language: str,
    *,
    now: datetime.datetime,
    within: datetime.timedelta,
    shifts: list[Shift] | None = None,
) -> Gap | None:
    """The first moment in ``[now, now + within)`` with nobody on shift for ``language``.

    ``shifts`` may be passed in (several languages read the same rows); otherwise one
    query reads the shifts that matter.
    """
    if shifts is None:
        shifts = relevant_shifts(now=now, within=within)
    covered_now, spans = _intervals(shifts, language, now)
    if not covered_now:
        return Gap(language, now)
    cursor = now
    moved = True
    while moved:
        moved = False
        for start, end in spans:
            if start <= cursor < end:
                cursor = end
                moved = True
    if cursor < now + within:
        return Gap(language, cursor)
    return None


def relevant_shifts(*, now: datetime.datetime, within: datetime.timedelta) -> list[Shift]:
    """Shifts that may cover any moment of ``[now, now + within)`` (one query)."""
    # The account's state is read in the join only: the worker may not read account rows
    # beyond a few columns (db.grants).
    planned = Q(ends_at__gt=now - start_grace(), starts_at__lt=now + within)
    running = Q(started_at__isnull=False)
    return list(Shift.objects.filter(planned | running, ended_at=None, account__is_active=True))
