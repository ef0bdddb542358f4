"""Claiming, assigning and releasing cases: who may, races, and the audit trail."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    CaseError,
    NotAssignable,
    StaleCase,
    assign_case,
    claim_case,
    release_case,
    transition_case,
)
from safepassage.cases.models import Case

from .casework import make_case, reload

pytestmark = pytest.mark.django_db


def test_operator_claims_an_unassigned_case_and_it_is_audited(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ko")
    claimed = claim_case(case, by=personas["kim"])
    assert claimed.assigned_to_id == personas["kim"].pk
    assert reload(case).version == case.version + 1
    event = AuditEvent.objects.get(action="case.claimed")
    assert (event.actor_label, event.object_ref) == ("kim", case.reference)
    assert verify_chain().ok


def test_claiming_twice_changes_nothing_the_second_time(personas: dict[str, Account]) -> None:
    case = make_case()
    claim_case(case, by=personas["kim"])
    version = reload(case).version
    claim_case(case, by=personas["kim"])
    assert reload(case).version == version
    assert AuditEvent.objects.filter(action="case.claimed").count() == 1


def test_a_case_taken_meanwhile_cannot_be_claimed(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    stale_copy = Case.objects.get(pk=case.pk)
    claim_case(case, by=personas["olga"])
    with pytest.raises(CaseError, match="colleague"):
        claim_case(stale_copy, by=personas["kim"])
    assert reload(case).assigned_to_id == personas["olga"].pk


def test_operator_cannot_claim_a_case_in_a_language_it_does_not_read(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ko")
    with pytest.raises(NotAssignable):
        claim_case(case, by=personas["olga"])
    assert reload(case).assigned_to_id is None


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_roles_that_do_not_work_cases_cannot_claim(
    personas: dict[str, Account], persona: str
) -> None:
    case = make_case(language="en")
    with pytest.raises(NotAssignable):
        claim_case(case, by=personas[persona])


def test_closed_case_cannot_be_claimed(personas: dict[str, Account]) -> None:
    case = transition_case(make_case(), to="closed", by=personas["sofia"], reason="withdrawn")
    with pytest.raises(NotAssignable, match="closed"):
        claim_case(case, by=personas["kim"])


def test_supervisor_reassigns_to_someone_who_reads_the_language(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ru")
    claim_case(case, by=personas["kim"])
    case = assign_case(case, to=personas["olga"], by=personas["sofia"])
    assert case.assigned_to_id == personas["olga"].pk
    event = AuditEvent.objects.get(action="case.assigned")
    assert event.detail == {"from": "kim", "to": "olga"}
    assert event.actor_label == "sofia"


def test_supervisor_cannot_assign_to_an_operator_who_does_not_read_the_language(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ko")
    with pytest.raises(NotAssignable, match="language"):
        assign_case(case, to=personas["olga"], by=personas["sofia"])
    assert reload(case).assigned_to_id is None


@pytest.mark.parametrize("target", ["roman", "anna", "adam"])
def test_cases_are_never_assigned_to_roles_that_do_not_work_them(
    personas: dict[str, Account], target: str
) -> None:
    case = make_case(language="en")
    with pytest.raises(NotAssignable):
        assign_case(case, to=personas[target], by=personas["sofia"])


def test_operators_cannot_assign(personas: dict[str, Account]) -> None:
    case = make_case(language="ko")
    with pytest.raises(NotAssignable, match="supervisor"):
        assign_case(case, to=personas["kim"], by=personas["kim"])


def test_assign_with_a_stale_version_changes_nothing(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    rendered = case.version
    claim_case(case, by=personas["kim"])
    with pytest.raises(StaleCase):
        assign_case(case, to=personas["olga"], by=personas["sofia"], expected_version=rendered)
    assert reload(case).assigned_to_id == personas["kim"].pk
    assert not AuditEvent.objects.filter(action="case.assigned").exists()


def test_holder_releases_a_case_back_to_the_queue(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(), by=personas["kim"])
    release_case(case, by=personas["kim"], expected_version=case.version)
    assert reload(case).assigned_to_id is None
    assert AuditEvent.objects.get(action="case.released").detail == {"from": "kim"}


def test_operator_cannot_release_a_colleagues_case(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(language="ru"), by=personas["olga"])
    with pytest.raises(NotAssignable, match="colleague"):
        release_case(case, by=personas["kim"])
    assert reload(case).assigned_to_id == personas["olga"].pk


def test_supervisor_may_release_anyones_case(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(language="ru"), by=personas["olga"])
    release_case(case, by=personas["sofia"])
    assert reload(case).assigned_to_id is None
