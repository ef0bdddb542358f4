"""The setWebhook command and the sweep of deliveries a dead worker left in flight."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.models import Contact, DeliveryStatus, Direction, Message
from safepassage.channels.domain.instances import create_channel_instance, webhook_path
from safepassage.channels.domain.outbound import create_delivery, deliver, sweep_stalled
from safepassage.channels.models import DeliveryState, OutboundDelivery
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal
from tests.channels.fake_providers import FakeProviders

pytestmark = pytest.mark.django_db


def test_set_webhook_command_registers_a_fresh_secret(providers: FakeProviders) -> None:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="telegram",
        name="Main bot",
        credentials={"bot_token": "123:abc"},
        config={"api_base_url": providers.url, "public_base_url": "https://intake.example.org"},
    )
    out = StringIO()
    call_command("telegram_set_webhook", "Main bot", stdout=out)
    first = providers.calls_to("/bot123:abc/setWebhook$")[-1].json()
    assert first["url"] == "https://intake.example.org" + webhook_path(instance)
    key = webhook_path(instance).split("/")[3]
    assert key not in out.getvalue()  # the secret path is not printed
    instance.refresh_from_db()
    first_hash = instance.verify_hash
    call_command("telegram_set_webhook", str(instance.pk), stdout=StringIO())
    instance.refresh_from_db()
    assert instance.verify_hash != first_hash
    assert providers.calls_to("setWebhook$")[-1].json()["secret_token"] != first["secret_token"]


def test_set_webhook_command_reports_refusals(providers: FakeProviders) -> None:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="telegram",
        name="bot",
        credentials={"bot_token": "123:abc"},
        config={"api_base_url": providers.url, "public_base_url": "https://intake.example.org"},
    )
    providers.fail_next(
        "setWebhook$", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    )
    with pytest.raises(CommandError, match="telegram_401"):
        call_command("telegram_set_webhook", str(instance.pk))
    with pytest.raises(CommandError):
        call_command("telegram_set_webhook", "no such bot")


def test_delivery_left_in_flight_is_marked_uncertain_never_resent(
    providers: FakeProviders, installed_keys: Keyring
) -> None:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="telegram",
        name="bot",
        credentials={"bot_token": "123:abc"},
        config={"api_base_url": providers.url},
    )
    case = open_case(channel="telegram", language="ru")
    contact = Contact.objects.create(case=case, channel="telegram")
    add_inbound_message(
        case,
        contact,
        body=seal("hi", to=installed_keys.public),
        language="ru",
        received_at=timezone.now(),
    )
    message = Message.objects.create(
        case=case,
        contact=contact,
        direction=Direction.OUTBOUND,
        channel="telegram",
        body=seal("ответ", to=installed_keys.public),
        status=DeliveryStatus.QUEUED,
        created_at=timezone.now(),
    )
    delivery = create_delivery(
        instance=instance, recipient=seal("4441", to=installed_keys.public), message=message
    )
    # A worker claimed it and died before recording the outcome.
    OutboundDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENDING, attempts=1)
    OutboundDelivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - timedelta(minutes=11)
    )
    assert sweep_stalled() == 1
    assert deliver(delivery.pk) == "skipped"
    delivery.refresh_from_db()
    message.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.error_code == "uncertain"
    assert message.status == DeliveryStatus.FAILED
    assert providers.calls_to("sendMessage$") == []
