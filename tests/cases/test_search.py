"""Search by reference, by exact identity through blind indexes, and by case facts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.campaigns.models import Campaign
from safepassage.cases.domain import IdentityUpdate, InvalidIdentity, update_identity
from safepassage.cases.domain.search import CaseSearch, normalise_reference, search_cases
from safepassage.cases.models import Case

from .casework import make_case

pytestmark = pytest.mark.django_db


def _find(**criteria: object) -> list[str]:
    found = search_cases(CaseSearch(**criteria), within=Case.objects.all())  # type: ignore[arg-type]
    return list(found.values_list("reference", flat=True))


def _with_identity(personas: dict[str, Account], language: str, **values: str) -> Case:
    case = make_case(language=language)
    update_identity(
        case, by=personas["sofia"], update=IdentityUpdate(values=values, group_size=None)
    )
    return case


def test_reference_is_found_however_it_is_typed(personas: dict[str, Account]) -> None:
    case = make_case()
    raw = case.reference.replace("-", "").lower()
    assert normalise_reference(raw) == case.reference
    assert _find(reference=f" {raw[:4]} {raw[4:]} ") == [case.reference]
    assert _find(reference="ZZZ-ZZZ-ZZZ") == []


@pytest.mark.parametrize("typed", ["김정은", "Gim Jeong-eun", "jeongeun gim", "GIM JEONG EUN"])
def test_a_korean_name_is_found_from_hangul_or_its_romanization(
    personas: dict[str, Account], typed: str
) -> None:
    case = _with_identity(personas, "ko", name="김정은")
    _with_identity(personas, "ko", name="김정일")
    assert _find(name=typed) == [case.reference]


@pytest.mark.parametrize("typed", ["Иванов Иван", "Иван Иванов", "IVANOV IVAN", "ivan ivanov"])
def test_a_russian_name_is_found_in_either_script_and_word_order(
    personas: dict[str, Account], typed: str
) -> None:
    case = _with_identity(personas, "ru", name="Иванов Иван")
    _with_identity(personas, "ru", name="Иванова Ирина")
    assert _find(name=typed) == [case.reference]


def test_service_number_unit_and_date_of_birth_match_exactly(
    personas: dict[str, Account],
) -> None:
    case = _with_identity(
        personas, "ru", service_number="АВ-123456", unit="в/ч 12345", date_of_birth="2001-03-02"
    )
    _with_identity(personas, "ru", service_number="АВ-123457", unit="в/ч 54321")
    assert _find(service_number="AV 123456") == [case.reference]
    assert _find(unit="В/Ч 12345") == [case.reference]
    assert _find(date_of_birth="02.03.2001") == [case.reference]
    assert _find(date_of_birth="2001-03-03") == []
    assert _find(service_number="АВ-12345") == []  # exact, not a prefix


def test_a_date_of_birth_that_is_not_a_date_is_refused(personas: dict[str, Account]) -> None:
    with pytest.raises(InvalidIdentity):
        _find(date_of_birth="spring 2001")


def test_identity_search_sends_only_blind_indexes_to_the_database(
    personas: dict[str, Account],
) -> None:
    _with_identity(personas, "ru", name="Иванов Иван")
    with CaptureQueriesContext(connection) as queries:
        _find(name="Иванов Иван", service_number="АВ-123456")
    sql = " ".join(str(query["sql"]) for query in queries.captured_queries)
    for clear in ["Иванов", "ivanov", "123456"]:
        assert clear not in sql


def test_facts_filter_by_state_language_channel_campaign_and_date(
    personas: dict[str, Account],
) -> None:
    campaign = Campaign.objects.create(code="KURSK24", title="Kursk video")
    korean = make_case(language="ko")
    Case.objects.filter(pk=korean.pk).update(campaign=campaign)
    telegram = make_case(language="ru", channel="telegram")
    old = make_case(language="ru")
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Case.objects.filter(pk=old.pk).update(created_at=long_ago, state="engaged")

    assert _find(language="ko") == [korean.reference]
    assert _find(channel="telegram") == [telegram.reference]
    assert _find(campaign_id=campaign.pk) == [korean.reference]
    assert _find(state="engaged") == [old.reference]
    assert _find(created_to=long_ago.date()) == [old.reference]
    assert set(_find(created_from=timezone.now().date())) == {korean.reference, telegram.reference}
    assert _find(language="ru", channel="web") == [old.reference]


def test_search_stays_within_what_the_searcher_may_see(personas: dict[str, Account]) -> None:
    korean = _with_identity(personas, "ko", name="Иванов Иван")
    found = search_cases(CaseSearch(name="Иванов Иван"), within=Case.objects.filter(language="ru"))
    assert korean.reference not in found.values_list("reference", flat=True)


def test_empty_criteria_are_recognised() -> None:
    assert CaseSearch().is_empty()
    assert not CaseSearch(state="new").is_empty()
    assert CaseSearch(name="x", unit="y").identity_criteria() == ["name", "unit"]
