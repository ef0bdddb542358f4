"""Who may see and do what with a case: the one definition behind the queue, the
workspace and search alike.

``visible_cases`` is the rule as a queryset (queue and search filter with it, and
``console.access.get_case_for`` fetches through it); ``may`` says whether a role may
perform an action at all.  A case is open to an action when it is visible to the
account and the account's role may perform the action.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from safepassage.accounts.models import Role
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


class CaseAction(enum.StrEnum):
    """What a console view may do to a case."""

    VIEW = "view"
    REPLY = "reply"
    NOTE = "note"
    TRANSITION = "transition"
    # Kept apart from "transition": operators may move cases, never close them.
    CLOSE = "close"
    CLAIM = "claim"
    ASSIGN = "assign"
    MERGE = "merge"
    IDENTITY = "identity"


_SUPERVISOR_ONLY = frozenset({CaseAction.ASSIGN, CaseAction.MERGE, CaseAction.CLOSE})
ROLE_ACTIONS: dict[str, frozenset[CaseAction]] = {
    Role.SUPERVISOR: frozenset(CaseAction),
    Role.OPERATOR: frozenset(CaseAction) - _SUPERVISOR_ONLY,
    Role.REGISTRAR: frozenset({CaseAction.VIEW}),
}


def visibility(account: Account) -> Q | None:
    """The cases ``account`` may see, as a filter (``None``: none at all).

    - supervisor: every case;
    - operator: cases in a language it reads that are unassigned or assigned to it;
    - registrar: surrendered cases, and cases whose person has a register record
      whatever the state since (closed as completed, say), so the record keeps its
      link to the conversation;
    - analyst, admin: no case.
    """
    if not account.is_active:
        return None
    if account.role == Role.SUPERVISOR:
        return Q()
    if account.role == Role.OPERATOR:
        return Q(language__in=account.languages) & (
            Q(assigned_to=None) | Q(assigned_to_id=account.pk)
        )
    if account.role == Role.REGISTRAR:
        # The register's record points at the case (``related_name="captured_person"``);
        # a reverse lookup keeps this app from importing the register built on it.
        return Q(state=CaseState.SURRENDERED) | Q(captured_person__isnull=False)
    return None


def visible_cases(account: Account) -> QuerySet[Case]:
    """Every case ``account`` may look at."""
    rule = visibility(account)
    return Case.objects.none() if rule is None else Case.objects.filter(rule)


def may(account: Account, action: CaseAction) -> bool:
    """Whether ``account``'s role may perform ``action`` on a case it can see."""
    return account.is_active and action in ROLE_ACTIONS.get(account.role, frozenset())


def may_act_on_case(account: Account, case: Case, *, action: CaseAction) -> bool:
    """Whether ``account`` may perform ``action`` on ``case`` (one query)."""
    return may(account, action) and visible_cases(account).filter(pk=case.pk).exists()
