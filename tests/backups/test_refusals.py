"""Every refusal of ``safepassage backup``: one line, non-zero, and nothing restored."""

from __future__ import annotations

from pathlib import Path

import nacl.pwhash
import pytest

from safepassage.crypto.keyfile import create_keyfile
from tests.conftest import TEST_PASSPHRASE

from .conftest import Source
from .helpers import (
    assert_one_line_error,
    backup_env,
    base_env,
    is_sqlite,
    restore_env,
    run_cli,
    scratch_database,
    table_count,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _variant(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_bad_backups_and_wrong_keys_restore_nothing(
    tmp_path: Path, keyfile_path: Path, source: Source
) -> None:
    data = source.backup.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) - 40] ^= 0x01  # late in the stream: psql has been fed most of it
    other_key = tmp_path / "other-programme.json"
    create_keyfile(
        other_key,
        TEST_PASSPHRASE,
        kdf_opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
        kdf_memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN,
    )
    with scratch_database(tmp_path, "target") as target:
        env = restore_env(tmp_path, target, keyfile_path)
        cases = [
            (_variant(tmp_path, "flipped", bytes(flipped)), env, "damaged or was altered"),
            (_variant(tmp_path, "cut", data[: len(data) - 30]), env, "incomplete"),
            (_variant(tmp_path, "extra", data + b"\0"), env, "damaged or was altered"),
            (_variant(tmp_path, "notes.txt", b"not a backup\n"), env, "not a SafePassage backup"),
            (str(tmp_path / "absent"), env, "cannot restore from"),
            (
                str(source.backup),
                {**env, "SAFEPASSAGE_KEY_FILE": str(other_key)},
                "which this key file does not hold",
            ),
            (
                str(source.backup),
                {**env, "SAFEPASSAGE_KEY_PASSPHRASE": "not the passphrase"},
                "passphrase",
            ),
        ]
        for path, case_env, fragment in cases:
            assert_one_line_error(run_cli("backup", "restore", path, env=case_env), fragment)
            assert table_count(target) == 0, fragment


def test_a_backup_of_the_other_database_kind_is_refused(
    tmp_path: Path, keyfile_path: Path, source: Source
) -> None:
    env = restore_env(tmp_path, "unused", keyfile_path)
    if is_sqlite():
        env["DATABASE_URL"] = "postgres://safepassage:safepassage@127.0.0.1:5432/sp_none"
        fragment = "backup of a SQLite database; the configured database is PostgreSQL"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'other-kind.sqlite3'}"
        fragment = "backup of a PostgreSQL database; the configured database is SQLite"
    assert_one_line_error(run_cli("backup", "restore", str(source.backup), env=env), fragment)
    assert not (tmp_path / "other-kind.sqlite3").exists()


def test_backup_create_refusals(tmp_path: Path, source: Source) -> None:
    public_file = tmp_path / "public.json"
    env = backup_env(tmp_path, source.name, public_file)
    before = source.backup.read_bytes()
    assert_one_line_error(
        run_cli("backup", "create", "--output", str(source.backup), env=env), "already exists"
    )
    assert source.backup.read_bytes() == before
    no_keys = base_env(tmp_path, source.name)
    assert_one_line_error(
        run_cli("backup", "create", "--output", str(tmp_path / "new"), env=no_keys),
        "SAFEPASSAGE_KEY_FILE",
    )
    missing_dir = tmp_path / "no-such-dir" / "backup"
    assert_one_line_error(
        run_cli("backup", "create", "--output", str(missing_dir), env=env), "cannot write"
    )
    assert not list(tmp_path.glob(".*.part"))
