"""The grants table itself: every table decided, the audit trail append-only, and
`db grant` refusing what it cannot do (SQLite, a missing password)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from safepassage.cases.models import Case
from safepassage.cli import main
from safepassage.db.grants import (
    OWNER_ONLY,
    TABLES,
    TIERS,
    classified_tables,
    expected_column_rights,
    rights_of,
)
from safepassage.retention.registry import OWNED

pytestmark = pytest.mark.django_db


def _tables_in_migration_state() -> set[str]:
    models = apps.get_models(include_auto_created=True)
    tables = {model._meta.db_table for model in models if model._meta.managed}
    return tables | set(connection.introspection.table_names())


def test_every_table_has_a_grant_decision() -> None:
    """A new table fails here until safepassage/db/grants.py says who may touch it."""
    undecided = _tables_in_migration_state() - classified_tables()
    assert not undecided, f"no grant decision in safepassage/db/grants.py for {undecided}"


def test_the_grants_table_names_no_table_that_does_not_exist() -> None:
    """A renamed or dropped table must leave the grants table too."""
    assert classified_tables() - _tables_in_migration_state() == set()
    assert not set(TABLES) & set(OWNER_ONLY)


def test_every_right_says_why_and_is_a_plain_privilege() -> None:
    for tier in TIERS:
        for table, right in rights_of(tier):
            assert right.why.strip(), (tier, table)
            assert right.privilege in {"SELECT", "INSERT", "UPDATE", "DELETE"}, (tier, table)
            assert not (right.columns and right.privilege == "DELETE"), (tier, table)


def test_no_tier_may_change_or_delete_audit_events() -> None:
    for tier in TIERS:
        privileges = {r.privilege for t, r in rights_of(tier) if t == "audit_auditevent"}
        assert not privileges & {"UPDATE", "DELETE"}, tier


def test_the_intake_reads_no_case_account_audit_or_register_table() -> None:
    touched = {table for table, _right in rights_of("intake")}
    assert touched == {
        "django_migrations",
        "intake_inboundenvelope",
        "intake_sentform",
        "campaigns_campaign",
        "channels_channelinstance",
    }
    for table, right in rights_of("intake"):
        if right.privilege == "SELECT" and table != "django_migrations":
            assert right.columns, f"the intake reads whole rows of {table}"
        # The one-time form tokens are the intake's own short-lived memory (no personal
        # value in the clear): it forgets them itself.
        allowed = (
            {"SELECT", "INSERT", "DELETE"} if table == "intake_sentform" else {"SELECT", "INSERT"}
        )
        assert right.privilege in allowed, table


def test_db_grant_on_sqlite_says_it_needs_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert main(["db", "grant"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "need PostgreSQL" in err


def test_db_grant_without_a_password_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setenv("SAFEPASSAGE_DB_PASSWORD_INTAKE", "x")
    monkeypatch.delenv("SAFEPASSAGE_DB_PASSWORD_WORKER", raising=False)
    monkeypatch.setenv("SAFEPASSAGE_DB_PASSWORD_CONSOLE", "y")
    assert main(["db", "grant"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "safepassage: error: the worker role's password is not set "
        "(environment variable SAFEPASSAGE_DB_PASSWORD_WORKER)\n"
    )


def test_the_worker_may_seal_and_purge_every_case_owned_table() -> None:
    """Retention runs in the worker: its sweep re-seals every case-owned sealed column
    under the case key (SELECT, UPDATE) and its purge deletes those rows (DELETE, the
    case row itself stays as a tombstone), so each needs a whole-row right there."""
    granted = expected_column_rights("worker")
    for entry in OWNED:
        table = entry.model._meta.db_table
        needed = ("SELECT", "UPDATE") if entry.model is Case else ("SELECT", "UPDATE", "DELETE")
        for privilege in needed:
            assert (table, privilege) in granted, (table, privilege)
            assert granted[(table, privilege)] is None, (table, privilege)
