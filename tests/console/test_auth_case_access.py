"""get_case_for: the only way a console view gets a case, and what each role may do."""

from __future__ import annotations

import pytest
from django.http import Http404

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import open_case
from safepassage.cases.models import Case
from safepassage.cases.rules import CaseAction
from safepassage.cases.states import CaseState
from safepassage.console.access import audit_view, get_case_for

EVERY_ACTION = sorted(CaseAction)
OPERATOR_ACTIONS = {"view", "reply", "note", "transition", "claim", "identity"}


@pytest.fixture
def korean_case(personas: dict[str, Account]) -> Case:
    return open_case(channel="web", language="ko")


def _allowed(account: Account, reference: str) -> set[str]:
    allowed: set[str] = set()
    for action in EVERY_ACTION:
        try:
            get_case_for(account, reference, action=action)
        except Http404:
            continue
        allowed.add(action)
    return allowed


def test_operator_who_reads_the_language_may_work_an_unassigned_case(
    personas: dict[str, Account], korean_case: Case
) -> None:
    assert _allowed(personas["kim"], korean_case.reference) == OPERATOR_ACTIONS


def test_operator_cannot_open_a_case_in_a_language_it_does_not_read(
    personas: dict[str, Account], korean_case: Case
) -> None:
    assert _allowed(personas["olga"], korean_case.reference) == set()


def test_operator_cannot_open_another_operators_case(
    personas: dict[str, Account], korean_case: Case
) -> None:
    other = Account.objects.create_account(
        "kate", "another long password", role="operator", languages=["ko"]
    )
    Case.objects.filter(pk=korean_case.pk).update(assigned_to=other)
    assert _allowed(personas["kim"], korean_case.reference) == set()
    assert _allowed(other, korean_case.reference) == OPERATOR_ACTIONS


def test_supervisor_may_do_everything(personas: dict[str, Account], korean_case: Case) -> None:
    assert _allowed(personas["sofia"], korean_case.reference) == set(EVERY_ACTION)


def test_registrar_may_only_view_and_only_surrendered_cases(
    personas: dict[str, Account], korean_case: Case
) -> None:
    assert _allowed(personas["roman"], korean_case.reference) == set()
    Case.objects.filter(pk=korean_case.pk).update(state=CaseState.SURRENDERED)
    assert _allowed(personas["roman"], korean_case.reference) == {"view"}


@pytest.mark.parametrize("name", ["anna", "adam"])
def test_analyst_and_admin_never_get_a_case(
    personas: dict[str, Account], korean_case: Case, name: str
) -> None:
    Case.objects.filter(pk=korean_case.pk).update(state=CaseState.SURRENDERED)
    assert _allowed(personas[name], korean_case.reference) == set()


def test_a_deactivated_account_gets_nothing(
    personas: dict[str, Account], korean_case: Case
) -> None:
    sofia = personas["sofia"]
    sofia.is_active = False
    assert _allowed(sofia, korean_case.reference) == set()


def test_refusal_looks_the_same_as_a_missing_case(
    personas: dict[str, Account], korean_case: Case
) -> None:
    with pytest.raises(Http404) as refused:
        get_case_for(personas["olga"], korean_case.reference, action=CaseAction("view"))
    with pytest.raises(Http404) as missing:
        get_case_for(personas["olga"], "ZZZ-ZZZ-ZZZ", action=CaseAction("view"))
    assert str(refused.value) == str(missing.value)
    assert korean_case.reference not in str(refused.value)


def test_reference_is_matched_whatever_the_case_and_spacing(
    personas: dict[str, Account], korean_case: Case
) -> None:
    typed = " " + korean_case.reference.lower() + " "
    assert get_case_for(personas["kim"], typed, action=CaseAction("view")).pk == korean_case.pk


def test_an_unknown_action_is_a_programming_error(
    personas: dict[str, Account], korean_case: Case
) -> None:
    with pytest.raises(ValueError, match="is not a valid CaseAction"):
        get_case_for(personas["sofia"], korean_case.reference, action=CaseAction("delete"))


def test_audit_view_records_who_looked_at_which_case(
    personas: dict[str, Account], korean_case: Case
) -> None:
    audit_view(personas["kim"], korean_case, "conversation")
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.actor_label == "kim"
    assert event.object_type == "case"
    assert event.object_ref == korean_case.reference
    assert event.detail == {"what": "conversation"}
