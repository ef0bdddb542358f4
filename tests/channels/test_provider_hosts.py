"""Provider credentials go to the provider only.

Two loopback servers: the fake provider (configured as the channel's API base, so its
host:port is "the provider's host") and a second one on another port playing a foreign
host, which records whether anyone sent it an ``Authorization`` header.  Whoever holds
the webhook-signing token (the intake does) can put any URL in ``MediaUrl0``; the
worker must not hand that URL the sending credentials.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.cases.models import Message
from safepassage.channels.http import ProviderError, allowed_hosts, request
from safepassage.channels.models import MediaAttachment, MediaState
from safepassage.channels.whatsapp import api as whatsapp_api
from tests.channels import payloads
from tests.channels.conftest import TWILIO_AUTH_TOKEN, Channel, post, run_worker
from tests.channels.fake_providers import MEDIA_BYTES, FakeProviders

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "+380671234567"
ACCOUNT = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


class Foreign:
    """A host that is not the provider: serves a JPEG and remembers who asked how."""

    def __init__(self) -> None:
        self.authorizations: list[str | None] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.authorizations.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(MEDIA_BYTES)))
                self.end_headers()
                self.wfile.write(MEDIA_BYTES)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def foreign() -> Iterator[Foreign]:
    server = Foreign()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _inbound_with_media(live_server: LiveServer, channel: Channel, media_url: str) -> None:
    form = payloads.twilio_inbound(NUMBER, "Фото документа")
    form |= {"NumMedia": "1", "MediaUrl0": media_url, "MediaContentType0": "image/jpeg"}
    url = live_server.url + channel.path
    status, _ = post(
        url,
        payloads.encode_form(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": payloads.twilio_signature(TWILIO_AUTH_TOKEN, url, form),
        },
    )
    assert status == 200
    run_worker()


def _media_path() -> str:
    return f"/2010-04-01/Accounts/{ACCOUNT}/Messages/MM1/Media/ME1"


def test_media_on_the_provider_host_is_fetched_with_credentials(
    sms: Channel, live_server: LiveServer, providers: FakeProviders
) -> None:
    providers.fail_next("/Media/ME1$", 200, MEDIA_BYTES)
    _inbound_with_media(live_server, sms, providers.url + _media_path())
    media = MediaAttachment.objects.get()
    assert media.state == MediaState.STORED
    (call,) = providers.calls_to("/Media/ME1$")
    assert call.headers["authorization"].startswith("Basic ")


def test_media_on_a_foreign_host_is_not_fetched_with_credentials(
    sms: Channel, live_server: LiveServer, foreign: Foreign
) -> None:
    _inbound_with_media(live_server, sms, foreign.url + "/harvest.jpg")
    # Not even asked: the host is refused before a byte is sent.
    assert foreign.authorizations == []
    # The message and its attachment are kept, marked, not lost.
    assert Message.objects.count() == 1
    media = MediaAttachment.objects.get()
    assert (media.state, media.error_code) == (MediaState.FAILED, "host_not_allowed")


def test_a_redirect_to_a_foreign_host_is_not_followed_with_credentials(
    sms: Channel, live_server: LiveServer, providers: FakeProviders, foreign: Foreign
) -> None:
    providers.fail_next("/Media/ME1$", 302, b"", headers={"Location": foreign.url + "/cdn.jpg"})
    _inbound_with_media(live_server, sms, providers.url + _media_path())
    (call,) = providers.calls_to("/Media/ME1$")
    assert call.headers["authorization"].startswith("Basic ")
    # Followed like a CDN redirect, but without the credentials.
    assert foreign.authorizations == [None]
    assert MediaAttachment.objects.get().state == MediaState.STORED


def test_whatsapp_media_url_on_a_foreign_host_gets_no_token(
    providers: FakeProviders, foreign: Foreign
) -> None:
    providers.fail_next(
        r"/v21\.0/4242$", 200, {"url": foreign.url + "/media.jpg", "mime_type": "image/jpeg"}
    )
    with pytest.raises(ProviderError, match="host_not_allowed"):
        whatsapp_api.download_media(providers.url + "/v21.0", "wa-access-token", "4242")
    assert foreign.authorizations == []


def test_credentials_never_go_over_plain_http_outside_loopback_tests(
    settings: Any, providers: FakeProviders
) -> None:
    headers = {"Authorization": "Bearer secret"}
    settings.SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP = False
    with pytest.raises(ProviderError, match="insecure_url"):
        request("GET", providers.url + "/x", headers=headers, hosts=allowed_hosts(providers.url))
    settings.SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP = True
    with pytest.raises(ProviderError, match="insecure_url"):
        request(
            "GET",
            "http://api.twilio.com/x",
            headers=headers,
            hosts=allowed_hosts("", "api.twilio.com"),
        )
    # Credentials without an allow-list are refused outright.
    with pytest.raises(ProviderError, match="host_not_allowed"):
        request("GET", providers.url + "/x", headers=headers)
    assert providers.calls == []
