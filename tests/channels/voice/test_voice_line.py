"""The voice line end to end: signed Twilio Voice webhooks to the live server, TwiML
answers, the worker, and a loopback stand-in for Twilio's Recordings REST API."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case, Contact, Message
from safepassage.channels.domain.hotline import due_callbacks
from safepassage.channels.domain.instances import create_channel_instance, webhook_path
from safepassage.channels.domain.media import open_media
from safepassage.channels.domain.voice import publish_ring_lists
from safepassage.channels.hooks import forget_hooks
from safepassage.channels.models import (
    Callback,
    CallOutcome,
    MediaAttachment,
    MediaState,
    VoiceCall,
)
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_text
from safepassage.envelopes.models import InboundEnvelope
from tests.channels import payloads
from tests.channels.conftest import post, run_worker, sealed

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "twilio-voice-auth-token-0123456789"
ACCOUNT = "AC" + "a" * 32
CALLER = "+821012345678"
AUDIO = b"ID3\x03\x00fake-mp3-frames" * 20


class TwilioRest:
    """Twilio's Recordings resource on loopback: GET …/Recordings/RE….mp3, DELETE ….json."""

    def __init__(self) -> None:
        self.recordings: dict[str, bytes] = {}
        self.calls: list[tuple[str, str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self) -> None:
                owner.calls.append((self.command, self.path, self.headers.get("Authorization", "")))
                match = re.fullmatch(
                    r"/2010-04-01/Accounts/(AC\w+)/Recordings/(RE\w+)\.(mp3|json)", self.path
                )
                sid = match[2] if match else ""
                if not match or sid not in owner.recordings:
                    body = b'{"code": 20404, "message": "not found", "status": 404}'
                    self.send_response(404)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if self.command == "DELETE":
                    del owner.recordings[sid]
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = owner.recordings[sid]
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def twilio() -> Iterator[TwilioRest]:
    rest = TwilioRest()
    forget_hooks()
    yield rest
    rest.server.shutdown()
    rest.server.server_close()
    forget_hooks()


@pytest.fixture
def voice_path(twilio: TwilioRest, live_server: LiveServer, installed_keys: Keyring) -> str:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="voice",
        name="Hotline",
        credentials={"account_sid": ACCOUNT, "api_secret": TOKEN},
        intake_secret=TOKEN,
        config={"public_base_url": live_server.url, "api_base_url": twilio.url},
    )
    return webhook_path(instance)


def call(
    live_server: LiveServer, path: str, endpoint: str, form: dict[str, str], query: str = ""
) -> tuple[int, str]:
    url = live_server.url + path + (f"{endpoint}/" if endpoint else "") + query
    status, body = post(
        url,
        payloads.encode_form(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": payloads.twilio_signature(TOKEN, url, form),
        },
    )
    return status, body.decode()


def sid(prefix: str, n: int) -> str:
    return f"{prefix}{n:032x}"


def base_form(call_sid: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT,
        "CallSid": call_sid,
        "From": CALLER,
        "To": "+380800300545",
        "Direction": "inbound",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
    }


def test_korean_caller_at_night_leaves_voicemail_and_by_day_rings_the_korean_operator(
    voice_path: str,
    live_server: LiveServer,
    twilio: TwilioRest,
    personas: dict[str, Account],
    installed_keys: Keyring,
) -> None:
    kim = personas["kim"]
    # --- night: nobody on shift ----------------------------------------------------
    publish_ring_lists()
    night = sid("CA", 1)
    status, menu = call(live_server, voice_path, "", {**base_form(night), "CallStatus": "ringing"})
    assert status == 200
    assert "<Gather" in menu
    assert '<Say language="ko-KR">' in menu
    assert '<Say language="ru-RU">' in menu
    assert "한국어" in menu or "누르" in menu  # the Korean line is spoken in Korean

    status, body = call(live_server, voice_path, "menu", {**base_form(night), "Digits": "2"})
    assert status == 200
    assert '<Say language="ko-KR">' in body
    assert "<Record " in body
    assert "<Dial" not in body
    assert "메시지" in body  # "leave a message", in Korean
    recorded_action = re.search(r'<Record [^>]*action="([^"]+)"', body)
    assert recorded_action is not None
    query = recorded_action[1].split("recorded/", 1)[1].replace("&amp;", "&")

    recording = sid("RE", 7)
    twilio.recordings[recording] = AUDIO
    recording_url = f"{twilio.url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{recording}"
    status, body = call(
        live_server,
        voice_path,
        "recorded",
        {
            **base_form(night),
            "RecordingUrl": recording_url,
            "RecordingSid": recording,
            "RecordingDuration": "14",
        },
        query,
    )
    assert status == 200
    assert "<Hangup/>" in body
    status, _ = call(
        live_server,
        voice_path,
        "status",
        {**base_form(night), "CallStatus": "completed", "CallDuration": "31"},
    )
    assert status == 200
    run_worker()

    case = Case.objects.get()
    assert case.language == "ko"
    contact = Contact.objects.get(case=case)
    assert open_text(sealed(contact.identity), installed_keys) == CALLER
    night_call = VoiceCall.objects.get()
    assert night_call.case == case
    assert night_call.outcome == CallOutcome.VOICEMAIL
    assert night_call.language == "ko"
    assert night_call.duration == 31
    media = MediaAttachment.objects.get()
    assert media.state == MediaState.STORED
    assert media.message == night_call.voicemail
    assert AUDIO not in bytes(media.content or b"")  # sealed, not plaintext
    assert recording not in twilio.recordings  # deleted at the provider
    assert [c[0] for c in twilio.calls] == ["GET", "DELETE"]
    callback = Callback.objects.get(case=case)
    assert list(due_callbacks(kim)) == [callback]
    content, mime, _name = open_media(media, by=kim, case_reference=case.reference)
    assert content == AUDIO
    assert mime == "audio/mpeg"
    assert AuditEvent.objects.filter(action="media.opened").count() == 1

    # --- day: Kim is on shift and takes the call ---------------------------------------
    Account.objects.filter(pk=kim.pk).update(on_shift=True)
    Account.objects.filter(pk=personas["olga"].pk).update(on_shift=True)
    publish_ring_lists()
    forget_hooks()
    day = sid("CA", 2)
    status, body = call(live_server, voice_path, "menu", {**base_form(day), "Digits": "2"})
    assert status == 200
    assert f">sp-op-{kim.pk}</Client>" in body
    assert f"sp-op-{personas['olga'].pk}" not in body  # Olga reads Russian, not Korean
    answered_url = re.search(r'<Client [^>]*url="([^"]+)"', body)
    assert answered_url is not None
    answered_query = answered_url[1].split("answered/", 1)[1].replace("&amp;", "&")
    status, _ = call(
        live_server,
        voice_path,
        "answered",
        {
            "AccountSid": ACCOUNT,
            "CallSid": sid("CA", 3),
            "ParentCallSid": day,
            "From": CALLER,
            "To": f"client:sp-op-{kim.pk}",
        },
        answered_query,
    )
    assert status == 200
    status, body = call(
        live_server,
        voice_path,
        "dialed",
        {**base_form(day), "DialCallStatus": "completed", "DialCallDuration": "240"},
        "?lang=ko",
    )
    assert status == 200
    assert "<Hangup/>" in body
    run_worker()
    day_call = VoiceCall.objects.get(pk__gt=night_call.pk)
    assert day_call.case == case  # joined by the number's blind index
    assert day_call.answered_by == kim
    assert day_call.outcome == CallOutcome.ANSWERED
    assert day_call.talk_duration == 240
    assert Message.objects.filter(case=case).count() == 1  # only the voicemail


@pytest.mark.parametrize(
    ("endpoint", "form", "signed"),
    [
        ("menu", {"CallSid": "CA" + "1" * 32, "From": CALLER, "Digits": "2"}, False),
        ("menu", {"CallSid": "not-a-call", "From": CALLER}, True),
        ("recorded", {"CallSid": "CA" + "1" * 32, "RecordingUrl": "https://evil.example/x"}, True),
        ("answered", {"ParentCallSid": "CA" + "1" * 32}, True),
        ("nonsense", {"CallSid": "CA" + "1" * 32}, True),
    ],
)
def test_forged_or_hostile_voice_payloads_get_4xx_and_store_nothing(
    voice_path: str,
    live_server: LiveServer,
    endpoint: str,
    form: dict[str, str],
    signed: bool,
) -> None:
    url = live_server.url + voice_path + f"{endpoint}/"
    token = TOKEN if signed else "wrong-token"
    status, _ = post(
        url,
        payloads.encode_form(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": payloads.twilio_signature(token, url, form),
        },
    )
    assert 400 <= status < 500
    assert InboundEnvelope.objects.count() == 0
    assert VoiceCall.objects.count() == 0


def test_recording_on_a_foreign_host_is_never_fetched(
    voice_path: str, live_server: LiveServer, twilio: TwilioRest, installed_keys: Keyring
) -> None:
    call_sid = sid("CA", 9)
    recording = sid("RE", 9)
    status, _ = call(
        live_server,
        voice_path,
        "recorded",
        {
            **base_form(call_sid),
            "RecordingUrl": f"https://evil.example/2010-04-01/Accounts/{ACCOUNT}/Recordings/{recording}",
            "RecordingSid": recording,
        },
        "?lang=ru",
    )
    assert status == 200
    run_worker()
    media = MediaAttachment.objects.get()
    assert media.state == MediaState.FAILED
    assert media.error_code == "host_not_allowed"
    assert twilio.calls == []
