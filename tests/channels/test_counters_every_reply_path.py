"""Live counters equal a rebuild after a scenario that uses every reply path.

Template replies once repeated ``post_reply``'s side effects and forgot to count the
first response; every reply now goes through ``cases.domain.post_reply``.  This test
would have caught that drift: web, messenger free text and a WhatsApp template answer
each a different case first, and the live counters must equal ``analytics_rebuild``.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.analytics.models import DailyCount, Metric, StateReached
from safepassage.cases.domain import add_inbound_message, open_case, post_reply
from safepassage.cases.domain.contacts import add_contact
from safepassage.cases.models import Case
from safepassage.cases.states import Channel as CaseChannel
from safepassage.channels.domain.replies import post_template_reply
from safepassage.channels.models import ChatSession
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal
from tests.channels import payloads
from tests.channels.conftest import WA_APP_SECRET, Channel, post, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[tuple[object, ...], int]:
    found: dict[tuple[object, ...], int] = {}
    for *key, count in DailyCount.objects.values_list(
        "day", "metric", "key", "dimension", "value", "count"
    ):
        found[tuple(key)] = found.get(tuple(key), 0) + count
    return {key: count for key, count in found.items() if count}


def test_live_counters_equal_a_rebuild_after_every_reply_path(
    whatsapp: Channel,
    telegram: Channel,
    live_server: LiveServer,
    personas: dict[str, Account],
) -> None:
    kim = personas["kim"]
    # Web: an applicant's case answered in the console.
    web_case = open_case(channel=CaseChannel.WEB, language="ko")
    web_contact = add_contact(web_case, channel=CaseChannel.WEB, language="ko")
    add_inbound_message(
        web_case,
        web_contact,
        body=seal("살고 싶어요", to=get_public_keyring()),
        language="ko",
        received_at=timezone.now() - timedelta(minutes=7),
    )
    post_reply(web_case, by=kim, text="안녕하세요")
    # Telegram: a free-text reply through the channel's sender.
    update = payloads.tg_message(5551001, text="Здравствуйте, я хочу сдаться в плен")
    telegram_headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": telegram.secret,
    }
    status, _ = post(live_server.url + telegram.path, payloads.to_json(update), telegram_headers)
    assert status == 200
    # WhatsApp: the window has closed, so the first answer is a template.
    body = payloads.to_json(payloads.wa_text("821012345678", "안녕하세요 도와주세요"))
    whatsapp_headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": payloads.wa_signature(WA_APP_SECRET, body),
    }
    assert post(live_server.url + whatsapp.path, body, whatsapp_headers)[0] == 200
    run_worker()
    telegram_case = Case.objects.get(first_channel=CaseChannel.TELEGRAM)
    post_reply(telegram_case, by=kim, text="Здравствуйте, мы на связи")
    ChatSession.objects.filter(instance=whatsapp.instance).update(
        last_inbound_at=timezone.now() - timedelta(hours=25)
    )
    whatsapp_case = Case.objects.get(first_channel=CaseChannel.WHATSAPP)
    post_template_reply(
        whatsapp_case,
        by=kim,
        contact=whatsapp_case.contacts.get(),
        template_name="reengage_ko",
    )

    live = snapshot()
    firsts = sum(
        count for (_d, metric, *_rest), count in live.items() if metric == Metric.FIRST_RESPONSE
    )
    # Three cases, each answered once first, each counted under every breakdown alike.
    per_breakdown = {
        dimension for (_d, metric, _k, dimension, _v) in live if metric == Metric.FIRST_RESPONSE
    }
    assert firsts == 3 * len(per_breakdown)
    reached = set(StateReached.objects.values_list("case_id", "state", "day"))
    DailyCount.objects.all().delete()
    StateReached.objects.all().delete()
    call_command("analytics_rebuild", stdout=io.StringIO())
    assert snapshot() == live
    assert set(StateReached.objects.values_list("case_id", "state", "day")) == reached
