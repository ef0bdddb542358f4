"""Building register records the way the console does, for the register tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import open_case, transition_case
from safepassage.cases.models import Case
from safepassage.register.domain import (
    RecordDetails,
    WelfareEntry,
    open_record_details,
    record_welfare_event,
    update_record_details,
)
from safepassage.register.models import CapturedPerson

TODAY = timezone.localdate


def days_ago(n: int) -> dt.date:
    """The date ``n`` days before today (the domain's "today")."""
    return timezone.localdate() - dt.timedelta(days=n)


def surrendered_case(operator: Account, *, language: str = "ko") -> Case:
    """A case moved through the funnel to ``surrendered`` by ``operator``."""
    case = open_case(channel="web", language=language, inquiry_type="surrender")
    for state in ("engaged", "verified", "planning", "surrendered"):
        case = transition_case(case, to=state, by=operator)
    return case


KOREAN_IDENTITY = {
    "surname": "김",
    "first_names": "철수",
    "rank": "하사",
    "date_of_birth": "1999-03-14",
    "service_number": "KPA-7731-0042",
    "power": "조선민주주의인민공화국",
    "place_of_birth": "평안남도 순천시",
    "father_first_name": "영호",
    "family_address": "평안남도 순천시 역전동 12반 3호",
    "health": "slightly_wounded",
}
RUSSIAN_IDENTITY = {
    "surname": "Жуков",
    "first_names": "Семён Алексеевич",
    "rank": "младший сержант",
    "date_of_birth": "1987-11-02",
    "service_number": "АА-123456",
    "power": "Российская Федерация",
    "place_of_birth": "г. Курск",
    "father_first_name": "Алексей",
    "mother_maiden_name": "Петрова",
    "person_to_inform": "Жукова Мария Ивановна",
    "family_address": "305000, г. Курск, ул. Ленина, д. 15, кв. 42",
    "health": "sick",
}


def set_details(
    record: CapturedPerson,
    registrar: Account,
    *,
    capture_date: dt.date | None = None,
    card_language: str | None = None,
    detaining_language: str = "uk",
    **values: str,
) -> CapturedPerson:
    """Update the record form as a registrar would (unlisted fields keep their value)."""
    record.refresh_from_db()
    current = open_record_details(record)
    current.pop("camp")
    current.pop("hospital")
    current.update(values)
    update_record_details(
        record,
        by=registrar,
        details=RecordDetails(
            values=current,
            capture_date=capture_date if capture_date is not None else record.capture_date,
            card_language=card_language or record.card_language,
            detaining_language=detaining_language,
        ),
    )
    record.refresh_from_db()
    return record


def registered(
    operator: Account,
    registrar: Account,
    *,
    language: str = "ko",
    captured_days_ago: int = 30,
    identity: dict[str, str] | None = None,
) -> CapturedPerson:
    """A surrendered person's record with a capture date in the past and his identity."""
    case = surrendered_case(operator, language=language)
    record = CapturedPerson.objects.get(case=case)
    values = (
        identity
        if identity is not None
        else (KOREAN_IDENTITY if language == "ko" else RUSSIAN_IDENTITY)
    )
    return set_details(record, registrar, capture_date=days_ago(captured_days_ago), **values)


def log(
    record: CapturedPerson,
    registrar: Account,
    kind: str,
    on: dt.date,
    *,
    place: str = "",
    prisoner_number: str = "",
    note: str = "",
) -> CapturedPerson:
    """Record one welfare event and return the refreshed record."""
    record_welfare_event(
        record,
        by=registrar,
        entry=WelfareEntry(
            kind=kind, occurred_on=on, place=place, prisoner_number=prisoner_number, note=note
        ),
    )
    record.refresh_from_db()
    return record
