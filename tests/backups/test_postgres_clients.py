"""Choosing Debian's PostgreSQL client tools, and handing them the credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from safepassage.backups.errors import BackupError
from safepassage.backups.postgres import client_binary, client_environment


def _fake_tree(root: Path, major: int) -> Path:
    binary = root / str(major) / "bin" / "pg_dump"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    return binary


def test_the_client_of_the_servers_major_version_is_chosen(tmp_path: Path) -> None:
    _fake_tree(tmp_path, 14)
    wanted = _fake_tree(tmp_path, 15)
    _fake_tree(tmp_path, 16)
    assert client_binary("pg_dump", 150010, root=tmp_path) == wanted


def test_a_missing_client_names_the_package(tmp_path: Path) -> None:
    _fake_tree(tmp_path, 15)
    with pytest.raises(BackupError, match="install the Debian package postgresql-client-17"):
        client_binary("pg_dump", 170002, root=tmp_path)


def test_debians_client_for_this_server_is_installed() -> None:
    # The machine's PostgreSQL 15 (the test server) has its pg_dump and psql.
    assert client_binary("pg_dump", 150000).name == "pg_dump"
    assert client_binary("psql", 150000).name == "psql"


def test_credentials_travel_in_the_environment() -> None:
    env = client_environment(
        {
            "NAME": "safepassage",
            "USER": "backup",
            "PASSWORD": "s3cret",
            "HOST": "db.internal",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "verify-full"},
        }
    )
    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGDATABASE"] == "safepassage"
    assert env["PGHOST"] == "db.internal"
    assert env["PGPORT"] == "5433"
    assert env["PGSSLMODE"] == "verify-full"
