"""Forms for signing in, enrolling, the person's own security settings and admin account
management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Role


class SignInForm(forms.Form):
    """Step one: account name and password."""

    username = forms.CharField(
        label=_("Account name"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """Step two: a six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class TotpCodeForm(forms.Form):
    """A six-digit code from the authenticator app (enrolment, new recovery codes)."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )


class ChangePasswordForm(forms.Form):
    """The current password, then the new one twice."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        help_text=_("At least 12 characters. A few unrelated words work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat_password = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("repeat_password"):
            self.add_error("repeat_password", _("The two new passwords are not the same."))
        return data


class EnrolmentCodeForm(forms.Form):
    """Enrolling, step one: the account name and the two halves of the enrolment code."""

    username = forms.CharField(
        label=_("Account name"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    first_half = forms.CharField(
        label=_("First half of the enrolment code"),
        help_text=_("From the person who asked for your account."),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    second_half = forms.CharField(
        label=_("Second half of the enrolment code"),
        help_text=_("From the person who approved it."),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    """Enrolling, step two: the holder's own password (twice) and a code from the app."""

    new_password = forms.CharField(
        label=_("Choose your password"),
        strip=False,
        max_length=256,
        help_text=_("At least 12 characters. A few unrelated words work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat_password = forms.CharField(
        label=_("Your password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("repeat_password"):
            self.add_error("repeat_password", _("The two new passwords are not the same."))
        return data


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.PUBLIC_LANGUAGES)


class AccountForm(forms.Form):
    """What an admin sets on an account: name shown, role, languages read."""

    display_name = forms.CharField(label=_("Name shown"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages read"),
        choices=_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Operators see the queues of these languages only."),
    )


class NewAccountForm(AccountForm):
    """Creating an account: a name to sign in with, as well."""

    username = forms.CharField(
        label=_("Account name"),
        max_length=32,
        help_text=_("Lower-case letters, digits, dots, dashes or underscores."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    field_order = ["username", "display_name", "role", "languages"]


class AuditFilterForm(forms.Form):
    """Filters on the audit page (all optional)."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), max_length=150, required=False)
    case = forms.CharField(label=_("Case reference"), max_length=16, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("Any action")), *[(a, a) for a in actions]]
