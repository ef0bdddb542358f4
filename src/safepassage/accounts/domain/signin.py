"""The sign-in steps and what a signed-in person may change about their own account."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from safepassage.accounts import recovery, totp
from safepassage.accounts.models import Account
from safepassage.audit.chain import record_event

METHOD_TOTP = "totp"
METHOD_RECOVERY = "recovery"


def normalise_username(username: str) -> str:
    """Account names are compared lower-case and without surrounding spaces."""
    return username.strip().lower()


def check_password_step(*, username: str, password: str) -> Account | None:
    """Step one: the active account with this name and password, or None.

    Constant-ish time: Django's backend hashes the password even for an unknown name,
    and an inactive account costs the same as an active one.  Side effects: none (the
    caller records failures for throttling).
    """
    user = authenticate(None, username=normalise_username(username), password=password)
    if not isinstance(user, Account) or not user.is_active:
        return None
    return user


def check_second_factor(*, account: Account, code: str, allow_recovery: bool = True) -> str | None:
    """Step two: accept a current TOTP code or (if allowed) an unused recovery code.

    Returns the method used (``"totp"`` or ``"recovery"``) or None.  Side effects: the
    TOTP step is remembered so the same code cannot be replayed; a recovery code is
    removed so it works once.  Both under a row lock, so two concurrent submissions of
    one code cannot both succeed.
    """
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if not locked.totp_confirmed:
            return None
        if allow_recovery and recovery.looks_like_recovery_code(code):
            index = recovery.find_matching(list(locked.recovery_codes), code)
            if index is None:
                return None
            remaining = list(locked.recovery_codes)
            del remaining[index]
            locked.recovery_codes = remaining
            locked.save(update_fields=["recovery_codes"])
            account.recovery_codes = remaining
            return METHOD_RECOVERY
        secret = totp.open_secret(locked)
        step = totp.matching_step(secret, code) if secret else None
        if step is None or (locked.totp_last_step is not None and step <= locked.totp_last_step):
            return None
        locked.totp_last_step = step
        locked.save(update_fields=["totp_last_step"])
        account.totp_last_step = step
        return METHOD_TOTP


def record_sign_in(*, account: Account, method: str) -> None:
    """Audit a completed sign-in.  Side effect: one ``account.signed_in`` event."""
    record_event(
        "account.signed_in",
        actor=account,
        object_type="account",
        object_ref=account.username,
        detail={"method": method, "recovery_codes_left": len(account.recovery_codes)},
    )


def record_sign_in_failure_event(*, account: Account, step: str) -> None:
    """Audit a failed step for an existing account (unknown names are not recorded:
    what was typed might be a password in the wrong box)."""
    record_event(
        "account.sign_in_failed",
        actor=None,
        object_type="account",
        object_ref=account.username,
        detail={"step": step},
    )


def begin_totp_enrolment(*, account: Account) -> str:
    """The secret to enrol, creating (and storing sealed) a new one if there is none.

    Reopening the page keeps the same secret, so a person who scanned it already is not
    left with a wrong one.  Refuses an account whose TOTP is already confirmed.
    """
    if account.totp_confirmed:
        raise ValueError("TOTP is already enrolled for this account")
    existing = totp.open_secret(account)
    if existing:
        return existing
    secret = totp.new_secret()
    account.totp_secret = totp.seal_secret(secret)
    account.totp_last_step = None
    account.save(update_fields=["totp_secret", "totp_last_step"])
    return secret


def confirm_totp_enrolment(*, account: Account, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app; returns fresh recovery codes or None.

    Side effects on success: TOTP marked confirmed, the step used remembered, ten
    recovery codes stored as hashes (the plain codes are returned once and never
    stored), one ``account.totp_enrolled`` audit event.
    """
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        secret = totp.open_secret(locked)
        if locked.totp_confirmed or secret is None:
            return None
        step = totp.matching_step(secret, code)
        if step is None:
            return None
        codes = recovery.new_codes()
        locked.totp_confirmed = True
        locked.totp_last_step = step
        locked.recovery_codes = [recovery.hash_code(c) for c in codes]
        locked.save(update_fields=["totp_confirmed", "totp_last_step", "recovery_codes"])
        record_event(
            "account.totp_enrolled",
            actor=locked,
            object_type="account",
            object_ref=locked.username,
        )
    account.refresh_from_db()
    return codes


def regenerate_recovery_codes(*, account: Account) -> list[str]:
    """Replace all recovery codes with ten new ones and return them (shown once).

    Side effects: old codes stop working; one ``account.recovery_codes_regenerated`` event.
    """
    codes = recovery.new_codes()
    with transaction.atomic():
        account.recovery_codes = [recovery.hash_code(c) for c in codes]
        account.save(update_fields=["recovery_codes"])
        record_event(
            "account.recovery_codes_regenerated",
            actor=account,
            object_type="account",
            object_ref=account.username,
        )
    return codes


def sign_out_everywhere(*, account: Account) -> None:
    """End every session of ``account``, on every device.

    Side effects: ``session_generation`` bumped (the console middleware ends sessions
    that started under an older value); one ``account.signed_out_everywhere`` event.
    """
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        locked.session_generation += 1
        locked.save(update_fields=["session_generation"])
        account.session_generation = locked.session_generation
        record_event(
            "account.signed_out_everywhere",
            actor=account,
            object_type="account",
            object_ref=account.username,
        )


def change_password(*, account: Account, new_password: str) -> None:
    """Set a new password chosen by the person themselves.

    Raises django's ValidationError (translated messages) if the password is too weak.
    Side effects: ``must_change_password`` cleared; one ``account.password_changed``
    event.  Django's session hash changes with the password, so other sessions end; the
    caller keeps the current one with ``update_session_auth_hash``.
    """
    validate_password(new_password, user=account)
    with transaction.atomic():
        account.set_password(new_password)
        account.must_change_password = False
        account.save(update_fields=["password", "must_change_password"])
        record_event(
            "account.password_changed",
            actor=account,
            object_type="account",
            object_ref=account.username,
        )


def set_console_language(*, account: Account, language: str) -> None:
    """Remember the console language the person chose (no audit: not a security fact)."""
    account.console_language = language
    account.save(update_fields=["console_language"])
