"""Signing in (password, then TOTP or a recovery code), signing out, and the person's own
security settings (enrolling with a code is in ``enrolment``).

Nothing on these pages says whether an account name exists: an unknown name, a wrong
password and an inactive account get the same message after the same work.
"""

from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import domain
from safepassage.accounts.domain import signin_flow
from safepassage.accounts.domain.signin import METHOD_RECOVERY
from safepassage.accounts.models import Account, Role
from safepassage.accounts.sessions import (
    clear_pending,
    mark_verified,
    pending_account_id,
    start_pending,
)
from safepassage.console.access import console_public, console_view, current_account
from safepassage.console.account_forms import (
    ChangePasswordForm,
    CodeForm,
    SignInForm,
    TotpCodeForm,
)
from safepassage.console.flash import flash
from safepassage.console.middleware import (
    IDLE_SIGNED_OUT,
    LANGUAGE_COOKIE,
    console_language_codes,
)
from safepassage.security.addresses import client_address

ALL_ROLES = tuple(Role.values)
_NEXT = "console_next"
# Recovery codes left at which the console starts warning.
_FEW_CODES_LEFT = 3


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A console path to go to after sign-in; anything else becomes the console home."""
    if (
        candidate
        and candidate.startswith("/console/")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return reverse("console:home")


def throttled_message(wait_seconds: int) -> str:
    """What a throttled person is told: roughly how long to wait."""
    if wait_seconds < 60:
        return _("Too many attempts. Wait a minute, then try again.")
    minutes = (wait_seconds + 59) // 60
    return ngettext(
        "Too many attempts. Wait %(n)d minute, then try again.",
        "Too many attempts. Wait %(n)d minutes, then try again.",
        minutes,
    ) % {"n": minutes}


def _pending_account(request: HttpRequest) -> Account | None:
    account_id = pending_account_id(request.session)
    if account_id is None:
        return None
    return Account.objects.filter(pk=account_id, is_active=True).first()


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    if current_account(request) is not None:
        # Already signed in (a second tab, the back button): nothing to restart.
        return HttpResponseRedirect(reverse("console:home"))
    clear_pending(request.session)
    flash(request, message, level="warning")
    return HttpResponseRedirect(reverse("console:sign-in"))


def complete_sign_in(request: HttpRequest, account: Account, *, method: str) -> str:
    """Turn the half-signed-in session into a verified one; return where to go next."""
    next_path = _safe_next(request, request.session.get(_NEXT))
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    mark_verified(request.session, account)
    request.session.pop(_NEXT, None)
    signin_flow.do_complete_sign_in(account=account, method=method)
    if method == METHOD_RECOVERY:
        left = len(account.recovery_codes)
        level = "warning" if left <= _FEW_CODES_LEFT else "info"
        flash(
            request,
            _("You used a recovery code. Recovery codes left: %(n)d.") % {"n": left},
            level=level,
        )
    return next_path


@console_public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: account name and password."""
    if current_account(request) is not None:
        return HttpResponseRedirect(_safe_next(request, request.GET.get("next")))
    form = SignInForm(request.POST or None)
    error = ""
    notice = ""
    if request.session.pop(IDLE_SIGNED_OUT, False):
        notice = _("You were signed out after a period without activity. Please sign in again.")
    if request.method == "POST" and form.is_valid():
        result = signin_flow.do_password_step(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            address=client_address(request),
        )
        if result.throttled:
            error = throttled_message(result.wait_seconds)
        elif result.account is None:
            error = _("The account name or the password is not right.")
        else:
            account = result.account
            # A new session key for the half-signed-in state (no fixation).
            request.session.cycle_key()
            start_pending(request.session, account)
            request.session[_NEXT] = _safe_next(
                request, request.POST.get("next") or request.GET.get("next")
            )
            if not account.totp_confirmed:
                # Only an account made before enrolment codes can get here (a new or
                # reset account has no usable password): it needs a code, not just this.
                flash(request, _("Set up your account with your enrolment code."), level="warning")
                return HttpResponseRedirect(reverse("console:enrol-code"))
            return HttpResponseRedirect(reverse("console:sign-in-code"))
        # Never send the password back into the page.
        form = SignInForm(initial={"username": form.cleaned_data.get("username", "")})
    elif request.method == "POST":
        error = _("Enter your account name and password.")
    return render(
        request,
        "console/auth/sign_in.html",
        {
            "form": form,
            "error": error,
            "notice": notice,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@console_public
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: a TOTP code, or a recovery code if the phone is lost."""
    account = _pending_account(request)
    if account is None:
        return _restart(request, _("Your sign-in took too long. Please start again."))
    if not account.totp_confirmed:
        return HttpResponseRedirect(reverse("console:enrol-code"))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = signin_flow.do_second_factor_step(
            account=account,
            code=form.cleaned_data["code"],
            address=client_address(request),
        )
        if result.throttled:
            return _restart(request, throttled_message(result.wait_seconds))
        if result.method is None:
            error = _(
                "That code is not right. Check that your phone's clock is correct, "
                "or use one of your recovery codes."
            )
            form = CodeForm()
        else:
            return HttpResponseRedirect(complete_sign_in(request, account, method=result.method))
    return render(request, "console/auth/sign_in_code.html", {"form": form, "error": error})


@console_public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End this session (POST only, so a link or image cannot sign anyone out)."""
    account = current_account(request)
    if account is not None:
        signin_flow.do_sign_out(account=account)
    logout(request)
    flash(request, _("You have signed out."), level="success")
    return HttpResponseRedirect(reverse("console:sign-in"))


@console_public
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the console between English and Ukrainian (cookie, and the account's
    preference when signed in)."""
    language = request.POST.get("language", "")
    target = _safe_next(request, request.POST.get("next"))
    response = HttpResponseRedirect(target)
    if language not in console_language_codes():
        return response
    account = current_account(request)
    if account is not None:
        domain.set_console_language(account=account, language=language)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        path="/console/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


@console_view(*ALL_ROLES)
@require_http_methods(["GET"])
def my_security(request: HttpRequest) -> HttpResponse:
    """The person's own page: password, recovery codes, sign out everywhere."""
    account = current_account(request)
    assert account is not None
    return render(
        request,
        "console/auth/my_security.html",
        {
            "account": account,
            "codes_left": len(account.recovery_codes),
            "code_form": TotpCodeForm(),
        },
    )


@console_view(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Change one's own password (required after an admin set it)."""
    account = current_account(request)
    assert account is not None
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not account.check_password(form.cleaned_data["current_password"]):
            form.add_error("current_password", _("This is not your current password."))
        else:
            try:
                domain.change_password(
                    account=account, new_password=form.cleaned_data["new_password"]
                )
            except ValidationError as exc:
                form.add_error("new_password", exc)
            else:
                # Keeps this session; every other session of the account ends.
                update_session_auth_hash(request, account)
                flash(request, _("Your password has been changed."), level="success")
                return HttpResponseRedirect(reverse("console:home"))
    return render(
        request,
        "console/auth/change_password.html",
        {"form": form, "required": account.must_change_password},
    )


change_password.console_allows_password_pending = True  # type: ignore[attr-defined]


@console_view(*ALL_ROLES)
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes; needs a current code from the app (not a recovery
    code), so a borrowed unlocked screen alone cannot mint new ones."""
    account = current_account(request)
    assert account is not None
    form = TotpCodeForm(request.POST)
    if form.is_valid() and domain.check_second_factor(
        account=account, code=form.cleaned_data["code"], allow_recovery=False
    ):
        codes = domain.regenerate_recovery_codes(account=account)
        return render(
            request,
            "console/auth/recovery_codes.html",
            {"codes": codes, "next": reverse("console:my-security"), "first_time": False},
        )
    flash(request, _("That code is not right. Enter the newest code from your app."), level="error")
    return HttpResponseRedirect(reverse("console:my-security"))


@console_view(*ALL_ROLES)
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this account, this one included."""
    account = current_account(request)
    assert account is not None
    domain.sign_out_everywhere(account=account)
    logout(request)
    flash(request, _("You have been signed out on every device."), level="success")
    return HttpResponseRedirect(reverse("console:sign-in"))
