"""Console forms for channels: the admin's channel settings and the hotline call log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.campaigns.domain import active_campaign_choices
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import InquiryType
from safepassage.channels.base import ChannelType

MAX_SUMMARY = 8000


class ChannelForm(forms.Form):
    """Built from a channel type's field lists; secret fields are write-only."""

    name = forms.CharField(label=pgettext_lazy("channel", "Name"), max_length=80)
    is_active = forms.BooleanField(
        label=pgettext_lazy("channel", "Active"), required=False, initial=True
    )
    auto_reply = forms.BooleanField(
        label=_("Acknowledge a first message automatically"),
        required=False,
        help_text=_("A fixed text in the person's language; it never repeats what they wrote."),
    )

    def __init__(
        self, *args: Any, channel_type: ChannelType, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.channel_type = channel_type
        secret_help = _("Leave empty to keep the stored value.") if editing else ""
        for setting in channel_type.credential_fields:
            self.fields[f"cred_{setting.name}"] = forms.CharField(
                label=setting.label,
                required=setting.required and not editing,
                widget=forms.PasswordInput(render_value=False)
                if setting.secret
                else forms.TextInput,
                help_text=secret_help if setting.secret else setting.help_text,
                max_length=500,
            )
        if channel_type.intake_secret_field is not None:
            setting = channel_type.intake_secret_field
            self.fields["intake_secret"] = forms.CharField(
                label=setting.label,
                required=not editing,
                widget=forms.PasswordInput(render_value=False),
                help_text=secret_help,
                max_length=500,
            )
        for setting in channel_type.config_fields:
            widget = (
                forms.Textarea(attrs={"rows": 4})
                if setting.name == "templates"
                else forms.TextInput
            )
            self.fields[f"cfg_{setting.name}"] = forms.CharField(
                label=setting.label,
                required=setting.required,
                help_text=setting.help_text,
                widget=widget,
                max_length=4000,
            )
        self.fields["default_language"] = forms.ChoiceField(
            label=_("Bot language before the person chooses"),
            choices=settings.PUBLIC_LANGUAGES,
            initial="ru",
        )
        if not editing:
            self.fields["auto_reply"].initial = channel_type.auto_reply_default

    def credentials(self) -> dict[str, str]:
        return {
            name[len("cred_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("cred_") and value
        }

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            name[len("cfg_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("cfg_")
        }
        config["auto_reply"] = bool(self.cleaned_data.get("auto_reply"))
        config["default_language"] = self.cleaned_data.get("default_language", "ru")
        return config


class HotlineCallForm(forms.Form):
    """What an operator writes down after answering the hotline."""

    language = forms.ChoiceField(label=_("Caller's language"))
    relation = forms.ChoiceField(
        label=_("Who called"),
        choices=[
            (Relation.SELF, _("The person himself")),
            (Relation.RELATIVE, _("A relative or friend")),
            (Relation.UNKNOWN, _("Did not say")),
        ],
        widget=forms.RadioSelect,
    )
    inquiry_type = forms.ChoiceField(
        label=_("What the call was about"), choices=InquiryType.choices, initial=InquiryType.OTHER
    )
    campaign = forms.ChoiceField(
        label=_("Campaign the caller mentioned"),
        required=False,
        help_text=_("Only if the caller named a leaflet, video or post. Running campaigns only."),
        error_messages={
            "invalid_choice": _(
                "That campaign is not running. Choose one from the list, or leave it empty."
            )
        },
    )
    summary = forms.CharField(
        label=_("Summary of the call"),
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was said and agreed. Stored encrypted."),
    )
    callback_number = forms.CharField(
        label=_("Call-back number"),
        required=False,
        max_length=40,
        help_text=_("Only if the caller gave one. Stored encrypted."),
    )
    called_at = forms.DateTimeField(
        label=_("Time of the call"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    callback_due = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("The call-back appears in the queue at this time."),
    )
    callback_note = forms.CharField(
        label=_("Note for the call-back"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. when it is safe to call. Stored encrypted."),
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = languages
        campaign = self.fields["campaign"]
        assert isinstance(campaign, forms.ChoiceField)
        # Read per form: a campaign that ends between two calls drops out of the list.
        campaign.choices = [("", _("None mentioned")), *active_campaign_choices()]

    def clean_called_at(self) -> Any:
        value = self.cleaned_data.get("called_at")
        if value is not None and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The call cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("callback_due") and not (data.get("callback_number") or "").strip():
            self.add_error("callback_number", _("A call-back needs a number to call."))
        return data


class CallbackForm(forms.Form):
    """Schedule a call-back to one of a case's contacts."""

    contact = forms.IntegerField(widget=forms.HiddenInput)
    due_at = forms.DateTimeField(
        label=_("Call back at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        label=pgettext_lazy("call-back", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
