"""What a console session remembers about its sign-in, and the checks made on it.

A session is *verified* only after both steps (password, then TOTP or a recovery code)
succeeded.  It stores the account's ``session_generation`` at that moment — "sign out
everywhere" bumps the account's counter and every older session stops being valid — a
mark of the second factor it was verified with (so a reset or replaced TOTP enrolment ends
every session made with the old one, even if the generation was not bumped), and the time
of the last activity, so an idle session ends.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from safepassage.accounts.models import Account

VERIFIED_AT = "console_verified_at"
GENERATION = "console_generation"
SECOND_FACTOR = "console_second_factor"
LAST_SEEN = "console_last_seen"
# Step one done (password right), step two pending: {"account": pk, "at": epoch seconds}.
PENDING = "console_pending"
PENDING_TTL_SECONDS = 5 * 60
# Re-write the activity timestamp at most once a minute, not on every request.
_LAST_SEEN_GRANULARITY = 60


def idle_timeout_seconds() -> int:
    """Seconds without activity after which a console session ends (default 30 min)."""
    return int(getattr(settings, "SAFEPASSAGE_CONSOLE_IDLE_MINUTES", 30)) * 60


def second_factor_mark(account: Account) -> str:
    """A short keyed fingerprint of the account's current TOTP enrolment.

    Changes whenever the sealed secret or its confirmed state changes (a reset, a new
    enrolment).  Keyed, so the session data holds nothing computable from the database.
    """
    blob = account.totp_secret.blob if account.totp_secret is not None else b""
    message = b"%d:%d:" % (account.pk or 0, int(account.totp_confirmed)) + blob
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[:32]


def mark_verified(session: SessionBase, account: Account, *, now: float | None = None) -> None:
    """Record in ``session`` that ``account`` completed both sign-in steps."""
    now = time.time() if now is None else now
    session.pop(PENDING, None)
    session[VERIFIED_AT] = int(now)
    session[GENERATION] = account.session_generation
    session[SECOND_FACTOR] = second_factor_mark(account)
    session[LAST_SEEN] = int(now)


def is_verified_session(session: SessionBase, account: Account) -> bool:
    """Whether ``session`` is a completed, current sign-in of ``account``: both steps
    done, no "sign out everywhere" since, and the same confirmed second factor."""
    return (
        VERIFIED_AT in session
        and session.get(GENERATION) == account.session_generation
        and hmac.compare_digest(str(session.get(SECOND_FACTOR, "")), second_factor_mark(account))
    )


def is_idle(session: SessionBase, *, now: float | None = None) -> bool:
    """Whether the session has seen no activity for longer than the idle timeout."""
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN)
    if not isinstance(last_seen, int):
        return True
    return now - last_seen > idle_timeout_seconds()


def touch(session: SessionBase, *, now: float | None = None) -> None:
    """Note activity now (written at most once a minute to spare the database)."""
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN)
    if not isinstance(last_seen, int) or now - last_seen >= _LAST_SEEN_GRANULARITY:
        session[LAST_SEEN] = int(now)


def start_pending(session: SessionBase, account: Account, *, now: float | None = None) -> None:
    """Remember that ``account`` passed the password step in this session."""
    now = time.time() if now is None else now
    session[PENDING] = {"account": account.pk, "at": int(now)}


def pending_account_id(session: SessionBase, *, now: float | None = None) -> int | None:
    """The account waiting for its second factor in this session, if still fresh."""
    now = time.time() if now is None else now
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    account_id, started = pending.get("account"), pending.get("at")
    if not isinstance(account_id, int) or not isinstance(started, int):
        return None
    if now - started > PENDING_TTL_SECONDS:
        return None
    return account_id


def clear_pending(session: SessionBase) -> None:
    """Forget a half-finished sign-in."""
    session.pop(PENDING, None)


# Enrolment code accepted, password and app pending: {"account", "request", "at"}.
ENROLMENT = "console_enrolment"


def start_enrolment(
    session: SessionBase, account: Account, request_id: int, *, now: float | None = None
) -> None:
    """Remember that ``account`` gave a valid enrolment code in this session."""
    now = time.time() if now is None else now
    session.pop(PENDING, None)
    session[ENROLMENT] = {"account": account.pk, "request": request_id, "at": int(now)}


def pending_enrolment(session: SessionBase, *, now: float | None = None) -> tuple[int, int] | None:
    """(account id, request id) of an enrolment started in this session, if still fresh."""
    now = time.time() if now is None else now
    pending = session.get(ENROLMENT)
    if not isinstance(pending, dict):
        return None
    account_id, request_id, started = (
        pending.get("account"),
        pending.get("request"),
        pending.get("at"),
    )
    if not isinstance(account_id, int) or not isinstance(request_id, int):
        return None
    if not isinstance(started, int):
        return None
    # Choosing a password and scanning a code takes longer than typing one: 15 minutes.
    if now - started > 3 * PENDING_TTL_SECONDS:
        return None
    return account_id, request_id


def clear_enrolment(session: SessionBase) -> None:
    """Forget a half-finished enrolment."""
    session.pop(ENROLMENT, None)
