"""lock_for_transaction: an advisory lock on PostgreSQL, nothing needed on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from safepassage.db.locks import lock_for_transaction

pytestmark = pytest.mark.django_db


def _advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_postgresql_takes_an_advisory_lock_of_one_or_two_integers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    with transaction.atomic():
        before = _advisory_locks_held()
        assert lock_for_transaction(0x5350_0001) is True
        assert lock_for_transaction(0x5350_0002, -7) is True
        assert _advisory_locks_held() == before + 2
    with pytest.raises(ValueError, match="one or two integers"):
        lock_for_transaction(1, 2, 3)


def test_sqlite_takes_no_lock_its_writers_are_serialised_already() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with transaction.atomic():
        assert lock_for_transaction(0x5350_0001) is False
