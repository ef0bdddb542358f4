"""Throttling failed sign-ins, per account and per client address.

A failure at either step (password, then code) counts.  While an account name or an
address has too many recent failures, the sign-in form refuses to check anything and says
so — the same way whether the account exists or not.  Limits are settings so a deployment
can tighten them; the defaults are in docs/decisions.md.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from safepassage.accounts.models import SignInFailure

DEFAULT_ACCOUNT_LIMIT = 5
DEFAULT_ADDRESS_LIMIT = 20
DEFAULT_WINDOW_MINUTES = 15


def _account_limit() -> int:
    return int(getattr(settings, "SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT", DEFAULT_ACCOUNT_LIMIT))


def _address_limit() -> int:
    return int(getattr(settings, "SAFEPASSAGE_SIGNIN_ADDRESS_LIMIT", DEFAULT_ADDRESS_LIMIT))


def window() -> timedelta:
    """How far back failures count."""
    minutes = int(getattr(settings, "SAFEPASSAGE_SIGNIN_WINDOW_MINUTES", DEFAULT_WINDOW_MINUTES))
    return timedelta(minutes=minutes)


def _key(kind: str, value: str) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def account_key(username: str) -> str:
    """Throttle key for a typed account name (case-insensitive, as sign-in is)."""
    return _key("account", username.strip().casefold())


def address_key(address: str) -> str:
    """Throttle key for a client address."""
    return _key("ip", address)


def client_address(request: HttpRequest) -> str:
    """The client's address as the console sees it.

    Behind our own proxy (``SAFEPASSAGE_BEHIND_PROXY``) the last ``X-Forwarded-For``
    entry is the one that proxy appended; earlier entries are whatever the client sent
    and are ignored, so a client cannot pick a fresh address per attempt.
    """
    if getattr(settings, "SAFEPASSAGE_BEHIND_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


def is_throttled(*, username: str, address: str) -> bool:
    """Whether sign-in attempts for this account name or from this address must wait."""
    since = timezone.now() - window()
    recent = SignInFailure.objects.filter(created_at__gte=since)
    if recent.filter(key=account_key(username)).count() >= _account_limit():
        return True
    return recent.filter(key=address_key(address)).count() >= _address_limit()


def wait_seconds(*, username: str, address: str) -> int:
    """Seconds before this account name or address may try again (0: go ahead)."""
    if is_throttled(username=username, address=address):
        return int(window().total_seconds())
    return 0


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


def clear_account_failures(username: str) -> None:
    """Forget an account's failures after it signed in completely.

    The address's failures stay: one success must not reset a guesser's budget.
    """
    SignInFailure.objects.filter(key=account_key(username)).delete()
