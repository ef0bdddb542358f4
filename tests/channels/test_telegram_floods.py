"""Messenger first messages feed flood and near-duplicate detection like web forms do."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from safepassage.cases.models import Case
from safepassage.floods.models import FloodGroup, FloodMembership, GroupKind
from tests.channels import payloads
from tests.channels.conftest import Channel, run_worker
from tests.channels.test_telegram import send_update

pytestmark = pytest.mark.django_db(transaction=True)
PLANTED = (
    "Здравствуйте, я мобилизованный из Белгородской области, хочу сдаться, подскажите что делать"
)


def test_similar_first_messages_from_different_chats_are_flagged_and_follow_ups_are_not(
    telegram: Channel, live_server: LiveServer
) -> None:
    send_update(live_server, telegram, payloads.tg_message(7001, text=PLANTED))
    send_update(
        live_server,
        telegram,
        payloads.tg_message(7002, text=PLANTED.replace("Белгородской", "Курской")),
    )
    send_update(
        live_server,
        telegram,
        payloads.tg_message(
            7003, text="Мой сын контрактник пропал под Курском, может он у вас в плену"
        ),
    )
    run_worker()
    first, second, other = Case.objects.order_by("pk")
    assert first.risk_flags == [f"near_duplicate:{second.reference}"]
    assert second.risk_flags == [f"near_duplicate:{first.reference}"]
    assert other.risk_flags == []

    # The same text again as a follow-up in the third chat is not a new case: no flag.
    send_update(live_server, telegram, payloads.tg_message(7003, text=PLANTED))
    run_worker()
    other.refresh_from_db()
    assert other.risk_flags == []


def test_a_burst_of_new_chats_becomes_a_flood_group_even_with_short_texts(
    telegram: Channel, live_server: LiveServer, settings: Any
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "3/600"
    for chat in range(8001, 8005):
        send_update(live_server, telegram, payloads.tg_message(chat, text="Помогите"))
    run_worker()
    group = FloodGroup.objects.get(kind=GroupKind.BURST)
    members = set(FloodMembership.objects.filter(group=group).values_list("case_id", flat=True))
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == 4
    # More than three new cases in the window: the fourth crosses the threshold.
    assert cases[-1].pk in members
    assert f"flood:{group.pk}" in Case.objects.get(pk=cases[-1].pk).risk_flags
