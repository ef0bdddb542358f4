"""Admin: API clients of the partner API (issue 18) — create, approve, refuse, revoke.

A client's token is shown once, on the page after creation, and is stored only as a
keyed hash.  It works once a second admin approves the client.  Every step is audited
by ``apiclients.domain``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.apiclients import domain, rules
from safepassage.apiclients.models import ApiClient
from safepassage.console.access import console_view, current_account
from safepassage.console.flash import flash
from safepassage.console.forms.api_clients import ApiClientForm


def _signed_in(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None  # console_view let only signed-in admins through
    return account


@console_view(Role.ADMIN)
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    """Every API client with its status; pending ones the viewer may decide are marked."""
    me = _signed_in(request)
    clients = list(ApiClient.objects.select_related("created_by", "decided_by"))
    rows = [{"client": c, "may_approve": rules.may_approve(me, c)} for c in clients]
    return render(request, "console/api_clients/list.html", {"rows": rows})


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    """Create a client; the next page shows its token once."""
    form = ApiClientForm(request.POST or None)
    if request.method == "GET":
        form.initial["expires_on"] = form.initial_expiry()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spec = domain.ClientSpec(
                name=data["name"],
                scopes=list(data["scopes"]),
                expires_on=data["expires_on"],
                allowed_networks=domain.clean_networks(data["allowed_networks"].splitlines()),
                rate_limit_per_minute=data["rate_limit_per_minute"],
                campaign_code=data["campaign_code"],
            )
            client, token = domain.create_client(by=_signed_in(request), spec=spec)
        except domain.ClientError as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request, "console/api_clients/token.html", {"client": client, "token": token}
            )
    return render(request, "console/api_clients/create.html", {"form": form})


def _decide(request: HttpRequest, client_id: int, *, approve: bool) -> HttpResponse:
    client = get_object_or_404(ApiClient, pk=client_id)
    me = _signed_in(request)
    if not rules.may_approve(me, client):
        flash(request, _("You may not decide this client."), level="error")
    elif approve:
        domain.approve_client(client, by=me)
        flash(request, _("The client is approved; its token works from now on."))
    else:
        domain.refuse_client(client, by=me)
        flash(request, _("The client is refused; its token will never work."))
    return HttpResponseRedirect(reverse("console:api-clients"))


@console_view(Role.ADMIN)
@require_POST
def client_approve(request: HttpRequest, client_id: int) -> HttpResponse:
    """Approve a pending client (not one you created)."""
    return _decide(request, client_id, approve=True)


@console_view(Role.ADMIN)
@require_POST
def client_refuse(request: HttpRequest, client_id: int) -> HttpResponse:
    """Refuse a pending client (not one you created)."""
    return _decide(request, client_id, approve=False)


@console_view(Role.ADMIN)
@require_POST
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    """Revoke a client at once."""
    client = get_object_or_404(ApiClient, pk=client_id)
    domain.revoke_client(client, by=_signed_in(request))
    flash(request, _("The client is revoked; its token no longer works."))
    return HttpResponseRedirect(reverse("console:api-clients"))
