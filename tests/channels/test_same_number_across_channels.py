"""One person, one case across WhatsApp, SMS and the hotline: the same number (by blind
index) joins the open case, or raises a same-person suggestion beside a closed one."""

from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState
from safepassage.channels.domain.hotline import log_hotline_call
from tests.channels import payloads
from tests.channels.conftest import WA_APP_SECRET, Channel, post, run_worker
from tests.channels.test_sms import twilio_post

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "+821098765432"


def whatsapp_text(live_server: LiveServer, channel: Channel, text: str) -> None:
    body = payloads.to_json(payloads.wa_text(NUMBER.lstrip("+"), text))
    status, _ = post(
        live_server.url + channel.path,
        body,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.wa_signature(WA_APP_SECRET, body),
        },
    )
    assert status == 200


def test_sms_whatsapp_and_a_hotline_call_from_one_number_make_one_case(
    sms: Channel,
    whatsapp: Channel,
    live_server: LiveServer,
    personas: dict[str, Account],
) -> None:
    status, _ = twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "Я хочу сдаться"))
    assert status == 200
    run_worker()
    whatsapp_text(live_server, whatsapp, "Это снова я, пишу в WhatsApp")
    run_worker()
    log_hotline_call(
        by=personas["olga"],
        language="ru",
        relation="self",
        summary="Called back about the plan",
        callback_number="+82 10 9876 5432",
    )
    case = Case.objects.get()
    assert sorted(case.contacts.values_list("channel", flat=True)) == [
        "hotline",
        "sms",
        "whatsapp",
    ]
    assert case.messages.count() >= 3


def test_a_closed_case_with_the_number_gets_a_suggestion_not_a_silent_duplicate(
    sms: Channel,
    whatsapp: Channel,
    live_server: LiveServer,
    personas: dict[str, Account],
) -> None:
    twilio_post(live_server, sms, payloads.twilio_inbound(NUMBER, "Я хочу сдаться"))
    run_worker()
    first = Case.objects.get()
    first = transition_case(first, to=CaseState.CLOSED, by=personas["sofia"], reason="ineligible")
    whatsapp_text(live_server, whatsapp, "Здравствуйте, я снова пишу")
    run_worker()
    second = Case.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert any(first.reference in flag for flag in second.risk_flags)
    assert any(second.reference in flag for flag in first.risk_flags)
