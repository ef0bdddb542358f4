"""The hook key: encrypts the few provider secrets the public intake must hold in clear.

WhatsApp signs webhooks with HMAC-SHA256 keyed by the app secret, Twilio with HMAC-SHA1
keyed by the auth token.  Checking such a signature needs the key itself, and the intake
holds only the programme's *public* key, so these secrets cannot be sealed to the
programme like the sending credentials are.  They are encrypted (XSalsa20-Poly1305)
under a symmetric hook key that the intake and console hosts get from the environment
(``SAFEPASSAGE_HOOK_KEY``, 32 bytes base64).  A database dump alone then shows no
verification secret; a seized intake can read them, but those secrets only let someone
forge webhooks *to us* — which a seized intake can do anyway — and never read a stored
message or send as the programme.

Without ``SAFEPASSAGE_HOOK_KEY`` the key is derived from Django's SECRET_KEY, which is
enough when one process serves every tier (the demo); split tiers must set the variable
on intake and console hosts alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

import nacl.exceptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.secret import SecretBox


def hook_key() -> bytes:
    """The 32-byte hook key from the environment, or derived from SECRET_KEY."""
    configured = str(getattr(settings, "SAFEPASSAGE_HOOK_KEY", "") or "")
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured("SAFEPASSAGE_HOOK_KEY is not base64") from None
        if len(key) != SecretBox.KEY_SIZE:
            raise ImproperlyConfigured("SAFEPASSAGE_HOOK_KEY must decode to 32 bytes")
        return key
    return hashlib.blake2b(
        settings.SECRET_KEY.encode("utf-8"), digest_size=32, person=b"sp-hook-key"
    ).digest()


def encrypt_intake_secret(value: str) -> bytes:
    """Encrypt a verification secret for the intake tier."""
    return bytes(SecretBox(hook_key()).encrypt(value.encode("utf-8")))


def open_intake_secret(blob: bytes | memoryview | None) -> str:
    """Decrypt a verification secret; ``""`` if there is none or it cannot be opened
    (a wrong hook key then fails every signature check: loud, never silently open)."""
    if not blob:
        return ""
    try:
        return SecretBox(hook_key()).decrypt(bytes(blob)).decode("utf-8")
    except (nacl.exceptions.CryptoError, UnicodeDecodeError):
        return ""


def secret_hash(value: str) -> str:
    """SHA-256 hex of a secret the provider echoes verbatim (Telegram secret token,
    WhatsApp verify token).  The secrets are 256-bit random, so a plain hash is enough:
    there is nothing to brute-force."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def matches_hash(candidate: str, expected_hash: str) -> bool:
    """Constant-time check of ``candidate`` against a stored :func:`secret_hash`."""
    if not candidate or not expected_hash:
        return False
    return hmac.compare_digest(secret_hash(candidate), expected_hash)
