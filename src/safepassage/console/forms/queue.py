"""The queue's filters; they live in the URL so a refresh or a poll keeps them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.cases.states import CaseState
from safepassage.console.forms.common import language_choices
from safepassage.floods.queue import SUSPECTS_LAST, suspects_field

OPEN_STATES = [CaseState.NEW, CaseState.ENGAGED, CaseState.VERIFIED, CaseState.PLANNING]
SCOPE_UNASSIGNED = "unassigned"
SCOPE_MINE = "mine"
SCOPE_ALL = "all"


class QueueFilterForm(forms.Form):
    """Language, state, whose cases and where suspected floods go; every field optional,
    bad values ignored."""

    scope = forms.ChoiceField(label=_("Cases"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any open state")), *((s.value, s.label) for s in OPEN_STATES)],
    )
    floods = suspects_field()
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, languages: list[str], supervisor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = [(SCOPE_UNASSIGNED, _("Waiting for someone")), (SCOPE_MINE, _("Mine"))]
        if supervisor:
            scopes.append((SCOPE_ALL, _("Everyone's")))
        scope = self.fields["scope"]
        language = self.fields["language"]
        assert isinstance(scope, forms.ChoiceField)
        assert isinstance(language, forms.ChoiceField)
        scope.choices = scopes
        language.choices = [("", _("All my languages")), *language_choices(languages)]

    def filters(self) -> dict[str, Any]:
        """The valid filters, with defaults for missing or invalid ones."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "scope": data.get("scope") or SCOPE_UNASSIGNED,
            "language": data.get("language") or "",
            "state": data.get("state") or "",
            "floods": data.get("floods") or SUSPECTS_LAST,
            "page": data.get("page") or 1,
        }
