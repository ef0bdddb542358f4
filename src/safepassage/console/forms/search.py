"""The case search form.  Sent by POST: names typed here must not end up in a URL
(browser history, proxy logs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.campaigns.models import Campaign
from safepassage.cases.domain.search import CaseSearch
from safepassage.cases.states import CaseState, Channel
from safepassage.console.forms.common import language_choices
from safepassage.crypto.blind_index import normalise_date

_TEXT = {"autocomplete": "off", "spellcheck": "false"}


class SearchForm(forms.Form):
    """Reference, exact identity values, and case facts; at least one is needed."""

    reference = forms.CharField(
        label=_("Case reference"), max_length=20, required=False, widget=forms.TextInput(_TEXT)
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(_TEXT),
        help_text=_(
            "Exact name, in Cyrillic, Hangul or Latin letters; word order does not matter."
        ),
    )
    service_number = forms.CharField(
        label=_("Service number"), max_length=200, required=False, widget=forms.TextInput(_TEXT)
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        max_length=20,
        required=False,
        widget=forms.TextInput(_TEXT),
        help_text=_("YYYY-MM-DD or DD.MM.YYYY"),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=200, required=False, widget=forms.TextInput(_TEXT)
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any")), *CaseState.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("code"),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    created_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, languages: list[str] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *language_choices(languages)]

    def clean_date_of_birth(self) -> str:
        value: str = self.cleaned_data["date_of_birth"].strip()
        if value:
            try:
                normalise_date(value)
            except ValueError:
                raise forms.ValidationError(
                    _("Write the date of birth as YYYY-MM-DD or DD.MM.YYYY.")
                ) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date is before the start date."))
        return data

    def criteria(self) -> CaseSearch:
        """The validated criteria (call after ``is_valid()``)."""
        data = self.cleaned_data
        campaign = data.get("campaign")
        return CaseSearch(
            reference=data.get("reference", "").strip(),
            name=data.get("name", "").strip(),
            unit=data.get("unit", "").strip(),
            service_number=data.get("service_number", "").strip(),
            date_of_birth=data.get("date_of_birth", ""),
            state=data.get("state", ""),
            language=data.get("language", ""),
            channel=data.get("channel", ""),
            campaign_id=campaign.pk if campaign is not None else None,
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )
