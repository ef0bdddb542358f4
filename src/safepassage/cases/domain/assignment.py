"""Who works a case: claiming, assigning (supervisors), releasing.

Every function here changes ``Case.assigned_to`` under a row lock, bumps the case's
version (a form rendered before the change is then stale) and writes one audit event.
Refusals are ``CaseError`` with a message safe to show the operator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.domain.locking import lock_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

# Roles that work cases and can therefore hold one.
CASE_WORKER_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})


class NotAssignable(CaseError):
    """The case cannot be given to this account (role, language, closed case)."""


def may_hold(account: Account, case: Case) -> bool:
    """Whether ``account`` can be the one working ``case``.

    Operators must read the case's language; a supervisor may hold any case (they cover
    gaps in the rota and read the case with an interpreter if need be).
    """
    if not account.is_active or account.role not in CASE_WORKER_ROLES:
        return False
    return account.role == Role.SUPERVISOR or account.reads(case.language)


def _set_assignee(locked: Case, account: Account | None) -> None:
    locked.assigned_to = account
    locked.version += 1
    locked.save(update_fields=["assigned_to", "version", "updated_at"])


def claim_case(case: Case, *, by: Account) -> Case:
    """Take an unassigned case for oneself.

    Claiming one's own case again changes nothing (a double click is harmless).  If
    someone else claimed it meanwhile, ``CaseError`` says so and nothing changes.
    Side effects: ``assigned_to`` and ``version`` change; one ``case.claimed`` event.
    """
    with transaction.atomic():
        locked = lock_case(case)
        if locked.assigned_to_id == by.pk:
            return locked
        if locked.assigned_to_id is not None:
            raise CaseError(
                _("Case %(reference)s was taken by a colleague a moment ago.")
                % {"reference": locked.reference}
            )
        if locked.state == CaseState.CLOSED:
            raise NotAssignable(
                _("Case %(reference)s is closed.") % {"reference": locked.reference}
            )
        if not may_hold(by, locked):
            raise NotAssignable(
                _("You cannot take case %(reference)s.") % {"reference": locked.reference}
            )
        _set_assignee(locked, by)
        record_event("case.claimed", actor=by, object_type="case", object_ref=locked.reference)
    return locked


def assign_case(
    case: Case, *, to: Account, by: Account, expected_version: int | None = None
) -> Case:
    """A supervisor gives ``case`` to ``to`` (assigning or reassigning).

    ``to`` must be an active operator who reads the case's language, or a supervisor.
    Side effects: ``assigned_to`` and ``version`` change; one ``case.assigned`` event
    naming the previous and the new account.
    """
    if by.role != Role.SUPERVISOR:
        raise NotAssignable(_("Only a supervisor may assign cases."))
    with transaction.atomic():
        locked = lock_case(case, expected_version=expected_version)
        if locked.state == CaseState.CLOSED:
            raise NotAssignable(
                _("Case %(reference)s is closed.") % {"reference": locked.reference}
            )
        if not may_hold(to, locked):
            raise NotAssignable(
                _("%(account)s cannot work this case: it is not in a language they read.")
                % {"account": to.display_name or to.username}
            )
        if locked.assigned_to_id == to.pk:
            return locked
        previous = locked.assigned_to.username if locked.assigned_to is not None else ""
        _set_assignee(locked, to)
        record_event(
            "case.assigned",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"from": previous, "to": to.username},
        )
    return locked


def release_case(case: Case, *, by: Account, expected_version: int | None = None) -> Case:
    """Put a case back into its language queue.

    The account working the case may release it, and a supervisor may release anyone's.
    Releasing an unassigned case changes nothing.  Side effects: ``assigned_to`` cleared,
    ``version`` bumped, one ``case.released`` event.
    """
    with transaction.atomic():
        locked = lock_case(case, expected_version=expected_version)
        if locked.assigned_to_id is None:
            return locked
        if locked.assigned_to_id != by.pk and by.role != Role.SUPERVISOR:
            raise NotAssignable(
                _("Case %(reference)s is being worked by a colleague.")
                % {"reference": locked.reference}
            )
        previous = locked.assigned_to.username if locked.assigned_to is not None else ""
        _set_assignee(locked, None)
        record_event(
            "case.released",
            actor=by,
            object_type="case",
            object_ref=locked.reference,
            detail={"from": previous},
        )
    return locked
