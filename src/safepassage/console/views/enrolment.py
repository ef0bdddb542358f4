"""Enrolling with an enrolment code (issue 12): the holder of a new or reset account
gives the two halves of the code, then chooses their own password and adds the console
to their authenticator app.  Nobody else ever sees either.

Nothing on these pages says whether an account name exists or has an enrolment: a
wrong name, a wrong half and an expired code get the same answer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts import domain, totp
from safepassage.accounts.domain import enrolment
from safepassage.accounts.models import Account
from safepassage.accounts.sessions import (
    clear_enrolment,
    pending_enrolment,
    start_enrolment,
)
from safepassage.console.access import console_public, current_account
from safepassage.console.account_forms import EnrolForm, EnrolmentCodeForm
from safepassage.console.flash import flash
from safepassage.console.views.auth import complete_sign_in, throttled_message
from safepassage.security.addresses import client_address


@console_public
@require_http_methods(["GET", "POST"])
def enrol_code(request: HttpRequest) -> HttpResponse:
    """Step one: account name and both halves of the enrolment code."""
    if current_account(request) is not None:
        return HttpResponseRedirect(reverse("console:home"))
    form = EnrolmentCodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = enrolment.do_enrolment_code_step(
            username=data["username"],
            first_half=data["first_half"],
            second_half=data["second_half"],
            address=client_address(request),
        )
        if result.throttled:
            error = throttled_message(result.wait_seconds)
        elif result.account is None or result.request_id is None:
            error = _("The account name or the enrolment code is not right, or the code expired.")
        else:
            # A new session key for the half-enrolled state (no fixation).
            request.session.cycle_key()
            start_enrolment(request.session, result.account, result.request_id)
            return HttpResponseRedirect(reverse("console:enrol"))
        # Never send the code halves back into the page.
        form = EnrolmentCodeForm(initial={"username": data.get("username", "")})
    elif request.method == "POST":
        error = _("Enter your account name and both halves of the enrolment code.")
    return render(request, "console/auth/enrol_code.html", {"form": form, "error": error})


def _enrolling(request: HttpRequest) -> tuple[Account, int] | None:
    pending = pending_enrolment(request.session)
    if pending is None:
        return None
    account = Account.objects.filter(pk=pending[0], is_active=True).first()
    return (account, pending[1]) if account is not None else None


@console_public
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Step two: the holder's own password, and the console added to their app.

    On success the recovery codes are shown in this response, once; they are never
    stored in the clear and cannot be shown again.
    """
    enrolling = _enrolling(request)
    if enrolling is None:
        if current_account(request) is not None:
            return HttpResponseRedirect(reverse("console:home"))
        clear_enrolment(request.session)
        flash(request, _("Start with your account name and enrolment code."), level="warning")
        return HttpResponseRedirect(reverse("console:enrol-code"))
    account, request_id = enrolling
    if account.totp_confirmed:
        # Finished in another tab; nothing more to do here.
        clear_enrolment(request.session)
        return HttpResponseRedirect(reverse("console:sign-in"))
    form = EnrolForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = enrolment.do_enrol(
                account=account,
                request_id=request_id,
                password=form.cleaned_data["new_password"],
                code=form.cleaned_data["code"],
                address=client_address(request),
            )
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            if result.throttled:
                error = throttled_message(result.wait_seconds)
            elif not result.ok:
                error = _("That code is not right. Scan the code again and enter the newest code.")
            else:
                clear_enrolment(request.session)
                next_path = complete_sign_in(request, account, method="totp")
                return render(
                    request,
                    "console/auth/recovery_codes.html",
                    {"codes": result.recovery_codes, "next": next_path, "first_time": True},
                )
    secret = domain.begin_totp_enrolment(account=account)
    uri = totp.provisioning_uri(account, secret)
    return render(
        request,
        "console/auth/enrol.html",
        {
            "form": form,
            "error": error,
            "qr": totp.qr_code_data_uri(uri),
            "secret": totp.group_secret(secret),
        },
    )
