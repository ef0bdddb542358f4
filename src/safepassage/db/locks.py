"""Serialising writers that must not interleave, on every supported database."""

from __future__ import annotations

from django.db import connection


def lock_for_transaction(*key: int) -> bool:
    """Within a transaction, wait until no other transaction holds the lock named by
    ``key`` (one 64-bit integer, or two 32-bit ones); it is released at commit or
    rollback.  Returns whether a lock was taken.

    PostgreSQL takes a transaction-scoped advisory lock.  SQLite needs none: in our
    settings its transactions begin IMMEDIATE, so writers already run one at a time.
    A caller that checks for a row before creating it should check again when this
    returns ``True``: another transaction may have created it while we waited.
    """
    if connection.vendor != "postgresql":
        return False
    if len(key) not in (1, 2):
        raise ValueError("an advisory lock is named by one or two integers")
    placeholders = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock({placeholders})", list(key))
    return True
