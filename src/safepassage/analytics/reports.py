"""The analyst's report: suppressed tables built from the counter tables only.

Nothing here reads a case.  Each table is cut by the report's periods and passed
through ``suppression.suppress_table`` before anyone sees it; charts and exports are
drawn from these suppressed tables, never from the raw counts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateField, Expression, F, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from safepassage.analytics.buckets import EDGES, quantile_from_buckets
from safepassage.analytics.counters import FUNNEL_STATES
from safepassage.analytics.models import DailyCount, Dimension, Metric
from safepassage.analytics.periods import Granularity, ReportRange, period_label
from safepassage.analytics.public import CumulativeTable, cumulative_table
from safepassage.analytics.suppression import THRESHOLD, Cell, SuppressedTable, suppress_table
from safepassage.analytics.wishes import current_wishes
from safepassage.campaigns.models import Campaign
from safepassage.cases.states import CaseState, Channel, CloseReason

TOP_CAMPAIGNS = 6  # + "other" + "none" = the 8 colours of the palette
NO_CAMPAIGN = ""
OTHER_CAMPAIGNS = "other"


@dataclass(frozen=True)
class ResponseRow:
    """Time to first response in one period; medians only where five or more answered."""

    label: str
    answered: Cell
    median_minutes: float | None
    p90_minutes: float | None
    p90_is_floor: bool


@dataclass(frozen=True)
class ResponseTimes:
    """Median and 90th percentile of time to first response, per period."""

    title: str
    rows: list[ResponseRow]


@dataclass(frozen=True)
class Report:
    """Everything the dashboard shows and the exports write, already suppressed."""

    range: ReportRange
    by_channel: SuppressedTable
    by_language: SuppressedTable
    by_campaign: SuppressedTable
    campaign_outcomes: SuppressedTable
    funnel: SuppressedTable
    response_times: ResponseTimes
    closures: SuppressedTable
    wishes: SuppressedTable
    cumulative: CumulativeTable

    def tables(self) -> dict[str, SuppressedTable | ResponseTimes | CumulativeTable]:
        """Every table by its export name, in page order."""
        return {
            "inquiries_by_channel": self.by_channel,
            "inquiries_by_language": self.by_language,
            "inquiries_by_campaign": self.by_campaign,
            "campaign_outcomes": self.campaign_outcomes,
            "funnel": self.funnel,
            "first_response": self.response_times,
            "closures": self.closures,
            "wishes_at_repatriation": self.wishes,
            "cumulative": self.cumulative,
        }


def _period(granularity: Granularity) -> Expression | F:
    """The database expression for a counter row's period (its first day)."""
    if granularity == Granularity.WEEK:
        return TruncWeek("day", output_field=DateField())
    if granularity == Granularity.MONTH:
        return TruncMonth("day", output_field=DateField())
    return F("day")


def _period_sums(
    metric: str, rng: ReportRange, dimension: str, field: str
) -> Iterable[tuple[datetime.date, str, int]]:
    """(period start, ``field`` value, count) — summed by the database, not in Python."""
    rows = (
        DailyCount.objects.filter(
            metric=metric, dimension=dimension, day__gte=rng.start, day__lte=rng.end
        )
        .annotate(period=_period(rng.granularity))
        .values_list("period", field)
        .annotate(n=Sum("count"))
        .order_by()
    )
    for period, value, count in rows:
        yield _as_date(period), value, int(count or 0)


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _period_table(
    metric: str, rng: ReportRange, dimension: str
) -> tuple[list[datetime.date], dict[tuple[datetime.date, str], int]]:
    """Counts of ``metric`` per period and slice of ``dimension``."""
    grid: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for period, value, count in _period_sums(metric, rng, dimension, "value"):
        grid[(period, value)] += count
    return rng.periods(), grid


def _range_totals(metric: str, rng: ReportRange, dimension: str) -> dict[tuple[str, str], int]:
    """Counts of ``metric`` over the whole range per (slice, key), summed in the database."""
    rows = (
        DailyCount.objects.filter(
            metric=metric, dimension=dimension, day__gte=rng.start, day__lte=rng.end
        )
        .values_list("value", "key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {(value, key): int(count or 0) for value, key, count in rows}


def _table_by_period(
    *,
    title: str,
    rng: ReportRange,
    periods: Sequence[datetime.date],
    grid: dict[tuple[datetime.date, str], int],
    columns: Sequence[tuple[str, str]],
) -> SuppressedTable:
    return suppress_table(
        title=title,
        row_labels=[period_label(p, rng.granularity) for p in periods],
        column_labels=[label for _key, label in columns],
        cells=[[max(grid.get((p, key), 0), 0) for key, _label in columns] for p in periods],
    )


def _language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code or "?")


def inquiries_by_channel(rng: ReportRange) -> SuppressedTable:
    """Cases opened per period and first channel."""
    periods, grid = _period_table(Metric.OPENED, rng, Dimension.CHANNEL)
    columns = [(str(value), str(label)) for value, label in Channel.choices]
    return _table_by_period(
        title=_("Inquiries by channel"), rng=rng, periods=periods, grid=grid, columns=columns
    )


def inquiries_by_language(rng: ReportRange) -> SuppressedTable:
    """Cases opened per period and language (programme languages first)."""
    periods, grid = _period_table(Metric.OPENED, rng, Dimension.LANGUAGE)
    known = [code for code, _name in settings.PUBLIC_LANGUAGES]
    seen = sorted({key for (_period, key), n in grid.items() if n} - set(known))
    columns = [(code, _language_name(code)) for code in [*known, *seen]]
    return _table_by_period(
        title=_("Inquiries by language"), rng=rng, periods=periods, grid=grid, columns=columns
    )


def _campaign_codes(ids: Iterable[str]) -> dict[str, str]:
    numbers = [int(value) for value in ids if value.isdigit()]
    return {
        str(pk): code
        for pk, code in Campaign.objects.filter(pk__in=numbers).values_list("pk", "code")
    }


def inquiries_by_campaign(rng: ReportRange) -> SuppressedTable:
    """Cases opened per period and campaign: the busiest campaigns, others, and none."""
    periods, raw = _period_table(Metric.OPENED, rng, Dimension.CAMPAIGN)
    totals: dict[str, int] = defaultdict(int)
    for (_period, campaign), count in raw.items():
        if campaign:
            totals[campaign] += count
    ranked = sorted((c for c, n in totals.items() if n > 0), key=lambda c: (-totals[c], c))
    top = ranked[:TOP_CAMPAIGNS]
    codes = _campaign_codes(top)
    grid: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for (period, campaign), count in raw.items():
        if not campaign:
            column = NO_CAMPAIGN
        elif campaign in top:
            column = campaign
        else:
            column = OTHER_CAMPAIGNS
        grid[(period, column)] += count
    columns: list[tuple[str, str]] = [(c, codes.get(c, "?")) for c in top]
    if len(ranked) > TOP_CAMPAIGNS:
        columns.append((OTHER_CAMPAIGNS, _("Other campaigns")))
    columns.append((NO_CAMPAIGN, _("No campaign")))
    return _table_by_period(
        title=_("Inquiries by campaign"), rng=rng, periods=periods, grid=grid, columns=columns
    )


def _stage_labels() -> list[tuple[str, str]]:
    labels = dict(CaseState.choices)
    return [(CaseState.NEW, str(labels[CaseState.NEW]))] + [
        (state, str(labels[state])) for state in FUNNEL_STATES
    ]


def campaign_outcomes(rng: ReportRange) -> SuppressedTable:
    """Per campaign: cases opened, and cases reaching each later state, in the range.

    Stages are not added up across a row (a surrendered case was also engaged), so the
    table has column totals only.
    """
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for (campaign, _key), count in _range_totals(Metric.OPENED, rng, Dimension.CAMPAIGN).items():
        counts[(campaign, CaseState.NEW)] += count
    for (campaign, state), count in _range_totals(Metric.REACHED, rng, Dimension.CAMPAIGN).items():
        counts[(campaign, state)] += count
    ids = sorted({c for c, _stage in counts if c and counts[(c, _stage)]}, key=int)
    codes = _campaign_codes(ids)
    rows: list[tuple[str, str]] = [(c, codes.get(c, "?")) for c in ids]
    rows.append(("", _("No campaign")))
    stages = _stage_labels()
    return suppress_table(
        title=_("Outcomes by campaign"),
        row_labels=[label for _c, label in rows],
        column_labels=[label for _state, label in stages],
        cells=[[max(counts.get((c, state), 0), 0) for state, _l in stages] for c, _l in rows],
        row_totals=False,
    )


def funnel(rng: ReportRange) -> SuppressedTable:
    """Cases opened, and cases reaching engaged → surrendered for the first time."""
    reached: dict[str, int] = defaultdict(int)
    for (_value, _key), count in _range_totals(Metric.OPENED, rng, Dimension.TOTAL).items():
        reached[CaseState.NEW] += count
    for (_value, state), count in _range_totals(Metric.REACHED, rng, Dimension.TOTAL).items():
        reached[state] += count
    stages = _stage_labels()
    return suppress_table(
        title=_("Funnel: cases reaching each stage"),
        row_labels=[label for _state, label in stages],
        column_labels=[_("Cases")],
        cells=[[max(reached.get(state, 0), 0)] for state, _label in stages],
        row_totals=False,
        column_totals=False,
    )


def _one_column(
    title: str, column: str, rows: Sequence[tuple[str, str]], counts: dict[str, int]
) -> SuppressedTable:
    return suppress_table(
        title=title,
        row_labels=[label for _key, label in rows],
        column_labels=[column],
        cells=[[max(counts.get(key, 0), 0)] for key, _label in rows],
        row_totals=False,
    )


def closures(rng: ReportRange) -> SuppressedTable:
    """Cases closed in the range, by reason."""
    counts: dict[str, int] = defaultdict(int)
    for (_value, reason), count in _range_totals(Metric.CLOSED, rng, Dimension.TOTAL).items():
        counts[reason] += count
    rows = [(value, str(label)) for value, label in CloseReason.choices]
    return _one_column(_("Closures by reason"), _("Cases"), rows, counts)


def wishes() -> SuppressedTable:
    """Current wishes at repatriation, counted now from the register (never stored)."""
    found = current_wishes()
    rows = [(code, label) for code, label, _count in found]
    counts = {code: count for code, _label, count in found}
    return _one_column(_("Wishes at repatriation (current)"), _("People"), rows, counts)


def response_times(rng: ReportRange) -> ResponseTimes:
    """Median and p90 time to first response per period (from the delay buckets)."""
    buckets: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period, bucket, count in _period_sums(Metric.FIRST_RESPONSE, rng, Dimension.TOTAL, "key"):
        buckets[period][bucket] += count
    periods = rng.periods()
    answered = suppress_table(
        title="answered",
        row_labels=[period_label(p, rng.granularity) for p in periods],
        column_labels=["answered"],
        cells=[[max(sum(buckets[p].values()), 0)] for p in periods],
        row_totals=False,
        column_totals=False,
    )
    rows = []
    for period, cells in zip(periods, answered.cells, strict=True):
        total = sum(buckets[period].values())
        median = p90 = None
        floor = False
        if total >= THRESHOLD:
            median = quantile_from_buckets(buckets[period], 0.5)
            p90 = quantile_from_buckets(buckets[period], 0.9)
            floor = p90 is not None and p90 >= EDGES[-1]
        rows.append(
            ResponseRow(
                label=period_label(period, rng.granularity),
                answered=cells[0],
                median_minutes=None if median is None else round(median / 60, 1),
                p90_minutes=None if p90 is None else round(p90 / 60, 1),
                p90_is_floor=floor,
            )
        )
    return ResponseTimes(title=_("Time to first response"), rows=rows)


def build_report(rng: ReportRange) -> Report:
    """All dashboard tables for ``rng``, suppressed."""
    return Report(
        range=rng,
        by_channel=inquiries_by_channel(rng),
        by_language=inquiries_by_language(rng),
        by_campaign=inquiries_by_campaign(rng),
        campaign_outcomes=campaign_outcomes(rng),
        funnel=funnel(rng),
        response_times=response_times(rng),
        closures=closures(rng),
        wishes=wishes(),
        cumulative=cumulative_table(end=rng.end, granularity=rng.granularity, start=rng.start),
    )


__all__ = ["Granularity", "Report", "ResponseTimes", "build_report"]
