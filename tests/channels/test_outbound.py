"""Sending under provider trouble: rate limits, outages, ambiguous failures — retried
with back-off, marked failed and visible, never lost and never sent twice."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, DeliveryStatus, Message
from safepassage.channels.domain.outbound import MAX_ATTEMPTS, backoff, deliver, requeue_delivery
from safepassage.channels.domain.status import delivery_status, delivery_statuses
from safepassage.channels.models import DeliveryState, OutboundDelivery
from tests.channels import payloads
from tests.channels.conftest import Channel, let_time_pass, post, run_tasks, run_worker
from tests.channels.fake_providers import FakeProviders

pytestmark = pytest.mark.django_db(transaction=True)
CHAT = 5552001
TEXT = "Держитесь. Напишите, когда будете в безопасности."


def _reply(live_server: LiveServer, telegram: Channel, personas: dict[str, Account]) -> Message:
    update = payloads.tg_message(CHAT, text="Помогите, пожалуйста")
    status, _ = post(
        live_server.url + telegram.path,
        payloads.to_json(update),
        {"X-Telegram-Bot-Api-Secret-Token": telegram.secret},
    )
    assert status == 200
    run_worker()
    return post_reply(Case.objects.get(), by=personas["olga"], text=TEXT)


def _sends(providers: FakeProviders) -> list[str]:
    return [
        c.json()["text"] for c in providers.calls_to("/sendMessage$") if c.json()["text"] == TEXT
    ]


def test_rate_limit_honours_retry_after_then_sends_once(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    providers.fail_next(
        "/sendMessage$",
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 37",
            "parameters": {"retry_after": 37},
        },
    )
    before = timezone.now()
    run_tasks()
    delivery = OutboundDelivery.objects.get(message=reply)
    assert delivery.state == DeliveryState.RETRY
    assert delivery.next_attempt_at is not None
    assert (delivery.next_attempt_at - before).total_seconds() >= 37
    queued = DBTaskResult.objects.filter(status="READY", task_path__endswith="send_delivery")
    assert queued.count() == 1
    assert queued.get().run_after is not None
    info = delivery_status(reply)
    assert info.status == DeliveryStatus.QUEUED
    assert info.next_attempt_at is not None
    run_tasks()  # not due yet: nothing happens
    assert _sends(providers) == [TEXT]  # the refused attempt only
    let_time_pass()
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT
    assert len(_sends(providers)) == 2  # one refused by the rate limit, one accepted


def test_outage_is_retried_with_growing_back_off_then_succeeds(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    providers.fail_next(
        "/sendMessage$",
        503,
        {"ok": False, "error_code": 503, "description": "Service Unavailable"},
        times=3,
    )
    waits = []
    for _ in range(3):
        run_tasks()
        delivery = OutboundDelivery.objects.get(message=reply)
        assert delivery.state == DeliveryState.RETRY
        assert delivery.next_attempt_at is not None
        waits.append((delivery.next_attempt_at - delivery.updated_at).total_seconds())
        let_time_pass()
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT
    assert waits[0] < waits[1] < waits[2]
    assert OutboundDelivery.objects.get(message=reply).attempts == 4


def test_persistent_outage_ends_failed_and_visible(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    providers.fail_next(
        "/sendMessage$",
        502,
        {"ok": False, "error_code": 502, "description": "Bad Gateway"},
        times=MAX_ATTEMPTS,
    )
    for _ in range(MAX_ATTEMPTS):
        run_tasks()
        let_time_pass()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    info = delivery_statuses([reply])[reply.pk]
    assert info.can_resend
    assert info.attempts == MAX_ATTEMPTS
    assert info.error_code == "http_502"
    assert AuditEvent.objects.filter(action="message.delivery_failed").count() == 1
    # The reply is kept; an operator can send it again.
    requeue_delivery(reply, by=personas["olga"])
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT


def test_ambiguous_failure_is_not_retried(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    providers.fail_next(
        "/sendMessage$",
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    run_tasks()
    let_time_pass()
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    assert delivery_status(reply).error_code == "uncertain"
    assert len(_sends(providers)) == 1


def test_blocked_bot_fails_permanently(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    providers.fail_next(
        "/sendMessage$",
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    assert delivery_status(reply).error_code == "blocked_by_user"


def test_provider_unreachable_is_retried(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    config = dict(telegram.instance.config)
    telegram.instance.config = {**config, "api_base_url": "http://127.0.0.1:9"}
    telegram.instance.save()
    run_tasks()
    delivery = OutboundDelivery.objects.get(message=reply)
    assert delivery.state == DeliveryState.RETRY
    assert delivery.error_code == "unreachable"
    telegram.instance.config = config
    telegram.instance.save()
    let_time_pass()
    run_tasks()
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.SENT


def test_a_repeated_task_never_sends_twice(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    reply = _reply(live_server, telegram, personas)
    delivery = OutboundDelivery.objects.get(message=reply)
    assert deliver(delivery.pk) == DeliveryState.SENT
    assert deliver(delivery.pk) == "skipped"
    run_tasks()  # the originally queued task finds nothing to claim
    assert len(_sends(providers)) == 1


def test_double_submitted_reply_is_stored_and_sent_once(
    telegram: Channel,
    live_server: LiveServer,
    providers: FakeProviders,
    personas: dict[str, Account],
) -> None:
    first = _reply(live_server, telegram, personas)
    case = Case.objects.get()
    one = post_reply(case, by=personas["olga"], text="Второй ответ", idempotency_key="form-123")
    two = post_reply(case, by=personas["olga"], text="Второй ответ", idempotency_key="form-123")
    assert one.pk == two.pk != first.pk
    run_tasks()
    texts = [c.json()["text"] for c in providers.calls_to("/sendMessage$")]
    assert texts.count("Второй ответ") == 1


def test_back_off_grows_exponentially_and_respects_the_provider() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [5.0, 10.0, 20.0, 40.0]
    assert backoff(1, retry_after=90) == 90
    assert backoff(30) == 3600
