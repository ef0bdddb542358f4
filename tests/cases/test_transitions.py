"""The case state machine: who may move a case where, and every move audited."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import StaleCase, TransitionNotAllowed, open_case, transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason, allowed_targets

pytestmark = pytest.mark.django_db


def _case() -> Case:
    return open_case(channel="web", language="ko")


def test_operator_moves_a_case_along_the_funnel(personas: dict[str, Account]) -> None:
    case = _case()
    for state in ["engaged", "verified", "planning", "surrendered"]:
        case = transition_case(case, to=state, by=personas["kim"])
        assert case.state == state
    transitions = AuditEvent.objects.filter(action="case.transition", object_ref=case.reference)
    assert [e.detail["to"] for e in transitions] == [
        "engaged",
        "verified",
        "planning",
        "surrendered",
    ]
    assert all(e.actor_label == "kim" for e in transitions)
    assert verify_chain().ok


def test_a_state_cannot_be_skipped(personas: dict[str, Account]) -> None:
    case = _case()
    with pytest.raises(TransitionNotAllowed, match="from new to surrendered"):
        transition_case(case, to=CaseState.SURRENDERED, by=personas["sofia"])
    case.refresh_from_db()
    assert case.state == CaseState.NEW


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_roles_without_case_work_cannot_move_cases(
    personas: dict[str, Account], persona: str
) -> None:
    case = _case()
    with pytest.raises(TransitionNotAllowed, match="role"):
        transition_case(case, to=CaseState.ENGAGED, by=personas[persona])


def test_operator_cannot_close_a_case(personas: dict[str, Account]) -> None:
    case = _case()
    with pytest.raises(TransitionNotAllowed, match="supervisor"):
        transition_case(case, to=CaseState.CLOSED, by=personas["kim"], reason=CloseReason.WITHDRAWN)


def test_closing_needs_a_known_reason(personas: dict[str, Account]) -> None:
    case = _case()
    with pytest.raises(TransitionNotAllowed, match="reason"):
        transition_case(case, to=CaseState.CLOSED, by=personas["sofia"])
    with pytest.raises(TransitionNotAllowed, match="reason"):
        transition_case(case, to=CaseState.CLOSED, by=personas["sofia"], reason="bored")
    closed = transition_case(
        case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.SUSPECTED_PROVOCATION
    )
    assert closed.close_reason == CloseReason.SUSPECTED_PROVOCATION


def test_surrendered_case_closes_only_as_completed(personas: dict[str, Account]) -> None:
    case = _case()
    for state in ["engaged", "verified", "planning", "surrendered"]:
        case = transition_case(case, to=state, by=personas["kim"])
    with pytest.raises(TransitionNotAllowed, match="completed"):
        transition_case(case, to="closed", by=personas["sofia"], reason=CloseReason.WITHDRAWN)
    assert (
        transition_case(case, to="closed", by=personas["sofia"], reason="completed").state
        == "closed"
    )


def test_system_may_reopen_but_only_close_as_duplicate(personas: dict[str, Account]) -> None:
    case = _case()
    with pytest.raises(TransitionNotAllowed, match="duplicate"):
        transition_case(case, to=CaseState.CLOSED, by=None, reason=CloseReason.WITHDRAWN)
    case = transition_case(case, to=CaseState.CLOSED, by=None, reason=CloseReason.DUPLICATE)
    reopened = transition_case(case, to=CaseState.ENGAGED, by=None)
    assert reopened.state == CaseState.ENGAGED
    assert reopened.close_reason == ""
    assert AuditEvent.objects.filter(object_ref=case.reference, actor_label="system").count() == 3


def test_stale_form_changes_nothing(personas: dict[str, Account]) -> None:
    case = _case()
    rendered_version = case.version
    transition_case(case, to=CaseState.ENGAGED, by=personas["olga"])
    with pytest.raises(StaleCase, match="reload"):
        transition_case(
            case, to=CaseState.ENGAGED, by=personas["kim"], expected_version=rendered_version
        )
    case.refresh_from_db()
    assert case.version == rendered_version + 1
    assert AuditEvent.objects.filter(action="case.transition").count() == 1


def test_repeating_a_transition_is_refused_not_doubled(personas: dict[str, Account]) -> None:
    case = transition_case(_case(), to=CaseState.ENGAGED, by=personas["kim"])
    with pytest.raises(TransitionNotAllowed, match="already engaged"):
        transition_case(case, to=CaseState.ENGAGED, by=personas["kim"])


def test_allowed_targets_lists_what_the_console_may_offer() -> None:
    assert allowed_targets("new", "operator") == ["engaged"]
    assert set(allowed_targets("planning", "operator")) == {"verified", "waiting", "surrendered"}
    assert "closed" in allowed_targets("engaged", "supervisor")
    assert allowed_targets("engaged", "analyst") == []
