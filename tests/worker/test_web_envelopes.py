"""The worker turns sealed website envelopes into cases, contacts and messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case, Contact, Message
from safepassage.cases.states import CaseState, CloseReason
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import derive_receipt_keys, new_receipt
from safepassage.crypto.sealing import open_text, open_text_as_applicant, seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope
from safepassage.worker.envelopes import process_pending

pytestmark = pytest.mark.django_db


def submit(
    keyring: Keyring, kind: str = EnvelopeKind.WEB_SUBMISSION, **body: Any
) -> InboundEnvelope:
    return InboundEnvelope.objects.create(
        kind=kind,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body({"v": 1, **body}, to=keyring.public),
    )


def test_submission_opens_a_case_the_applicant_can_read(installed_keys: Keyring) -> None:
    receipt = new_receipt()
    envelope = submit(
        installed_keys, receipt=receipt, language="ru", message="Я хочу сдаться, нас двое."
    )
    assert process_pending() == 1
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.PROCESSED
    case = Case.objects.get()
    assert case.state == CaseState.NEW
    assert case.language == "ru"
    assert case.waiting_since is not None
    message = Message.objects.get()
    keys = derive_receipt_keys(receipt, installed_keys.public)
    contact = Contact.objects.get(receipt_lookup_hash=keys.lookup_hash)
    assert contact.applicant_public_key is not None
    assert bytes(contact.applicant_public_key) == bytes(keys.public_key)
    assert open_text(message.body, installed_keys) == "Я хочу сдаться, нас двое."
    assert open_text_as_applicant(message.body, keys.private_key) == "Я хочу сдаться, нас двое."


def test_korean_text_on_the_russian_page_goes_to_the_korean_queue(installed_keys: Keyring) -> None:
    submit(
        installed_keys,
        receipt=new_receipt(),
        language="ru",
        message="투항하고 싶습니다. 도와주세요.",
    )
    process_pending()
    assert Case.objects.get().language == "ko"


def test_malformed_envelope_fails_with_a_code_and_no_content(installed_keys: Keyring) -> None:
    envelope = submit(installed_keys, receipt="1234", language="en", message="secret words")
    process_pending()
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.FAILED
    assert envelope.error_code == "malformed receipt"
    assert not Case.objects.exists()


def test_a_receipt_collision_never_loses_the_message(installed_keys: Keyring) -> None:
    receipt = new_receipt()
    submit(installed_keys, receipt=receipt, language="en", message="first person")
    submit(installed_keys, receipt=receipt, language="en", message="second person")
    process_pending()
    assert Case.objects.count() == 2
    second = Case.objects.order_by("id").last()
    assert second is not None
    assert "receipt_collision" in second.risk_flags
    bodies = sorted(open_text(m.body, installed_keys) for m in Message.objects.all())
    assert bodies == ["first person", "second person"]


def test_followup_reopens_a_case_closed_as_unreachable(
    installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    receipt = new_receipt()
    submit(installed_keys, receipt=receipt, language="en", message="hello")
    process_pending()
    case = Case.objects.get()
    transition_case(case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.UNREACHABLE)
    lookup = derive_receipt_keys(receipt, installed_keys.public).lookup_hash
    submit(
        installed_keys, EnvelopeKind.WEB_FOLLOWUP, lookup_hash=lookup, language="en", message="back"
    )
    process_pending()
    case.refresh_from_db()
    assert case.state == CaseState.ENGAGED
    assert case.messages.count() == 2


def test_followup_after_completion_opens_a_new_linked_case(
    installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    receipt = new_receipt()
    submit(installed_keys, receipt=receipt, language="en", message="hello")
    process_pending()
    case = Case.objects.get()
    transition_case(case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.INELIGIBLE)
    lookup = derive_receipt_keys(receipt, installed_keys.public).lookup_hash
    submit(
        installed_keys,
        EnvelopeKind.WEB_FOLLOWUP,
        lookup_hash=lookup,
        language="en",
        message="again",
    )
    process_pending()
    fresh = Case.objects.exclude(pk=case.pk).get()
    assert f"previous_case:{case.reference}" in fresh.risk_flags
    assert Contact.objects.get(receipt_lookup_hash=lookup).case_id == fresh.pk
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
