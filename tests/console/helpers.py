"""Signing personas in to the console from tests.

``sign_in`` goes through the real two-step form (password, then TOTP); use it where the
sign-in itself matters.  ``force_verified_login`` sets up the same verified session
directly and is what other console tests use.
"""

from __future__ import annotations

import time

import pyotp
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.accounts.sessions import mark_verified


def force_verified_login(client: Client, account: Account) -> None:
    """Sign ``account`` in on ``client`` as if it had passed password and TOTP."""
    client.force_login(account)
    session = client.session
    mark_verified(session, account)
    session.save()


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """A TOTP code for ``secret``, optionally for a later 30-second step.

    The console refuses a code whose step was already used, so a test that signs the same
    account in twice asks for the next step's code (the console accepts one step of clock
    drift either way).
    """
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def sign_in(
    client: Client,
    username: str,
    password: str,
    code: str,
    *,
    next_path: str = "",
) -> None:
    """Sign in through the real pages: the password form, then the code form.

    Asserts that each step was accepted, so a broken sign-in fails the calling test here.
    """
    url = reverse("console:sign-in")
    if next_path:
        url += "?next=" + next_path
    response = client.post(url, {"username": username, "password": password})
    assert response.status_code == 302, "password step refused"
    assert response["Location"].startswith(reverse("console:sign-in-code")), response["Location"]
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302, "code step refused"


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at the lowest cost, for tests that create many accounts and never test
    passwords (the sign-in tests keep the production hasher)."""

    time_cost = 1
    memory_cost = 8 * 1024
    parallelism = 1


FAST_PASSWORD_HASHERS = ["tests.console.helpers.FastArgon2PasswordHasher"]
