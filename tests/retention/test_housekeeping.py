"""Rows that serve nothing any more go at each run; rows still of use stay."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safepassage.channels.domain.instances import create_channel_instance
from safepassage.channels.models import ChatSession, DeliveryState, OutboundDelivery
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal, seal_envelope_body
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.retention.housekeeping import housekeeping

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _envelope(status: str, days: int, keyring: Keyring) -> InboundEnvelope:
    return InboundEnvelope.objects.create(
        kind="provider_webhook",
        channel="telegram",
        received_at=NOW - datetime.timedelta(days=days),
        body=seal_envelope_body({"text": "x"}, to=keyring.public),
        status=status,
    )


def test_housekeeping_deletes_only_what_serves_nothing(installed_keys: Keyring) -> None:
    gone = [
        _envelope(EnvelopeStatus.PROCESSED, 0, installed_keys),
        _envelope(EnvelopeStatus.SKIPPED, 0, installed_keys),
        _envelope(EnvelopeStatus.FAILED, 20, installed_keys),
    ]
    stay = [
        _envelope(EnvelopeStatus.PENDING, 30, installed_keys),
        _envelope(EnvelopeStatus.FAILED, 3, installed_keys),
    ]
    instance, _ = create_channel_instance(
        by=None, channel_type="telegram", name="Bot", credentials={"bot_token": "1:a"}
    )

    def delivery(state: str, days: int, key: str) -> OutboundDelivery:
        row = OutboundDelivery.objects.create(
            instance=instance,
            recipient=seal("12345", to=installed_keys.public),
            body=seal("Здравствуйте", to=installed_keys.public),
            send_key=key,
            state=state,
        )
        OutboundDelivery.objects.filter(pk=row.pk).update(
            updated_at=NOW - datetime.timedelta(days=days)
        )
        return row

    old_sent = delivery(DeliveryState.DELIVERED, 8, "a")
    recent_sent = delivery(DeliveryState.SENT, 1, "b")
    old_retry = delivery(DeliveryState.RETRY, 8, "c")

    def chat(identity: str, days: int) -> ChatSession:
        row = ChatSession.objects.create(
            instance=instance,
            identity=seal(identity, to=installed_keys.public),
            identity_index=blind_index(installed_keys, "telegram_chat", identity),
        )
        ChatSession.objects.filter(pk=row.pk).update(created_at=NOW - datetime.timedelta(days=days))
        return row

    idle = chat("111", 40)
    fresh = chat("222", 2)

    counts = housekeeping(now=NOW)

    assert counts["envelopes"] == 3
    assert set(InboundEnvelope.objects.values_list("pk", flat=True)) == {e.pk for e in stay}
    assert not InboundEnvelope.objects.filter(pk__in=[e.pk for e in gone]).exists()
    assert set(OutboundDelivery.objects.values_list("pk", flat=True)) == {
        recent_sent.pk,
        old_retry.pk,
    }
    assert not OutboundDelivery.objects.filter(pk=old_sent.pk).exists()
    assert set(ChatSession.objects.values_list("pk", flat=True)) == {fresh.pk}
    assert not ChatSession.objects.filter(pk=idle.pk).exists()
    assert housekeeping(now=NOW)["envelopes"] == 0
