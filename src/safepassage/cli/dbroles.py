"""``safepassage db grant`` and ``db compact``; the database-rights lines of ``check``."""

from __future__ import annotations

import os
from typing import cast

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, describe_database, setup_django

SQLITE_NOTE = "the per-tier database roles need PostgreSQL; the SQLite demo is one trust domain"
PRODUCTION_TIERS = ("intake", "console", "worker")
# A long list of rights would bury the other check lines; the first few name the problem.
_SHOWN = 4


def db_grant() -> int:
    """Create or update the tier roles and grant each its rights; print what was granted.

    Run with the owner's DATABASE_URL after migrations.  Exit 1 with one line on SQLite,
    a missing password, unapplied migrations or a refused statement.
    """
    setup_django()
    from django.db import connection
    from django.db.utils import Error as DatabaseError

    from safepassage.db.grants import TIERS
    from safepassage.db.roles import GrantError, apply_grants, password_variable

    if connection.vendor != "postgresql":
        raise CliError(SQLITE_NOTE)
    passwords = {}
    for tier in TIERS:
        variable = password_variable(tier)
        value = os.environ.get(variable, "")
        if not value:
            raise CliError(
                f"the {tier} role's password is not set (environment variable {variable})"
            )
        passwords[tier] = value
    check_database()
    try:
        lines = apply_grants(passwords)
    except GrantError as error:
        raise CliError(str(error)) from None
    except DatabaseError as error:
        # The class names the cause (e.g. InsufficientPrivilege) without quoting a value.
        cause = type(error.__cause__ or error).__name__
        raise CliError(
            f"granting on the {describe_database()} failed ({cause}); run it as the "
            "database owner, with CREATEROLE"
        ) from None
    for line in lines:
        print(line)
    print(f"granted {sum(1 for line in lines if ' ON ' in line)} rights to {len(TIERS)} roles")
    return 0


def db_compact() -> int:
    """Rewrite the case-key table so keys destroyed by purges leave its data files.

    Run as the database owner (a nightly timer): the worker's role may delete keys but
    not rewrite the table.  Exit 1 with one line on SQLite or without the owner's rights.
    """
    setup_django()
    from django.db import connection

    from safepassage.casekeys.keys import compact_key_table

    if connection.vendor != "postgresql":
        raise CliError(
            "compaction is for PostgreSQL; on SQLite, purges overwrite freed pages already"
        )
    check_database()
    if not compact_key_table():
        raise CliError("only the owner of crypto_casekey may compact it; use the owner's login")
    print("compacted crypto_casekey: destroyed case keys are gone from its data files")
    return 0


def rights_results(role: str, *, reachable: bool) -> tuple[list[tuple[bool, str]], list[str]]:
    """``safepassage check`` lines about the tier's database role, and warnings.

    A production tier (intake, console, worker outside the demo) must not connect as the
    owner or a superuser, nor hold more (or fewer) rights than ``db grant`` gives it.
    """
    from django.conf import settings
    from django.db import connection
    from django.db.utils import Error as DatabaseError

    if role not in PRODUCTION_TIERS or settings.SAFEPASSAGE_DEMO:
        return [], []
    if connection.vendor != "postgresql":
        return [], [SQLITE_NOTE]
    if not reachable:
        return [], []
    from safepassage.db.grants import Tier
    from safepassage.db.roles import connected_as_owner, excess_and_missing, role_name

    tier = cast(Tier, role)
    try:
        owner = connected_as_owner()
        excess, missing = excess_and_missing(tier)
    except DatabaseError:
        return [(False, "database rights could not be read")], []
    if owner:
        return [(False, f"{owner}; the {role} tier must connect as {role_name(tier)}")], []
    results: list[tuple[bool, str]] = []
    if excess:
        shown = ", ".join(excess[:_SHOWN]) + (" …" if len(excess) > _SHOWN else "")
        results.append((False, f"the {role} role holds rights beyond `db grant`: {shown}"))
    if missing:
        shown = ", ".join(missing[:_SHOWN]) + (" …" if len(missing) > _SHOWN else "")
        results.append(
            (False, f"the {role} role lacks rights; run `safepassage db grant`: {shown}")
        )
    if not results:
        results.append((True, f"the {role} role holds exactly the rights of `db grant`"))
    return results, []
