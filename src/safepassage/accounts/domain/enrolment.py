"""Enrolling with an enrolment code: the holder of a new or reset account chooses their
own password and adds the console to their authenticator app (issue 12).

Two steps, like signing in: the account name with both halves of the code (throttled
and counted like a password), then the new password and a code from the app.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from safepassage.accounts.domain.accounts_common import audit_account
from safepassage.accounts.domain.approvals import ENROLMENT_KINDS
from safepassage.accounts.domain.enrolment_codes import halves_match
from safepassage.accounts.domain.signin import confirm_totp_enrolment, normalise_username
from safepassage.accounts.domain.signin_flow import (
    StepResult,
    do_record_sign_in_failure,
    refused_by_throttle,
)
from safepassage.accounts.models import AccessRequest, Account


def open_enrolment(username: str) -> AccessRequest | None:
    """The approved, unused, unexpired enrolment for this account name, if any (the
    newest: a later reset supersedes an earlier code)."""
    request = (
        AccessRequest.objects.filter(
            username=normalise_username(username),
            kind__in=ENROLMENT_KINDS,
            status=AccessRequest.Status.APPROVED,
        )
        .select_related("account")
        .order_by("-decided_at")
        .first()
    )
    if (
        request is None
        or request.enrolled_at is not None
        or request.enrolment_expires_at is None
        or request.enrolment_expires_at <= timezone.now()
        or request.account is None
        or not request.account.is_active
    ):
        return None
    return request


def do_enrolment_code_step(
    *, username: str, first_half: str, second_half: str, address: str
) -> StepResult:
    """Step one of enrolling: the account name and both code halves.

    Returns the account and the request id on success.  Side effects: none on success;
    on failure ``do_record_sign_in_failure`` (step ``enrolment_code``), the same whether
    the name exists, has no enrolment, or the code is wrong.
    """
    refused = refused_by_throttle(username, address)
    if refused is not None:
        return refused
    request = open_enrolment(username)
    if request is None or not halves_match(request, first_half, second_half):
        do_record_sign_in_failure(username=username, address=address, step="enrolment_code")
        return StepResult(ok=False)
    return StepResult(ok=True, account=request.account, request_id=request.pk)


def do_enrol(
    *, account: Account, request_id: int, password: str, code: str, address: str
) -> StepResult:
    """Step two: set the holder's own password and confirm their authenticator app.

    Raises django's ValidationError (translated) for a weak password before anything
    else is checked.  Side effects on success, in one transaction: the password set,
    TOTP confirmed with fresh recovery codes (``account.totp_enrolled``), the enrolment
    used up, one ``account.enrolled`` event.  On a wrong code,
    ``do_record_sign_in_failure`` (step ``enrolment``).
    """
    validate_password(password, user=account)
    refused = refused_by_throttle(account.username, address)
    if refused is not None:
        return refused
    with transaction.atomic():
        request = (
            AccessRequest.objects.select_for_update()
            .filter(pk=request_id, account=account, enrolled_at__isnull=True)
            .first()
        )
        if request is None or open_enrolment(account.username) != request:
            return StepResult(ok=False)
        codes = confirm_totp_enrolment(account=account, code=code)
        if codes is None:
            failed = True
        else:
            failed = False
            account.set_password(password)
            account.must_change_password = False
            account.save(update_fields=["password", "must_change_password"])
            request.enrolled_at = timezone.now()
            request.save(update_fields=["enrolled_at"])
            audit_account("account.enrolled", by=account, account=account)
    if failed:
        do_record_sign_in_failure(username=account.username, address=address, step="enrolment")
        return StepResult(ok=False)
    return StepResult(ok=True, account=account, method="totp", recovery_codes=codes or [])
