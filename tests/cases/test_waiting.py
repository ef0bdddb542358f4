"""The waiting list: reason, agreed check-in rhythm, overdue check-ins, every change audited."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    WaitingRefused,
    change_waiting_terms,
    confirm_evidence,
    open_case,
    overdue_check_ins,
    put_on_waiting_list,
    record_check_in,
    transition_case,
)
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, EvidenceKind, WaitingReason, allowed_targets

pytestmark = pytest.mark.django_db


def _verified(personas: dict[str, Account]) -> Case:
    case = open_case(channel="web", language="ko")
    case = transition_case(case, to=CaseState.ENGAGED, by=personas["kim"])
    case = transition_case(case, to=CaseState.VERIFIED, by=personas["kim"])
    confirm_evidence(case, kind=EvidenceKind.SERVICE_NUMBER, by=personas["kim"])
    confirm_evidence(case, kind=EvidenceKind.RELATIVE, by=personas["kim"])
    return case


def test_waiting_sits_between_verified_and_planning() -> None:
    assert CaseState.WAITING in allowed_targets(CaseState.VERIFIED, "operator")
    assert allowed_targets(CaseState.WAITING, "operator") == [CaseState.PLANNING]
    assert CaseState.WAITING in allowed_targets(CaseState.PLANNING, "operator")
    assert CaseState.CLOSED in allowed_targets(CaseState.WAITING, "supervisor")


def test_joining_the_list_sets_terms_and_audits_them(personas: dict[str, Account]) -> None:
    case = _verified(personas)
    before = timezone.now()
    case = put_on_waiting_list(
        case, by=personas["kim"], reason=WaitingReason.NOT_AT_FRONT, every_days=7
    )
    case.refresh_from_db()
    assert case.state == CaseState.WAITING
    assert case.waiting_reason == "not_at_front"
    assert case.check_in_every_days == 7
    assert case.next_check_in_at is not None
    assert case.next_check_in_at - before >= datetime.timedelta(days=7)
    assert case.next_check_in_at - before < datetime.timedelta(days=7, minutes=1)
    actions = list(
        AuditEvent.objects.filter(object_ref=case.reference)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["case.transition", "case.waiting_terms"]
    terms = AuditEvent.objects.get(action="case.waiting_terms")
    assert terms.detail == {"reason": "not_at_front", "every_days": 7}
    assert verify_chain().ok


@pytest.mark.parametrize("days", [0, 91])
def test_rhythm_must_be_sensible(personas: dict[str, Account], days: int) -> None:
    case = _verified(personas)
    with pytest.raises(WaitingRefused, match="Check in every"):
        put_on_waiting_list(case, by=personas["kim"], reason=WaitingReason.OTHER, every_days=days)
    case.refresh_from_db()
    assert case.state == CaseState.VERIFIED


def test_a_reason_is_required(personas: dict[str, Account]) -> None:
    case = _verified(personas)
    with pytest.raises(WaitingRefused, match="why"):
        put_on_waiting_list(case, by=personas["kim"], reason="", every_days=7)


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_other_roles_cannot_manage_the_list(personas: dict[str, Account], persona: str) -> None:
    case = _verified(personas)
    with pytest.raises(WaitingRefused, match="role"):
        put_on_waiting_list(case, by=personas[persona], reason=WaitingReason.OTHER, every_days=7)


def test_overdue_check_ins_and_a_check_in_clears_them(personas: dict[str, Account]) -> None:
    late = put_on_waiting_list(
        _verified(personas), by=personas["kim"], reason=WaitingReason.NO_SAFE_WINDOW, every_days=3
    )
    on_time = put_on_waiting_list(
        _verified(personas), by=personas["kim"], reason=WaitingReason.NOT_READY, every_days=30
    )
    in_four_days = timezone.now() + datetime.timedelta(days=4)
    assert list(overdue_check_ins(Case.objects.all(), now=in_four_days)) == [late]
    assert not overdue_check_ins(Case.objects.all()).exists()

    # Four days pass without a word: the check-in agreed for day three is overdue.
    Case.objects.filter(pk=late.pk).update(
        next_check_in_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert list(overdue_check_ins(Case.objects.all())) == [late]
    checked = record_check_in(late, by=personas["kim"])
    assert checked.last_check_in_at is not None
    assert checked.next_check_in_at == checked.last_check_in_at + datetime.timedelta(days=3)
    assert not overdue_check_ins(Case.objects.all()).exists()
    event = AuditEvent.objects.get(action="case.check_in")
    assert event.object_ref == late.reference
    assert on_time.next_check_in_at is not None


def test_changing_terms_counts_from_the_last_check_in(personas: dict[str, Account]) -> None:
    case = put_on_waiting_list(
        _verified(personas), by=personas["kim"], reason=WaitingReason.NOT_READY, every_days=10
    )
    case = record_check_in(case, by=personas["kim"])
    checked_at = case.last_check_in_at
    assert checked_at is not None
    case = change_waiting_terms(
        case, by=personas["sofia"], reason=WaitingReason.FAMILY_SAFETY, every_days=2
    )
    assert case.next_check_in_at == checked_at + datetime.timedelta(days=2)
    assert case.waiting_reason == "family_safety"
    assert AuditEvent.objects.filter(action="case.waiting_terms").count() == 2


def test_leaving_the_list_stops_check_ins(personas: dict[str, Account]) -> None:
    case = put_on_waiting_list(
        _verified(personas), by=personas["kim"], reason=WaitingReason.OTHER, every_days=1
    )
    case = transition_case(case, to=CaseState.PLANNING, by=personas["kim"])
    case.refresh_from_db()
    assert case.next_check_in_at is None
    assert case.waiting_reason == "other"
    with pytest.raises(WaitingRefused, match="not on the waiting list"):
        record_check_in(case, by=personas["kim"])
    far = timezone.now() + datetime.timedelta(days=30)
    assert not overdue_check_ins(Case.objects.all(), now=far).exists()


def test_a_postponed_plan_goes_back_to_waiting(personas: dict[str, Account]) -> None:
    case = transition_case(_verified(personas), to=CaseState.PLANNING, by=personas["kim"])
    case = put_on_waiting_list(
        case, by=personas["kim"], reason=WaitingReason.NO_SAFE_WINDOW, every_days=5
    )
    assert case.state == CaseState.WAITING
