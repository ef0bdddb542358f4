"""Supervisors' form for canned replies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.cases.domain.canned import MAX_BODY_LENGTH
from safepassage.console.forms.common import language_choices


class CannedReplyForm(forms.Form):
    """Language, title, text with placeholders, and whether operators are offered it."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Placeholders: {name} (the person's name), {reference} (the case reference), "
            "{operator} (your name). Unknown values are left for you to fill in."
        ),
    )
    is_active = forms.BooleanField(label=_("Offered to operators"), required=False, initial=True)
