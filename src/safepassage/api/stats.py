"""Statistics endpoints (``stats:read``): the dashboard's tables and the public totals,
suppressed server-side by ``safepassage.analytics`` exactly as on the console.

Against differencing: a request names one *complete calendar month* and nothing else,
so any two requests cover identical or disjoint periods; there is no range to shift by a
day.  The running totals are the public summary's, published by its own rule (every
difference between two published totals is 0 or at least five), and end with the last
complete month.  The wishes at repatriation table is never served.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Router, Schema

from safepassage.analytics.exports import table_json
from safepassage.analytics.periods import EARLIEST, Granularity, ReportRange, next_period
from safepassage.analytics.public import cumulative_table
from safepassage.analytics.reports import (
    campaign_outcomes,
    closures,
    funnel,
    inquiries_by_campaign,
    inquiries_by_channel,
    inquiries_by_language,
)
from safepassage.analytics.suppression import THRESHOLD
from safepassage.api.auth import ScopedToken
from safepassage.api.problems import Problem
from safepassage.apiclients.models import Scope

router = Router(tags=["statistics"], auth=ScopedToken(Scope.STATS_READ))
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 422: Problem, 429: Problem}


class PeriodNotAvailable(Exception):
    """A month that has not ended yet, or is before the programme's earliest date."""


class CellOut(Schema):
    """One count: ``value`` null when hidden, ``suppressed`` says why (small/complementary)."""

    value: int | None
    display: str
    suppressed: str | None


class RowOut(Schema):
    label: str
    cells: list[CellOut]
    total: CellOut | None = None


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[RowOut]
    column_totals: list[CellOut] | None
    grand_total: CellOut | None


class MonthOut(Schema):
    """Every suppressed table of one calendar month."""

    month: str
    threshold: int
    tables: dict[str, TableOut]


class TotalOut(Schema):
    month: str
    inquiries: int | None
    surrenders: int | None


class TotalsOut(Schema):
    """Running totals by month since the first count, up to the last complete month."""

    threshold: int
    months: list[TotalOut]


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the last calendar month that has ended."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_range(year: int, month: int, *, today: dt.date) -> ReportRange:
    """The report range of one complete calendar month; PeriodNotAvailable otherwise."""
    try:
        start = dt.date(year, month, 1)
    except (ValueError, OverflowError):
        raise PeriodNotAvailable from None
    if start < EARLIEST or start > last_complete_month(today):
        raise PeriodNotAvailable
    end = next_period(start, Granularity.MONTH) - dt.timedelta(days=1)
    return ReportRange(start=start, end=end, granularity=Granularity.MONTH)


@router.get(
    "/months/{year}/{month}", response={200: MonthOut, **ERRORS}, operation_id="month_statistics"
)
def month_statistics(
    request: HttpRequest,
    year: Annotated[int, Path(ge=2000, le=9999)],
    month: Annotated[int, Path(ge=1, le=12)],
) -> MonthOut:
    """The dashboard's tables for one complete calendar month, small cells suppressed."""
    rng = month_range(year, month, today=dt.date.today())
    builders = {
        "inquiries_by_channel": inquiries_by_channel,
        "inquiries_by_language": inquiries_by_language,
        "inquiries_by_campaign": inquiries_by_campaign,
        "campaign_outcomes": campaign_outcomes,
        "funnel": funnel,
        "closures": closures,
    }
    tables: dict[str, Any] = {name: table_json(build(rng)) for name, build in builders.items()}
    return MonthOut(
        month=rng.start.strftime("%Y-%m"),
        threshold=THRESHOLD,
        tables={name: TableOut.model_validate(t) for name, t in tables.items()},
    )


@router.get("/totals", response={200: TotalsOut, **ERRORS}, operation_id="running_totals")
def running_totals(request: HttpRequest) -> TotalsOut:
    """The public running totals by month (the press office's figures)."""
    last = last_complete_month(dt.date.today())
    end = next_period(last, Granularity.MONTH) - dt.timedelta(days=1)
    table = cumulative_table(end=end, granularity=Granularity.MONTH)
    return TotalsOut(
        threshold=THRESHOLD,
        months=[
            TotalOut(
                month=row.label, inquiries=row.inquiries.value, surrenders=row.surrenders.value
            )
            for row in table.rows
        ],
    )
