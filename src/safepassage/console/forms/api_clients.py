"""The form an admin fills in to create an API client."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.apiclients.models import Scope


class ApiClientForm(forms.Form):
    """Name, scopes, expiry, allowed networks, rate limit and (for intake) a campaign."""

    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("The partner and system, e.g. “Information bureau export”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most a year from today."),
    )
    allowed_networks = forms.CharField(
        label=_("Allowed addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address or network (CIDR) per line; empty allows any address."),
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Calls per minute"), min_value=1, max_value=10000, initial=60
    )
    campaign_code = forms.CharField(
        label=_("Campaign code"),
        required=False,
        max_length=12,
        help_text=_("For intake: contacts handed over are attributed to this campaign."),
    )

    def initial_expiry(self) -> dt.date:
        """The default expiry: ninety days from today."""
        return dt.date.today() + dt.timedelta(days=90)
