"""Pieces shared by the cases console forms."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

TOKEN_PATTERN = r"^[0-9a-f]{32}$"  # noqa: S105  (a form token's shape, not a secret)


def new_form_token() -> str:
    """A fresh idempotency token for a form that creates something (reply, note)."""
    return secrets.token_hex(16)


def language_name(code: str) -> str:
    """The language's own name ("한국어"), or the code if unknown."""
    return dict(settings.LANGUAGES).get(code, code)


def language_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """Programme languages as (code, name), limited to ``codes`` when given."""
    return [
        (code, name) for code, name in settings.PUBLIC_LANGUAGES if codes is None or code in codes
    ]


class VersionField(forms.IntegerField):
    """The case version a form was rendered with (hidden), for the stale-form check."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        outdated = _("The form is out of date; reload the page.")
        super().__init__(
            min_value=1,
            error_messages={"required": outdated, "invalid": outdated, "min_value": outdated},
            **kwargs,  # type: ignore[arg-type]
        )


class TokenField(forms.CharField):
    """A form's idempotency token (hidden): the same token is stored once."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            max_length=32,
            validators=[RegexValidator(TOKEN_PATTERN)],
            error_messages={
                "invalid": _("The form is damaged; reload the page."),
                "required": _("The form is damaged; reload the page."),
                "max_length": _("The form is damaged; reload the page."),
            },
            **kwargs,  # type: ignore[arg-type]
        )
