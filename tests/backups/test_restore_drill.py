"""The restore drill: demo data -> backup -> restore elsewhere -> the console works on it.

Runs on whichever database the suite runs on (SQLite and PostgreSQL), with the CLI as a
real subprocess: the backup from a host holding the public key file only, the restore
from one holding the key file and passphrase.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from safepassage.audit.chain import verify_chain
from safepassage.backups.fileformat import decrypt_stream, read_header, unwrap_stream_key
from safepassage.cases.models import Case
from safepassage.console.forms.queue import OPEN_STATES
from safepassage.crypto.keys import Keyring
from safepassage.demo.texts import DEMO_MESSAGES
from tests.console.helpers import sign_in, totp_code
from tests.intake.helpers import post_form

from .conftest import SURNAME, Source
from .helpers import (
    is_sqlite,
    restore_env,
    run_cli,
    scratch_database,
    serving_from,
    table_count,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def restored(tmp_path: Path, keyfile_path: Path, source: Source) -> Iterator[str]:
    """The backup restored into a new, empty database through the CLI."""
    with scratch_database(tmp_path, "restored") as name:
        result = run_cli(
            "backup", "restore", str(source.backup), env=restore_env(tmp_path, name, keyfile_path)
        )
        assert result.returncode == 0, result.stderr
        for label, count in source.counts.items():
            assert f"  {label}: {count}\n" in result.stdout
        assert source.counts["register records"] > 0
        assert "audit chain intact" in result.stdout
        yield name


def test_the_backup_file_is_private_and_holds_no_plaintext(
    source: Source, installed_keys: Keyring
) -> None:
    assert source.backup.stat().st_mode & 0o777 == 0o600
    data = source.backup.read_bytes()
    message = DEMO_MESSAGES["ru"][0][1]
    reference = sorted(source.open_references)[0]
    # The same values are in the plaintext the backup carries, so the scan can fail.
    with source.backup.open("rb") as handle:
        header = read_header(handle)
        plaintext = b"".join(
            decrypt_stream(handle, header, unwrap_stream_key(header, installed_keys))
        )
    for needle in (reference, "operator-ko", "KURSK24"):
        assert needle.encode() in plaintext
        assert needle.encode() not in data
    for needle in (message, SURNAME, source.receipts["ru"]):
        assert needle.encode() not in data
        assert needle.encode("utf-16-le") not in data
    assert header.meta.key_id == installed_keys.public.active_key_id.hex()
    assert header.meta.database == connections["default"].vendor


def test_restore_drill_console_receipts_and_audit_chain(source: Source, restored: str) -> None:
    with serving_from(restored):
        report = verify_chain()
        assert report.ok
        assert report.checked == source.counts["audit events"]
        assert (
            set(Case.objects.filter(state__in=OPEN_STATES).values_list("reference", flat=True))
            == source.open_references
        )

        # The console, signed in through the real password and TOTP pages.
        supervisor = source.logins["supervisor"]
        console = Client()
        sign_in(console, "supervisor", supervisor.password, totp_code(supervisor.totp_secret))
        queue = console.get("/console/queue/", {"scope": "all"})
        assert queue.status_code == 200
        page = queue.content.decode()
        missing = {ref for ref in source.open_references if ref not in page}
        assert not missing
        russian = Case.objects.filter(language="ru").order_by("id").first()
        assert russian is not None
        detail = console.get(f"/console/cases/{russian.reference}/")
        assert detail.status_code == 200
        assert DEMO_MESSAGES["ru"][0][1] in detail.content.decode()

        # A web applicant's receipt still opens the inbox through the intake sign-in.
        applicant = Client()
        signed_in = post_form(applicant, "/ru/inbox", {"receipt": source.receipts["ru"]})
        assert signed_in.status_code == 303
        inbox = applicant.get("/ru/inbox")
        assert inbox.status_code == 200
        assert DEMO_MESSAGES["ru"][0][1] in inbox.content.decode()


def test_restore_refuses_a_non_empty_database_unless_forced(
    tmp_path: Path, keyfile_path: Path, source: Source, restored: str
) -> None:
    env = restore_env(tmp_path, restored, keyfile_path)
    refused = run_cli("backup", "restore", str(source.backup), env=env)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip().count("\n") == 0
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr
    # A forced restore of a damaged file must leave the database it would replace intact.
    flipped = bytearray(source.backup.read_bytes())
    flipped[len(flipped) - 40] ^= 0x01
    damaged = tmp_path / "damaged.spbackup"
    damaged.write_bytes(bytes(flipped))
    tables = table_count(restored)
    failed = run_cli("backup", "restore", "--force", str(damaged), env=env)
    assert failed.returncode != 0
    assert "damaged or was altered" in failed.stderr
    assert table_count(restored) == tables
    with serving_from(restored):
        assert Case.objects.count() == source.counts["cases"]
        assert verify_chain().ok
    forced = run_cli("backup", "restore", "--force", str(source.backup), env=env)
    assert forced.returncode == 0, forced.stderr
    assert "audit chain intact" in forced.stdout
    assert table_count(restored) == tables
    # No plaintext working directory is left beside either database.
    for database in (source.name, restored):
        if is_sqlite():
            leftovers = [
                *Path(database).parent.glob(".backup-*"),
                *Path(database).parent.glob(".restore-*"),
            ]
            assert not leftovers
