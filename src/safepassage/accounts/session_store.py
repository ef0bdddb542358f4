"""The console's session engine: the database holds only a keyed hash of each session key.

Django's database engine stores the cookie value itself in ``django_session.session_key``,
so anyone who can read that table — a database dump, a backup, a seized intake host with
the shared credentials — can copy a live supervisor's key into a cookie and read cases
(issue 12).  This engine keeps Django's behaviour and table, and changes one thing: the
column holds ``HMAC(key, cookie value)``.  The cookie value never reaches the database,
and a stored value is useless as a cookie (the store would hash it again).

The key is ``SAFEPASSAGE_SESSION_HASH_KEY`` when set (give it to the console only),
otherwise the tier's ``SECRET_KEY``.  Writing a row for a chosen cookie needs the key, so
a database *writer* cannot forge a session either.  Changing the key ends every session.

Settings: ``SESSION_ENGINE = "safepassage.accounts.session_store"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.contrib.sessions.models import Session
from django.utils import timezone

_LABEL = b"safepassage.console.session.v1:"
# django_session.session_key is 40 characters: 30 bytes of the HMAC in base64url
# (240 bits) fill it exactly.
_STORED_BYTES = 30


def _hash_key() -> bytes:
    dedicated = str(getattr(settings, "SAFEPASSAGE_SESSION_HASH_KEY", "") or "")
    return (dedicated or settings.SECRET_KEY).encode()


def stored_key(session_key: str) -> str:
    """The value stored in ``django_session.session_key`` for a cookie's session key."""
    digest = hmac.new(_hash_key(), _LABEL + session_key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_STORED_BYTES]).decode()


class SessionStore(DatabaseSessionStore):
    """Django's database session store, keyed by ``stored_key(cookie value)``."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        row: Session | None = Session.objects.filter(
            session_key=stored_key(key), expire_date__gt=timezone.now()
        ).first()
        if row is None:
            self._session_key = None
        return row

    async def _aget_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        row: Session | None = await Session.objects.filter(
            session_key=stored_key(key), expire_date__gt=timezone.now()
        ).afirst()
        if row is None:
            self._session_key = None
        return row

    def exists(self, session_key: str) -> bool:
        """Whether a session with this (cookie) key is stored."""
        return Session.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        """Async ``exists``."""
        return await Session.objects.filter(session_key=stored_key(session_key)).aexists()

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        """The row to save: Django's, with the cookie value replaced by its keyed hash."""
        row = super().create_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    async def acreate_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        """Async ``create_model_instance``."""
        row = await super().acreate_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    def delete(self, session_key: str | None = None) -> None:
        """Delete the session with this (cookie) key, or the current one."""
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            Session.objects.filter(session_key=stored_key(key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        """Async ``delete``."""
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            await Session.objects.filter(session_key=stored_key(key)).adelete()
