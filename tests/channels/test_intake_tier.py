"""Webhooks on the intake tier: the public key alone suffices, secrets are not stored in
clear, and nothing personal reaches a log line."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.cases.models import Message
from safepassage.channels.domain.instances import create_channel_instance, webhook_path
from safepassage.channels.hookkey import secret_hash
from safepassage.channels.hooks import forget_hooks
from safepassage.channels.models import ChannelInstance
from safepassage.crypto import runtime
from safepassage.crypto.errors import SecretKeyUnavailable
from safepassage.crypto.keys import Keyring
from safepassage.envelopes.models import InboundEnvelope
from safepassage.worker.envelopes import process_pending
from tests.channels import payloads

pytestmark = pytest.mark.django_db
SECRET = "telegram-secret-token-for-tests-0123456789"
CHAT = 4449990001
WORDS = "Меня зовут Сидоров, я в 155-й бригаде"


@pytest.fixture
def channels() -> dict[str, tuple[ChannelInstance, str]]:
    telegram, _ = create_channel_instance(
        by=None, channel_type="telegram", name="bot", credentials={"bot_token": "1:x"}
    )
    ChannelInstance.objects.filter(pk=telegram.pk).update(verify_hash=secret_hash(SECRET))
    whatsapp, _ = create_channel_instance(
        by=None,
        channel_type="whatsapp",
        name="wa",
        credentials={"access_token": "t"},
        intake_secret="wa-secret",
        config={"phone_number_id": "1065403522"},
    )
    forget_hooks()
    return {
        "telegram": (telegram, webhook_path(telegram)),
        "whatsapp": (whatsapp, webhook_path(whatsapp)),
    }


def _as_intake(settings: SettingsWrapper, keyring: Keyring) -> None:
    settings.SAFEPASSAGE_ROLE = "intake"
    runtime.install_keyring(None, public=keyring.public)
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()


def test_webhooks_are_accepted_with_the_public_key_only(
    client: Client,
    settings: SettingsWrapper,
    installed_keys: Keyring,
    channels: dict[str, tuple[ChannelInstance, str]],
) -> None:
    _as_intake(settings, installed_keys)
    update = payloads.tg_message(CHAT, text=WORDS)
    response = client.post(
        channels["telegram"][1],
        payloads.to_json(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    assert response.status_code == 200
    body = payloads.to_json(payloads.wa_text("821099990000", "살고 싶습니다"))
    response = client.post(
        channels["whatsapp"][1],
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=payloads.wa_signature("wa-secret", body),
    )
    assert response.status_code == 200
    assert InboundEnvelope.objects.count() == 2
    # What the intake stored, it cannot read back.
    for envelope in InboundEnvelope.objects.all():
        assert envelope.body is not None
        assert WORDS.encode() not in envelope.body.blob
        assert str(CHAT).encode() not in envelope.body.blob

    settings.SAFEPASSAGE_ROLE = "worker"
    runtime.install_keyring(installed_keys)
    assert process_pending() == 2
    assert Message.objects.filter(direction="in").count() == 2


def test_secrets_are_not_stored_in_clear(channels: dict[str, tuple[ChannelInstance, str]]) -> None:
    telegram, path = channels["telegram"]
    whatsapp, _ = channels["whatsapp"]
    key = path.split("/")[3]
    assert telegram.hook_key_hash != key
    assert key not in telegram.hook_key_hash
    assert telegram.credentials is not None
    assert b"1:x" not in telegram.credentials.blob
    assert whatsapp.intake_secret is not None
    assert b"wa-secret" not in bytes(whatsapp.intake_secret)
    telegram.refresh_from_db()
    assert SECRET not in telegram.verify_hash


def test_nothing_personal_is_logged(
    client: Client,
    settings: SettingsWrapper,
    installed_keys: Keyring,
    channels: dict[str, tuple[ChannelInstance, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    path = channels["telegram"][1]
    body = payloads.to_json(payloads.tg_message(CHAT, text=WORDS))
    client.post(
        path, body, content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="bad"
    )
    client.post(
        path,
        b"{" + body,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    client.post(
        path, body, content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET
    )
    process_pending()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "webhook refused" in logged
    for secret in (WORDS, "Сидоров", str(CHAT), SECRET, path.split("/")[3]):
        assert secret not in logged
