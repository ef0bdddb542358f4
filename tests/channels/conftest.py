"""Fixtures for channel tests: a fake provider on loopback, configured channels, and
helpers that post to the live server and run the worker like production does."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.crypto import get_random_string
from pytest_django.live_server_helper import LiveServer

from safepassage.channels.domain.instances import (
    create_channel_instance,
    set_telegram_webhook,
    webhook_path,
)
from safepassage.channels.hooks import forget_hooks
from safepassage.channels.models import ChannelInstance, OutboundDelivery
from safepassage.crypto.sealing import Sealed
from safepassage.envelopes.models import InboundEnvelope
from tests.channels.fake_providers import FakeProviders

TWILIO_AUTH_TOKEN = "twilio-auth-token-0123456789abcdef"
WA_APP_SECRET = "wa-app-secret-0123456789"
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@dataclass
class Channel:
    instance: ChannelInstance
    path: str
    secret: str = ""


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    fake = FakeProviders().start()
    forget_hooks()
    yield fake
    fake.stop()
    forget_hooks()


@pytest.fixture
def telegram(providers: FakeProviders, transactional_db: None, live_server: LiveServer) -> Channel:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="telegram",
        name="Main bot",
        credentials={"bot_token": TELEGRAM_TOKEN},
        config={"api_base_url": providers.url, "public_base_url": live_server.url},
    )
    set_telegram_webhook(instance)
    registered = providers.calls_to("/setWebhook$")[-1].json()
    instance.refresh_from_db()
    return Channel(instance, webhook_path(instance), registered["secret_token"])


@pytest.fixture
def whatsapp(providers: FakeProviders, transactional_db: None, live_server: LiveServer) -> Channel:
    instance, secrets = create_channel_instance(
        by=None,
        channel_type="whatsapp",
        name="WhatsApp line",
        credentials={"access_token": "wa-access-token"},
        intake_secret=WA_APP_SECRET,
        config={
            "phone_number_id": "106540352242922",
            "api_base_url": providers.url + "/v21.0",
            "templates": (
                "reengage_ru|ru|Здравствуйте, ответьте, пожалуйста, если можете.\n"
                "reengage_ko|ko|안녕하세요, 가능하면 답장해 주세요."
            ),
        },
    )
    return Channel(instance, webhook_path(instance), secrets.verify_token)


@pytest.fixture
def sms(providers: FakeProviders, transactional_db: None, live_server: LiveServer) -> Channel:
    instance, _ = create_channel_instance(
        by=None,
        channel_type="sms",
        name="SMS line",
        credentials={
            "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "api_secret": TWILIO_AUTH_TOKEN,
        },
        intake_secret=TWILIO_AUTH_TOKEN,
        config={
            "from_number": "+15005550006",
            "public_base_url": live_server.url,
            "api_base_url": providers.url,
        },
    )
    return Channel(instance, webhook_path(instance), TWILIO_AUTH_TOKEN)


def post(
    url: str, body: bytes, headers: dict[str, str] | None = None, method: str = "POST"
) -> tuple[int, bytes]:
    """An HTTP request to the live server; returns (status, body) for any status."""
    request = urllib.request.Request(  # noqa: S310 - the loopback live server
        url, data=body if method == "POST" else None, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_tasks() -> None:
    """Run every due background task, as the worker's task thread does."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(16),
        excluded_queue_names=[],
    ).run()


def run_worker() -> None:
    """Open pending envelopes, then run due tasks (sends, media downloads)."""
    from safepassage.worker.envelopes import process_pending

    while process_pending():
        pass
    # Every envelope a test posts is well-formed: an error code here is a bug to show.
    errors = list(
        InboundEnvelope.objects.exclude(error_code="").values_list("error_code", flat=True)
    )
    assert errors == [], errors
    run_tasks()


def let_time_pass() -> None:
    """Make every scheduled retry due now (what waiting out the back-off would do)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now() - timedelta(seconds=1)
    DBTaskResult.objects.filter(run_after__isnull=False).update(run_after=now)
    OutboundDelivery.objects.filter(next_attempt_at__isnull=False).update(next_attempt_at=now)


def sealed(value: Sealed | None) -> Sealed:
    """A stored sealed value that must be there."""
    assert value is not None
    return value
