"""Report ranges and the periods (days, ISO weeks, months) a report is cut into."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_RANGE_DAYS = 732  # two years, leap day included
MAX_DAILY_DAYS = 92
EARLIEST = datetime.date(2000, 1, 1)  # catches a mistyped year (0026, 1926)


class Granularity(enum.StrEnum):
    """How a report's time axis is cut."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class RangeError(ValueError):
    """A report range that cannot be used; ``str()`` is the message for the analyst."""


@dataclass(frozen=True)
class ReportRange:
    """An inclusive date range and its granularity, checked by ``make_range``."""

    start: datetime.date
    end: datetime.date
    granularity: Granularity

    @property
    def days(self) -> int:
        """Number of days covered."""
        return (self.end - self.start).days + 1

    def periods(self) -> list[datetime.date]:
        """The first day of every period that overlaps the range, in order."""
        first = period_start(self.start, self.granularity)
        found = []
        current = first
        while current <= self.end:
            found.append(current)
            current = next_period(current, self.granularity)
        return found


def period_start(day: datetime.date, granularity: Granularity) -> datetime.date:
    """The first day of the day's period (Monday for weeks, the 1st for months)."""
    if granularity == Granularity.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def next_period(start: datetime.date, granularity: Granularity) -> datetime.date:
    """The first day of the period after the one starting on ``start``."""
    if granularity == Granularity.WEEK:
        return start + datetime.timedelta(days=7)
    if granularity == Granularity.MONTH:
        return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start + datetime.timedelta(days=1)


def period_label(start: datetime.date, granularity: Granularity) -> str:
    """A short, language-neutral label: ``2026-11-23``, ``2026-W48``, ``2026-11``."""
    if granularity == Granularity.WEEK:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == Granularity.MONTH:
        return start.strftime("%Y-%m")
    return start.isoformat()


def make_range(
    start: datetime.date, end: datetime.date, granularity: str, *, today: datetime.date
) -> ReportRange:
    """Check a requested range; raise ``RangeError`` with a message the analyst can act on."""
    if granularity not in Granularity.__members__.values():
        raise RangeError(_("Choose days, weeks or months."))
    if end < start:
        raise RangeError(
            _("The range ends (%(end)s) before it starts (%(start)s); swap the dates.")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    if start < EARLIEST:
        raise RangeError(
            _("%(date)s is before %(earliest)s; check the year.")
            % {"date": start.isoformat(), "earliest": EARLIEST.isoformat()}
        )
    if end > today:
        raise RangeError(_("The range cannot end in the future."))
    days = (end - start).days + 1
    if days > MAX_RANGE_DAYS:
        raise RangeError(
            _("The range covers %(days)d days; a report covers at most two years (%(max)d days).")
            % {"days": days, "max": MAX_RANGE_DAYS}
        )
    if granularity == Granularity.DAY and days > MAX_DAILY_DAYS:
        raise RangeError(
            _("Daily figures cover at most %(max)d days; choose weeks or a shorter range.")
            % {"max": MAX_DAILY_DAYS}
        )
    return ReportRange(start=start, end=end, granularity=Granularity(granularity))


def default_range(today: datetime.date) -> ReportRange:
    """The last twelve full weeks and the current one, by week."""
    start = period_start(today, Granularity.WEEK) - datetime.timedelta(weeks=12)
    return ReportRange(start=start, end=today, granularity=Granularity.WEEK)
