"""The applicant's inbox session: one encrypted, session-only cookie and nothing on the server.

After a receipt sign-in the cookie carries the applicant's receipt-derived X25519 secret
key (so the inbox can open messages sealed to the applicant), the contact's lookup hash,
a random session id and two timestamps, all inside a SecretBox whose key is derived
from ``SECRET_KEY``.  The server stores no session, so a seized intake holds no
applicant key; someone holding the phone gets at most 20 idle minutes.

The cookie is HttpOnly, SameSite=Strict, path ``/``, without an expiry (gone when the
browser closes) and, under TLS, Secure with the ``__Host-`` prefix (so no subdomain can
set or shadow it).  Follow-up forms carry a token bound to the session id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass, field

import nacl.exceptions
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from nacl.public import PrivateKey
from nacl.secret import SecretBox

from safepassage.intake import conf

_VERSION = 1
_LAYOUT = struct.Struct(">B32s32s16sQQ")  # version, secret key, lookup hash, id, issued, seen
_SESSION_ID_SIZE = 16


def _derived_key(context: bytes) -> bytes:
    """A 32-byte key for ``context`` from SECRET_KEY (BLAKE2b as a keyed PRF)."""
    root = hashlib.sha512(settings.SECRET_KEY.encode("utf-8")).digest()
    return hashlib.blake2b(context, key=root, digest_size=32).digest()


def cookie_name() -> str:
    """``__Host-sp`` under TLS (browsers then insist on Secure, path /, no domain)."""
    return "__Host-sp" if settings.SAFEPASSAGE_TLS else conf.SESSION_COOKIE


@dataclass(frozen=True)
class ApplicantSession:
    """A signed-in applicant, as read from the cookie."""

    private_key: PrivateKey = field(repr=False)
    lookup_hash: str
    session_id: bytes = field(repr=False)
    issued_at: int
    last_seen: int

    @property
    def form_token(self) -> str:
        """The token inbox forms carry: a MAC of the session id, so it is valid only
        with this cookie and cannot be computed without the server's key."""
        return hmac.new(
            _derived_key(b"safepassage intake form token v1"), self.session_id, hashlib.sha256
        ).hexdigest()[:32]

    def token_matches(self, token: str) -> bool:
        """Constant-time comparison with a submitted form token."""
        return hmac.compare_digest(self.form_token.encode(), token.encode("utf-8", "replace"))


def _box() -> SecretBox:
    return SecretBox(_derived_key(b"safepassage intake applicant cookie v1"))


def _encode(session: ApplicantSession) -> str:
    plain = _LAYOUT.pack(
        _VERSION,
        bytes(session.private_key),
        bytes.fromhex(session.lookup_hash),
        session.session_id,
        session.issued_at,
        session.last_seen,
    )
    return base64.urlsafe_b64encode(bytes(_box().encrypt(plain))).decode("ascii").rstrip("=")


def _decode(value: str) -> ApplicantSession | None:
    try:
        sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        plain = _box().decrypt(sealed)
        version, secret, lookup, session_id, issued, seen = _LAYOUT.unpack(plain)
    except (binascii.Error, ValueError, nacl.exceptions.CryptoError, struct.error):
        return None
    if version != _VERSION:
        return None
    return ApplicantSession(
        private_key=PrivateKey(secret),
        lookup_hash=lookup.hex(),
        session_id=session_id,
        issued_at=issued,
        last_seen=seen,
    )


def read_session(request: HttpRequest, *, now: float | None = None) -> ApplicantSession | None:
    """The applicant session from the request's cookie, or None if absent, forged,
    idle for more than 20 minutes or older than the absolute limit."""
    value = request.COOKIES.get(cookie_name())
    if not value or len(value) > 512:
        return None
    session = _decode(value)
    if session is None:
        return None
    current = int(time.time() if now is None else now)
    if current - session.last_seen > conf.SESSION_IDLE_SECONDS:
        return None
    if current - session.issued_at > conf.SESSION_MAX_SECONDS:
        return None
    return session


def has_session_cookie(request: HttpRequest) -> bool:
    """Whether the request carries the cookie at all (valid or not)."""
    return cookie_name() in request.COOKIES


def new_session(*, private_key: PrivateKey, lookup_hash: str) -> ApplicantSession:
    """A fresh session for a receipt that was just signed in with."""
    now = int(time.time())
    return ApplicantSession(
        private_key=private_key,
        lookup_hash=lookup_hash,
        session_id=secrets.token_bytes(_SESSION_ID_SIZE),
        issued_at=now,
        last_seen=now,
    )


def write_session(response: HttpResponse, session: ApplicantSession) -> None:
    """Set (or slide) the cookie: ``last_seen`` becomes now."""
    touched = ApplicantSession(
        private_key=session.private_key,
        lookup_hash=session.lookup_hash,
        session_id=session.session_id,
        issued_at=session.issued_at,
        last_seen=int(time.time()),
    )
    response.set_cookie(
        cookie_name(),
        _encode(touched),
        path="/",
        secure=settings.SAFEPASSAGE_TLS,
        httponly=True,
        samesite="Strict",
    )


def end_session(response: HttpResponse) -> None:
    """Delete the cookie (the browser also gets Clear-Site-Data from the caller)."""
    response.delete_cookie(cookie_name(), path="/", samesite="Strict")
