"""The verification checklist: evidence kinds, who checked what, and the rule it sets."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    TransitionNotAllowed,
    VerificationRefused,
    confirm_evidence,
    open_case,
    put_on_waiting_list,
    transition_case,
    verification_shortfall,
    withdraw_evidence,
)
from safepassage.cases.models import Case, VerificationCheck
from safepassage.cases.states import CaseState, EvidenceKind, WaitingReason
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_text

pytestmark = pytest.mark.django_db


def _verified_case(personas: dict[str, Account]) -> Case:
    case = open_case(channel="web", language="ko")
    case = transition_case(case, to=CaseState.ENGAGED, by=personas["kim"])
    return transition_case(case, to=CaseState.VERIFIED, by=personas["kim"])


def _wait(case: Case, by: Account) -> Case:
    return put_on_waiting_list(case, by=by, reason=WaitingReason.NOT_AT_FRONT, every_days=7)


@pytest.mark.parametrize(
    ("kinds", "ok"),
    [
        (set(), False),
        ({EvidenceKind.SERVICE_NUMBER}, False),
        ({EvidenceKind.RELATIVE, EvidenceKind.DOCUMENT_PHOTO}, False),
        ({EvidenceKind.RELATIVE, EvidenceKind.UNIT}, True),
        ({EvidenceKind.SERVICE_NUMBER, EvidenceKind.DOCUMENT_PHOTO}, True),
        ({EvidenceKind.SERVICE_NUMBER, EvidenceKind.UNIT}, True),
    ],
)
def test_two_kinds_one_from_the_service_side(kinds: set[str], ok: bool) -> None:
    assert (verification_shortfall(kinds) == "") is ok


def test_checklist_records_who_checked_what_and_seals_the_detail(
    personas: dict[str, Account],
) -> None:
    case = _verified_case(personas)
    check = confirm_evidence(
        case, kind=EvidenceKind.SERVICE_NUMBER, by=personas["kim"], detail="номер сошёлся"
    )
    stored = VerificationCheck.objects.get(pk=check.pk)
    assert stored.checked_by == personas["kim"]
    assert stored.checked_at is not None
    assert stored.detail is not None
    assert "номер".encode() not in stored.detail.blob
    assert open_text(stored.detail, get_keyring()) == "номер сошёлся"
    event = AuditEvent.objects.get(action="case.evidence_confirmed", object_ref=case.reference)
    assert event.detail == {"kind": "service_number"}
    assert event.actor_label == "kim"


def test_same_kind_twice_is_refused(personas: dict[str, Account]) -> None:
    case = _verified_case(personas)
    confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas["kim"])
    with pytest.raises(VerificationRefused, match="already"):
        confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas["sofia"])
    assert VerificationCheck.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_roles_without_casework_cannot_verify(personas: dict[str, Account], persona: str) -> None:
    case = _verified_case(personas)
    with pytest.raises(VerificationRefused, match="role"):
        confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas[persona])


def test_unknown_kind_is_refused(personas: dict[str, Account]) -> None:
    case = _verified_case(personas)
    with pytest.raises(VerificationRefused, match="Unknown"):
        confirm_evidence(case, kind="gut_feeling", by=personas["kim"])


def test_waiting_list_needs_the_checklist(personas: dict[str, Account]) -> None:
    case = _verified_case(personas)
    confirm_evidence(case, kind=EvidenceKind.RELATIVE, by=personas["kim"])
    with pytest.raises(TransitionNotAllowed, match="two different kinds"):
        _wait(case, personas["kim"])
    confirm_evidence(case, kind=EvidenceKind.DOCUMENT_PHOTO, by=personas["kim"])
    with pytest.raises(TransitionNotAllowed, match="service number or the unit"):
        _wait(case, personas["kim"])
    confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas["kim"])
    assert _wait(case, personas["kim"]).state == "waiting"


def test_the_bare_state_machine_does_not_put_a_case_on_the_list(
    personas: dict[str, Account],
) -> None:
    case = _verified_case(personas)
    confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas["kim"])
    confirm_evidence(case, kind=EvidenceKind.RELATIVE, by=personas["kim"])
    with pytest.raises(TransitionNotAllowed, match="check-in rhythm"):
        transition_case(case, to=CaseState.WAITING, by=personas["kim"])


def test_withdrawing_evidence_is_audited(personas: dict[str, Account]) -> None:
    case = _verified_case(personas)
    confirm_evidence(case, kind=EvidenceKind.UNIT, by=personas["kim"])
    withdraw_evidence(case, kind=EvidenceKind.UNIT, by=personas["sofia"])
    assert not VerificationCheck.objects.filter(case=case).exists()
    event = AuditEvent.objects.get(action="case.evidence_withdrawn", object_ref=case.reference)
    assert event.detail == {"kind": "unit"}
    assert event.actor_label == "sofia"
    with pytest.raises(VerificationRefused, match="not confirmed"):
        withdraw_evidence(case, kind=EvidenceKind.UNIT, by=personas["sofia"])
