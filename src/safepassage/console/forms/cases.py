"""Forms of the case workspace: reply, note, move, assign, identity, relatives, merge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Account
from safepassage.cases.domain.canned import unfilled_placeholders
from safepassage.cases.domain.identity import (
    MAX_FIELD_LENGTH,
    MAX_GROUP_SIZE,
    RELATIVE_CHANNELS,
)
from safepassage.cases.domain.messages import MAX_REPLY_LENGTH
from safepassage.cases.domain.notes import MAX_NOTE_LENGTH
from safepassage.cases.models import Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import CaseState, Channel, CloseReason
from safepassage.console.forms.common import TokenField, VersionField
from safepassage.crypto.blind_index import normalise_date


class ReplyForm(forms.Form):
    """An answer to the applicant, sent through one of the case's contacts."""

    text = forms.CharField(
        label=_("Reply"),
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact = forms.TypedChoiceField(label=_("Send through"), coerce=int)
    token = TokenField()

    def __init__(self, *args: Any, contacts: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(contact.pk, contact_label(contact)) for contact in contacts]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        missing = unfilled_placeholders(text)
        if missing:
            raise forms.ValidationError(
                _("Fill in %(placeholders)s before sending."),
                params={"placeholders": ", ".join("{" + key + "}" for key in missing)},
            )
        return text


def contact_label(contact: Contact) -> str:
    """How a contact is named in the "send through" list (channel and relation)."""
    relation = "" if contact.relation == Relation.SELF else f" · {contact.get_relation_display()}"
    return f"{Channel(contact.channel).label}{relation} #{contact.pk}"


class NoteForm(forms.Form):
    """An internal note."""

    text = forms.CharField(
        label=_("Internal note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = TokenField()


class TransitionForm(forms.Form):
    """Move the case to another state (closing needs a reason)."""

    to = forms.ChoiceField(label=_("Move to"))
    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        required=False,
        choices=[("", "—"), *CloseReason.choices],
    )
    version = VersionField()

    def __init__(self, *args: Any, targets: list[str], state: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(target, CaseState(target).label) for target in targets]
        field.error_messages["invalid_choice"] = _(
            "The case cannot be moved there from its current state."
        )
        if CaseState.CLOSED not in targets:
            # Only those who may close a case see a reason for closing.
            del self.fields["reason"]
        elif state == CaseState.SURRENDERED:
            reason = self.fields["reason"]
            assert isinstance(reason, forms.ChoiceField)
            reason.choices = [("", "—"), (CloseReason.COMPLETED, CloseReason.COMPLETED.label)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        closing = data.get("to") == CaseState.CLOSED
        if closing and not data.get("reason"):
            self.add_error("reason", _("Choose why the case is closed."))
        if not closing and data.get("reason"):
            self.add_error("reason", _("A reason is given only when closing the case."))
        return data


class AssignForm(forms.Form):
    """A supervisor gives the case to someone who reads its language."""

    account = forms.ModelChoiceField(
        label=_("Give to"),
        queryset=Account.objects.none(),
        error_messages={"invalid_choice": _("Choose someone from the list.")},
    )
    version = VersionField()

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.label_from_instance = _account_label  # type: ignore[method-assign,assignment]


def _account_label(account: Account) -> str:
    return f"{account.display_name} ({account.get_role_display()})"


class VersionOnlyForm(forms.Form):
    """Actions that carry nothing but the version they were rendered with (release)."""

    version = VersionField()


class IdentityForm(forms.Form):
    """Structured identity; every field optional, each sealed when saved."""

    name = forms.CharField(label=_("Name"), max_length=MAX_FIELD_LENGTH, required=False)
    rank = forms.CharField(label=_("Rank"), max_length=MAX_FIELD_LENGTH, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=MAX_FIELD_LENGTH, required=False)
    service_number = forms.CharField(
        label=_("Service number"), max_length=MAX_FIELD_LENGTH, required=False
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        max_length=MAX_FIELD_LENGTH,
        required=False,
        help_text=_("YYYY-MM-DD or DD.MM.YYYY"),
    )
    area = forms.CharField(label=_("Area"), max_length=MAX_FIELD_LENGTH, required=False)
    group_size = forms.IntegerField(
        label=_("Group size"),
        required=False,
        min_value=1,
        max_value=MAX_GROUP_SIZE,
        help_text=_("How many people will come, him included."),
    )
    version = VersionField()

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


class MediaConsentForm(forms.Form):
    """The "no filming / no publication" flag."""

    no_filming = forms.BooleanField(label=_("No filming, no publication"), required=False)
    version = VersionField()


class RelativeForm(forms.Form):
    """Another person who can be reached for this case."""

    channel = forms.ChoiceField(
        label=_("Reached through"),
        choices=[(channel, Channel(channel).label) for channel in RELATIVE_CHANNELS],
    )
    identity = forms.CharField(
        label=_("Number or user name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relation = forms.ChoiceField(
        label=_("Who is it"),
        choices=[
            (Relation.RELATIVE, _("A relative or friend")),
            (Relation.SELF, _("The person himself")),
            (Relation.UNKNOWN, _("Unknown")),
        ],
        initial=Relation.RELATIVE,
    )


class MergeForm(forms.Form):
    """The reference of a duplicate case to fold into this one."""

    other = forms.CharField(
        label=_("Reference of the duplicate case"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
