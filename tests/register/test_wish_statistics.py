"""Wishes at repatriation on the analyst dashboard: counted from the register's sealed
wishes on demand, latest wish per interned person, small counts suppressed, nothing
stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.analytics.models import DailyCount
from safepassage.analytics.wishes import current_wishes
from safepassage.audit.models import AuditEvent
from safepassage.register.domain import record_wish
from safepassage.register.models import CapturedPerson
from safepassage.register.states import Wish

from ..console.helpers import force_verified_login
from .support import days_ago, log, registered

pytestmark = pytest.mark.django_db
WISHES_JSON = reverse(
    "console:stats-export", kwargs={"table": "wishes_at_repatriation", "fmt": "json"}
)


def _people(personas: dict[str, Account], count: int) -> list[CapturedPerson]:
    return [registered(personas["kim"], personas["roman"]) for _ in range(count)]


def _wish(record: CapturedPerson, registrar: Account, wish: str, days: int = 5) -> None:
    record.refresh_from_db()
    record_wish(record, by=registrar, wish=wish, stated_on=days_ago(days))


def _cells(account: Account) -> dict[str, dict[str, Any]]:
    client = Client()
    force_verified_login(client, account)
    response = client.get(WISHES_JSON)
    assert response.status_code == 200
    return {row["label"]: row["cells"][0] for row in json.loads(response.content)["rows"]}


def test_the_register_is_the_dashboards_wish_source() -> None:
    assert [code for code, _label, _count in current_wishes()] == list(Wish.values)


def test_one_recorded_wish_shows_as_fewer_than_five(personas: dict[str, Account]) -> None:
    (record,) = _people(personas, 1)
    _wish(record, personas["roman"], Wish.NOT_EXCHANGED)
    cells = _cells(personas["anna"])
    assert cells["Not to be exchanged"] == {"value": None, "display": "<5", "suppressed": "small"}
    assert cells["Return home in an exchange"]["value"] == 0


def test_five_recorded_wishes_are_counted_and_only_the_latest_wish_counts(
    personas: dict[str, Account],
) -> None:
    roman = personas["roman"]
    for record in _people(personas, 5):
        _wish(record, roman, Wish.UNDECIDED, days=9)
        _wish(record, roman, Wish.RETURN_IN_EXCHANGE, days=4)
    assert {code: n for code, _label, n in current_wishes()} == {
        Wish.RETURN_IN_EXCHANGE: 5,
        Wish.NOT_EXCHANGED: 0,
        Wish.JOIN_DEFENCE: 0,
        Wish.UNDECIDED: 0,
    }
    cells = _cells(personas["anna"])
    assert cells["Return home in an exchange"]["value"] == 5
    assert cells["Undecided"]["value"] == 0


def test_a_person_no_longer_interned_no_longer_counts(personas: dict[str, Account]) -> None:
    roman = personas["roman"]
    people = _people(personas, 5)
    for record in people:
        _wish(record, roman, Wish.JOIN_DEFENCE)
    assert _cells(personas["anna"])["Join a unit in Ukraine's defence"]["value"] == 5
    log(people[0], roman, "arrival", days_ago(3), place="Табір № 1")
    log(people[0], roman, "release", days_ago(1))
    assert _cells(personas["anna"])["Join a unit in Ukraine's defence"]["display"] == "<5"


def test_counting_wishes_stores_nothing(personas: dict[str, Account]) -> None:
    (record,) = _people(personas, 1)
    _wish(record, personas["roman"], Wish.NOT_EXCHANGED)
    counters, events = DailyCount.objects.count(), AuditEvent.objects.count()
    client = Client()
    force_verified_login(client, personas["anna"])
    assert client.get(reverse("console:stats")).status_code == 200
    _cells(personas["anna"])
    assert DailyCount.objects.count() == counters
    assert AuditEvent.objects.count() == events
