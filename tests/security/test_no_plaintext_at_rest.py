"""No plaintext at rest: personal values never reach the database files or the logs.

A scenario drives unique Russian, Korean and Latin markers through every path that
stores personal data, then scans the raw database (the SQLite files including the WAL,
or every PostgreSQL table dumped with COPY) and the captured logs for the markers in
the encodings a careless write would produce.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, Note
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import new_receipt
from safepassage.crypto.sealing import seal, seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.worker.envelopes import process_pending

MARKERS = [
    "Жуковмаркер7731",
    "김철수표식비밀",
    "Zhukovmarker7731",
    "+79161234567",
]


def encodings(marker: str) -> list[bytes]:
    """The forms a leaked value could take in a file or a log."""
    forms = [
        marker.encode("utf-8"),
        marker.encode("utf-16-le"),
        marker.encode("utf-16-be"),
        json.dumps(marker).strip('"').encode(),  # \\uXXXX escapes
        base64.b64encode(marker.encode()).rstrip(b"="),
    ]
    for codec in ("cp1251", "koi8-r", "euc-kr", "cp949"):
        with contextlib.suppress(UnicodeEncodeError):
            forms.append(marker.encode(codec))
    return forms


def assert_no_marker(data: bytes, where: str) -> None:
    for marker in MARKERS:
        for form in encodings(marker):
            assert form not in data, f"marker {marker!r} found in {where} as {form!r}"


def dump_database() -> bytes:
    """Every byte the database holds, as the thief of a dump or a disk would get it."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        data = name.read_bytes()
        for suffix in ("-wal", "-journal", "-shm"):
            extra = name.with_name(name.name + suffix)
            if extra.exists():
                data += extra.read_bytes()
        return data
    chunks = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        raw = cursor.connection
        for table in tables:
            with (
                raw.cursor() as pg_cursor,
                pg_cursor.copy(f'COPY "{table}" TO STDOUT WITH (FORMAT binary)') as copy,
            ):
                for block in copy:
                    chunks.append(bytes(block))
    return b"".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_scenario_leaves_no_plaintext_in_database_or_logs(
    installed_keys: Keyring,
    personas: dict[str, Account],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    russian, korean, latin, phone = MARKERS
    # A web submission as the intake seals it, with every optional field filled.
    body = {
        "v": 1,
        "receipt": new_receipt(),
        "language": "ko",
        "message": f"저는 {korean} 입니다. 투항하고 싶습니다. {russian}",
        "inquiry_type": "surrender",
        "name": russian,
        "rank": korean,
        "unit": latin,
        "service_number": latin + "-99",
        "date_of_birth": "1990-02-03",
        "area": korean,
        "group_size": "2",
        "reach_back": {"telegram": "@" + latin, "whatsapp": phone, "phone": phone},
        "campaign": "",
    }
    InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_SUBMISSION,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body(body, to=installed_keys.public),
    )
    assert process_pending() == 1
    case = Case.objects.get()
    assert case.language == "ko"
    assert case.name is not None
    assert case.contacts.count() == 4  # web receipt + telegram + whatsapp + sms

    post_reply(case, by=personas["kim"], text=f"{russian} — 답장 {korean}")
    Note.objects.create(
        case=case, author=personas["kim"], body=seal(latin, to=installed_keys.public)
    )

    # Flush everything (including the operator personas' TOTP secrets) to disk.
    data = dump_database()
    assert len(data) > 10_000
    assert_no_marker(data, f"the {connection.vendor} database")

    captured = capsys.readouterr()
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert_no_marker((logs + captured.out + captured.err).encode(), "logs")


def test_scanner_finds_a_planted_marker() -> None:
    """The scan itself must be able to fail."""
    planted = b"prefix" + MARKERS[1].encode("utf-16-le") + b"suffix"
    with pytest.raises(AssertionError, match="marker"):
        assert_no_marker(planted, "a planted blob")
