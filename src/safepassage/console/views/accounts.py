"""Admin: account management.  An admin manages accounts and never sees case content;
every change goes through ``safepassage.accounts.domain`` and is audited there."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import domain
from safepassage.accounts.models import Account, Role
from safepassage.console.access import console_view, current_account
from safepassage.console.account_forms import AccountForm, NewAccountForm
from safepassage.console.flash import flash

ACCOUNT_OPERATIONS = (
    "deactivate",
    "reactivate",
    "reset-totp",
    "reset-password",
    "on-shift",
    "off-shift",
)


def _admin(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None
    return account


@console_view(Role.ADMIN)
@require_http_methods(["GET"])
def account_list(request: HttpRequest) -> HttpResponse:
    """All accounts with role, languages, shift and second-factor state."""
    accounts = Account.objects.order_by("-is_active", "username")
    return render(request, "console/accounts/list.html", {"accounts": accounts})


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """Create an account; its initial password is shown on the next page, once."""
    form = NewAccountForm(request.POST or None, initial={"role": Role.OPERATOR})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = domain.create_account(
                by=_admin(request),
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                languages=list(data["languages"]),
            )
        except domain.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request,
                "console/accounts/password_once.html",
                {"account": account, "password": password, "created": True},
            )
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
            domain.update_account(
                by=_admin(request),
                account=account,
                display_name=form.cleaned_data["display_name"],
                role=form.cleaned_data["role"],
                languages=list(form.cleaned_data["languages"]),
            )
        except domain.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            flash(request, _("Account saved."), level="success")
            return HttpResponseRedirect(reverse("console:account-detail", args=[account.pk]))
    return render(
        request,
        "console/accounts/detail.html",
        {"subject": account, "form": form, "is_self": account.pk == _admin(request).pk},
    )


@console_view(Role.ADMIN)
@require_POST
def account_action(request: HttpRequest, account_id: int, operation: str) -> HttpResponse:
    """One of the buttons on the account page (POST only)."""
    if operation not in ACCOUNT_OPERATIONS:
        raise Http404("No such operation.")
    admin = _admin(request)
    account = get_object_or_404(Account, pk=account_id)
    try:
        if operation in ("deactivate", "reactivate"):
            domain.set_account_active(by=admin, account=account, active=operation == "reactivate")
            done = (
                _("Account reactivated.")
                if operation == "reactivate"
                else _("Account deactivated. Its sessions have ended.")
            )
        elif operation in ("on-shift", "off-shift"):
            domain.set_on_shift(by=admin, account=account, on_shift=operation == "on-shift")
            done = _("Shift updated.")
        elif operation == "reset-totp":
            domain.reset_totp(by=admin, account=account)
            done = _("Two-step sign-in reset. The person will set it up again at next sign-in.")
        else:
            password = domain.reset_password(by=admin, account=account)
            return render(
                request,
                "console/accounts/password_once.html",
                {"account": account, "password": password, "created": False},
            )
    except domain.AccountError as exc:
        flash(request, str(exc), level="error")
    else:
        flash(request, done, level="success")
    return HttpResponseRedirect(reverse("console:account-detail", args=[account.pk]))
