"""Opening a record on surrender, and keeping its identity: linked, sealed, validated."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import open_case, transition_case
from safepassage.cases.models import Case
from safepassage.crypto.sealing import Sealed
from safepassage.register.domain import (
    InvalidInput,
    RecordDetails,
    RegisterError,
    open_record_details,
    open_record_for_surrendered_case,
    set_record_media_consent,
    update_record_details,
)
from safepassage.register.models import CapturedPerson

from .support import KOREAN_IDENTITY, days_ago, log, registered, set_details, surrendered_case

pytestmark = pytest.mark.django_db


def test_surrender_opens_a_record_linked_to_the_case(personas: dict[str, Account]) -> None:
    case = surrendered_case(personas["kim"])
    record = CapturedPerson.objects.get(case=case)
    assert record.number.startswith("R-")
    assert case.state_changed_at is not None
    assert record.capture_date == case.state_changed_at.date()
    assert record.card_language == "ko"
    # Linked, not a copy: nothing of the case's identity is carried over.
    assert all(value == "" for value in open_record_details(record).values())
    event = AuditEvent.objects.get(action="register.record_opened")
    assert event.object_ref == record.number
    assert event.detail == {"case": case.reference}
    assert event.actor_label == "kim"
    assert verify_chain().ok


def test_a_russian_speaker_gets_a_russian_card(personas: dict[str, Account]) -> None:
    case = surrendered_case(personas["olga"], language="ru")
    assert CapturedPerson.objects.get(case=case).card_language == "ru"


def test_opening_twice_returns_the_same_record(personas: dict[str, Account]) -> None:
    case = surrendered_case(personas["kim"])
    first = CapturedPerson.objects.get(case=case)
    again = open_record_for_surrendered_case(case, by=personas["roman"])
    assert again.pk == first.pk
    assert AuditEvent.objects.filter(action="register.record_opened").count() == 1


def test_only_a_surrendered_case_enters_the_register(personas: dict[str, Account]) -> None:
    case = open_case(channel="web", language="ko")
    transition_case(case, to="engaged", by=personas["kim"])
    case.refresh_from_db()
    with pytest.raises(RegisterError, match="surrendered"):
        open_record_for_surrendered_case(case, by=personas["roman"])
    assert not CapturedPerson.objects.exists()


def test_a_case_surrendered_before_the_register_can_be_opened_by_the_registrar(
    personas: dict[str, Account],
) -> None:
    case = surrendered_case(personas["kim"])
    CapturedPerson.objects.filter(case=case).delete()  # as if surrendered before the register
    case = Case.objects.get(pk=case.pk)
    record = open_record_for_surrendered_case(case, by=personas["roman"])
    assert record.case_id == case.pk
    assert record.opened_by == personas["roman"]


def test_identity_is_sealed_and_reads_back(personas: dict[str, Account]) -> None:
    record = registered(personas["kim"], personas["roman"])
    for field in ("surname", "first_names", "rank", "date_of_birth", "service_number", "health"):
        assert isinstance(getattr(record, field), Sealed)
    opened = open_record_details(record)
    assert opened["surname"] == "김"
    assert opened["family_address"] == KOREAN_IDENTITY["family_address"]
    event = AuditEvent.objects.filter(action="register.details_updated").last()
    assert event is not None
    # The audit names the fields, never their values.
    assert "surname" in event.detail["fields"]
    assert "김" not in str(event.detail)


def test_every_field_may_stay_empty(personas: dict[str, Account]) -> None:
    record = CapturedPerson.objects.get(case=surrendered_case(personas["kim"]))
    set_details(record, personas["roman"], rank="하사")
    assert open_record_details(record)["rank"] == "하사"
    assert record.surname is None


def test_date_of_birth_accepts_day_first_and_is_stored_as_iso(
    personas: dict[str, Account],
) -> None:
    record = registered(personas["kim"], personas["roman"])
    set_details(record, personas["roman"], date_of_birth="14.03.1999")
    assert open_record_details(record)["date_of_birth"] == "1999-03-14"


def _details(record: CapturedPerson, **changes: object) -> RecordDetails:
    values = open_record_details(record)
    values.pop("camp")
    values.pop("hospital")
    capture_date = changes.pop("capture_date", record.capture_date)
    values.update({k: str(v) for k, v in changes.items()})
    return RecordDetails(
        values=values,
        capture_date=capture_date,  # type: ignore[arg-type]
        card_language=record.card_language,
        detaining_language=record.detaining_language,
    )


def test_bad_record_form_reports_every_problem_and_saves_nothing(
    personas: dict[str, Account],
) -> None:
    record = registered(personas["kim"], personas["roman"])
    version = record.version
    events_before = AuditEvent.objects.count()
    bad = _details(
        record,
        surname="박",  # valid, but must not be saved alongside the errors
        date_of_birth="2999-01-01",
        capture_date=days_ago(-3),
        health="dead tired",
    )
    with pytest.raises(InvalidInput) as refused:
        update_record_details(record, by=personas["roman"], details=bad)
    assert set(refused.value.errors) == {"date_of_birth", "capture_date", "health"}
    assert "future" in refused.value.errors["capture_date"]
    record.refresh_from_db()
    assert record.version == version
    assert open_record_details(record)["surname"] == "김"
    assert AuditEvent.objects.count() == events_before


def test_date_of_birth_must_be_before_capture(personas: dict[str, Account]) -> None:
    record = registered(personas["kim"], personas["roman"])
    with pytest.raises(InvalidInput, match="before the date of capture"):
        update_record_details(
            record,
            by=personas["roman"],
            details=_details(record, date_of_birth=days_ago(10).isoformat()),
        )


def test_date_of_birth_must_be_a_date(personas: dict[str, Account]) -> None:
    record = registered(personas["kim"], personas["roman"])
    with pytest.raises(InvalidInput, match="YYYY-MM-DD") as refused:
        update_record_details(
            record, by=personas["roman"], details=_details(record, date_of_birth="spring 99")
        )
    assert set(refused.value.errors) == {"date_of_birth"}


def test_capture_date_cannot_move_after_the_first_logged_event(
    personas: dict[str, Account],
) -> None:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=30)
    log(record, personas["roman"], "food", days_ago(25))
    with pytest.raises(InvalidInput, match="first entry in the log"):
        update_record_details(
            record, by=personas["roman"], details=_details(record, capture_date=days_ago(20))
        )
    with pytest.raises(InvalidInput, match="cannot be removed"):
        update_record_details(
            record, by=personas["roman"], details=_details(record, capture_date=None)
        )


def test_a_stale_form_changes_nothing(personas: dict[str, Account]) -> None:
    record = registered(personas["kim"], personas["roman"])
    stale = record.version
    set_details(record, personas["roman"], rank="중사")
    with pytest.raises(RegisterError, match="changed while you were looking"):
        update_record_details(
            record,
            by=personas["roman"],
            details=_details(record, rank="상사"),
            expected_version=stale,
        )
    assert open_record_details(record)["rank"] == "중사"


def test_media_consent_defaults_to_none_and_follows_to_the_case(
    personas: dict[str, Account],
) -> None:
    record = registered(personas["kim"], personas["roman"])
    assert (record.filming_consent, record.publication_consent) == (False, False)
    set_record_media_consent(record, by=personas["roman"], filming=True, publication=True)
    record.case.refresh_from_db()
    assert record.case.no_filming is False
    set_record_media_consent(record, by=personas["roman"], filming=True, publication=False)
    record.case.refresh_from_db()
    assert record.case.no_filming is True
    assert AuditEvent.objects.filter(action="register.media_consent").count() == 2
