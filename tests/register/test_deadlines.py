"""Capture-card deadlines (Art. 70): arrival, transfer, hospital; due and overdue counts."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.register.domain import (
    due_capture_cards,
    issue_capture_card,
    mark_capture_card_sent,
    open_card_content,
    overdue_count,
    register_counts,
)
from safepassage.register.models import CaptureCard, CapturedPerson

from .support import days_ago, log, registered

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


@pytest.fixture
def record(personas: dict[str, Account]) -> CapturedPerson:
    return registered(personas["kim"], personas["roman"], captured_days_ago=40)


def _outstanding(record: CapturedPerson) -> list[CaptureCard]:
    return list(record.cards.filter(status__in=["due", "issued"]))


def test_no_card_is_due_before_he_reaches_a_camp(record: CapturedPerson) -> None:
    assert due_capture_cards() == []
    assert overdue_count() == 0


def test_arrival_makes_a_card_due_within_one_week(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    arrived = days_ago(3)
    log(record, personas["roman"], "arrival", arrived, place="Табір № 1", prisoner_number="0173")
    (card,) = _outstanding(record)
    assert card.trigger == "arrival"
    assert card.triggered_on == arrived
    assert card.due_on == arrived + WEEK
    assert card.coming_from is None  # from the front: the card prints the capture date
    assert [c.pk for c in due_capture_cards()] == [card.pk]
    # Due on day 7, overdue from day 8.
    assert overdue_count(on=arrived + WEEK) == 0
    assert overdue_count(on=arrived + WEEK + dt.timedelta(days=1)) == 1
    assert AuditEvent.objects.filter(action="register.card_due").count() == 1


def test_a_card_sent_in_time_is_no_longer_owed(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    log(record, personas["roman"], "arrival", days_ago(10), place="Табір № 1")
    card = issue_capture_card(record, by=personas["roman"])
    assert card.status == "issued"
    # Printed but not sent: still owed, and overdue after the week.
    assert overdue_count() == 1
    mark_capture_card_sent(card, by=personas["roman"], sent_on=days_ago(0))
    assert overdue_count() == 0
    assert due_capture_cards() == []


def test_overdue_cards_are_counted_and_marked(personas: dict[str, Account]) -> None:
    late = registered(personas["kim"], personas["roman"], captured_days_ago=40)
    on_time = registered(personas["kim"], personas["roman"], captured_days_ago=40)
    log(late, personas["roman"], "arrival", days_ago(9), place="Табір № 1")
    log(on_time, personas["roman"], "arrival", days_ago(2), place="Табір № 2")
    assert overdue_count() == 1
    cards = due_capture_cards()
    assert [card.record_id for card in cards] == [late.pk, on_time.pk]  # earliest deadline first
    assert [card.overdue for card in cards] == [True, False]  # type: ignore[attr-defined]
    counts = register_counts()
    assert (counts.cards_outstanding, counts.cards_overdue) == (2, 1)


def test_transfer_makes_a_new_card_due_coming_from_the_old_camp(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(30), place="Табір № 1", prisoner_number="0173")
    first = issue_capture_card(record, by=roman)
    mark_capture_card_sent(first, by=roman, sent_on=days_ago(0))
    record = log(record, roman, "transfer", days_ago(5), place="Табір № 4")
    (card,) = _outstanding(record)
    assert card.trigger == "transfer"
    assert card.due_on == days_ago(5) + WEEK
    printed = open_card_content(issue_capture_card(record, by=roman))
    assert printed["coming_from"] == "Табір № 1"
    assert printed["present_place"] == "Табір № 4"
    assert printed["prisoner_number"] == "0173"  # kept when the transfer names none


def test_hospital_admission_makes_a_card_due_and_discharge_does_not(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(30), place="Табір № 1")
    mark_capture_card_sent(issue_capture_card(record, by=roman), by=roman, sent_on=days_ago(0))
    record = log(record, roman, "hospital_admission", days_ago(6), place="Шпиталь № 7")
    (card,) = _outstanding(record)
    assert (card.trigger, card.due_on) == ("hospital", days_ago(6) + WEEK)
    content = open_card_content(issue_capture_card(record, by=roman))
    assert content["in_hospital"] is True
    assert content["present_place"] == "Шпиталь № 7"
    assert content["coming_from"] == "Табір № 1"
    mark_capture_card_sent(card, by=roman, sent_on=days_ago(0))
    record = log(record, roman, "hospital_discharge", days_ago(1))
    assert record.location == "camp"
    assert _outstanding(record) == []


def test_wounded_at_capture_goes_to_hospital_first(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    record = log(record, roman, "hospital_admission", days_ago(38), place="Шпиталь № 7")
    assert record.location == "hospital"
    assert _outstanding(record)[0].trigger == "hospital"
    # From hospital to his first camp is an arrival, and the card says where he came from.
    record = log(record, roman, "arrival", days_ago(20), place="Табір № 1")
    (card,) = _outstanding(record)
    assert card.trigger == "arrival"
    assert card.due_on == days_ago(38) + WEEK  # the unsent hospital card's deadline stands
    assert open_card_content(issue_capture_card(record, by=roman))["coming_from"] == "Шпиталь № 7"


def test_a_move_before_the_card_is_sent_replaces_it_without_extending_the_deadline(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(12), place="Табір № 1")
    (first,) = _outstanding(record)
    record = log(record, roman, "transfer", days_ago(4), place="Табір № 2")
    (second,) = _outstanding(record)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert first.superseded_by_id == second.pk
    assert second.due_on == days_ago(12) + WEEK  # not days_ago(4) + WEEK
    assert overdue_count() == 1


def test_release_repatriation_and_death_cancel_cards_owed(personas: dict[str, Account]) -> None:
    roman = personas["roman"]
    for kind, status in (
        ("release", "released"),
        ("repatriation", "repatriated"),
        ("death", "deceased"),
    ):
        record = registered(personas["kim"], roman, captured_days_ago=40)
        log(record, roman, "arrival", days_ago(20), place="Табір № 1")
        record = log(record, roman, kind, days_ago(1))
        assert record.status == status
        assert record.cards.get().status == "cancelled"
    assert overdue_count() == 0
    assert due_capture_cards() == []
    counts = register_counts()
    assert (counts.released, counts.repatriated, counts.deceased) == (1, 1, 1)


def test_sickness_allows_an_extra_card(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    from .support import set_details

    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(20), place="Табір № 1")
    mark_capture_card_sent(issue_capture_card(record, by=roman), by=roman, sent_on=days_ago(0))
    set_details(record, roman, health="sick")
    extra = issue_capture_card(record, by=roman)
    assert extra.trigger == "update"
    assert open_card_content(extra)["health"] == "sick"
