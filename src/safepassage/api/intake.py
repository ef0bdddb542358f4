"""Partner intake (``intake:write``): a contact handed over by a partner call centre.

The contact is sealed to the programme's public key on arrival, in one
``partner_intake`` envelope, exactly as the website seals a form; the worker opens it
and makes the case (``worker.partners``).  ``Idempotency-Key`` (required) makes a retry
safe: the same key with the same body returns the first call's ``intake_id`` and stores
nothing; the same key with another body is refused (409).  Keys and bodies are kept only
as keyed hashes.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Schema, Status
from pydantic import Field

from safepassage.api.auth import ScopedToken, client_of
from safepassage.api.problems import Problem
from safepassage.apiclients.domain import find_intake, remember_intake, same_request
from safepassage.apiclients.models import IntakeKey, Scope
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope

router = Router(tags=["intake"], auth=ScopedToken(Scope.INTAKE_WRITE))

Language = Literal["ru", "ko", "uk", "en"]
OriginChannel = Literal["web", "telegram", "whatsapp", "sms", "hotline"]
InquiryKind = Literal[
    "surrender", "considering", "avoiding_mobilisation", "family_member", "information", "other"
]


class IdempotencyKeyReused(Exception):
    """The key was used before for a different body."""


class IntakeIn(Schema):
    """What the partner's operator learnt; only ``message`` is required besides the codes."""

    language: Language
    channel: OriginChannel = "hotline"
    message: str = Field(min_length=1, max_length=4000)
    inquiry_type: InquiryKind = "other"
    name: str = Field("", max_length=200)
    rank: str = Field("", max_length=100)
    unit: str = Field("", max_length=200)
    service_number: str = Field("", max_length=100)
    date_of_birth: str = Field("", max_length=32)
    area: str = Field("", max_length=200)


class IntakeOut(Schema):
    """The hand-over's id (random; the partner quotes it to us) and whether it was a retry."""

    intake_id: str
    replayed: bool


def _accepted(row: IntakeKey, *, replayed: bool) -> IntakeOut:
    return IntakeOut(intake_id=row.intake_id, replayed=replayed)


@router.post(
    "",
    response={202: IntakeOut, 401: Problem, 403: Problem, 409: Problem, 422: Problem, 429: Problem},
    operation_id="hand_over_contact",
)
def hand_over_contact(
    request: HttpRequest,
    payload: IntakeIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128)],
) -> Status[IntakeOut]:
    """Seal and store one handed-over contact; the worker turns it into a case."""
    client = client_of(request)
    assert client is not None  # the router's auth ran
    fingerprint = json.dumps(payload.model_dump(), sort_keys=True, ensure_ascii=False)
    earlier = find_intake(client, idempotency_key)
    if earlier is not None:
        if not same_request(earlier, fingerprint):
            raise IdempotencyKeyReused
        return Status(202, _accepted(earlier, replayed=True))
    body = {**payload.model_dump(), "partner": client.name, "campaign": client.campaign_code}
    envelope = InboundEnvelope(
        kind=EnvelopeKind.PARTNER_INTAKE,
        channel=payload.channel,
        received_at=timezone.now(),
        body=seal_envelope_body(body, to=get_public_keyring()),
    )
    try:
        with transaction.atomic():
            envelope.save(force_insert=True)
            row = remember_intake(
                client,
                key=idempotency_key,
                request_fingerprint=fingerprint,
                envelope_id=envelope.pk,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer as it did.
        earlier = find_intake(client, idempotency_key)
        if earlier is None or not same_request(earlier, fingerprint):
            raise IdempotencyKeyReused from None
        return Status(202, _accepted(earlier, replayed=True))
    return Status(202, _accepted(row, replayed=False))
