"""Receipts are forgotten (issue 12): once the worker has derived what sign-in needs,
no stored byte and no sealed value the programme key opens still holds the receipt.

The adversary here holds a database dump (SQLite files with the WAL, or every
PostgreSQL table) *and* the programme's secret key: the receipt must be in neither the
raw bytes nor anything that key can open.  The same scan before processing finds the
receipt inside the pending envelope, so the test can fail.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps
from django.db import connection

from safepassage.cases.models import Contact
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.fields import SealedField
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import derive_receipt_keys, format_receipt
from safepassage.crypto.sealing import Sealed, open_sealed
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.intake.submissions import accept_web_submission
from safepassage.worker.envelopes import process_pending
from tests.security.test_no_plaintext_at_rest import dump_database


def receipt_forms(receipt: str) -> list[bytes]:
    """The forms a stored receipt could take: digits, grouped, UTF-16, JSON-quoted."""
    shown = format_receipt(receipt)
    forms = []
    for text in (receipt, shown, shown.replace(" ", "-")):
        forms += [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")]
    forms.append(json.dumps({"receipt": receipt}).encode()[1:-1])
    return forms


def sealed_plaintexts(keyring: Keyring) -> list[bytes]:
    """Every sealed value in the database, opened with the programme key."""
    opened: list[bytes] = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, SealedField):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True):
                if value is None:
                    continue
                sealed = value if isinstance(value, Sealed) else Sealed.from_storage(value)
                try:
                    opened.append(open_sealed(sealed, keyring))
                except CryptoError:
                    continue  # sealed to someone else only (none today)
    return opened


def found(receipt: str, blobs: list[bytes]) -> bool:
    forms = receipt_forms(receipt)
    return any(form in blob for blob in blobs for form in forms)


@pytest.mark.django_db(transaction=True)
def test_a_processed_submission_leaves_its_receipt_nowhere(
    installed_keys: Keyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receipts = [
        accept_web_submission(fields={"message": f"Хочу сдаться, письмо {n}"}, language="ru")
        for n in range(3)
    ]
    # The control: before processing, the sealed envelope bodies hold every receipt.
    before = sealed_plaintexts(installed_keys)
    assert all(found(receipt, before) for receipt in receipts)

    assert process_pending() == 3

    assert InboundEnvelope.objects.filter(status=EnvelopeStatus.PROCESSED).count() == 3
    assert not InboundEnvelope.objects.exclude(body=None).exists()
    dump = dump_database()
    assert len(dump) > 10_000
    after = sealed_plaintexts(installed_keys)
    assert after, "the scan opened nothing"
    logs = "\n".join(record.getMessage() for record in caplog.records).encode()
    for receipt in receipts:
        assert not found(receipt, [dump]), f"a receipt in the {connection.vendor} dump"
        assert not found(receipt, after), "a receipt in a sealed value"
        assert not found(receipt, [logs]), "a receipt in the logs"
        # ...and yet the receipt still signs in: its derived lookup hash is stored.
        keys = derive_receipt_keys(receipt, installed_keys.public)
        assert Contact.objects.filter(receipt_lookup_hash=keys.lookup_hash).exists()


def test_the_receipt_scan_finds_a_planted_receipt() -> None:
    receipt = "4539578763621486"
    assert found(receipt, [b"x" + "4539 5787 6362 1486".encode("utf-16-le") + b"y"])
    assert not found(receipt, [b"4539 5787 6362 1487"])
