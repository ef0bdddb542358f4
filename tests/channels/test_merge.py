"""A relative and the soldier, first seen as two cases, become two contacts on one case."""

from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.models import Account
from safepassage.cases.domain.merge import merge_cases
from safepassage.cases.models import Case, Contact, Direction
from safepassage.cases.states import CaseState
from tests.channels import payloads
from tests.channels.conftest import Channel, post, run_worker

pytestmark = pytest.mark.django_db(transaction=True)
MOTHER, SON = 5553001, 5553002


def _send(live_server: LiveServer, telegram: Channel, chat: int, text: str) -> None:
    status, _ = post(
        live_server.url + telegram.path,
        payloads.to_json(payloads.tg_message(chat, text=text)),
        {"X-Telegram-Bot-Api-Secret-Token": telegram.secret},
    )
    assert status == 200


def test_relative_and_soldier_become_two_contacts_on_one_case(
    telegram: Channel, live_server: LiveServer, personas: dict[str, Account]
) -> None:
    _send(
        live_server,
        telegram,
        MOTHER,
        "Пишу за сына, он под Курском, хочет сдаться, но у него нет связи",
    )
    run_worker()
    _send(live_server, telegram, SON, "Мама написала вам. Я готов выйти, как договориться?")
    run_worker()
    mother_case, son_case = Case.objects.order_by("id")
    merge_cases(keep=son_case, absorb=mother_case, by=personas["sofia"])

    son_case.refresh_from_db()
    mother_case.refresh_from_db()
    assert son_case.contacts.count() == 2
    assert mother_case.state == CaseState.CLOSED
    assert mother_case.merged_into_id == son_case.pk

    # New messages from either chat now land on the kept case.
    _send(live_server, telegram, MOTHER, "Он сегодня вечером сможет выйти на связь")
    _send(live_server, telegram, SON, "Я на месте")
    run_worker()
    assert Case.objects.filter(state=CaseState.NEW).count() == 1
    assert son_case.messages.filter(direction=Direction.INBOUND).count() == 4
    assert set(Contact.objects.values_list("case_id", flat=True)) == {son_case.pk}
