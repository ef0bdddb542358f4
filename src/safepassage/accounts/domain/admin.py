"""What an admin does to accounts directly.  Every function here writes one audit event.

Only what *narrows* access happens at once: deactivating, removing a language, the name
shown, the shift.  Whatever widens it — a new account, a role, a language, a reset of
someone's sign-in, a re-activation — becomes a request that a second person approves
(``accounts.domain.approvals``, issue 12).  An admin manages accounts but never reads
cases; nothing here touches a case.  Each function re-checks that ``by`` is an active
admin, so a view that forgets a rule still cannot make a non-admin change accounts.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.domain.accounts_common import audit_account, clean_languages
from safepassage.accounts.domain.approvals import request_grant
from safepassage.accounts.domain.errors import AccountError
from safepassage.accounts.models import AccessRequest, Account, Role


def _require_admin(by: Account) -> None:
    if by.role != Role.ADMIN or not by.is_active:
        raise PermissionError("only an active admin may manage accounts")


def update_account(
    *, by: Account, account: Account, display_name: str, role: str, languages: list[str]
) -> AccessRequest | None:
    """Change an account's name shown, role and languages.

    The name and any removed language change at once (``account.updated`` event); a
    new role or an added language becomes a request for approval, returned (its
    ``access.requested`` event).  An admin cannot change its own role.
    """
    _require_admin(by)
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    if account.pk == by.pk and role != account.role:
        raise AccountError(_("You cannot change your own role."))
    clean = clean_languages(languages)
    kept = [code for code in account.languages if code in clean]
    widens = role != account.role or any(code not in account.languages for code in clean)
    changed: dict[str, Any] = {}
    if kept != list(account.languages):
        changed["languages"] = [list(account.languages), kept]
    name = display_name.strip() or account.username
    if name != account.display_name:
        changed["display_name"] = True
    with transaction.atomic():
        if changed:
            account.languages = kept
            account.display_name = name
            account.save(update_fields=["languages", "display_name"])
            audit_account("account.updated", by=by, account=account, detail=changed)
        if widens:
            return request_grant(by=by, account=account, role=role, languages=clean)
    return None


def deactivate_account(*, by: Account, account: Account) -> None:
    """Deactivate an account (re-activating it needs a second person).

    Ends its sessions at once and releases nothing else: its cases stay assigned for a
    supervisor to reassign.  An admin cannot deactivate itself.  Side effect:
    ``account.deactivated`` event.
    """
    _require_admin(by)
    if account.pk == by.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if not account.is_active:
        return
    with transaction.atomic():
        account.is_active = False
        account.session_generation += 1
        account.on_shift = False
        account.save(update_fields=["is_active", "session_generation", "on_shift"])
        audit_account("account.deactivated", by=by, account=account)


def set_on_shift(*, by: Account, account: Account, on_shift: bool) -> None:
    """Mark an account on or off shift (the supervisor view counts language coverage).

    Side effect: ``account.on_shift_changed`` event.
    """
    _require_admin(by)
    if account.on_shift == on_shift:
        return
    if on_shift and not account.is_active:
        raise AccountError(_("A deactivated account cannot be on shift."))
    with transaction.atomic():
        account.on_shift = on_shift
        account.save(update_fields=["on_shift"])
        audit_account(
            "account.on_shift_changed", by=by, account=account, detail={"on_shift": on_shift}
        )
