"""The report range form: dates and granularity, checked with messages an analyst can act on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.analytics.periods import Granularity, RangeError, ReportRange, make_range


class ReportRangeForm(forms.Form):
    """From, to and "by day/week/month".  ``report_range`` is set once valid."""

    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD.")},
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the end date as YYYY-MM-DD.")},
    )
    granularity = forms.ChoiceField(
        label=_("By"),
        choices=[
            (Granularity.DAY, _("day")),
            (Granularity.WEEK, _("week")),
            (Granularity.MONTH, _("month")),
        ],
        error_messages={"invalid_choice": _("Choose days, weeks or months.")},
    )

    report_range: ReportRange | None = None

    def clean(self) -> dict[str, Any]:
        """Check the range as a whole (order, length, future) through ``make_range``."""
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.report_range = make_range(
                data["start"], data["end"], data["granularity"], today=timezone.localdate()
            )
        except RangeError as error:
            raise forms.ValidationError(str(error), code="range") from error
        return data
