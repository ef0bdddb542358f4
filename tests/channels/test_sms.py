"""SMS in Twilio's format: signed form webhooks to the live server, REST sends to a
loopback Twilio, status callbacks, segment counts."""

from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, DeliveryStatus, Direction, Message
from safepassage.channels.domain.status import reply_constraints, sms_segments
from safepassage.channels.sms.channel import expected_signature
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_text
from safepassage.envelopes.models import InboundEnvelope
from tests.channels import payloads
from tests.channels.conftest import (
    TWILIO_AUTH_TOKEN,
    Channel,
    let_time_pass,
    post,
    run_worker,
    sealed,
)
from tests.channels.fake_providers import FakeProviders

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "+380671234567"


def twilio_post(
    live_server: LiveServer,
    channel: Channel,
    form: dict[str, str],
    *,
    endpoint: str = "",
    token: str = TWILIO_AUTH_TOKEN,
    path: str | None = None,
) -> tuple[int, bytes]:
    url = live_server.url + (path or channel.path + (f"{endpoint}/" if endpoint else ""))
    return post(
        url,
        payloads.encode_form(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": payloads.twilio_signature(token, url, form),
        },
    )


def test_signature_matches_twilios_documented_example() -> None:
    # The worked example from Twilio's webhook security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert expected_signature("12345", url, list(params.items())) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_signed_inbound_sms_opens_a_case_and_gets_empty_twiml(
    sms: Channel, live_server: LiveServer, installed_keys: Keyring
) -> None:
    status, body = twilio_post(
        live_server,
        sms,
        payloads.twilio_inbound(NUMBER, "Добрий день, мій син у полоні? Як дізнатися?"),
    )
    assert status == 200
    assert body.startswith(b"<?xml")
    assert b"<Response></Response>" in body
    run_worker()
    message = Message.objects.get()
    assert message.language == "uk"
    assert open_text(sealed(message.contact.identity), installed_keys) == NUMBER
    # SMS gets no automatic reply: a text from us to a watched phone is a risk.
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_bad_signature_is_refused(sms: Channel, live_server: LiveServer) -> None:
    assert (
        twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "hi"), token="wrong")[0]
        == 403
    )
    form = payloads.twilio_inbound(NUMBER, "hi")
    status, _ = post(live_server.url + sms.path, payloads.encode_form(form))
    assert status == 403
    assert InboundEnvelope.objects.count() == 0


def test_signature_covers_the_body(sms: Channel, live_server: LiveServer) -> None:
    form = payloads.twilio_inbound(NUMBER, "original")
    url = live_server.url + sms.path
    signature = payloads.twilio_signature(TWILIO_AUTH_TOKEN, url, form)
    form["Body"] = "tampered"
    status, _ = post(url, payloads.encode_form(form), {"X-Twilio-Signature": signature})
    assert status == 403


def test_missing_message_sid_is_400(sms: Channel, live_server: LiveServer) -> None:
    form = payloads.twilio_inbound(NUMBER, "hi")
    del form["MessageSid"]
    assert twilio_post(live_server, sms, form)[0] == 400


def test_same_sms_twice_is_one_message(sms: Channel, live_server: LiveServer) -> None:
    form = payloads.twilio_inbound(
        NUMBER, "I want to live", sid="SM0123456789abcdef0123456789abcdef"
    )
    twilio_post(live_server, sms, form)
    twilio_post(live_server, sms, form)
    run_worker()
    assert Message.objects.count() == 1


def test_reply_goes_through_rest_api_and_status_callback_updates_it(
    sms: Channel, live_server: LiveServer, providers: FakeProviders, personas: dict[str, Account]
) -> None:
    twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "Мне нужна помощь"))
    run_worker()
    reply = post_reply(
        Case.objects.get(), by=personas["olga"], text="Мы на связи. Когда вам удобно говорить?"
    )
    run_worker()
    call = providers.calls_to(r"/Messages\.json$")[-1]
    form = call.form()
    assert form["To"] == NUMBER
    assert form["From"] == "+15005550006"
    assert call.headers["authorization"].startswith("Basic ")
    callback_url = form["StatusCallback"]
    assert callback_url == live_server.url + sms.path + "status/"
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT
    # Twilio posts the status to the StatusCallback URL, signed for that URL.
    from safepassage.channels.domain.outbound import provider_index
    from safepassage.channels.models import OutboundDelivery

    delivery = OutboundDelivery.objects.get(message=reply)
    sid = next(
        f"SM{n:032d}"
        for n in range(1000, 1100)
        if provider_index(sms.instance, f"SM{n:032d}") == delivery.provider_index
    )
    status, _ = twilio_post(
        live_server, sms, payloads.twilio_status(sid, "delivered"), path=sms.path + "status/"
    )
    assert status == 200
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.DELIVERED


def test_rate_limited_send_waits_for_retry_after(
    sms: Channel, live_server: LiveServer, providers: FakeProviders, personas: dict[str, Account]
) -> None:
    from django.utils import timezone

    from safepassage.channels.models import DeliveryState, OutboundDelivery

    twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "help"))
    run_worker()
    providers.fail_next(
        r"/Messages\.json$",
        429,
        {
            "code": 20429,
            "message": "Too Many Requests",
            "more_info": "https://www.twilio.com/docs/errors/20429",
            "status": 429,
        },
        headers={"Retry-After": "120"},
    )
    reply = post_reply(Case.objects.get(), by=personas["sofia"], text="ok")
    run_worker()
    delivery = OutboundDelivery.objects.get(message=reply)
    assert delivery.state == DeliveryState.RETRY
    assert delivery.error_code == "rate_limited"
    assert delivery.next_attempt_at is not None
    assert (delivery.next_attempt_at - timezone.now()).total_seconds() > 100
    let_time_pass()
    run_worker()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT
    assert len(providers.calls_to(r"/Messages\.json$")) == 2


def test_segment_counts_for_latin_cyrillic_and_hangul() -> None:
    assert (sms_segments("Hello").encoding, sms_segments("Hello").segments) == ("GSM-7", 1)
    assert sms_segments("a" * 160).segments == 1
    assert sms_segments("a" * 161).segments == 2
    assert sms_segments("a" * 306).segments == 2
    assert sms_segments("a" * 307).segments == 3
    # Extension characters take two septets.
    assert sms_segments("€" * 80).segments == 1
    assert sms_segments("€" * 81).segments == 2
    cyrillic = sms_segments("Привет, как дела?")
    assert cyrillic.encoding == "UCS-2"
    assert cyrillic.segments == 1
    assert sms_segments("ж" * 70).segments == 1
    assert sms_segments("ж" * 71).segments == 2
    assert sms_segments("ж" * 134).segments == 2
    assert sms_segments("ж" * 135).segments == 3
    hangul = sms_segments("안녕하세요 " * 15)
    assert hangul.encoding == "UCS-2"
    assert hangul.segments == 2
    assert "안" in hangul.non_gsm_characters
    # One emoji is two UTF-16 units and never split.
    assert sms_segments("😀" * 35).segments == 1
    assert sms_segments("😀" * 36).segments == 2


def test_reply_constraints_give_sms_segments(sms: Channel, live_server: LiveServer) -> None:
    twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "hi"))
    run_worker()
    constraints = reply_constraints(Case.objects.get().contacts.get(), text="Здравствуйте! " * 6)
    assert constraints.can_send_text
    assert constraints.segments is not None
    assert (constraints.segments.encoding, constraints.segments.segments) == ("UCS-2", 2)
