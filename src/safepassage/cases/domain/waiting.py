"""The waiting list: verified people waiting for their chance to cross.

A case joins the list with a reason and an agreed check-in rhythm (every N days); each
check-in moves the next due date on.  The queue shows cases whose check-in is overdue.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.domain.transitions import transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import OPERATOR, SUPERVISOR, CaseState, WaitingReason

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

MIN_CHECK_IN_DAYS = 1
# Longer than three months without a word and the contact is as good as lost.
MAX_CHECK_IN_DAYS = 90
_CASEWORKERS = frozenset({OPERATOR, SUPERVISOR})


class WaitingRefused(CaseError):
    """A waiting-list change was refused; the message is safe to show an operator."""


def _check_terms(by: Account, reason: str, every_days: int) -> None:
    if str(by.role) not in _CASEWORKERS:
        raise WaitingRefused(_("Your role may not manage the waiting list."))
    if reason not in WaitingReason.values:
        raise WaitingRefused(_("Choose why the person is waiting."))
    if not MIN_CHECK_IN_DAYS <= every_days <= MAX_CHECK_IN_DAYS:
        raise WaitingRefused(
            _("Check in every %(low)d to %(high)d days.")
            % {"low": MIN_CHECK_IN_DAYS, "high": MAX_CHECK_IN_DAYS}
        )


def put_on_waiting_list(
    case: Case,
    *,
    by: Account,
    reason: str,
    every_days: int,
    expected_version: int | None = None,
) -> Case:
    """Move ``case`` (verified, or planning whose plan was postponed) to the waiting list.

    Side effects, in one transaction: the ``case.transition`` audit event and
    ``CaseMoved`` of the move, the waiting terms on the case and a ``case.waiting_terms``
    audit event naming the reason and rhythm.  The first check-in falls due
    ``every_days`` from now.
    """
    _check_terms(by, reason, every_days)
    with transaction.atomic():
        moved = transition_case(
            case,
            to=CaseState.WAITING,
            by=by,
            expected_version=expected_version,
            with_waiting_terms=True,
        )
        return _set_terms(moved, by=by, reason=reason, every_days=every_days)


def change_waiting_terms(case: Case, *, by: Account, reason: str, every_days: int) -> Case:
    """Change the reason or rhythm of a waiting case; the next check-in is re-counted from
    the last one (or from now if there was none).  Audited as ``case.waiting_terms``."""
    _check_terms(by, reason, every_days)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.WAITING:
            raise WaitingRefused(_("The case is not on the waiting list."))
        return _set_terms(locked, by=by, reason=reason, every_days=every_days)


def _set_terms(case: Case, *, by: Account, reason: str, every_days: int) -> Case:
    since = case.last_check_in_at or timezone.now()
    case.waiting_reason = reason
    case.check_in_every_days = every_days
    case.next_check_in_at = since + datetime.timedelta(days=every_days)
    case.version += 1
    case.save(
        update_fields=["waiting_reason", "check_in_every_days", "next_check_in_at", "version"]
    )
    record_event(
        "case.waiting_terms",
        actor=by,
        object_type="case",
        object_ref=case.reference,
        detail={"reason": reason, "every_days": every_days},
    )
    return case


def record_check_in(case: Case, *, by: Account) -> Case:
    """The person was reached as agreed: the next check-in falls due one rhythm from now.

    Side effect: a ``case.check_in`` audit event (the date only; what was said belongs
    in a note).
    """
    if str(by.role) not in _CASEWORKERS:
        raise WaitingRefused(_("Your role may not manage the waiting list."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.WAITING or locked.check_in_every_days is None:
            raise WaitingRefused(_("The case is not on the waiting list."))
        now = timezone.now()
        locked.last_check_in_at = now
        locked.next_check_in_at = now + datetime.timedelta(days=locked.check_in_every_days)
        locked.version += 1
        locked.save(update_fields=["last_check_in_at", "next_check_in_at", "version"])
        record_event(
            "case.check_in",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"next_due": locked.next_check_in_at.date().isoformat()},
        )
    return locked


def overdue_check_ins(
    cases: QuerySet[Case], *, now: datetime.datetime | None = None
) -> QuerySet[Case]:
    """The waiting cases among ``cases`` whose check-in is past due, most overdue first."""
    return cases.filter(
        state=CaseState.WAITING, next_check_in_at__lt=now or timezone.now()
    ).order_by("next_check_in_at", "id")
