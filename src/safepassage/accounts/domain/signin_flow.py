"""The sign-in flow as verbs: each step checks the throttle, does its work and counts a
failure, so the console view only turns forms into calls and results into pages.

One write function per verb (``do_*``), keyword-only arguments; each docstring names
its side effects.  Nothing here says whether an account name exists: an unknown name and
a wrong password give the same result after the same work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safepassage.accounts import throttle
from safepassage.accounts.domain.signin import (
    check_password_step,
    check_second_factor,
    normalise_username,
    record_sign_in,
    record_sign_in_failure_event,
)
from safepassage.accounts.models import Account
from safepassage.audit.chain import record_event


@dataclass(frozen=True)
class StepResult:
    """What one sign-in step came to.

    ``throttled``: nothing was checked because this account name or address must wait;
    ``wait_seconds`` says for how long (0 when unknown or not throttled).
    ``account``: the account that passed step one (password step only).
    ``method``: ``"totp"`` or ``"recovery"`` when a second factor passed.
    ``recovery_codes``: fresh codes when an enrolment was confirmed (shown once).
    ``request_id``: the approved access request an enrolment code belongs to.
    """

    ok: bool
    throttled: bool = False
    wait_seconds: int = 0
    account: Account | None = None
    method: str | None = None
    recovery_codes: list[str] = field(default_factory=list)
    request_id: int | None = None


def refused_by_throttle(username: str, address: str) -> StepResult | None:
    """A refusal if this account name or address must wait, else None."""
    wait = throttle.wait_seconds(username=username, address=address)
    if wait > 0:
        return StepResult(ok=False, throttled=True, wait_seconds=wait)
    return None


def do_record_sign_in_failure(*, username: str, address: str, step: str) -> None:
    """Count one failed step against the account name and the address.

    Side effects: throttle rows written (keyed hashes only; see ``throttle``); for an
    existing account, one ``account.sign_in_failed`` audit event and, when the
    account-wide count reaches the alert level, one ``account.sign_in_alert`` event.
    Unknown names leave no audit event: what was typed might be a password.
    """
    throttle.record_sign_in_failure(username=username, address=address)
    existing = Account.objects.filter(username=normalise_username(username)).first()
    if existing is not None:
        record_sign_in_failure_event(account=existing, step=step)
        throttle.raise_alert_if_due(account=existing)


def do_password_step(*, username: str, password: str, address: str) -> StepResult:
    """Step one: check the password unless the throttle says wait.

    Side effects: on failure, ``do_record_sign_in_failure``; on success, none (the
    sign-in completes only after the second factor).
    """
    refused = refused_by_throttle(username, address)
    if refused is not None:
        return refused
    account = check_password_step(username=username, password=password)
    if account is None:
        do_record_sign_in_failure(username=username, address=address, step="password")
        return StepResult(ok=False)
    return StepResult(ok=True, account=account)


def do_second_factor_step(*, account: Account, code: str, address: str) -> StepResult:
    """Step two: a TOTP code or a recovery code, unless the throttle says wait.

    Side effects: see ``check_second_factor`` (the TOTP step is remembered, a recovery
    code used up); on failure, ``do_record_sign_in_failure``.
    """
    refused = refused_by_throttle(account.username, address)
    if refused is not None:
        return refused
    method = check_second_factor(account=account, code=code)
    if method is None:
        do_record_sign_in_failure(username=account.username, address=address, step="code")
        return StepResult(ok=False)
    return StepResult(ok=True, account=account, method=method)


def do_complete_sign_in(*, account: Account, method: str) -> None:
    """Record a completed two-step sign-in.

    Side effects: the account's failures are forgotten (the address's stay: one success
    must not reset a guesser's budget); one ``account.signed_in`` event.
    """
    throttle.clear_account_failures(account.username)
    record_sign_in(account=account, method=method)


def do_sign_out(*, account: Account) -> None:
    """Record that ``account`` signed out of one session (the caller ends the session).

    Side effect: one ``account.signed_out`` event.
    """
    record_event(
        "account.signed_out", actor=account, object_type="account", object_ref=account.username
    )
