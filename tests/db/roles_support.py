"""Running code as a tier's database role in tests (PostgreSQL).

The roles are made once per test session by the real ``safepassage db grant`` path
(``apply_grants``) in the test database, named after it (``SAFEPASSAGE_DB_ROLE_PREFIX``)
so that parallel test databases on one server do not share roles.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection, connections

from safepassage.db.grants import TIERS, Tier
from safepassage.db.roles import apply_grants, role_name
from safepassage.intake.envelope_writer import WRITER

PASSWORDS: dict[Tier, str] = {tier: f"test password for the {tier} role" for tier in TIERS}


def grant_test_roles() -> list[str]:
    """Create the tier roles for the current test database; the lines ``db grant`` prints."""
    os.environ["SAFEPASSAGE_DB_ROLE_PREFIX"] = str(connection.settings_dict["NAME"])
    return apply_grants(PASSWORDS)


@contextmanager
def connected_as(tier: Tier) -> Iterator[None]:
    """Run the body with Django's connections logged in as ``tier``'s role.

    Every thread's connection reads the same settings dictionary, so the intake's
    envelope writer thread (stopped first, so it reconnects) logs in as the role too.
    """
    WRITER.stop()
    connections.close_all()
    params = connections["default"].settings_dict
    saved = params["USER"], params["PASSWORD"]
    params["USER"], params["PASSWORD"] = role_name(tier), PASSWORDS[tier]
    try:
        yield
    finally:
        WRITER.stop()
        connections.close_all()
        params["USER"], params["PASSWORD"] = saved


def raw_connection(tier: Tier) -> psycopg.Connection[Any]:
    """A plain psycopg connection as ``tier``'s role, as a seized host would open one."""
    params = connections["default"].settings_dict
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=int(params["PORT"] or 5432),
        dbname=params["NAME"],
        user=role_name(tier),
        password=PASSWORDS[tier],
        autocommit=True,
    )
