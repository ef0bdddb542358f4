"""Enrolment codes: how the holder of a new (or reset) account sets their own password
and second factor, without anybody else ever knowing either.

The code comes in two halves.  The requester sees one when asking for the account (or
the reset), the approver the other when approving it; each is shown once and stored only
as a keyed hash, and both must be typed together within ``ENROLMENT_HOURS`` of the
approval, once.  So neither admin alone — nor a database reader — can enrol in somebody
else's name (issue 12).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings

from safepassage.accounts import recovery
from safepassage.accounts.models import AccessRequest

DEFAULT_ENROLMENT_HOURS = 72
REQUESTER = "requester"
APPROVER = "approver"


def enrolment_lifetime() -> timedelta:
    """How long an approved enrolment code stays usable."""
    hours = int(getattr(settings, "SAFEPASSAGE_ENROLMENT_HOURS", DEFAULT_ENROLMENT_HOURS))
    return timedelta(hours=hours)


def new_half() -> str:
    """One half: ``XXXXX-XXXXX`` from the recovery-code alphabet (about 49 bits)."""
    alphabet = recovery.ALPHABET
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def hash_half(request: AccessRequest, which: str, half: str) -> str:
    """The keyed hash stored for one half (bound to the request and to which half it is).

    Keyed with the console's secret: a database reader cannot test guesses offline.
    """
    message = f"enrol:{request.pk}:{which}:{recovery.normalise(half)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def halves_match(request: AccessRequest, first: str, second: str) -> bool:
    """Whether ``first`` (the requester's half) and ``second`` (the approver's) both match.

    Both are always compared (constant time), so the answer does not tell which was wrong.
    """
    if not request.requester_code_hash or not request.approver_code_hash:
        return False
    first_hash = hash_half(request, REQUESTER, first)
    second_hash = hash_half(request, APPROVER, second)
    first_ok = hmac.compare_digest(request.requester_code_hash, first_hash)
    second_ok = hmac.compare_digest(request.approver_code_hash, second_hash)
    return first_ok and second_ok
