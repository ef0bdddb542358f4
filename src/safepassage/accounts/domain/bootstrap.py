"""The first two admins of a new deployment: the one grant of access with no approver.

Every later grant needs a second person (``approvals``), so a fresh database needs two
people who can approve each other.  ``bootstrap_admins`` creates exactly two admin
accounts, only while no account exists at all, each with an approved enrolment code
whose halves are printed once by ``safepassage accounts bootstrap``.  Nobody knows a
password: each admin chooses their own with the code, as any new account does.  The two
requests name each other as requester, so the record shows who vouched for whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.domain.accounts_common import USERNAME_PATTERN
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


@dataclass(frozen=True)
class BootstrapCode:
    """One admin's enrolment code, both halves (shown once, never stored)."""

    username: str
    first_half: str
    second_half: str


def bootstrap_admins(usernames: list[str]) -> list[BootstrapCode]:
    """Create the deployment's first two admins; returns their enrolment codes.

    Raises AccountError unless exactly two distinct, well-formed names are given and no
    account exists yet.  Side effects: two accounts without a usable password, two
    approved access requests, ``account.created`` and ``access.bootstrapped`` events.
    """
    names = [normalise_username(name) for name in usernames]
    if len(names) != 2 or names[0] == names[1]:
        raise AccountError("give exactly two different account names (two people)")
    for name in names:
        if not USERNAME_PATTERN.match(name):
            raise AccountError(
                f"{name!r} is not an account name: 2–32 lower-case letters, digits, . _ -"
            )
    now = timezone.now()
    codes: list[BootstrapCode] = []
    with transaction.atomic():
        if Account.objects.select_for_update().exists():
            raise AccountError(
                "accounts exist already: new access goes through the two-person rule"
            )
        admins = []
        for name in names:
            admin = Account(username=name, display_name=name, role=Role.ADMIN, languages=[])
            admin.set_unusable_password()
            admin.save()
            admins.append(admin)
        for admin, other in ((admins[0], admins[1]), (admins[1], admins[0])):
            request = AccessRequest.objects.create(
                kind=AccessRequest.Kind.CREATE,
                status=AccessRequest.Status.APPROVED,
                account=admin,
                username=admin.username,
                payload={"role": Role.ADMIN, "languages": [], "bootstrap": True},
                requested_by=other,
                requested_at=now,
                decided_at=now,
                enrolment_expires_at=now + enrolment_lifetime(),
            )
            first, second = new_half(), new_half()
            request.requester_code_hash = hash_half(request, REQUESTER, first)
            request.approver_code_hash = hash_half(request, APPROVER, second)
            request.save(update_fields=["requester_code_hash", "approver_code_hash"])
            record_event(
                "account.created",
                object_type="account",
                object_ref=admin.username,
                detail={"role": Role.ADMIN, "languages": [], "bootstrap": True},
            )
            record_event(
                "access.bootstrapped",
                object_type="account",
                object_ref=admin.username,
                detail={"request": request.pk, "vouched_by": other.username},
            )
            codes.append(BootstrapCode(admin.username, first, second))
    return codes
