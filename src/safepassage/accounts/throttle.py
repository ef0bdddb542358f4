"""Throttling failed sign-ins: per-address backoff, a high account-wide limit, an alert.

An outsider who knows an account name must not be able to lock its owner out (issue 14),
so the tight limits are on the *address* a guesser types from, and the account-wide
limit is high and raises an alert to supervisors well before it bites:

- **Address backoff.**  The first ``FREE`` failures from an address in the window cost
  nothing; after that each attempt must wait ``BASE`` seconds doubled per further
  failure (1, 2, 4 … capped at the window) since the address's last failure, and at
  ``ADDRESS_LIMIT`` failures the address waits for the window to pass.  A refused attempt
  checks nothing and counts nothing, so hammering buys no attempts.
- **Account limit.**  ``ACCOUNT_LIMIT`` failures for one account name in the window, from
  any number of addresses, stop all attempts for it (only a spread-out attack gets there;
  one address is slowed long before).  At ``ACCOUNT_ALERT`` failures an audited alert
  goes to supervisors, once per window.

A failure at either step (password, then code) counts.  Refusals read the same whether
the account exists or not.  Limits are settings; the defaults are in docs/decisions.md.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from safepassage.accounts.models import Account, SignInFailure
from safepassage.audit.chain import record_event
from safepassage.audit.models import AuditEvent

DEFAULT_ADDRESS_FREE = 3
DEFAULT_BACKOFF_BASE_SECONDS = 1
DEFAULT_ADDRESS_LIMIT = 20
DEFAULT_ACCOUNT_ALERT = 10
DEFAULT_ACCOUNT_LIMIT = 100
DEFAULT_WINDOW_MINUTES = 15
ALERT_ACTION = "account.sign_in_alert"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window() -> timedelta:
    """How far back failures count."""
    return timedelta(minutes=_setting("SAFEPASSAGE_SIGNIN_WINDOW_MINUTES", DEFAULT_WINDOW_MINUTES))


def _key(kind: str, value: str) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def account_key(username: str) -> str:
    """Throttle key for a typed account name (case-insensitive, as sign-in is)."""
    return _key("account", username.strip().casefold())


def address_key(address: str) -> str:
    """Throttle key for a client address."""
    return _key("ip", address)


def _recent(key: str, since: datetime) -> tuple[int, datetime | None, datetime | None]:
    """Count, oldest and newest failure time for ``key`` since ``since`` (one query)."""
    row = SignInFailure.objects.filter(key=key, created_at__gte=since).aggregate(
        count=Count("id"), oldest=Min("created_at"), newest=Max("created_at")
    )
    return int(row["count"]), row["oldest"], row["newest"]


def account_failures(username: str) -> int:
    """Failures for this account name within the window."""
    since = timezone.now() - window()
    return SignInFailure.objects.filter(key=account_key(username), created_at__gte=since).count()


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, int((moment - now).total_seconds() + 0.999))


def _address_wait(address: str, now: datetime) -> int:
    count, oldest, newest = _recent(address_key(address), now - window())
    free = _setting("SAFEPASSAGE_SIGNIN_ADDRESS_FREE", DEFAULT_ADDRESS_FREE)
    if newest is None or oldest is None:
        return 0
    if count >= _setting("SAFEPASSAGE_SIGNIN_ADDRESS_LIMIT", DEFAULT_ADDRESS_LIMIT):
        return max(1, _seconds_until(oldest + window(), now))
    if count < free:
        return 0
    base = _setting("SAFEPASSAGE_SIGNIN_BACKOFF_BASE_SECONDS", DEFAULT_BACKOFF_BASE_SECONDS)
    # min() before the power: the exponent is bounded by the address limit anyway.
    delay = min(timedelta(seconds=base * 2 ** (count - free)), window())
    return _seconds_until(newest + delay, now)


def _account_wait(username: str, now: datetime) -> int:
    count, oldest, _newest = _recent(account_key(username), now - window())
    limit = _setting("SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT", DEFAULT_ACCOUNT_LIMIT)
    if oldest is None or count < limit:
        return 0
    return max(1, _seconds_until(oldest + window(), now))


def wait_seconds(*, username: str, address: str) -> int:
    """Seconds before this address may try this account name again (0: go ahead)."""
    now = timezone.now()
    return max(_address_wait(address, now), _account_wait(username, now))


def is_throttled(*, username: str, address: str) -> bool:
    """Whether sign-in attempts for this account name from this address must wait."""
    return wait_seconds(username=username, address=address) > 0


def record_sign_in_failure(*, username: str, address: str) -> None:
    """Count one failed step against the account name and the address.

    Side effects: two rows written; rows older than four windows are deleted (they can
    no longer matter), which keeps the table small without a periodic job.
    """
    now = timezone.now()
    SignInFailure.objects.bulk_create(
        [
            SignInFailure(key=account_key(username), created_at=now),
            SignInFailure(key=address_key(address), created_at=now),
        ]
    )
    SignInFailure.objects.filter(created_at__lt=now - 4 * window()).delete()


def raise_alert_if_due(*, account: Account) -> bool:
    """Alert supervisors when an account's failures reach the alert level.

    At most one alert per account per window.  The alert says which account and how
    many failures; never an address, never a typed password.  Side effect: one
    ``account.sign_in_alert`` audit event (supervisors' pages list recent ones).
    Returns whether an alert was raised.
    """
    failures = account_failures(account.username)
    if failures < _setting("SAFEPASSAGE_SIGNIN_ACCOUNT_ALERT", DEFAULT_ACCOUNT_ALERT):
        return False
    since = timezone.now() - window()
    already = AuditEvent.objects.filter(
        action=ALERT_ACTION, object_ref=account.username, created_at__gte=since
    ).exists()
    if already:
        return False
    record_event(
        ALERT_ACTION,
        actor=None,
        object_type="account",
        object_ref=account.username,
        detail={
            "failures": failures,
            "window_minutes": int(window().total_seconds() // 60),
        },
    )
    return True


def clear_account_failures(username: str) -> None:
    """Forget an account's failures after it signed in completely.

    The address's failures stay: one success must not reset a guesser's budget.
    """
    SignInFailure.objects.filter(key=account_key(username)).delete()
