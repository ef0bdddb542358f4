"""One-time form tokens: a reload or a double click of the public form sends nothing twice.

The form page carries a fresh random token in a hidden field (never in a URL or a
cookie).  The token is 32 random bytes, so a plain hash of it cannot be inverted and
needs no secret key: the intake keeps the token's hash (``token_hash``) and the receipt
sealed with a key pair derived from the token (``token_key``) through the same sealing
helpers that let a web applicant read replies.  A second POST with the same token finds
the row and shows the same receipt; a seized server holds neither the token nor the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from nacl.public import PrivateKey

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import open_text_as_applicant, seal
from safepassage.intake.models import SentForm

# How long a used token is remembered: long enough for a reload after a slow answer or a
# phone put away for a while, short enough that a watched phone's "resend form" finds
# nothing the next day.
FORM_TOKEN_SECONDS = 30 * 60
_TOKEN_BYTES = 32


def new_form_token() -> str:
    """A fresh token for one form page (URL-safe base64, no padding)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(_TOKEN_BYTES)).rstrip(b"=").decode()


def _token_bytes(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _TOKEN_BYTES else None


def is_well_formed(token: str) -> bool:
    """Whether ``token`` has the shape ``new_form_token`` gives (no database needed)."""
    return _token_bytes(token) is not None


def token_hash(token: str) -> str:
    """The hash stored for a used token (domain-separated from the key derivation)."""
    raw = _token_bytes(token) or b""
    return hashlib.blake2b(raw, digest_size=32, person=b"sp-form-token").hexdigest()


def _token_key(token: str) -> PrivateKey:
    raw = _token_bytes(token) or b""
    return PrivateKey(hashlib.blake2b(raw, digest_size=32, person=b"sp-form-key").digest())


def sent_form_row(token: str, receipt: str) -> SentForm:
    """The (unsaved) row that remembers ``token`` with ``receipt`` sealed to it."""
    return SentForm(
        token_hash=token_hash(token),
        sent_at=timezone.now(),
        receipt=seal(receipt, to=get_public_keyring(), applicant=_token_key(token).public_key),
    )


def receipt_already_sent(token: str) -> str | None:
    """The receipt a previous POST with ``token`` received, or None if there was none
    (or it is older than FORM_TOKEN_SECONDS)."""
    since = timezone.now() - timedelta(seconds=FORM_TOKEN_SECONDS)
    row = SentForm.objects.filter(token_hash=token_hash(token), sent_at__gte=since).first()
    if row is None:
        return None
    try:
        return open_text_as_applicant(row.receipt, _token_key(token))
    except CryptoError:
        return None


def forget_old_tokens() -> int:
    """Delete rows older than FORM_TOKEN_SECONDS; return how many went."""
    until = timezone.now() - timedelta(seconds=FORM_TOKEN_SECONDS)
    deleted, _ = SentForm.objects.filter(sent_at__lt=until).delete()
    return deleted


__all__ = [
    "FORM_TOKEN_SECONDS",
    "forget_old_tokens",
    "is_well_formed",
    "new_form_token",
    "receipt_already_sent",
    "sent_form_row",
    "token_hash",
]
