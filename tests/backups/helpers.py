"""Running ``safepassage backup`` as a subprocess against the test database or another."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connections

from tests.conftest import TEST_PASSPHRASE

SECRET_KEY = "backup-test-secret-key-" + "b" * 40


def database_url(name: str) -> str:
    """A DATABASE_URL for database ``name`` on the test database's server."""
    params = connections["default"].settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    user = quote(str(params["USER"]), safe="")
    password = quote(str(params["PASSWORD"]), safe="")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{name}"


def is_sqlite() -> bool:
    return connections["default"].vendor == "sqlite"


def base_env(tmp: Path, database: str) -> dict[str, str]:
    """What every invocation needs: a database, a var dir, a Django secret key."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "DATABASE_URL": database_url(database),
        "SAFEPASSAGE_VAR_DIR": str(tmp),
        "SAFEPASSAGE_SECRET_KEY": SECRET_KEY,
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }


def backup_env(tmp: Path, database: str, public_key_file: Path) -> dict[str, str]:
    """A backup host configured like the intake: the public key file and nothing secret."""
    return {
        **base_env(tmp, database),
        "SAFEPASSAGE_ROLE": "intake",
        "SAFEPASSAGE_PUBLIC_KEY_FILE": str(public_key_file),
    }


def restore_env(tmp: Path, database: str, key_file: Path) -> dict[str, str]:
    """A restore host: the key file and its passphrase, as the console has."""
    return {
        **base_env(tmp, database),
        "SAFEPASSAGE_KEY_FILE": str(key_file),
        "SAFEPASSAGE_KEY_PASSPHRASE": TEST_PASSPHRASE,
    }


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "safepassage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("safepassage: error: ")
    assert fragment in lines[0], lines[0]


@contextmanager
def scratch_database(tmp: Path, label: str) -> Iterator[str]:
    """A new, empty database on the test server: another SQLite file or PostgreSQL database."""
    if is_sqlite():
        yield str(tmp / f"{label}.sqlite3")
        return
    name = f"{connections['default'].settings_dict['NAME']}_{label}"
    with connections["default"].cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serving_from(name: str) -> Iterator[None]:
    """Point this process's default connection at database ``name`` for a while.

    The console and intake views then run, through the test client, against the
    restored database exactly as a server started on it would.
    """
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def table_count(name: str) -> int:
    """How many tables database ``name`` holds (0: nothing was restored)."""
    with serving_from(name), connections["default"].cursor() as cursor:
        if is_sqlite():
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        row = cursor.fetchone()
    return int(row[0])
