"""The public forms: a submission, a receipt sign-in and an inbox follow-up.

Every form takes fields as read by ``text.read_form`` (with the names of fields whose
bytes were not UTF-8), strips control characters before validating, and keeps what was
typed so a refused form is shown again with nothing lost.  Error messages are written
for the applicant, in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.campaigns.models import CODE_PATTERN, Campaign, normalise_code
from safepassage.cases.states import InquiryType
from safepassage.crypto.errors import MalformedReceipt
from safepassage.crypto.receipts import parse_receipt
from safepassage.intake import conf
from safepassage.intake.text import clean_line, clean_text

UNREADABLE = _(
    "Part of this text could not be read (it was not sent as UTF-8). Check it and send again."
)
TOO_LONG = _("This is too long: at most %(limit_value)s characters (now %(show_value)s).")

INQUIRY_CHOICES = [
    ("", _("Choose, if you like")),
    (InquiryType.SURRENDER, _("I want to surrender")),
    (InquiryType.CONSIDERING, _("I am thinking about it")),
    (InquiryType.AVOIDING_MOBILISATION, _("I want to avoid mobilisation")),
    (InquiryType.FAMILY_MEMBER, _("I am writing for a family member")),
    (InquiryType.INFORMATION, _("I need information")),
]

# Optional, one line each, shown under "About you" (in the envelope schema's names).
ABOUT_FIELDS = ["name", "rank", "unit", "service_number", "date_of_birth", "area", "group_size"]
REACH_BACK_FIELDS = ["telegram", "whatsapp", "phone"]
MULTILINE_FIELDS = frozenset({"message", "pending"})


def _line(limit: int, label: Any = "", help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=limit,
        label=label,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
    )


def _message(help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        max_length=conf.MESSAGE_MAX,
        label=pgettext_lazy("intake", "Your message"),
        help_text=help_text,
        error_messages={
            "required": _("Please write your message: it is the only field we need."),
            "max_length": TOO_LONG,
        },
    )


class PublicForm(forms.Form):
    """A form over cleaned public input that reports bytes that were not UTF-8."""

    def __init__(
        self,
        data: Mapping[str, str] | None = None,
        *,
        unreadable: frozenset[str] = frozenset(),
        initial: Mapping[str, str] | None = None,
    ) -> None:
        cleaned = None
        if data is not None:
            cleaned = {
                name: (clean_text(value) if name in MULTILINE_FIELDS else clean_line(value))
                for name, value in data.items()
                if name in self.base_fields
            }
        super().__init__(cleaned, initial=dict(initial or {}))
        self.unreadable = unreadable & set(self.base_fields)

    def clean(self) -> dict[str, Any]:
        """Refuse fields that arrived with bytes that were not UTF-8."""
        cleaned = super().clean() or {}
        for name in sorted(self.unreadable):
            self.add_error(name, UNREADABLE)
        return cleaned

    def value(self, name: str) -> str:
        """What the applicant typed (cleaned), for showing the form again."""
        return str(self.data.get(name, "")) if self.is_bound else str(self.initial.get(name, ""))


class SubmissionForm(PublicForm):
    """The first message: only ``message`` is required."""

    message = _message(_("Write in any language. This is the only field you must fill in."))
    inquiry_type = forms.ChoiceField(
        required=False,
        choices=INQUIRY_CHOICES,
        label=_("What is it about? (optional)"),
        error_messages={"invalid_choice": _("Choose one of the listed answers.")},
    )
    name = _line(conf.NAME_MAX, pgettext_lazy("intake", "Name"))
    rank = _line(conf.SHORT_MAX, pgettext_lazy("intake", "Rank"))
    unit = _line(conf.NAME_MAX, pgettext_lazy("intake", "Unit"))
    service_number = _line(conf.SHORT_MAX, pgettext_lazy("intake", "Service number"))
    date_of_birth = _line(
        conf.SHORT_MAX, pgettext_lazy("intake", "Date of birth"), _("For example 21.03.1999")
    )
    area = _line(conf.NAME_MAX, _("Where you are now"))
    group_size = _line(8, _("How many people would come, you included"))
    telegram = _line(conf.SHORT_MAX, "Telegram")
    whatsapp = _line(conf.SHORT_MAX, "WhatsApp")
    phone = _line(conf.SHORT_MAX, pgettext_lazy("intake", "Phone"))
    campaign = _line(20, _("Code from a leaflet or video (optional)"))
    # The page's one-time token (``form_tokens``): hidden, never shown to the applicant.
    form_token = forms.CharField(required=False, max_length=64)

    def clean_group_size(self) -> str:
        """Digits from 1 to the worker's maximum, or empty."""
        value: str = self.cleaned_data.get("group_size", "")
        if not value:
            return ""
        digits = value.translate(_DIGITS)
        if not (digits.isascii() and digits.isdigit()) or not 1 <= int(digits) <= conf.GROUP_MAX:
            raise forms.ValidationError(
                _("Write the number of people in digits, from 1 to %(max)s."),
                params={"max": conf.GROUP_MAX},
            )
        return str(int(digits))

    def clean_campaign(self) -> str:
        """A known campaign code (letters and digits from a leaflet or video), or empty."""
        return check_campaign_code(self.cleaned_data.get("campaign", ""))

    def about_fields(self) -> list[forms.BoundField]:
        """The optional fields about the person, in display order."""
        return [self[name] for name in ABOUT_FIELDS]

    def reach_back_fields(self) -> list[forms.BoundField]:
        """The optional ways to reach the person back."""
        return [self[name] for name in REACH_BACK_FIELDS]

    def envelope_fields(self) -> dict[str, Any]:
        """The validated fields in the envelope body schema (empty optional fields left out)."""
        data = self.cleaned_data
        fields: dict[str, Any] = {"message": data["message"]}
        for name in ["inquiry_type", *ABOUT_FIELDS]:
            if data.get(name):
                fields[name] = data[name]
        reach_back = {name: data[name] for name in REACH_BACK_FIELDS if data.get(name)}
        if reach_back:
            fields["reach_back"] = reach_back
        if data.get("campaign"):
            fields["campaign"] = data["campaign"]
        return fields


# Full-width and other script digits typed on foreign keyboards count as digits.
_DIGITS = {ord(c): str(i) for i in range(10) for c in (chr(0xFF10 + i), chr(0x0660 + i))}


def check_campaign_code(raw: str) -> str:
    """The normalised code if it names a campaign; ValidationError (in the page language)
    if it does not.  An empty value is fine: the code is optional."""
    if not raw:
        return ""
    code = normalise_code(raw)
    if not CODE_PATTERN.match(code) or not Campaign.objects.filter(code=code).exists():
        raise forms.ValidationError(
            _(
                "We do not know the code “%(code)s”. Check it against the leaflet "
                "or video, or leave this field empty."
            ),
            params={"code": raw[:20]},
        )
    return code


class ReceiptForm(PublicForm):
    """Receipt sign-in.  ``pending`` carries a follow-up typed before the session ended."""

    receipt = forms.CharField(
        max_length=conf.RECEIPT_INPUT_MAX,
        label=pgettext_lazy("intake", "Receipt number"),
        help_text=_("20 digits (older numbers: 16). Spaces do not matter."),
        error_messages={
            "required": _("Enter the number you were given (20 digits, or 16 for older numbers)."),
            "max_length": _(
                "A receipt has 20 digits (older ones 16). Check the number and try again."
            ),
        },
    )
    # Checked again (length included) when it is sent from the inbox.
    pending = forms.CharField(required=False)

    def clean_receipt(self) -> str:
        """20 (or 16) digits with a valid check digit, or a clear error (no Argon2 spent)."""
        try:
            return parse_receipt(self.cleaned_data["receipt"])
        except MalformedReceipt:
            raise forms.ValidationError(
                _(
                    "This is not a valid receipt number. A receipt has 20 digits "
                    "(older ones 16); check each one and try again."
                )
            ) from None


class FollowupForm(PublicForm):
    """A message written in the inbox."""

    message = _message()
    token = forms.CharField(required=False, max_length=200)
