"""Opening cases and moving them through the state machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import StaleCase, TransitionNotAllowed
from safepassage.cases.domain.verification import confirmed_kinds, verification_shortfall
from safepassage.cases.events import CaseMoved, CaseOpened
from safepassage.cases.models import Case
from safepassage.cases.states import (
    CLOSABLE_FROM,
    CLOSE_ACTORS,
    SURRENDERED_CLOSE_REASONS,
    SYSTEM,
    SYSTEM_CLOSE_REASONS,
    TRANSITIONS,
    CaseState,
    CloseReason,
    InquiryType,
)
from safepassage.events import announce

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


# States a case reaches only with its verification checklist complete (see
# ``verification.verification_shortfall``).  Not yet ``verified`` itself: see
# docs/pending/casework.md for why and what switching it on takes.
CHECKLIST_REQUIRED_FOR = frozenset({CaseState.WAITING})


def actor_role(actor: Account | None) -> str:
    """The role a state-machine rule is checked against (``system`` for the worker)."""
    return SYSTEM if actor is None else str(actor.role)


def open_case(
    *,
    channel: str,
    language: str,
    inquiry_type: str = InquiryType.OTHER,
    actor: Account | None = None,
) -> Case:
    """Create a new case in state ``new`` and audit it.  Side effects: one audit event and
    a ``CaseOpened`` event."""
    with transaction.atomic(savepoint=False):
        case = Case.objects.create(
            first_channel=channel,
            language=language,
            inquiry_type=inquiry_type,
            state_changed_at=timezone.now(),
        )
        record_event(
            "case.opened",
            actor=actor,
            object_type="case",
            object_ref=case.reference,
            detail={"channel": channel, "language": language, "inquiry_type": inquiry_type},
        )
        announce(CaseOpened(case=case, actor=actor))
    return case


def _check_transition(case: Case, to: str, role: str, reason: str) -> None:
    if to == CaseState.CLOSED:
        if case.state not in CLOSABLE_FROM:
            raise TransitionNotAllowed(f"A {case.state} case cannot be closed.")
        if reason not in CloseReason.values:
            raise TransitionNotAllowed("Closing a case needs a reason.")
        if role == SYSTEM:
            if reason not in SYSTEM_CLOSE_REASONS:
                raise TransitionNotAllowed("The system may close a case only as a duplicate.")
        elif role not in CLOSE_ACTORS:
            raise TransitionNotAllowed("Only a supervisor may close a case.")
        if case.state == CaseState.SURRENDERED and reason not in SURRENDERED_CLOSE_REASONS:
            raise TransitionNotAllowed("A surrendered case can only be closed as completed.")
        return
    roles = TRANSITIONS.get((case.state, to))
    if roles is None:
        raise TransitionNotAllowed(f"A case cannot move from {case.state} to {to}.")
    if role not in roles:
        raise TransitionNotAllowed(f"Your role may not move a case from {case.state} to {to}.")
    if to in CHECKLIST_REQUIRED_FOR:
        shortfall = verification_shortfall(confirmed_kinds(case))
        if shortfall:
            raise TransitionNotAllowed(shortfall)


def transition_case(
    case: Case,
    *,
    to: str,
    by: Account | None,
    reason: str = "",
    expected_version: int | None = None,
    with_waiting_terms: bool = False,
) -> Case:
    """Move ``case`` to state ``to`` if the state machine allows it for ``by``.

    ``by=None`` means the worker (the ``system`` actor).  ``expected_version`` is the
    version the caller's form was rendered with; if the case moved on meanwhile,
    ``StaleCase`` is raised and nothing changes.  Side effects: the case row is updated
    (state, reason, version) and one ``case.transition`` audit event is written, in one
    transaction, and a ``CaseMoved`` event is announced in it.  Returns the refreshed case.
    The waiting list is joined only through ``waiting.put_on_waiting_list`` (which passes
    ``with_waiting_terms``), so no case waits without a reason and a check-in rhythm.
    """
    role = actor_role(by)
    if to == CaseState.WAITING and not with_waiting_terms:
        raise TransitionNotAllowed(
            "A case joins the waiting list with a reason and a check-in rhythm."
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleCase(
                f"Case {locked.reference} changed while you were looking at it; "
                "reload to see its current state."
            )
        if locked.state == to:
            raise TransitionNotAllowed(f"Case {locked.reference} is already {to}.")
        _check_transition(locked, to, role, reason)
        previous = locked.state
        locked.state = to
        locked.close_reason = reason if to == CaseState.CLOSED else ""
        locked.state_changed_at = timezone.now()
        locked.version += 1
        # Off the waiting list, no check-in is due (reason and rhythm stay as history).
        if previous == CaseState.WAITING:
            locked.next_check_in_at = None
        locked.save(
            update_fields=[
                "state",
                "close_reason",
                "state_changed_at",
                "version",
                "next_check_in_at",
            ]
        )
        record_event(
            "case.transition",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"from": previous, "to": to, "reason": locked.close_reason},
        )
        # Analytics counts the move; on surrender the register opens the person's record
        # (Geneva III: from surrender on he is a captured person).
        announce(CaseMoved(case=locked, previous=previous, actor=by))
    return locked
