"""Creating the per-tier roles from ``db.grants`` and comparing a role's rights with it.

PostgreSQL only: SQLite has no roles (the SQLite demo is one trust domain).  Everything
runs over Django's connection as the database owner (``apply_grants``) or as the tier's
own role (``excess_and_missing``).  Passwords are sent as SCRAM verifiers, so the clear
password never reaches the server's statement log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from safepassage.db.grants import (
    ALL_FUNCTIONS,
    DEFAULT_ROLE_PREFIX,
    FUNCTIONS,
    TIERS,
    Tier,
    classified_tables,
    expected_column_rights,
    rights_of,
)

_SCRAM_ITERATIONS = 4096
_TABLE_ONLY = ("DELETE", "TRUNCATE", "TRIGGER")


class GrantError(Exception):
    """``db grant`` cannot proceed; the message is one line without secrets."""


def role_prefix() -> str:
    """``safepassage`` unless configured (tests use one prefix per test database)."""
    configured = getattr(settings, "SAFEPASSAGE_DB_ROLE_PREFIX", "") or os.environ.get(
        "SAFEPASSAGE_DB_ROLE_PREFIX", ""
    )
    return configured or DEFAULT_ROLE_PREFIX


def role_name(tier: Tier) -> str:
    """The database role of ``tier``, e.g. ``safepassage_intake``."""
    return f"{role_prefix()}_{tier}"


def password_variable(tier: Tier) -> str:
    """The environment variable holding the tier role's password."""
    return f"SAFEPASSAGE_DB_PASSWORD_{tier.upper()}"


def scram_verifier(password: str) -> str:
    """A SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 7677 / RFC 5802)."""
    salt = secrets.token_bytes(16)
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", normalised, salt, _SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${_SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(columns: Iterable[str]) -> str:
    return ", ".join(_quote(column) for column in columns)


def schema_tables(cursor: CursorWrapper) -> list[str]:
    """Tables and views in the connection's current schema."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') "
        "ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def unclassified_tables(cursor: CursorWrapper) -> list[str]:
    """Tables in the schema without a decision in ``db.grants``."""
    known = classified_tables()
    return [table for table in schema_tables(cursor) if table not in known]


def _sequences_of(cursor: CursorWrapper, table: str) -> list[str]:
    """Sequences feeding the table's identity or serial columns (schema-qualified)."""
    cursor.execute(
        "SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = current_schema() AND c.relname = %s",
        [table],
    )
    return [row[0] for row in cursor.fetchall() if row[0]]


def _ensure_role(cursor: CursorWrapper, name: str, password: str) -> str:
    cursor.execute(
        "SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s", [name]
    )
    row = cursor.fetchone()
    verifier = scram_verifier(password)
    if row is None:
        cursor.execute(
            f"CREATE ROLE {_quote(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            "NOINHERIT NOREPLICATION PASSWORD %s",
            [verifier],
        )
        return "created"
    if row[0] or row[1]:
        raise GrantError(f"role {name} is a superuser or the owner itself; refusing to use it")
    cursor.execute(
        f"ALTER ROLE {_quote(name)} LOGIN NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %s",
        [verifier],
    )
    return "updated"


def _revoke_everything(cursor: CursorWrapper, name: str) -> None:
    role = _quote(name)
    cursor.execute("SELECT quote_ident(current_schema()), quote_ident(current_database())")
    schema, database = cursor.fetchone()
    # Memberships would pass on another role's rights.
    cursor.execute(
        "SELECT quote_ident(r.rolname) FROM pg_auth_members m "
        "JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE u.rolname = %s",
        [name],
    )
    for (granted,) in cursor.fetchall():
        cursor.execute(f"REVOKE {granted} FROM {role}")
    cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}")
    cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}")
    cursor.execute(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM {role}")
    cursor.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {role}")
    cursor.execute(f"REVOKE ALL ON DATABASE {database} FROM {role}")
    cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO {role}")
    cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")


def _grant_tier(cursor: CursorWrapper, tier: Tier, name: str) -> list[str]:
    role = _quote(name)
    lines: list[str] = []
    for table, right in rights_of(tier):
        columns = f" ({_columns(right.columns)})" if right.columns else ""
        cursor.execute(f"GRANT {right.privilege}{columns} ON {_quote(table)} TO {role}")
        lines.append(f"{name}: {right.describe(table)} — {right.why}")
        if right.privilege == "INSERT":
            for sequence in _sequences_of(cursor, table):
                cursor.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")
                lines.append(f"{name}: USAGE ON SEQUENCE {sequence} — inserts into {table}")
    for function in FUNCTIONS.get(tier, ()):
        cursor.execute(f"GRANT EXECUTE ON FUNCTION {function.signature} TO {role}")
        lines.append(f"{name}: EXECUTE ON FUNCTION {function.signature} — {function.why}")
    return lines


def apply_grants(passwords: dict[Tier, str]) -> list[str]:
    """Create or update the three roles and grant each exactly its rights (as the owner).

    Idempotent: everything is revoked first, in the same transaction as the new grants.
    Returns one line per right granted.  Raises GrantError (one line, no secret).
    """
    lines: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        unknown = unclassified_tables(cursor)
        if unknown:
            raise GrantError(
                f"table {unknown[0]} has no grant decision in safepassage/db/grants.py"
            )
        for function in ALL_FUNCTIONS:
            # Functions are executable by PUBLIC unless revoked.
            cursor.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        for tier in TIERS:
            name = role_name(tier)
            state = _ensure_role(cursor, name, passwords[tier])
            lines.append(f"{name}: role {state}; all earlier rights revoked")
            _revoke_everything(cursor, name)
            lines.extend(_grant_tier(cursor, tier, name))
    return lines


def _actual_rights(cursor: CursorWrapper) -> set[tuple[str, str, str]]:
    """(table, privilege, column or '') the current user holds in the current schema."""
    held: set[tuple[str, str, str]] = set()
    # The privileges are spelled out in the SQL: they are the _TABLE_ONLY and
    # _COLUMN_LEVEL lists.
    cursor.execute(
        "SELECT c.relname, p.priv FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN unnest(ARRAY['DELETE', 'TRUNCATE', 'TRIGGER']) AS p(priv) "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND has_table_privilege(c.oid, p.priv)"
    )
    held.update((table, privilege, "") for table, privilege in cursor.fetchall())
    cursor.execute(
        "SELECT c.relname, p.priv, a.attname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p(priv) "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND has_column_privilege(c.oid, a.attnum, p.priv)"
    )
    held.update((table, privilege, column) for table, privilege, column in cursor.fetchall())
    return held


def _expected_rights(cursor: CursorWrapper, tier: Tier) -> set[tuple[str, str, str]]:
    expected: set[tuple[str, str, str]] = set()
    cursor.execute(
        "SELECT c.relname, a.attname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = current_schema()"
    )
    all_columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        all_columns.setdefault(table, []).append(column)
    for (table, privilege), columns in expected_column_rights(tier).items():
        if privilege in _TABLE_ONLY:
            expected.add((table, privilege, ""))
            continue
        for column in columns or all_columns.get(table, []):
            expected.add((table, privilege, column))
    return expected


def excess_and_missing(tier: Tier) -> tuple[list[str], list[str]]:
    """Compare the connected role's rights with ``tier``'s rights in ``db.grants``.

    Returns (rights held beyond the table, rights from the table not held), each as
    short descriptions.  Covers tables and columns, sequences, functions, the schema and
    the role's own attributes.
    """
    excess: list[str] = []
    missing: list[str] = []
    with connection.cursor() as cursor:
        actual = _actual_rights(cursor)
        expected = _expected_rights(cursor, tier)
        for table, privilege, column in sorted(actual - expected):
            excess.append(f"{privilege} ON {table}" + (f" ({column})" if column else ""))
        for table, privilege, column in sorted(expected - actual):
            missing.append(f"{privilege} ON {table}" + (f" ({column})" if column else ""))
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication "
            "FROM pg_roles WHERE rolname = current_user"
        )
        attributes = cursor.fetchone() or (False,) * 5
        for held, label in zip(
            attributes,
            ("SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS", "REPLICATION"),
            strict=True,
        ):
            if held:
                excess.append(label)
        cursor.execute("SELECT has_schema_privilege(current_schema(), 'CREATE')")
        if cursor.fetchone()[0]:
            excess.append("CREATE ON SCHEMA")
        cursor.execute(
            "SELECT p.oid::regprocedure::text, has_function_privilege(p.oid, 'EXECUTE') "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema()"
        )
        # pg_catalog spells signatures without spaces: "f(text,integer)".
        granted = {right.signature.replace(" ", "") for right in FUNCTIONS.get(tier, ())}
        for signature, executable in cursor.fetchall():
            if executable and signature not in granted:
                excess.append(f"EXECUTE ON FUNCTION {signature}")
            if not executable and signature in granted:
                missing.append(f"EXECUTE ON FUNCTION {signature}")
        cursor.execute(
            "SELECT c.relname, has_sequence_privilege(c.oid, 'UPDATE') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
        )
        excess.extend(
            f"UPDATE ON SEQUENCE {name} (setval)" for name, held in cursor.fetchall() if held
        )
    return excess, missing


def connected_as_owner() -> str:
    """Why the connection must not serve a production tier ('' if it may).

    The database owner, a superuser, or a role owning any table in the schema can grant
    itself anything; a tier must connect as its own role.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, d.datdba = r.oid, EXISTS ("
            "  SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "  WHERE n.nspname = current_schema() AND c.relowner = r.oid) "
            "FROM pg_roles r, pg_database d "
            "WHERE r.rolname = current_user AND d.datname = current_database()"
        )
        superuser, owns_database, owns_tables = cursor.fetchone()
        cursor.execute("SELECT current_user")
        user = cursor.fetchone()[0]
    if superuser:
        return f"connected as {user}, a superuser"
    if owns_database or owns_tables:
        return f"connected as {user}, the database owner"
    return ""
