"""The tier roles, created once per session in the PostgreSQL test database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.db.roles_support import grant_test_roles


@pytest.fixture(scope="session")
def tier_roles(django_db_setup: Any, django_db_blocker: Any) -> list[str]:
    """Roles made by `db grant`'s own code; skips on SQLite, which has no roles."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("database roles are PostgreSQL's; the SQLite demo is one trust domain")
        return grant_test_roles()
