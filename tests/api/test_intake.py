"""Partner intake: sealed on arrival, idempotent by key, turned into an attributed case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from safepassage.accounts.models import Account
from safepassage.apiclients.models import IntakeKey
from safepassage.campaigns.models import Attribution, AttributionVia, Campaign
from safepassage.cases.models import Case, Message
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_text
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.worker.envelopes import process_pending

from ..security.test_no_plaintext_at_rest import assert_no_marker, dump_database
from .support import call, make_client

MESSAGE = "Жуковмаркер7731 хочет сдаться, звонил на горячую линию партнёра"
CONTACT = {
    "language": "ru",
    "channel": "telegram",
    "message": MESSAGE,
    "inquiry_type": "surrender",
    "name": "Zhukovmarker7731",
    "service_number": "+79161234567",
}


def _post(token: str, body: Mapping[str, Any], key: str = "call-centre-0001") -> Any:
    return call("POST", "/api/v1/intake", token, body=body, headers={"Idempotency-Key": key})


@pytest.mark.django_db(transaction=True)
def test_a_handed_over_contact_is_sealed_at_rest_and_becomes_an_attributed_case(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    campaign = Campaign.objects.create(code="PARTNER1", title="Partner call centre")
    _client, token = make_client(personas["adam"], "intake:write", campaign="partner1")
    response = _post(token, CONTACT)
    assert response.status_code == 202
    assert response.json()["replayed"] is False
    envelope = InboundEnvelope.objects.get()
    assert (envelope.kind, envelope.channel) == (EnvelopeKind.PARTNER_INTAKE, "telegram")
    # Unreadable at rest: neither the message, the name nor the number is in the database.
    assert_no_marker(dump_database(), "the database after a partner hand-over")
    assert IntakeKey.objects.get().key_hash != "call-centre-0001"

    assert process_pending() == 1
    case = Case.objects.get()
    assert (case.first_channel, case.language, case.inquiry_type) == ("telegram", "ru", "surrender")
    assert case.campaign_id == campaign.pk
    assert Attribution.objects.get(case=case).via == AttributionVia.PARTNER
    message = Message.objects.get(case=case)
    assert open_text(message.body, installed_keys) == MESSAGE
    assert_no_marker(dump_database(), "the database after the worker made the case")


@pytest.mark.django_db
def test_the_same_key_and_body_is_stored_once(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "intake:write")
    first = _post(token, CONTACT).json()
    second = _post(token, CONTACT).json()
    assert second == {"intake_id": first["intake_id"], "replayed": True}
    assert InboundEnvelope.objects.count() == 1
    other = _post(token, CONTACT, key="call-centre-0002").json()
    assert other["intake_id"] != first["intake_id"]
    assert InboundEnvelope.objects.count() == 2


@pytest.mark.django_db
def test_a_key_reused_for_another_contact_is_refused(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "intake:write")
    _post(token, CONTACT)
    response = _post(token, {**CONTACT, "message": "другой человек"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert InboundEnvelope.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_client(personas: dict[str, Account]) -> None:
    _one, first_token = make_client(personas["adam"], "intake:write", name="centre-one")
    _two, second_token = make_client(personas["adam"], "intake:write", name="centre-two")
    _post(first_token, CONTACT)
    assert _post(second_token, CONTACT).json()["replayed"] is False
    assert InboundEnvelope.objects.count() == 2


@pytest.mark.django_db
def test_invalid_bodies_get_a_problem_that_echoes_nothing(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "intake:write")
    response = _post(token, {**CONTACT, "language": "Zhukovmarker7731"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_request"
    assert problem["errors"][0]["loc"][-1] == "language"
    assert "Zhukovmarker7731" not in response.content.decode()
    missing_key = call("POST", "/api/v1/intake", token, body=CONTACT)
    assert missing_key.status_code == 422
    assert InboundEnvelope.objects.count() == 0
