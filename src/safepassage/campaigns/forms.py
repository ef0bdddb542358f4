"""The campaign form (console): what a supervisor types, checked by the domain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage.campaigns.domain import CampaignData, CampaignRefused
from safepassage.campaigns.models import Campaign, Medium

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _appeal_label(name: str) -> str:
    return gettext("Leaflet appeal in %(language)s (optional)") % {"language": name}


def _appeal_field(name: str) -> forms.CharField:
    return forms.CharField(
        # Translated when the form is drawn, in the reader's language, not at import.
        label=lazy(_appeal_label, str)(name),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to print the standard appeal."),
    )


class CampaignForm(forms.Form):
    """Create or edit a campaign.  Errors from ``CampaignRefused`` land on their fields."""

    code = forms.CharField(
        label=_("Tracking code"),
        max_length=32,
        help_text=_("3 to 12 letters A–Z or digits; printed on leaflets and in links (/c/CODE)."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.CharField(
        label=_("Audience"),
        max_length=200,
        required=False,
        help_text=_("For example: North Korean soldiers in Kursk region."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.PUBLIC_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices)
    starts_on = forms.DateField(
        label=_("Starts on"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    asset_links = forms.CharField(
        label=_("Links to the campaign's material"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line (video, text, artwork)."),
    )
    appeal_ru = _appeal_field("Русский")
    appeal_ko = _appeal_field("한국어")
    appeal_uk = _appeal_field("Українська")
    appeal_en = _appeal_field("English")

    @classmethod
    def for_campaign(cls, campaign: Campaign) -> CampaignForm:
        """An unbound form filled with ``campaign``'s values."""
        appeals = campaign.appeal_texts if isinstance(campaign.appeal_texts, dict) else {}
        initial: dict[str, Any] = {
            "code": campaign.code,
            "title": campaign.title,
            "audience": campaign.audience,
            "languages": campaign.languages,
            "medium": campaign.medium,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "asset_links": "\n".join(campaign.asset_links or []),
            **{f"appeal_{lang}": appeals.get(lang, "") for lang in ("ru", "ko", "uk", "en")},
        }
        return cls(initial=initial)

    def to_data(self) -> CampaignData:
        """The cleaned values as the domain's ``CampaignData``."""
        data = self.cleaned_data
        return CampaignData(
            code=data["code"],
            title=data["title"],
            audience=data["audience"],
            languages=list(data["languages"]),
            medium=data["medium"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            asset_links=data["asset_links"].splitlines(),
            appeal_texts={lang: data[f"appeal_{lang}"] for lang in ("ru", "ko", "uk", "en")},
        )

    def add_refusal(self, refusal: CampaignRefused) -> None:
        """Show the domain's reasons on the fields they concern."""
        for name, messages in refusal.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
