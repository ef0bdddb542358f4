"""Account management under the two-person rule.  An admin manages accounts and never
sees case content; whatever widens someone's access is a request that a second person
approves on the requests page (issue 12).  Every change goes through
``safepassage.accounts.domain`` and is audited there; nobody is ever shown a password."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import domain, rules
from safepassage.accounts.models import AccessRequest, Account, Role
from safepassage.channels.domain.voice import publish_ring_lists
from safepassage.console.access import console_view, current_account
from safepassage.console.account_forms import AccountForm, NewAccountForm
from safepassage.console.flash import flash

ACCOUNT_OPERATIONS = (
    "deactivate",
    "reactivate",
    "reset-sign-in",
    "on-shift",
    "off-shift",
)
_RECENTLY_DECIDED = 20


def _signed_in(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None
    return account


def _code_half_page(
    request: HttpRequest, access: AccessRequest, half: str, *, first: bool
) -> HttpResponse:
    """The one page that shows a code half (``first``: the requester's)."""
    return render(
        request,
        "console/accounts/code_half.html",
        {"access": access, "half": half, "first": first},
    )


def _waiting_notice(access: AccessRequest) -> str:
    if rules.approver_roles(access) == {Role.ADMIN}:
        return _("Requested. It takes effect when another admin approves it.")
    return _("Requested. It takes effect when a supervisor or another admin approves it.")


@console_view(Role.ADMIN)
@require_http_methods(["GET"])
def account_list(request: HttpRequest) -> HttpResponse:
    """All accounts with role, languages, shift and second-factor state."""
    accounts = Account.objects.order_by("-is_active", "username")
    return render(request, "console/accounts/list.html", {"accounts": accounts})


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """Ask for a new account; the first half of its enrolment code is shown once."""
    form = NewAccountForm(request.POST or None, initial={"role": Role.OPERATOR})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access, half = domain.request_new_account(
                by=_signed_in(request),
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                languages=list(data["languages"]),
            )
        except domain.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            return _code_half_page(request, access, half, first=True)
    return render(request, "console/accounts/create.html", {"form": form})


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """One account: edit role, languages and name; buttons for the other operations."""
    account = get_object_or_404(Account, pk=account_id)
    initial = {
        "display_name": account.display_name,
        "role": account.role,
        "languages": list(account.languages),
    }
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            access = domain.update_account(
                by=_signed_in(request),
                account=account,
                display_name=form.cleaned_data["display_name"],
                role=form.cleaned_data["role"],
                languages=list(form.cleaned_data["languages"]),
            )
        except domain.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            message = _waiting_notice(access) if access is not None else _("Account saved.")
            flash(request, message, level="success")
            return HttpResponseRedirect(reverse("console:account-detail", args=[account.pk]))
    pending = AccessRequest.objects.filter(
        account=account, status=AccessRequest.Status.PENDING
    ).order_by("requested_at")
    return render(
        request,
        "console/accounts/detail.html",
        {
            "subject": account,
            "form": form,
            "is_self": account.pk == _signed_in(request).pk,
            "pending": pending,
        },
    )


@console_view(Role.ADMIN)
@require_POST
def account_action(request: HttpRequest, account_id: int, operation: str) -> HttpResponse:
    """One of the buttons on the account page (POST only)."""
    if operation not in ACCOUNT_OPERATIONS:
        raise Http404("No such operation.")
    admin = _signed_in(request)
    account = get_object_or_404(Account, pk=account_id)
    try:
        if operation == "deactivate":
            domain.deactivate_account(by=admin, account=account)
            done = _("Account deactivated. Its sessions have ended.")
        elif operation == "reactivate":
            done = _waiting_notice(domain.request_reactivation(by=admin, account=account))
        elif operation in ("on-shift", "off-shift"):
            domain.set_on_shift(by=admin, account=account, on_shift=operation == "on-shift")
            # The voice line's intake rings whoever the published ring list names.
            publish_ring_lists()
            done = _("Shift updated.")
        else:
            access, half = domain.request_sign_in_reset(by=admin, account=account)
            return _code_half_page(request, access, half, first=True)
    except domain.AccountError as exc:
        flash(request, str(exc), level="error")
    else:
        flash(request, done, level="success")
    return HttpResponseRedirect(reverse("console:account-detail", args=[account.pk]))


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for a second person (with approve and refuse where the viewer
    may decide), the viewer's own waiting requests, and recent decisions."""
    viewer = _signed_in(request)
    pending = list(
        AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
        .select_related("account", "requested_by")
        .order_by("requested_at")
    )
    rows = [
        {
            "access": access,
            "may_decide": rules.may_approve(viewer, access),
            "mine": access.requested_by_id == viewer.pk,
            "admins_only": rules.approver_roles(access) == {Role.ADMIN},
        }
        for access in pending
    ]
    decided = (
        AccessRequest.objects.exclude(status=AccessRequest.Status.PENDING)
        .select_related("requested_by", "decided_by")
        .order_by("-decided_at")[:_RECENTLY_DECIDED]
    )
    return render(request, "console/accounts/requests.html", {"rows": rows, "decided": decided})


def _decide(request: HttpRequest, request_id: int, *, approve: bool) -> HttpResponse:
    viewer = _signed_in(request)
    access = get_object_or_404(AccessRequest, pk=request_id)
    try:
        if approve:
            half = domain.approve_request(by=viewer, request=access)
        else:
            domain.refuse_request(by=viewer, request=access)
    except PermissionError:
        flash(request, _("You may not decide this request."), level="error")
    except domain.AccountError as exc:
        flash(request, str(exc), level="error")
    else:
        if approve and half:
            return _code_half_page(request, access, half, first=False)
        flash(request, _("Approved.") if approve else _("Refused."), level="success")
    return HttpResponseRedirect(reverse("console:access-requests"))


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve a request (not one's own, not about oneself; the rules say who)."""
    return _decide(request, request_id, approve=True)


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def request_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    """Refuse a request (an approver), or withdraw one's own."""
    return _decide(request, request_id, approve=False)
