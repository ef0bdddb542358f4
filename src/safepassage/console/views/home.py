"""The console's landing page: who is signed in and where they can go."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import Role
from safepassage.console.access import console_view, current_account
from safepassage.console.navigation import nav_items_for


@console_view(*Role.values)
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Every role lands here after signing in; it lists only what the role may open."""
    account = current_account(request)
    assert account is not None
    links = [item for item in nav_items_for(account, request.path) if not item.current]
    return render(request, "console/home.html", {"account": account, "links": links})
