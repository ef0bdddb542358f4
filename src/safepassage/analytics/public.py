"""Cumulative totals and the public summary ("40,157 inquiries on all channels").

A running total published every period gives away every period's increase, so the
increase between two *published* totals must itself be safe: a cumulative value is
published only when it grew by 0 or by at least five since the last published one;
otherwise it is hidden (shown "—") and the increase is carried into the next period.
Every difference a reader can take between two published totals is then 0 or ≥ 5.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from safepassage.analytics.models import DailyCount, Dimension, Metric
from safepassage.analytics.periods import Granularity, next_period, period_label, period_start
from safepassage.analytics.suppression import THRESHOLD
from safepassage.cases.states import CaseState


@dataclass(frozen=True)
class RunningTotal:
    """A cumulative count as published: None when hidden; ``added`` since the last shown."""

    value: int | None
    added: int | None

    @property
    def display(self) -> str:
        """The total, or an em dash when it is held back."""
        return "—" if self.value is None else f"{self.value}"


@dataclass(frozen=True)
class CumulativeRow:
    """One period's running totals."""

    label: str
    period_start: datetime.date
    inquiries: RunningTotal
    surrenders: RunningTotal


@dataclass(frozen=True)
class CumulativeTable:
    """Running totals of inquiries and surrenders since the programme's first count."""

    title: str
    rows: list[CumulativeRow]

    def latest(self) -> tuple[RunningTotal | None, RunningTotal | None]:
        """The most recent published inquiries and surrenders totals (None if none)."""
        inquiries = next(
            (r.inquiries for r in reversed(self.rows) if r.inquiries.value is not None), None
        )
        surrenders = next(
            (r.surrenders for r in reversed(self.rows) if r.surrenders.value is not None), None
        )
        return inquiries, surrenders


def publishable_running_totals(increments: Iterable[int]) -> list[RunningTotal]:
    """Running totals of ``increments`` with the rule of the module docstring.

    The base before the first increment is 0, which counts as published.
    """
    published: list[RunningTotal] = []
    running = 0
    last_shown = 0
    for step in increments:
        running += step
        added = running - last_shown
        if added == 0 or added >= THRESHOLD:
            published.append(RunningTotal(running, added))
            last_shown = running
        else:
            published.append(RunningTotal(None, None))
    return published


def _daily(metric: str, end: datetime.date, **filters: object) -> dict[datetime.date, int]:
    rows = (
        DailyCount.objects.filter(metric=metric, dimension=Dimension.TOTAL, day__lte=end, **filters)
        .values_list("day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {day: int(n or 0) for day, n in rows}


def cumulative_table(
    *, end: datetime.date, granularity: Granularity, start: datetime.date | None = None
) -> CumulativeTable:
    """Running totals per period up to ``end``; rows from ``start`` (default: first count).

    Totals always run from the programme's first count, whatever ``start`` is: rows
    before ``start`` are computed (so hiding is consistent) but not returned.
    """
    opened = _daily(Metric.OPENED, end)
    surrendered = _daily(Metric.REACHED, end, key=CaseState.SURRENDERED)
    first_day = min([*opened, *surrendered], default=start or end)
    first = period_start(min(first_day, start or first_day), granularity)
    periods = []
    current = first
    while current <= end:
        periods.append(current)
        current = next_period(current, granularity)
    per_period: dict[str, dict[datetime.date, int]] = {
        "inquiries": defaultdict(int),
        "surrenders": defaultdict(int),
    }
    for day, count in opened.items():
        per_period["inquiries"][period_start(day, granularity)] += count
    for day, count in surrendered.items():
        per_period["surrenders"][period_start(day, granularity)] += count
    inquiries = publishable_running_totals(per_period["inquiries"][p] for p in periods)
    surrenders = publishable_running_totals(per_period["surrenders"][p] for p in periods)
    shown_from = period_start(start, granularity) if start else first
    rows = [
        CumulativeRow(period_label(p, granularity), p, inq, sur)
        for p, inq, sur in zip(periods, inquiries, surrenders, strict=True)
        if p >= shown_from
    ]
    return CumulativeTable(title=_("Cumulative totals since the programme began"), rows=rows)


def public_summary(today: datetime.date) -> CumulativeTable:
    """Month-by-month running totals since the first count, for a press statement."""
    table = cumulative_table(end=today, granularity=Granularity.MONTH)
    return CumulativeTable(title=_("Public totals by month"), rows=table.rows)
