"""Which cases each retention rule would purge now.

A case is never purged while it is under a legal hold or has an open register record
(an interned prisoner).  Open cases (new to planning) are never purged by a rule; a
supervisor can still bring one case's purge forward.  Each closed outcome has its own
period, counted from the case's last state change (for a closed case: its closing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.register.models import CapturedPerson
from safepassage.register.states import RecordStatus
from safepassage.retention.conf import RULES, RetentionSettings, retention_settings

BROUGHT_FORWARD = "brought_forward"
# Rules that purge the conversation only; "register" and a brought-forward purge take
# the register record as well.
CONVERSATION_RULES = frozenset(RULES) - {"register"}
_CLOSED = Q(state=CaseState.CLOSED)
_REASON_RULES = {
    "withdrawn": CloseReason.WITHDRAWN,
    "unreachable": CloseReason.UNREACHABLE,
    "ineligible": CloseReason.INELIGIBLE,
}
_RELEASED = (RecordStatus.RELEASED, RecordStatus.REPATRIATED)


def _eligible() -> QuerySet[Case]:
    """Cases that may be purged at all: not held, no open record, not purged yet."""
    return Case.objects.exclude(retention__legal_hold=True).exclude(
        captured_person__status=RecordStatus.INTERNED
    )


def _conversation_kept() -> Q:
    return Q(retention__isnull=True) | Q(retention__purged_at__isnull=True)


def _condition(rule: str) -> Q:
    if rule == "duplicate":
        return _CLOSED & Q(close_reason=CloseReason.DUPLICATE)
    if rule == "provocation":
        return _CLOSED & Q(close_reason=CloseReason.SUSPECTED_PROVOCATION)
    if rule == "surrendered":
        # Only once the register holds what it needs: without a record, the conversation
        # is the only account of a surrender and is kept.
        surrendered = Q(state=CaseState.SURRENDERED) | (
            _CLOSED & Q(close_reason=CloseReason.COMPLETED)
        )
        return surrendered & Q(captured_person__isnull=False)
    if rule == "no_contact":
        return (
            _CLOSED
            & Q(close_reason__in=list(_REASON_RULES.values()))
            & Q(first_response_at__isnull=True)
        )
    return _CLOSED & Q(close_reason=_REASON_RULES[rule]) & Q(first_response_at__isnull=False)


def due_cases(
    rule: str, *, now: datetime.datetime | None = None, conf: RetentionSettings | None = None
) -> QuerySet[Case]:
    """Cases ``rule`` would purge at ``now`` (an empty queryset if the rule keeps all)."""
    conf = conf or retention_settings()
    now = now or timezone.now()
    period = conf.periods.get(rule)
    if rule == BROUGHT_FORWARD:
        return _eligible().filter(
            Q(retention__purge_requested_at__isnull=False)
            & (_conversation_kept() | Q(captured_person__isnull=False))
        )
    if period is None:
        return Case.objects.none()
    if rule == "register":
        cutoff_day = timezone.localdate(now) - period
        return _eligible().filter(
            captured_person__status__in=_RELEASED,
            captured_person__last_movement_on__lt=cutoff_day,
        )
    cutoff = now - period
    # Counted from the last state change (the closing); a case without one, from its
    # opening.
    changed_before = Q(state_changed_at__lt=cutoff) | Q(
        state_changed_at__isnull=True, created_at__lt=cutoff
    )
    return _eligible().filter(_conversation_kept(), _condition(rule), changed_before)


@dataclass(frozen=True)
class RuleSummary:
    """One rule's line on the supervisor's page: what it would remove now."""

    rule: str
    period_days: int | None
    count: int
    references: list[str]


def summaries(*, now: datetime.datetime | None = None, shown: int = 20) -> list[RuleSummary]:
    """Every rule (and brought-forward purges) with its due count and first references."""
    conf = retention_settings()
    lines = []
    for rule in (*RULES, BROUGHT_FORWARD):
        due = due_cases(rule, now=now, conf=conf).order_by("pk")
        period = conf.periods.get(rule)
        lines.append(
            RuleSummary(
                rule=rule,
                period_days=period.days if period is not None else None,
                count=due.count(),
                references=list(due.values_list("reference", flat=True)[:shown]),
            )
        )
    return lines


def has_open_record(case: Case) -> bool:
    """Whether ``case`` has a register record of a prisoner still interned."""
    return CapturedPerson.objects.filter(case=case, status=RecordStatus.INTERNED).exists()
