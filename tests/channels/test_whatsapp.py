"""WhatsApp Cloud API: Meta's webhook notifications posted signed to the live server;
the Graph API answered by a loopback server."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, DeliveryStatus, Direction, Message
from safepassage.channels.domain.outbound import ChannelRefused
from safepassage.channels.domain.replies import post_template_reply
from safepassage.channels.domain.status import delivery_status, reply_constraints
from safepassage.channels.models import ChatSession, MediaAttachment, MediaState, OutboundDelivery
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_text
from safepassage.envelopes.models import InboundEnvelope
from tests.channels import payloads
from tests.channels.conftest import WA_APP_SECRET, Channel, post, run_worker, sealed
from tests.channels.fake_providers import FakeProviders

pytestmark = pytest.mark.django_db(transaction=True)
WA_ID = "821012345678"


def notify(
    live_server: LiveServer,
    channel: Channel,
    payload: Mapping[str, object],
    *,
    secret: str = WA_APP_SECRET,
) -> int:
    body = payloads.to_json(payload)
    status, _ = post(
        live_server.url + channel.path,
        body,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.wa_signature(secret, body),
        },
    )
    return status


def test_verification_handshake_echoes_the_challenge_only_for_our_token(
    whatsapp: Channel, live_server: LiveServer
) -> None:
    base = live_server.url + whatsapp.path
    ok = f"{base}?hub.mode=subscribe&hub.verify_token={whatsapp.secret}&hub.challenge=1158201444"
    assert post(ok, b"", method="GET") == (200, b"1158201444")
    bad = f"{base}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"
    assert post(bad, b"", method="GET")[0] == 403


def test_signed_text_opens_a_korean_case(
    whatsapp: Channel, live_server: LiveServer, installed_keys: Keyring
) -> None:
    assert (
        notify(
            live_server,
            whatsapp,
            payloads.wa_text(WA_ID, "살고 싶습니다. 어떻게 투항할 수 있나요?"),
        )
        == 200
    )
    run_worker()
    message = Message.objects.get(direction=Direction.INBOUND)
    assert message.case.language == "ko"
    # WhatsApp acknowledges a first message automatically (inside the window, in Korean).
    ack = Message.objects.get(direction=Direction.OUTBOUND)
    assert ack.author is None
    assert ack.status == DeliveryStatus.SENT
    assert open_text(sealed(message.contact.identity), installed_keys) == WA_ID


def test_bad_or_missing_signature_is_refused_and_nothing_stored(
    whatsapp: Channel, live_server: LiveServer
) -> None:
    assert notify(live_server, whatsapp, payloads.wa_text(WA_ID, "hello"), secret="wrong") == 403
    status, _ = post(
        live_server.url + whatsapp.path, payloads.to_json(payloads.wa_text(WA_ID, "hello"))
    )
    assert status == 403
    assert InboundEnvelope.objects.count() == 0


def test_malformed_and_foreign_notifications(whatsapp: Channel, live_server: LiveServer) -> None:
    url = live_server.url + whatsapp.path
    body = b"{broken"
    assert (
        post(url, body, {"X-Hub-Signature-256": payloads.wa_signature(WA_APP_SECRET, body)})[0]
        == 400
    )
    assert notify(live_server, whatsapp, {"object": "page", "entry": []}) == 200
    template_update = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {"field": "message_template_status_update", "value": {"event": "APPROVED"}}
                ],
            }
        ],
    }
    assert notify(live_server, whatsapp, template_update) == 200
    assert InboundEnvelope.objects.count() == 0


def test_duplicate_notification_makes_one_message(
    whatsapp: Channel, live_server: LiveServer
) -> None:
    payload = payloads.wa_text(WA_ID, "Hello, I want to surrender", message_id="wamid.HBgLdup1")
    notify(live_server, whatsapp, payload)
    notify(live_server, whatsapp, payload)
    run_worker()
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


def test_image_is_downloaded_through_the_media_endpoint(
    whatsapp: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    notify(live_server, whatsapp, payloads.wa_image(WA_ID, caption="my unit patch"))
    run_worker()
    media = MediaAttachment.objects.get()
    assert media.state == MediaState.STORED
    assert (
        providers.calls_to(r"^/v21\.0/1003383421387256$")[0].headers["authorization"]
        == "Bearer wa-access-token"
    )


def test_reply_inside_window_is_sent_and_statuses_move_forward_only(
    whatsapp: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    notify(live_server, whatsapp, payloads.wa_text(WA_ID, "Hello, are you the hotline?"))
    run_worker()
    case = Case.objects.get()
    constraints = reply_constraints(case.contacts.get())
    assert constraints.window_open is True
    assert constraints.can_send_text
    reply = post_reply(case, by=personas["sofia"], text="Yes. Are you safe to talk?")
    run_worker()
    call = providers.calls_to(r"/messages$")[-1].json()
    assert call["to"] == WA_ID
    assert call["text"]["body"] == "Yes. Are you safe to talk?"
    assert call["biz_opaque_callback_data"] == OutboundDelivery.objects.get(message=reply).send_key
    delivery = OutboundDelivery.objects.get(message=reply)
    status_payload = payloads.wa_status("wamid.unknown", "read", WA_ID)
    status_payload["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] = (
        delivery.send_key
    )
    notify(live_server, whatsapp, status_payload)
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.READ
    late = payloads.wa_status("wamid.unknown", "delivered", WA_ID)
    late["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] = (
        delivery.send_key
    )
    notify(live_server, whatsapp, late)
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.READ


def test_status_callback_found_by_provider_message_id(
    whatsapp: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    notify(live_server, whatsapp, payloads.wa_text(WA_ID, "hi"))
    run_worker()
    reply = post_reply(Case.objects.get(), by=personas["sofia"], text="Hello")
    run_worker()
    # The fake Graph API numbers its wamids; the one it gave is the last it answered.
    sent_ids = [c for c in providers.calls if c.path.endswith("/messages")]
    assert sent_ids
    delivery = OutboundDelivery.objects.get(message=reply)
    assert delivery.provider_index
    # Ask the fake which id it used: it is deterministic per call order, so reconstruct it.
    from safepassage.channels.domain.outbound import provider_index

    candidates = [f"wamid.HBgL{n}" for n in range(1000, 1100)]
    wamid = next(
        c for c in candidates if provider_index(whatsapp.instance, c) == delivery.provider_index
    )
    notify(live_server, whatsapp, payloads.wa_status(wamid, "failed", WA_ID, error_code=131026))
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    assert delivery_status(reply).error_code == "whatsapp_131026"


def test_outside_the_24_hour_window_only_templates_go(
    whatsapp: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    notify(live_server, whatsapp, payloads.wa_text(WA_ID, "안녕하세요"))
    run_worker()
    ChatSession.objects.update(last_inbound_at=timezone.now() - timedelta(hours=25))
    case = Case.objects.get()
    contact = case.contacts.get()
    constraints = reply_constraints(contact)
    assert constraints.window_open is False
    assert not constraints.can_send_text
    assert "24-hour" in constraints.reason
    assert [t.name for t in constraints.templates] == ["reengage_ru", "reengage_ko"]
    with pytest.raises(ChannelRefused):
        post_reply(case, by=personas["kim"], text="Are you there?")
    assert not Message.objects.filter(direction=Direction.OUTBOUND, author__isnull=False).exists()
    message = post_template_reply(
        case, by=personas["kim"], contact=contact, template_name="reengage_ko"
    )
    run_worker()
    call = providers.calls_to(r"/messages$")[-1].json()
    assert call["type"] == "template"
    assert call["template"] == {"name": "reengage_ko", "language": {"code": "ko"}}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_provider_window_error_is_shown_not_retried(
    whatsapp: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    notify(live_server, whatsapp, payloads.wa_text(WA_ID, "hello"))
    run_worker()
    providers.fail_next(
        r"/messages$",
        400,
        {
            "error": {
                "message": "Re-engagement message",
                "type": "OAuthException",
                "code": 131047,
                "fbtrace_id": "A1",
            }
        },
    )
    reply = post_reply(Case.objects.get(), by=personas["sofia"], text="Hello again")
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    info = delivery_status(reply)
    assert info.error_code == "window_closed"
    assert "template" in info.error_text
    attempts = [
        c
        for c in providers.calls_to(r"/messages$")
        if c.json().get("text", {}).get("body") == "Hello again"
    ]
    assert len(attempts) == 1


def test_campaign_code_typed_in_a_first_message_is_attributed(
    whatsapp: Channel, live_server: LiveServer
) -> None:
    from safepassage.campaigns.models import Attribution, Campaign

    campaign = Campaign.objects.create(code="KURSK24", title="Kursk leaflet")
    notify(
        live_server,
        whatsapp,
        payloads.wa_text(WA_ID, "Здравствуйте, код с листовки kursk24, хочу жить"),
    )
    run_worker()
    case = Case.objects.get()
    assert case.campaign == campaign
    assert Attribution.objects.get(case=case).via == "message_code"


def test_ordinary_words_are_not_taken_for_codes(whatsapp: Channel, live_server: LiveServer) -> None:
    from safepassage.campaigns.models import Attribution

    notify(
        live_server, whatsapp, payloads.wa_text(WA_ID, "Hello, my unit is 3rd company, B24 sector")
    )
    run_worker()
    assert Case.objects.get().campaign is None
    assert not Attribution.objects.exists()


def test_acknowledgement_goes_out_in_the_language_the_person_wrote(
    whatsapp: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    from safepassage.channels.domain.bot import bot_text

    # The channel's default language is Russian; the person writes Korean.
    notify(
        live_server,
        whatsapp,
        payloads.wa_text(WA_ID, "안녕하세요, 항복하고 싶습니다. 어떻게 해야 하나요?"),
    )
    run_worker()
    sent = [call.json() for call in providers.calls_to(r"/messages$")]
    assert [body["text"]["body"] for body in sent] == [bot_text("acknowledged", "ko")]
    session = ChatSession.objects.get()
    assert session.language == "ko"
    assert Case.objects.get().contacts.get().language == "ko"
