"""psql as the restore's sink: one transaction, and errors that quote no value."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from safepassage.backups import postgres
from safepassage.backups.errors import BackupError

from .helpers import is_sqlite, scratch_database, table_count

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Иванов Пётр"


def _restore(database: str, script: Iterator[bytes]) -> None:
    params = {**connections["default"].settings_dict, "NAME": database}
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()
    binary = postgres.client_binary("psql", int(version))
    with tempfile.TemporaryFile() as errors:
        postgres.restore(
            binary,
            postgres.client_environment(params),
            script,
            errors,
            force=False,
            progress=lambda _count: None,
        )


def test_a_failing_statement_rolls_everything_back_and_quotes_nothing(tmp_path: Path) -> None:
    if is_sqlite():
        pytest.skip("PostgreSQL only")
    script = iter([b"CREATE TABLE first_table (v text);\n", f"SELECT '{NAME}'::int;\n".encode()])
    with scratch_database(tmp_path, "psql") as database:
        with pytest.raises(BackupError) as caught:
            _restore(database, script)
        assert "22P02" in str(caught.value)  # invalid_text_representation, as a code only
        assert NAME not in str(caught.value)
        assert "Иванов" not in str(caught.value)
        assert table_count(database) == 0


def test_a_stream_that_fails_midway_is_never_committed(tmp_path: Path) -> None:
    if is_sqlite():
        pytest.skip("PostgreSQL only")

    def damaged() -> Iterator[bytes]:
        yield b"CREATE TABLE first_table (v text);\n"
        yield b"INSERT INTO first_table VALUES ('x');\n"
        raise BackupError("the backup file is damaged or was altered; nothing was restored")

    with scratch_database(tmp_path, "psql") as database:
        with pytest.raises(BackupError, match="damaged"):
            _restore(database, damaged())
        assert table_count(database) == 0
