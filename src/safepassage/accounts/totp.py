"""TOTP secrets: sealed at rest, verified once per time step, enrolled with a QR code.

The secret is sealed to the programme key (``Account.totp_secret``), so only a process
holding the programme's secret key (console, worker) can verify codes; a database dump
alone cannot mint them.
"""

from __future__ import annotations

import time

import pyotp
import segno

from safepassage.accounts.models import Account
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import Sealed, open_text, seal

ISSUER = "SafePassage console"
STEP_SECONDS = 30
# One step either side: a phone clock a little off still works.
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh random base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(length=32)


def seal_secret(secret: str) -> Sealed:
    """The secret sealed to the active programme key, ready for ``Account.totp_secret``."""
    return seal(secret, to=get_keyring().public)


def open_secret(account: Account) -> str | None:
    """The account's TOTP secret in the clear (only in memory, only to check a code)."""
    if account.totp_secret is None:
        return None
    return open_text(account.totp_secret, get_keyring())


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the drift allowance), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # pyotp compares in constant time.
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(account: Account, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The URI as an SVG QR code in a ``data:`` URI (the console CSP allows data: images;
    nothing leaves the server to draw it)."""
    qr = segno.make(uri, error="m")
    return str(qr.svg_data_uri(scale=5, border=2, dark="#111", light="#fff"))


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
