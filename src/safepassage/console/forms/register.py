"""Forms of the captured-person register.  They check shape only; the register's domain
functions check meaning (dates against capture, order of movements) and their errors
are put back on these forms so nothing typed is lost."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.register.domain import RegisterError
from safepassage.register.domain.records import (
    ART17_FIELDS,
    CAPTURE_FIELDS,
    FIELD_LABELS,
    FURTHER_FIELDS,
    LONG_FIELDS,
)
from safepassage.register.states import (
    DETAINING_LANGUAGES,
    PRISONER_LANGUAGES,
    Health,
    WelfareKind,
    Wish,
)

_DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label: str | object, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,  # type: ignore[arg-type]
        required=required,
        widget=_DATE_INPUT,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class VersionForm(forms.Form):
    """A POST that changes a record carries the version it was rendered with."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def put_errors(form: forms.Form, error: RegisterError) -> None:
    """Show a domain refusal on the form: each message by its field, or above the form."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


class RecordDetailsForm(VersionForm):
    """Art. 17 identity, further details and the capture, on one form."""

    capture_date = _date_field(FIELD_LABELS["capture_date"], required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in ART17_FIELDS + FURTHER_FIELDS + CAPTURE_FIELDS:
            if field == "health":
                continue
            widget: forms.Widget = (
                forms.Textarea(attrs={"rows": 2}) if field in LONG_FIELDS else forms.TextInput()
            )
            self.fields[field] = forms.CharField(
                label=FIELD_LABELS[field],
                required=False,
                max_length=400,
                strip=True,
                widget=widget,
            )
        self.fields["date_of_birth"].help_text = _("YYYY-MM-DD or DD.MM.YYYY")
        self.fields["service_number"].help_text = _(
            "If he has no number, the equivalent information he gives (Art. 17)."
        )
        self.fields["health"] = forms.ChoiceField(
            label=FIELD_LABELS["health"],
            required=False,
            choices=[("", _("Not recorded")), *Health.choices],
        )
        self.fields["card_language"] = forms.ChoiceField(
            label=_("His language on the capture card"), choices=PRISONER_LANGUAGES
        )
        self.fields["detaining_language"] = forms.ChoiceField(
            label=_("Detaining Power's language on the card"), choices=DETAINING_LANGUAGES
        )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form's fields in the fieldsets the template shows."""
        return [
            (str(_("Art. 17 identity")), [self[f] for f in ART17_FIELDS]),
            (
                str(_("Further details, only if he agrees to give them")),
                [self[f] for f in FURTHER_FIELDS],
            ),
            (
                str(_("Capture and internment")),
                [self["capture_date"], *(self[f] for f in CAPTURE_FIELDS)],
            ),
            (str(_("Capture card")), [self["card_language"], self["detaining_language"]]),
        ]


class WelfareEventForm(VersionForm):
    """One welfare-log entry."""

    kind = forms.ChoiceField(label=_("What happened"), choices=WelfareKind.choices)
    occurred_on = _date_field(_("Date"))
    place = forms.CharField(
        label=_("Camp or hospital"),
        required=False,
        max_length=200,
        help_text=_("For an arrival, a transfer or a hospital admission."),
    )
    prisoner_number = forms.CharField(
        label=_("Prisoner number given by the camp"), required=False, max_length=200
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WishForm(VersionForm):
    """His wish for the end of the war."""

    wish = forms.ChoiceField(label=_("Wish"), choices=Wish.choices, widget=forms.RadioSelect)
    stated_on = _date_field(_("Date he stated it"))


class MediaConsentForm(VersionForm):
    """Whether he may be filmed, and whether anything may be published (Art. 13)."""

    filming = forms.BooleanField(label=_("He consents to being filmed"), required=False)
    publication = forms.BooleanField(label=_("He consents to publication"), required=False)


class CardSentForm(forms.Form):
    """The day a printed card was sent."""

    sent_on = _date_field(_("Date sent"))
