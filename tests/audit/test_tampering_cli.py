"""A database insider tampers with the audit chain; ``safepassage audit verify`` (the real
command, as a subprocess, on the same database) must say where, in one line.

Runs on whichever database the suite runs on (SQLite and PostgreSQL).  The chain has six
events from two accounts and a head signed after the third and after the sixth, so the
witness file pins both.  Each tampering is raw SQL; where the insider re-hashes the
rest of the chain, it uses our own formula, as someone who read the code would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from safepassage.accounts.models import Account
from safepassage.audit.chain import record_event
from safepassage.audit.models import AuditEvent
from safepassage.audit.signing import sign_head
from tests.audit import insider
from tests.conftest import TEST_PASSPHRASE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


def run_cli(*args: str, keyfile: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "DATABASE_URL": _database_url(),
        "SAFEPASSAGE_VAR_DIR": str(tmp),
        "SAFEPASSAGE_KEY_FILE": str(keyfile),
        "SAFEPASSAGE_KEY_PASSPHRASE": TEST_PASSPHRASE,
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "safepassage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_broken(result: subprocess.CompletedProcess[str], fragment: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("safepassage: error: audit chain broken"), lines[0]
    assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def witness(tmp_path: Path) -> Path:
    """Six events by two accounts; heads signed after #3 and #6 into the witness file."""
    kim = Account.objects.create_account("kim", "a long test password 1", role="operator")
    olga = Account.objects.create_account("olga", "a long test password 1", role="operator")
    path = tmp_path / "witness.log"
    for number in range(1, 7):
        record_event(
            "case.opened",
            actor=kim if number % 2 else olga,
            object_type="case",
            object_ref=f"REF-{number}",
            detail={"n": number, "to": ["open"]},
        )
        if number in (3, 6):
            sign_head(witness=path)
    return path


@pytest.fixture
def cli(witness: Path, keyfile_path: Path, tmp_path: Path) -> Callable[..., Any]:
    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(
            "audit", "verify", "--witness", str(witness), *args, keyfile=keyfile_path, tmp=tmp_path
        )

    return call


def test_an_untouched_chain_passes(cli: Callable[..., Any], witness: Path) -> None:
    result = cli()
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "audit chain intact: 6 events verified; 4 signed heads reproduced"
    )
    assert witness.stat().st_mode & 0o777 == 0o600
    assert len(witness.read_text().splitlines()) == 2


def test_audit_sign_from_the_cli_appends_one_line(
    witness: Path, keyfile_path: Path, tmp_path: Path
) -> None:
    before = witness.read_text()
    result = run_cli("audit", "sign", "--witness", str(witness), keyfile=keyfile_path, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "signed the audit head at event #6" in result.stdout
    after = witness.read_text()
    assert after.startswith(before)
    assert len(after.splitlines()) == 3


def _set(seq: int, column: str, value: object) -> None:
    insider.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, seq])  # noqa: S608


def _swap(first: int, second: int) -> None:
    _set(first, "seq", -1)
    _set(second, "seq", first)
    _set(-1, "seq", second)


def _delete(*seqs: int) -> None:
    for seq in seqs:
        insider.execute("DELETE FROM audit_auditevent WHERE seq = %s", [seq])


def test_an_edited_field_is_named(cli: Callable[..., Any]) -> None:
    _set(2, "object_ref", "REF-X")
    line = assert_broken(cli(), "event #2")
    assert f"row id {insider.event_id(2)}" in line
    assert "altered" in line


def test_an_edited_field_rehashed_is_caught_by_the_witness(cli: Callable[..., Any]) -> None:
    _set(2, "object_ref", "REF-X")
    insider.rehash_everything()
    assert_broken(cli(), "between event #1 and #3")


def test_an_edited_actor_is_named(cli: Callable[..., Any]) -> None:
    other = Account.objects.get(username="olga").pk
    _set(5, "actor_id", other)  # kim's event now claims olga did it; the label is unchanged
    assert_broken(cli(), "event #5")


@pytest.mark.parametrize("value", ["garbage", "", 12345, "2026-13-45 99:99:99"])
def test_a_timestamp_edited_to_nonsense_is_named(cli: Callable[..., Any], value: object) -> None:
    if connection.vendor == "postgresql":
        # A timestamptz column refuses these outright: the insider cannot store them.
        with pytest.raises(DatabaseError), transaction.atomic():
            _set(2, "created_at", value)
        return
    _set(2, "created_at", value)
    assert_broken(cli(), "event #2")


def test_a_timestamp_moved_is_named(cli: Callable[..., Any]) -> None:
    moved = AuditEvent.objects.get(seq=2).created_at.replace(year=2020)
    value: object = (
        moved if connection.vendor == "postgresql" else moved.strftime("%Y-%m-%d %H:%M:%S.%f")
    )
    _set(2, "created_at", value)
    assert_broken(cli(), "event #2")


def test_a_deleted_event_is_named(cli: Callable[..., Any]) -> None:
    _delete(4)
    assert_broken(cli(), "event #4: event missing (deleted)")


def test_a_deleted_event_rehashed_is_caught_by_the_witness(cli: Callable[..., Any]) -> None:
    _delete(2)
    insider.rehash_everything()
    assert_broken(cli(), "between event #1 and #3")


def test_reordered_events_are_named(cli: Callable[..., Any]) -> None:
    _swap(2, 3)
    assert_broken(cli(), "event #2")


def test_reordered_events_rehashed_are_caught_by_the_witness(cli: Callable[..., Any]) -> None:
    _swap(4, 5)
    insider.rehash_everything()
    assert_broken(cli(), "between event #4 and #6")


def test_a_truncated_tail_with_a_moved_head_is_caught_by_the_witness(
    cli: Callable[..., Any],
) -> None:
    _delete(5, 6)
    insider.rehash_everything()
    assert_broken(cli(), "event #5: newest events missing (truncated)")


def test_a_downgraded_hash_format_is_named(cli: Callable[..., Any]) -> None:
    _set(5, "hash_version", 1)
    assert_broken(cli(), "event #5")


@pytest.fixture
def dropped_table() -> Iterator[None]:
    yield
    # Put the table back so the test database can be flushed for the next test.
    with connection.schema_editor() as editor:
        editor.create_model(AuditEvent)


def test_a_dropped_audit_table_is_one_line(cli: Callable[..., Any], dropped_table: None) -> None:
    insider.execute("DROP TABLE audit_auditevent")
    assert_broken(cli(), "event #1: the audit tables are missing or unreadable")


def test_a_forged_witness_line_is_named(cli: Callable[..., Any], witness: Path) -> None:
    # The insider re-hashed the chain and rewrites the witness's last line to match,
    # but cannot sign it.
    _set(5, "object_ref", "REF-X")
    insider.rehash_everything()
    lines = witness.read_text().splitlines()
    new_hash = str(AuditEvent.objects.get(seq=6).hash)
    old_hash = str(AuditEvent.objects.get(seq=6).prev_hash)  # any other hex string would do
    lines[1] = lines[1].replace(lines[1].split('"hash":"')[1][:64], new_hash)
    assert new_hash != old_hash
    witness.write_text("\n".join(lines) + "\n")
    line = assert_broken(cli(), "event #6")
    assert "witness line 2" in line
    assert "signature" in line


def test_a_malformed_witness_line_is_one_line(cli: Callable[..., Any], witness: Path) -> None:
    with witness.open("a") as handle:
        handle.write('{"format": "safepassage-audit-head", "seq": "many"}\n')
    result = cli()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"safepassage: error: audit chain cannot be trusted: witness line 3 of {witness} "
        "is not a signed audit head"
    ]


def test_a_forged_head_in_the_database_is_named(cli: Callable[..., Any]) -> None:
    insider.execute(
        "INSERT INTO audit_auditsignedhead (seq, hash, signed_at, signature) "
        "VALUES (%s, %s, %s, %s)",
        [6, "a" * 64, "2026-12-02T00:00:00.000000Z", "A" * 86 + "=="],
    )
    line = assert_broken(cli(), "event #6")
    assert "database head" in line
