"""API tokens: ``sp_<key id>_<secret>``, the secret stored as an HMAC under a console key.

The key is derived from ``SAFEPASSAGE_SESSION_HASH_KEY`` (console tier only; the intake
never gets it), else from SECRET_KEY, with its own personalisation so it is independent
of the session hashes.  Secrets are 256-bit random, so the keyed hash is not there to
slow guessing: it makes a database dump alone useless for checking a leaked token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

TOKEN_PATTERN = re.compile(r"^sp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def _token_key() -> bytes:
    base = str(getattr(settings, "SAFEPASSAGE_SESSION_HASH_KEY", "") or "") or settings.SECRET_KEY
    return hashlib.blake2b(base.encode("utf-8"), digest_size=32, person=b"sp-api-token").digest()


def keyed_hash(label: str, value: str) -> str:
    """HMAC-SHA256 hex of ``value`` under the token key, separated by ``label``."""
    message = label.encode("ascii") + b"\x00" + value.encode("utf-8")
    return hmac.new(_token_key(), message, hashlib.sha256).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh ``(key_id, token, secret_hash)``; the token is shown once and forgotten."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return key_id, f"sp_{key_id}_{secret}", keyed_hash("token", f"{key_id}:{secret}")


def split_token(token: str) -> tuple[str, str] | None:
    """``(key_id, hash of the secret)`` of a well-formed token, else None."""
    match = TOKEN_PATTERN.match(token)
    if match is None:
        return None
    key_id, secret = match.groups()
    return key_id, keyed_hash("token", f"{key_id}:{secret}")
