"""Grants of access under the two-person rule (issue 12): request, approve, refuse.

An admin *requests* a new account, a wider role or more languages, a reset of someone's
sign-in, or a re-activation; nothing changes until a second person who may approve it
(``accounts.rules``) does.  Every step writes one audit event naming the request; the
event holds identifiers and codes, never a code half or a password.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import rules
from safepassage.accounts.domain.accounts_common import (
    USERNAME_PATTERN,
    audit_account,
    clean_languages,
)
from safepassage.accounts.domain.enrolment_codes import (
    APPROVER,
    REQUESTER,
    enrolment_lifetime,
    hash_half,
    new_half,
)
from safepassage.accounts.domain.errors import AccountError
from safepassage.accounts.domain.signin import normalise_username
from safepassage.accounts.models import AccessRequest, Account, Role
from safepassage.audit.chain import record_event

Kind = AccessRequest.Kind
Status = AccessRequest.Status
# Kinds whose approval hands the holder an enrolment code.
ENROLMENT_KINDS = frozenset({Kind.CREATE, Kind.RESET_SIGN_IN})


def _require_requester(by: Account) -> None:
    if not rules.may_request(by):
        raise PermissionError("only an active admin may request grants of access")


def _audit_request(action: str, *, by: Account, request: AccessRequest) -> None:
    detail: dict[str, Any] = {"request": request.pk, "kind": request.kind}
    for key in ("role", "languages"):
        if key in request.payload:
            detail[key] = request.payload[key]
    record_event(
        action, actor=by, object_type="account", object_ref=request.username, detail=detail
    )


def _pending_exists(*, username: str, kind: str) -> bool:
    return AccessRequest.objects.filter(
        username=username, kind=kind, status=Status.PENDING
    ).exists()


def _new_request(
    *, by: Account, kind: str, username: str, account: Account | None, payload: dict[str, Any]
) -> tuple[AccessRequest, str]:
    """Store a pending request (caller holds a transaction); returns it and, for the
    enrolment kinds, the requester's half of the code (else an empty string)."""
    if _pending_exists(username=username, kind=kind):
        raise AccountError(_("The same request is already waiting for approval."))
    request = AccessRequest.objects.create(
        kind=kind,
        account=account,
        username=username,
        payload=payload,
        requested_by=by,
        requested_at=timezone.now(),
    )
    half = ""
    if kind in ENROLMENT_KINDS:
        half = new_half()
        request.requester_code_hash = hash_half(request, REQUESTER, half)
        request.save(update_fields=["requester_code_hash"])
    _audit_request("access.requested", by=by, request=request)
    return request, half


def request_new_account(
    *, by: Account, username: str, display_name: str, role: str, languages: list[str]
) -> tuple[AccessRequest, str]:
    """Ask for a new account; returns the request and the requester's half of the
    enrolment code (to give to the person, once).

    The account does not exist until approved.  Raises AccountError for a taken or
    malformed name, an unknown role or language.  Side effect: ``access.requested`` event.
    """
    _require_requester(by)
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise AccountError(_("Use 2–32 lower-case letters, digits, dots, dashes or underscores."))
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    payload = {
        "role": role,
        "languages": clean_languages(languages),
        "display_name": display_name.strip() or username,
    }
    with transaction.atomic():
        if Account.objects.filter(username=username).exists():
            raise AccountError(_("An account with this name already exists."))
        return _new_request(
            by=by, kind=Kind.CREATE, username=username, account=None, payload=payload
        )


def request_grant(
    *, by: Account, account: Account, role: str, languages: list[str]
) -> AccessRequest:
    """Ask for a wider role or more languages for ``account`` (the full new set).

    Side effect: ``access.requested`` event.  An admin cannot ask for its own role to
    change (it could lock the programme out of account management).
    """
    _require_requester(by)
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    if account.pk == by.pk and role != account.role:
        raise AccountError(_("You cannot change your own role."))
    payload = {"role": role, "languages": clean_languages(languages)}
    with transaction.atomic():
        request, _half = _new_request(
            by=by, kind=Kind.GRANT, username=account.username, account=account, payload=payload
        )
    return request


def request_sign_in_reset(*, by: Account, account: Account) -> tuple[AccessRequest, str]:
    """Ask for ``account``'s password and second factor to be reset (a lost phone, a
    forgotten password); returns the request and the requester's code half.

    Nothing changes until approved: the person keeps signing in as before.  Side effect:
    ``access.requested`` event.
    """
    _require_requester(by)
    with transaction.atomic():
        return _new_request(
            by=by,
            kind=Kind.RESET_SIGN_IN,
            username=account.username,
            account=account,
            payload={},
        )


def request_reactivation(*, by: Account, account: Account) -> AccessRequest:
    """Ask for a deactivated account to be re-activated.  Side effect: ``access.requested``."""
    _require_requester(by)
    if account.is_active:
        raise AccountError(_("This account is active."))
    with transaction.atomic():
        request, _half = _new_request(
            by=by, kind=Kind.REACTIVATE, username=account.username, account=account, payload={}
        )
    return request


def _apply(request: AccessRequest, *, by: Account) -> None:
    """Carry out an approved request (inside the approval's transaction)."""
    payload = request.payload
    if request.kind == Kind.CREATE:
        if Account.objects.filter(username=request.username).exists():
            raise AccountError(_("An account with this name already exists."))
        account = Account(
            username=request.username,
            display_name=str(payload.get("display_name") or request.username),
            role=str(payload["role"]),
            languages=list(payload.get("languages", [])),
        )
        # Nobody knows a password for it: the holder chooses one when enrolling.
        account.set_unusable_password()
        account.save()
        request.account = account
        audit_account(
            "account.created",
            by=by,
            account=account,
            detail={"role": account.role, "languages": account.languages},
        )
        return
    assert request.account_id is not None  # only a new-account request has none
    account = Account.objects.select_for_update().get(pk=request.account_id)
    if request.kind == Kind.GRANT:
        account.role = str(payload["role"])
        account.languages = list(payload.get("languages", []))
        account.save(update_fields=["role", "languages"])
        audit_account(
            "account.updated",
            by=by,
            account=account,
            detail={"role": account.role, "languages": account.languages},
        )
    elif request.kind == Kind.RESET_SIGN_IN:
        account.set_unusable_password()
        account.totp_secret = None
        account.totp_confirmed = False
        account.totp_last_step = None
        account.recovery_codes = []
        account.must_change_password = False
        account.session_generation += 1
        account.save()
        audit_account("account.sign_in_reset", by=by, account=account)
    elif request.kind == Kind.REACTIVATE:
        account.is_active = True
        account.session_generation += 1
        account.save(update_fields=["is_active", "session_generation"])
        audit_account("account.reactivated", by=by, account=account)


def approve_request(*, by: Account, request: AccessRequest) -> str:
    """Approve ``request`` and carry it out; returns the approver's half of the enrolment
    code for a new account or a reset (to give to the person, once), else "".

    Raises PermissionError if ``by`` may not approve it (its own request, a grant to
    itself, a role it may not approve).  Side effects: the change itself with its
    ``account.*`` event, then one ``access.approved`` event.
    """
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if not rules.may_approve(by, locked):
            raise PermissionError("this account may not approve this request")
        _apply(locked, by=by)
        now = timezone.now()
        locked.status = Status.APPROVED
        locked.decided_by = by
        locked.decided_at = now
        half = ""
        if locked.kind in ENROLMENT_KINDS:
            half = new_half()
            locked.approver_code_hash = hash_half(locked, APPROVER, half)
            locked.enrolment_expires_at = now + enrolment_lifetime()
        locked.save()
        _audit_request("access.approved", by=by, request=locked)
    request.refresh_from_db()
    return half


def refuse_request(*, by: Account, request: AccessRequest) -> None:
    """Refuse ``request`` (an approver) or withdraw it (its requester); nothing changes.

    Side effect: one ``access.refused`` event.
    """
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        withdrawing = locked.requested_by_id == by.pk and by.is_active
        if locked.status != Status.PENDING or not (withdrawing or rules.may_approve(by, locked)):
            raise PermissionError("this account may not refuse this request")
        locked.status = Status.REFUSED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _audit_request("access.refused", by=by, request=locked)
    request.refresh_from_db()


def pending_for(approver: Account) -> list[AccessRequest]:
    """Pending requests ``approver`` may decide, oldest first."""
    pending = (
        AccessRequest.objects.filter(status=Status.PENDING)
        .select_related("account", "requested_by")
        .order_by("requested_at")
    )
    return [request for request in pending if rules.may_approve(approver, request)]
