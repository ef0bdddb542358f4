"""What an admin does to accounts.  Every function here writes one audit event.

An admin manages accounts but never reads cases; nothing here touches a case.  Each
function re-checks that ``by`` is an admin, so a view that forgets a rule still cannot
make a non-admin change accounts.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.domain.errors import AccountError
from safepassage.accounts.domain.signin import new_initial_password, normalise_username
from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def case_languages() -> list[str]:
    """Language codes a case (and so an operator) can have: the public languages."""
    return [code for code, _name in settings.PUBLIC_LANGUAGES]


def _require_admin(by: Account) -> None:
    if by.role != Role.ADMIN or not by.is_active:
        raise PermissionError("only an active admin may manage accounts")


def _audit(
    action: str, *, by: Account, account: Account, detail: dict[str, Any] | None = None
) -> None:
    record_event(
        action, actor=by, object_type="account", object_ref=account.username, detail=detail
    )


def _clean_languages(languages: list[str]) -> list[str]:
    known = case_languages()
    unknown = [code for code in languages if code not in known]
    if unknown:
        raise AccountError(_("Unknown language code."))
    return [code for code in known if code in languages]


def create_account(
    *,
    by: Account,
    username: str,
    display_name: str,
    role: str,
    languages: list[str],
) -> tuple[Account, str]:
    """Create an account and return it with its initial password (to hand over once).

    The person must replace the password and enrol TOTP at first sign-in.  Raises
    AccountError for a taken or malformed name.  Side effect: ``account.created`` event.
    """
    _require_admin(by)
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise AccountError(_("Use 2–32 lower-case letters, digits, dots, dashes or underscores."))
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    clean = _clean_languages(languages)
    password = new_initial_password()
    with transaction.atomic():
        if Account.objects.filter(username=username).exists():
            raise AccountError(_("An account with this name already exists."))
        account = Account.objects.create_account(
            username, password, role=role, languages=clean, display_name=display_name.strip()
        )
        account.must_change_password = True
        account.save(update_fields=["must_change_password"])
        _audit("account.created", by=by, account=account, detail={"role": role, "languages": clean})
    return account, password


def update_account(
    *, by: Account, account: Account, display_name: str, role: str, languages: list[str]
) -> None:
    """Change an account's name shown, role and languages.

    An admin cannot change its own role (it could lock the programme out of account
    management).  Side effect: ``account.updated`` event naming what changed.
    """
    _require_admin(by)
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    if account.pk == by.pk and role != account.role:
        raise AccountError(_("You cannot change your own role."))
    clean = _clean_languages(languages)
    changed: dict[str, Any] = {}
    if role != account.role:
        changed["role"] = [account.role, role]
    if set(clean) != set(account.languages):
        changed["languages"] = [list(account.languages), clean]
    if display_name.strip() != account.display_name:
        changed["display_name"] = True
    if not changed:
        return
    with transaction.atomic():
        account.role = role
        account.languages = clean
        account.display_name = display_name.strip() or account.username
        account.save(update_fields=["role", "languages", "display_name"])
        _audit("account.updated", by=by, account=account, detail=changed)


def set_account_active(*, by: Account, account: Account, active: bool) -> None:
    """Deactivate (or reactivate) an account.

    Deactivating ends its sessions at once and releases nothing else: its cases stay
    assigned for a supervisor to reassign.  An admin cannot deactivate itself.  Side
    effect: ``account.deactivated`` or ``account.reactivated`` event.
    """
    _require_admin(by)
    if account.pk == by.pk and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if account.is_active == active:
        return
    with transaction.atomic():
        account.is_active = active
        account.session_generation += 1
        if not active:
            account.on_shift = False
        account.save(update_fields=["is_active", "session_generation", "on_shift"])
        _audit("account.reactivated" if active else "account.deactivated", by=by, account=account)


def reset_totp(*, by: Account, account: Account) -> None:
    """Remove an account's TOTP and recovery codes (a lost phone).

    The person enrols again at next sign-in; their sessions end now.  Side effect:
    ``account.totp_reset`` event.
    """
    _require_admin(by)
    with transaction.atomic():
        account.totp_secret = None
        account.totp_confirmed = False
        account.totp_last_step = None
        account.recovery_codes = []
        account.session_generation += 1
        account.save(
            update_fields=[
                "totp_secret",
                "totp_confirmed",
                "totp_last_step",
                "recovery_codes",
                "session_generation",
            ]
        )
        _audit("account.totp_reset", by=by, account=account)


def reset_password(*, by: Account, account: Account) -> str:
    """Give an account a new random password (returned once) that must be replaced.

    Side effects: sessions end; ``account.password_reset`` event.
    """
    _require_admin(by)
    password = new_initial_password()
    with transaction.atomic():
        account.set_password(password)
        account.must_change_password = True
        account.session_generation += 1
        account.save(update_fields=["password", "must_change_password", "session_generation"])
        _audit("account.password_reset", by=by, account=account)
    return password


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
        _audit("account.on_shift_changed", by=by, account=account, detail={"on_shift": on_shift})
