"""Bringing Django up for a role, and the preflight checks that must pass first."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from safepassage.cli.errors import CliError
from safepassage.env import env_str


def setup_django(role: str | None = None) -> None:
    """Configure Django for ``role`` (default: from the environment) and set it up."""
    if role is not None:
        os.environ["SAFEPASSAGE_ROLE"] = role
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    import django

    try:
        django.setup()
    except RuntimeError as error:  # our settings raise RuntimeError on bad configuration
        raise CliError(str(error)) from None
    _tighten_sqlite_files()


def _tighten_sqlite_files() -> None:
    """Make an existing SQLite database and its -wal/-shm owner-only.

    New files are created so by the CLI's umask; this fixes files an older version
    created world-readable.  Files owned by someone else are left to their owner.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    database = Path(str(connection.settings_dict["NAME"]))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        with contextlib.suppress(OSError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)


def describe_database() -> str:
    """The database as a deployer would name it, without credentials."""
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"SQLite database {params['NAME']}"
    return f"PostgreSQL database {params['NAME']!s} on {params.get('HOST') or 'localhost'}"


def check_database(*, require_migrated: bool = True) -> None:
    """Fail with one line if the database is unreachable or has unapplied migrations."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import Error as DatabaseError

    connection = connections[DEFAULT_DB_ALIAS]
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        require_migrated
        and connection.vendor == "sqlite"
        and name not in {"", ":memory:"}
        and not name.startswith("file:")
        and not Path(name).exists()
    ):
        # Connecting would create an empty file and then report unapplied migrations.
        raise CliError(f"no {describe_database()}; run `safepassage manage migrate` first")
    try:
        connection.ensure_connection()
    except DatabaseError:
        raise CliError(f"cannot reach the {describe_database()}") from None
    if require_migrated:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            raise CliError(f"cannot read migrations from the {describe_database()}") from None
        if plan:
            raise CliError(
                f"{len(plan)} migrations are not applied to the {describe_database()}; "
                "run `safepassage manage migrate`"
            )


def passphrase_from_environment() -> str:
    """The key file passphrase, from the variable named in settings."""
    from django.conf import settings

    name = settings.SAFEPASSAGE_KEY_PASSPHRASE_ENV
    value = env_str(name)
    if not value:
        raise CliError(f"the key file passphrase is not set (environment variable {name})")
    return value


def unlock_keys(role: str) -> None:
    """Load the keys a role may hold into the process, or fail with one line.

    The intake gets the public key file only and refuses a secret key file; console and
    worker unlock the encrypted key file with the passphrase from the environment.
    """
    from django.conf import settings

    from safepassage.crypto import runtime
    from safepassage.crypto.errors import KeyFileError, SecretKeyUnavailable

    try:
        if role == "intake":
            runtime.get_public_keyring()
            return
        path: Path | None = settings.SAFEPASSAGE_KEY_FILE
        if path is None:
            raise CliError("no key file configured (SAFEPASSAGE_KEY_FILE)")
        passphrase_from_environment()
        runtime.get_keyring()
    except (KeyFileError, SecretKeyUnavailable) as error:
        raise CliError(str(error)) from None


def check_secret_key() -> None:
    """Production must have its own Django secret key."""
    from django.conf import settings

    if settings.SECRET_KEY.startswith("insecure-development-key-"):
        raise CliError("SAFEPASSAGE_SECRET_KEY is not set")
