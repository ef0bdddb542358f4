"""Counter tables: daily counts kept up to date by the case service layer.

As in RapidPro, every event *inserts* a row (count +1, or −1 when a count moves)
instead of updating a shared row, so two workers counting at once never wait on each
other's row lock.  ``squash_counters`` later folds rows with the same key into one.
Readers always ``SUM(count)``, so squashed or not, the answer is the same.

Nothing here identifies anyone: keys are days, channels, languages, campaign ids,
state names, closure reasons and delay buckets.  ``StateReached`` holds case ids (not
references) so the funnel counts each case once per state.
"""

from __future__ import annotations

from django.db import models


class Metric(models.TextChoices):
    """What a counter row counts.  ``key`` refines it (a state, a reason, a bucket)."""

    OPENED = "opened", "Cases opened"
    REACHED = "reached", "Cases reaching a state for the first time"  # key=state
    TRANSITION = "transition", "State transitions"  # key="from>to"
    CLOSED = "closed", "Closures"  # key=reason
    FIRST_RESPONSE = "first_response", "First responses by delay bucket"  # key=bucket


class Dimension(models.TextChoices):
    """Which breakdown a counter row belongs to (``value`` names the slice)."""

    TOTAL = "total", "All"  # value ""
    CHANNEL = "channel", "First channel"  # value: a Channel
    LANGUAGE = "language", "Language"  # value: a language code
    CAMPAIGN = "campaign", "Campaign"  # value: campaign id, "" for none


# Which breakdowns each metric keeps.  One row per breakdown per event (not one row per
# combination): a day holds at most a few hundred rows however many cases there are, so
# reading two years stays fast; cross-tabulations the dashboard does not show are not
# kept (and cannot leak through it).
METRIC_DIMENSIONS: dict[str, tuple[str, ...]] = {
    Metric.OPENED: (Dimension.TOTAL, Dimension.CHANNEL, Dimension.LANGUAGE, Dimension.CAMPAIGN),
    Metric.REACHED: (Dimension.TOTAL, Dimension.CAMPAIGN),
    Metric.TRANSITION: (Dimension.TOTAL,),
    Metric.CLOSED: (Dimension.TOTAL,),
    Metric.FIRST_RESPONSE: (Dimension.TOTAL,),
}


class DailyCount(models.Model):
    """One counted event (or a squashed sum of them) on one day, in one breakdown."""

    day = models.DateField()
    metric = models.CharField(max_length=16, choices=Metric.choices)
    key = models.CharField(max_length=48, blank=True)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    value = models.CharField(max_length=24, blank=True)
    count = models.IntegerField()
    squashed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Covering: the dashboard's sums are read from the index alone.
            models.Index(
                fields=["metric", "dimension", "day", "value", "key", "count"],
                name="dailycount_lookup",
            ),
            models.Index(
                fields=["id"], condition=models.Q(squashed=False), name="dailycount_unsquashed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}:{self.key} {self.dimension}={self.value} {self.count}"


class StateReached(models.Model):
    """That a case reached a funnel state, and when (first time only)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "state"], name="state_reached_unique")
        ]

    def __str__(self) -> str:
        return f"case #{self.case_id} reached {self.state}"
