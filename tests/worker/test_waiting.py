"""A genuine applicant who signs in during a flood is served before the backlog."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.test import Client

from safepassage.cases.models import Contact
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import derive_receipt_keys, format_receipt, new_receipt
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope
from safepassage.intake.submissions import accept_web_submission, note_signin_waiting
from safepassage.worker import envelopes
from safepassage.worker.envelopes import process_pending
from safepassage.worker.waiting import forget_pending_receipts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_backlog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A backlog of more than 4 envelopes, rounds of 2 (the production 200 and 16)."""
    monkeypatch.setattr(envelopes, "BACKLOG", 4)
    monkeypatch.setattr(envelopes, "BACKLOG_ROUND", 2)
    monkeypatch.setattr(envelopes, "_rounds", itertools.count())
    forget_pending_receipts()
    yield
    forget_pending_receipts()


def signs_in(receipt: str, keyring: Keyring) -> bool:
    keys = derive_receipt_keys(receipt, keyring.public)
    return Contact.objects.filter(receipt_lookup_hash=keys.lookup_hash).exists()


def flood(count: int) -> list[str]:
    return [
        accept_web_submission(fields={"message": f"фейк номер {n}"}, language="ru")
        for n in range(count)
    ]


def test_a_waiting_sign_in_is_served_in_the_next_round_and_forgotten(
    installed_keys: Keyring,
) -> None:
    before = flood(6)
    genuine = accept_web_submission(fields={"message": "Я хочу сдаться"}, language="ru")
    after = flood(6)

    note_signin_waiting(genuine)
    # The waited-for submission, then the round's two (newest first: a backlog).
    assert process_pending(limit=2) == 3

    assert signs_in(genuine, installed_keys)
    assert not any(signs_in(r, installed_keys) for r in before)
    waiting = InboundEnvelope.objects.get(kind=EnvelopeKind.WEB_SIGNIN_WAITING)
    assert waiting.status == EnvelopeStatus.PROCESSED
    assert waiting.body is None  # the receipt it carried is forgotten
    assert [r for r in after if signs_in(r, installed_keys)] == after[-2:]


def test_a_sign_in_for_an_unknown_receipt_changes_nothing_else(
    installed_keys: Keyring,
) -> None:
    flood(6)
    note_signin_waiting(new_receipt())  # a guess: nothing pending has it
    assert process_pending(limit=2) == 2  # the round goes on as usual
    waiting = InboundEnvelope.objects.get(kind=EnvelopeKind.WEB_SIGNIN_WAITING)
    assert (waiting.status, waiting.body) == (EnvelopeStatus.PROCESSED, None)


def test_the_inbox_asks_for_a_receipt_it_cannot_find_yet(
    client: Client, installed_keys: Keyring
) -> None:
    flood(6)
    genuine = accept_web_submission(fields={"message": "Я хочу сдаться"}, language="ru")
    response = client.post("/ru/inbox", {"receipt": format_receipt(genuine)})
    assert response.status_code == 400  # "not found yet: wait a minute"
    assert InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_SIGNIN_WAITING).count() == 1

    process_pending(limit=2)

    response = client.post("/ru/inbox", {"receipt": format_receipt(genuine)})
    assert response.status_code == 303
