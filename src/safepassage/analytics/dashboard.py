"""The dashboard's charts, drawn from the suppressed report tables (never raw counts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from safepassage.analytics.charts import Series, horizontal_bars, line_chart, stacked_bars
from safepassage.analytics.periods import Granularity
from safepassage.analytics.public import CumulativeTable
from safepassage.analytics.reports import Report, ResponseTimes
from safepassage.analytics.suppression import SuppressedTable


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a stable name (for tests and anchors), its title and SVG."""

    name: str
    title: str
    svg: str


def _axis_title(granularity: Granularity) -> str:
    return {
        Granularity.DAY: _("Day"),
        Granularity.WEEK: _("Week (ISO)"),
        Granularity.MONTH: _("Month"),
    }[granularity]


def _columns_as_series(table: SuppressedTable) -> list[Series]:
    return [
        Series(name, [row[j].value for row in table.cells])
        for j, name in enumerate(table.column_labels)
    ]


def _nonzero(series: list[Series]) -> list[Series]:
    # A channel nobody used in the range only clutters the legend.
    kept = [item for item in series if any(v is None or v for v in item.values)]
    return kept or series[:1]


def _one_column_values(table: SuppressedTable) -> list[float | None]:
    return [row[0].value for row in table.cells]


def _response_series(times: ResponseTimes) -> list[Series]:
    return [
        Series(_("Median"), [row.median_minutes for row in times.rows]),
        Series(_("90th percentile"), [row.p90_minutes for row in times.rows]),
    ]


def _cumulative_series(table: CumulativeTable, which: str) -> list[float | None]:
    return [
        row.inquiries.value if which == "inquiries" else row.surrenders.value for row in table.rows
    ]


def charts_for(report: Report) -> list[Chart]:
    """Every dashboard chart for ``report``, in page order."""
    x_title = _axis_title(report.range.granularity)
    labels = report.by_channel.row_labels
    inquiries = _("Inquiries (cases opened)")
    charts = [
        Chart(
            "inquiries_by_channel",
            report.by_channel.title,
            stacked_bars(
                title=report.by_channel.title,
                x_title=x_title,
                y_title=inquiries,
                labels=labels,
                series=_nonzero(_columns_as_series(report.by_channel)),
            ),
        ),
        Chart(
            "inquiries_by_language",
            report.by_language.title,
            line_chart(
                title=report.by_language.title,
                x_title=x_title,
                y_title=inquiries,
                labels=labels,
                series=_nonzero(_columns_as_series(report.by_language)),
            ),
        ),
        Chart(
            "inquiries_by_campaign",
            report.by_campaign.title,
            stacked_bars(
                title=report.by_campaign.title,
                x_title=x_title,
                y_title=inquiries,
                labels=labels,
                series=_nonzero(_columns_as_series(report.by_campaign)),
            ),
        ),
        Chart(
            "funnel",
            report.funnel.title,
            horizontal_bars(
                title=report.funnel.title,
                x_title=_("Cases"),
                labels=report.funnel.row_labels,
                values=_one_column_values(report.funnel),
            ),
        ),
        Chart(
            "first_response",
            report.response_times.title,
            line_chart(
                title=report.response_times.title,
                x_title=x_title,
                y_title=_("Minutes"),
                labels=[row.label for row in report.response_times.rows],
                series=_response_series(report.response_times),
            ),
        ),
        Chart(
            "closures",
            report.closures.title,
            horizontal_bars(
                title=report.closures.title,
                x_title=_("Cases"),
                labels=report.closures.row_labels,
                values=_one_column_values(report.closures),
            ),
        ),
    ]
    if report.wishes.row_labels:
        charts.append(
            Chart(
                "wishes_at_repatriation",
                report.wishes.title,
                horizontal_bars(
                    title=report.wishes.title,
                    x_title=_("People"),
                    labels=report.wishes.row_labels,
                    values=_one_column_values(report.wishes),
                ),
            )
        )
    cumulative_labels = [row.label for row in report.cumulative.rows]
    for which, title in (
        ("inquiries", _("Cumulative inquiries")),
        ("surrenders", _("Cumulative surrenders")),
    ):
        charts.append(
            Chart(
                f"cumulative_{which}",
                title,
                line_chart(
                    title=title,
                    x_title=x_title,
                    y_title=_("Total since the programme began"),
                    labels=cumulative_labels,
                    series=[Series(title, _cumulative_series(report.cumulative, which))],
                ),
            )
        )
    return charts
