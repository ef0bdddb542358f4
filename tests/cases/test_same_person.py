"""Same-person suggestions from name (across scripts), date of birth and service number:
flags on both cases with the reason, audited, never a merge and never a name in clear."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import IdentityUpdate, update_identity
from safepassage.cases.domain.identity import sound_index, store_applicant_identity
from safepassage.cases.domain.same_person import MAX_SUGGESTIONS
from safepassage.cases.models import Case

from .casework import make_case, reload

pytestmark = pytest.mark.django_db


def _identify(case: Case, by: Account, **values: str) -> None:
    update_identity(case, by=by, update=IdentityUpdate(values=values, group_size=None))


def test_hangul_and_kontsevich_cyrillic_meet(personas: dict[str, Account]) -> None:
    first = make_case(language="ko")
    second = make_case(language="ru")
    _identify(first, personas["kim"], name="박영철")
    _identify(second, personas["kim"], name="Пак Ён Чхоль")
    first, second = reload(first), reload(second)
    assert f"same_person:{second.reference}:name" in first.risk_flags
    assert f"same_person:{first.reference}:name" in second.risk_flags
    # Suggested, not merged.
    assert first.merged_into_id is None
    assert second.merged_into_id is None
    event = AuditEvent.objects.get(action="case.same_person_suggested")
    assert event.detail == {"other": first.reference, "reason": "name"}
    assert "Пак" not in str(event.detail)
    assert "박" not in str(event.detail)


def test_the_sound_key_is_stored_only_as_a_blind_index(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    _identify(case, personas["kim"], name="Kim Jong Un")
    stored = reload(case)
    assert stored.name_sound_index == sound_index("김정은")
    assert stored.name_sound_index not in ("kamcanan", "")
    assert len(stored.name_sound_index or "") == 64


def test_word_order_and_romanisation_systems(personas: dict[str, Account]) -> None:
    first = make_case(language="en")
    second = make_case(language="ko")
    _identify(first, personas["kim"], name="Chung-hee Park")
    _identify(second, personas["kim"], name="Pak Chŏng-hŭi")
    assert f"same_person:{first.reference}:name" in reload(second).risk_flags


def test_service_number_is_the_strongest_reason(personas: dict[str, Account]) -> None:
    first = make_case(language="ru")
    second = make_case(language="ru")
    _identify(first, personas["kim"], name="Иван Петров", service_number="АВ-123456")
    _identify(second, personas["kim"], name="Сергей Сидоров", service_number="AV 123456")
    assert reload(second).risk_flags == [f"same_person:{first.reference}:service_number"]


def test_a_family_name_alone_needs_a_date_of_birth(personas: dict[str, Account]) -> None:
    first = make_case(language="ko")
    second = make_case(language="ru")
    third = make_case(language="en")
    _identify(first, personas["kim"], name="김", date_of_birth="2001-03-02")
    _identify(second, personas["kim"], name="Ким")
    assert reload(second).risk_flags == []
    _identify(third, personas["kim"], name="Kim", date_of_birth="02.03.2001")
    assert reload(third).risk_flags == [f"same_person:{first.reference}:name_dob"]


def test_different_people_are_not_suggested(personas: dict[str, Account]) -> None:
    first = make_case(language="ko")
    second = make_case(language="ko")
    _identify(first, personas["kim"], name="김정은")
    _identify(second, personas["kim"], name="김정일")
    assert reload(first).risk_flags == []
    assert reload(second).risk_flags == []


def test_a_planted_name_flags_only_a_few_cases(personas: dict[str, Account]) -> None:
    planted = [make_case(language="ru") for _ in range(MAX_SUGGESTIONS + 3)]
    for case in planted:
        store_applicant_identity(case, {"name": "Ivan Ivanov"})
    last = reload(planted[-1])
    assert len(last.risk_flags) == MAX_SUGGESTIONS


def test_the_web_form_suggests_against_console_cases(personas: dict[str, Account]) -> None:
    known = make_case(language="ru")
    _identify(known, personas["kim"], name="Иванов Иван Иванович", date_of_birth="2001-03-02")
    applied = make_case(language="ru")
    store_applicant_identity(applied, {"name": "Ivan Ivanov", "date_of_birth": "02.03.2001"})
    assert reload(applied).risk_flags == [f"same_person:{known.reference}:name_dob"]
    assert f"same_person:{applied.reference}:name_dob" in reload(known).risk_flags


def test_merged_cases_are_not_suggested(personas: dict[str, Account]) -> None:
    kept = make_case(language="ru")
    gone = make_case(language="ru")
    store_applicant_identity(gone, {"name": "Ivan Ivanov"})
    Case.objects.filter(pk=gone.pk).update(merged_into=kept)
    fresh = make_case(language="ru")
    store_applicant_identity(fresh, {"name": "Иван Иванов"})
    assert reload(fresh).risk_flags == []
