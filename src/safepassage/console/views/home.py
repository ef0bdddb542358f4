"""The console's landing page: who is signed in and where they can go."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import Account, Role
from safepassage.channels.domain.hotline import due_callbacks
from safepassage.channels.models import Callback
from safepassage.console.access import console_view, current_account
from safepassage.console.navigation import nav_items_for

DUE_SHOWN = 20  # the oldest first; the rest appear as these are done


@console_view(*Role.values)
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Every role lands here after signing in; it lists only what the role may open,
    and the call-backs due that the account may make (operators and supervisors)."""
    account = current_account(request)
    assert account is not None
    links = [item for item in nav_items_for(account, request.path) if not item.current]
    return render(
        request,
        "console/home.html",
        {"account": account, "links": links, "due_callbacks": _due(account)},
    )


def _due(account: Account) -> list[Callback]:
    # No query at all for roles that never call back (admins, registrars, analysts).
    if account.role not in (Role.OPERATOR, Role.SUPERVISOR):
        return []
    return list(due_callbacks(account)[:DUE_SHOWN])
