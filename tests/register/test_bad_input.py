"""Bad input gets a clear message and leaves nothing half-saved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.register.domain import (
    CardRefused,
    DuplicateCard,
    IdentityIncomplete,
    InvalidInput,
    OutOfOrder,
    RecordClosed,
    RegisterError,
    WelfareEntry,
    issue_capture_card,
    mark_capture_card_sent,
    record_welfare_event,
    record_wish,
)
from safepassage.register.models import CaptureCard, CapturedPerson, RepatriationWish, WelfareEvent

from .support import days_ago, log, registered, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas: dict[str, Account]) -> CapturedPerson:
    return registered(personas["kim"], personas["roman"], captured_days_ago=30)


def _snapshot(record: CapturedPerson) -> tuple[object, ...]:
    record.refresh_from_db()
    return (
        record.version,
        record.bureau_revision,
        record.location,
        record.status,
        record.camp,
        record.last_movement_on,
        WelfareEvent.objects.count(),
        CaptureCard.objects.count(),
        RepatriationWish.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(
    record: CapturedPerson, error: type[RegisterError], match: str, action: Callable[[], object]
) -> RegisterError:
    """Run ``action``, expect the refusal, and check that nothing changed."""
    before = _snapshot(record)
    with pytest.raises(error, match=match) as caught:
        action()
    assert _snapshot(record) == before
    return caught.value


def _event(record: CapturedPerson, by: Account, kind: str, on: object, **texts: str) -> object:
    entry = WelfareEntry(kind=kind, occurred_on=on, **texts)  # type: ignore[arg-type]
    return record_welfare_event(record, by=by, entry=entry)


def test_an_event_in_the_future_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    error = refused(
        record,
        InvalidInput,
        "in the future",
        lambda: _event(record, personas["roman"], "food", days_ago(-1)),
    )
    assert set(error.errors) == {"occurred_on"}


def test_an_event_before_capture_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    refused(
        record,
        InvalidInput,
        "before his capture",
        lambda: _event(record, personas["roman"], "arrival", days_ago(31), place="Табір 1"),
    )


def test_an_event_without_a_date_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    refused(
        record,
        InvalidInput,
        "Enter the date",
        lambda: _event(record, personas["roman"], "food", None),
    )


def test_a_movement_dated_before_the_last_one_is_out_of_order(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(10), place="Табір № 1")
    error = refused(
        record,
        OutOfOrder,
        "in order",
        lambda: _event(record, roman, "transfer", days_ago(12), place="Табір № 2"),
    )
    assert set(error.errors) == {"occurred_on"}
    # A late food entry is fine: only movements must come in order.
    log(record, roman, "food", days_ago(12))


def test_a_transfer_before_any_arrival_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    refused(
        record,
        OutOfOrder,
        "not arrived at a camp yet",
        lambda: _event(record, personas["roman"], "transfer", days_ago(5), place="Табір"),
    )


def test_a_second_arrival_must_be_a_transfer(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    log(record, personas["roman"], "arrival", days_ago(10), place="Табір № 1")
    refused(
        record,
        OutOfOrder,
        "record a transfer instead",
        lambda: _event(record, personas["roman"], "arrival", days_ago(5), place="Табір 2"),
    )


def test_a_transfer_to_the_same_camp_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    log(record, personas["roman"], "arrival", days_ago(10), place="Табір № 1")
    refused(
        record,
        InvalidInput,
        "already in this camp",
        lambda: _event(record, personas["roman"], "transfer", days_ago(5), place="  табір  №1 "),
    )


def test_a_discharge_when_not_in_hospital_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    log(record, personas["roman"], "arrival", days_ago(10), place="Табір № 1")
    refused(
        record,
        OutOfOrder,
        "not in hospital",
        lambda: _event(record, personas["roman"], "hospital_discharge", days_ago(5)),
    )


def test_an_arrival_needs_the_camp(record: CapturedPerson, personas: dict[str, Account]) -> None:
    error = refused(
        record,
        InvalidInput,
        "Name the camp",
        lambda: _event(record, personas["roman"], "arrival", days_ago(5)),
    )
    assert set(error.errors) == {"place"}


def test_nothing_is_logged_after_death(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    log(record, personas["roman"], "death", days_ago(2))
    refused(
        record,
        RecordClosed,
        "died on",
        lambda: _event(record, personas["roman"], "food", days_ago(1)),
    )
    refused(
        record,
        RecordClosed,
        "no longer interned",
        lambda: record_wish(record, by=personas["roman"], wish="undecided", stated_on=days_ago(1)),
    )


def test_a_second_capture_card_for_an_unchanged_situation_is_refused(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(10), place="Табір № 1")
    card = issue_capture_card(record, by=roman)
    refused(record, DuplicateCard, "already printed", lambda: issue_capture_card(record, by=roman))
    mark_capture_card_sent(card, by=roman, sent_on=days_ago(0))
    refused(
        record,
        DuplicateCard,
        "exactly this information was sent",
        lambda: issue_capture_card(record, by=roman),
    )


def test_a_capture_card_needs_the_art17_identity(personas: dict[str, Account]) -> None:
    roman = personas["roman"]
    record = registered(personas["kim"], roman, identity={"surname": "김", "health": "good"})
    log(record, roman, "arrival", days_ago(3), place="Табір № 1")
    error = refused(
        record, IdentityIncomplete, "Art. 17", lambda: issue_capture_card(record, by=roman)
    )
    assert isinstance(error, IdentityIncomplete)
    assert error.missing == ["first_names", "rank", "date_of_birth", "service_number"]
    assert "First names" in str(error)
    assert "Rank" in str(error)
    assert record.cards.get().status == "due"  # still owed, untouched


def test_a_capture_card_needs_a_camp_or_hospital(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    refused(
        record,
        CardRefused,
        "present address",
        lambda: issue_capture_card(record, by=personas["roman"]),
    )


def test_a_capture_card_needs_the_state_of_health(personas: dict[str, Account]) -> None:
    roman = personas["roman"]
    record = registered(personas["kim"], roman)
    set_details(record, roman, health="")
    log(record, roman, "arrival", days_ago(3), place="Табір № 1")
    refused(record, CardRefused, "state of health", lambda: issue_capture_card(record, by=roman))


def test_a_card_cannot_be_sent_before_it_was_printed_or_in_the_future(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    log(record, roman, "arrival", days_ago(3), place="Табір № 1")
    card = issue_capture_card(record, by=roman)
    refused(
        record,
        InvalidInput,
        "printed on",
        lambda: mark_capture_card_sent(card, by=roman, sent_on=days_ago(1)),
    )
    refused(
        record,
        InvalidInput,
        "future",
        lambda: mark_capture_card_sent(card, by=roman, sent_on=days_ago(-1)),
    )
    mark_capture_card_sent(card, by=roman, sent_on=days_ago(0))
    refused(
        record,
        CardRefused,
        "already marked as sent",
        lambda: mark_capture_card_sent(card, by=roman, sent_on=days_ago(0)),
    )


def test_wishes_keep_their_history_in_order(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    record_wish(record, by=roman, wish="undecided", stated_on=days_ago(20))
    refused(
        record,
        OutOfOrder,
        "cannot be dated earlier",
        lambda: record_wish(record, by=roman, wish="not_exchanged", stated_on=days_ago(21)),
    )
    refused(
        record,
        InvalidInput,
        "already his current wish",
        lambda: record_wish(record, by=roman, wish="undecided", stated_on=days_ago(10)),
    )
    refused(
        record,
        InvalidInput,
        "in the future",
        lambda: record_wish(record, by=roman, wish="join_defence", stated_on=days_ago(-2)),
    )
    refused(
        record,
        InvalidInput,
        "before his capture",
        lambda: record_wish(record, by=roman, wish="join_defence", stated_on=days_ago(31)),
    )
    refused(
        record,
        InvalidInput,
        "Choose one",
        lambda: record_wish(record, by=roman, wish="defect", stated_on=days_ago(1)),
    )
    record_wish(record, by=roman, wish="join_defence", stated_on=days_ago(5))
    assert record.wishes.count() == 2
    # The audit says a wish was recorded, never which.
    events = AuditEvent.objects.filter(action="register.wish_recorded")
    assert all("join_defence" not in str(e.detail) for e in events)


def test_a_value_too_long_for_the_card_is_refused_before_printing(
    personas: dict[str, Account],
) -> None:
    roman = personas["roman"]
    record = registered(personas["kim"], roman)
    set_details(record, roman, family_address="평안남도 순천시 역전동 12반 3호, " * 14)
    log(record, roman, "arrival", days_ago(3), place="Табір № 1")
    refused(
        record,
        CardRefused,
        "Too long to fit on the capture card: Family address",
        lambda: issue_capture_card(record, by=roman),
    )
    assert record.cards.get().status == "due"
