"""Creating, finding and destroying case keys.

Unwrapped keys are cached in process memory for at most ``CACHE_SECONDS`` so a console
page that opens fifty messages of one case pays for one X25519 unwrap, not fifty.  A key
destroyed here leaves this process's cache at once; another running process may hold it
in memory for at most that long (stated in docs/decisions.md).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

import nacl.utils
from django.db import connection

from safepassage.casekeys.models import CaseKey, KeyScope
from safepassage.crypto import _sp2
from safepassage.crypto.keys import Keyring, PublicKeyring
from safepassage.crypto.sealing import open_sealed, seal

CACHE_SECONDS = 60.0
_CACHE_SIZE = 4096
_lock = threading.Lock()
# key id -> (key, monotonic time it was cached)
_cache: OrderedDict[bytes, tuple[bytes, float]] = OrderedDict()


def _cached(kid: bytes) -> bytes | None:
    with _lock:
        entry = _cache.get(kid)
        if entry is None:
            return None
        if time.monotonic() - entry[1] > CACHE_SECONDS:
            del _cache[kid]
            return None
        _cache.move_to_end(kid)
        return entry[0]


def _remember(kid: bytes, key: bytes) -> None:
    with _lock:
        _cache[kid] = (key, time.monotonic())
        _cache.move_to_end(kid)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def forget_cached_keys() -> None:
    """Drop every cached case key of this process (tests; after a purge)."""
    with _lock:
        _cache.clear()


def resolve(kid: bytes, keyring: Keyring) -> bytes | None:
    """The case key with id ``kid``, or None when it no longer exists (shredded)."""
    cached = _cached(kid)
    if cached is not None:
        return cached
    row = CaseKey.objects.filter(key_id=kid.hex()).values_list("wrapped", flat=True).first()
    if row is None:
        return None
    key = open_sealed(row, keyring)
    if len(key) != _sp2.CASE_KEY_SIZE:
        return None
    _remember(kid, key)
    return key


def install_resolver() -> None:
    """Register :func:`resolve` with the crypto layer (called from the app's ``ready``)."""
    _sp2.register_case_key_resolver(resolve)


def _new_key(case_id: int, scope: str, public: PublicKeyring) -> None:
    kid = nacl.utils.random(_sp2.CASE_KEY_ID_SIZE)
    key = nacl.utils.random(_sp2.CASE_KEY_SIZE)
    # INSERT ... ON CONFLICT DO NOTHING: a concurrent writer's key wins without an
    # IntegrityError, so no savepoint is needed inside the worker's envelope batch.
    CaseKey.objects.bulk_create(
        [CaseKey(key_id=kid.hex(), case_id=case_id, scope=scope, wrapped=seal(key, to=public))],
        ignore_conflicts=True,
    )


def case_key(case_id: int, scope: str, keyring: Keyring) -> tuple[bytes, bytes]:
    """``(key id, key)`` of a case's key for ``scope``, created on first use."""
    for _attempt in range(2):
        row = (
            CaseKey.objects.filter(case_id=case_id, scope=scope)
            .values_list("key_id", "wrapped")
            .first()
        )
        if row is not None:
            kid = bytes.fromhex(row[0])
            key = _cached(kid)
            if key is None:
                key = open_sealed(row[1], keyring)
                _remember(kid, key)
            return kid, key
        _new_key(case_id, scope, keyring.public)
    raise RuntimeError("a case key could not be created")


def destroy_case_keys(case_ids: Iterable[int], scopes: Iterable[str] = KeyScope.values) -> int:
    """Delete the keys of ``case_ids`` for ``scopes``; returns how many rows went.

    On SQLite the connection's ``secure_delete`` is switched on first so the freed pages
    are overwritten with zeros instead of keeping the wrapped keys in the file.
    """
    ids = list(case_ids)
    if not ids:
        return 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    rows = CaseKey.objects.filter(case_id__in=ids, scope__in=list(scopes))
    kids = [bytes.fromhex(k) for k in rows.values_list("key_id", flat=True)]
    deleted, _ = rows.delete()
    with _lock:
        for kid in kids:
            _cache.pop(kid, None)
    return deleted


def compact_key_table() -> bool:
    """On PostgreSQL, rewrite ``crypto_casekey`` so destroyed rows leave its data files;
    returns whether it did.

    ``VACUUM FULL`` on a table of one small row per case takes milliseconds; it cannot
    run inside a transaction, so callers run it after the purge committed.  Only the
    table's owner may run it: the worker's own role is not the owner (production), so
    there it is skipped and ``safepassage db compact``, run as the owner on a timer,
    does it instead (PostgreSQL would only warn and do nothing).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
            "WHERE oid = 'crypto_casekey'::regclass"
        )
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute("VACUUM FULL crypto_casekey")
    return True
