"""A supervisor's decisions on a flood group, and carrying them out over its members.

A verdict is recorded (and audited) at once; what it means for the members — closing
them, or taking their flood flags away — is done in chunks of ``SETTLE_CHUNK`` cases,
each in its own transaction, so a group of ten thousand never holds SQLite's write
lock for long (the intake waits on it).  The request does the first chunk, so small
groups are settled before the page comes back; a task does the rest.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from safepassage.audit.chain import record_event
from safepassage.cases.domain import CaseError, transition_case
from safepassage.cases.domain.flags import flag_case, unflag_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.floods.domain.groups import flood_flag
from safepassage.floods.models import FloodGroup, FloodMembership, Verdict

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

SETTLE_CHUNK = 100
GROUP_FIELDS = ("id", "kind", "channel", "opened_at", "verdict", "decided_by", "decided_at")
DECIDER_FIELDS = ("id", "username", "display_name", "role", "languages", "is_active")
# Confirming a flood closes the members nobody has verified yet.  A member an operator
# has verified (or is planning a surrender with) was judged genuine by a person who
# talked to him: it stays open for a supervisor to close, or not, from its workspace.
CLOSED_ON_CONFIRM = (CaseState.NEW, CaseState.ENGAGED)


class FloodActionRefused(Exception):
    """A verdict the group's current state does not allow; the message is safe to show."""


def _decide(group: FloodGroup, verdict: str, by: Account, allowed_from: set[str]) -> FloodGroup:
    locked = FloodGroup.objects.select_for_update().get(pk=group.pk)
    if locked.verdict not in allowed_from:
        if locked.verdict == Verdict.CONFIRMED:
            raise FloodActionRefused(
                _(
                    "This group is already a confirmed flood and its cases were closed. "
                    "Reopen a case from its own page if it was genuine."
                )
            )
        raise FloodActionRefused(_("This group has already been decided."))
    locked.verdict = verdict
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["verdict", "decided_by", "decided_at"])
    return locked


def _member_counts(group: FloodGroup) -> dict[str, int]:
    members = FloodMembership.objects.filter(group=group)
    return {
        "members": members.count(),
        "to_close": members.filter(case__state__in=CLOSED_ON_CONFIRM).count(),
    }


def confirm_flood(group: FloodGroup, *, by: Account) -> int:
    """Record that ``group`` is a flood and close its members that are new or engaged
    as ``suspected_provocation`` (through ``transition_case``: audited and counted).

    Allowed while the group awaits a decision, after "not a flood" (new evidence), and
    again on a confirmed group to close cases that joined it since.  Side effects: the
    verdict, one ``flood.confirmed`` audit event, the first chunk of closings; returns
    how many members are still to be settled (a task is enqueued for them).
    """
    with transaction.atomic():
        locked = _decide(
            group, Verdict.CONFIRMED, by, {Verdict.OPEN, Verdict.NOT_FLOOD, Verdict.CONFIRMED}
        )
        record_event(
            "flood.confirmed",
            actor=by,
            object_type="flood_group",
            object_ref=str(locked.pk),
            detail={"kind": locked.kind, "channel": locked.channel, **_member_counts(locked)},
        )
    return _settle_now_and_later(locked)


def dismiss_flood(group: FloodGroup, *, by: Account) -> int:
    """Record that ``group`` is not a flood and take its ``flood:`` flags off the members
    (so they sort among the other cases again).  Only while the group awaits a decision.
    Side effects: the verdict, one ``flood.dismissed`` audit event, the first chunk of
    flag removals; returns how many members are still to be settled."""
    with transaction.atomic():
        locked = _decide(group, Verdict.NOT_FLOOD, by, {Verdict.OPEN})
        record_event(
            "flood.dismissed",
            actor=by,
            object_type="flood_group",
            object_ref=str(locked.pk),
            detail={"kind": locked.kind, "channel": locked.channel, **_member_counts(locked)},
        )
    return _settle_now_and_later(locked)


def remove_member(group: FloodGroup, case: Case, *, by: Account) -> None:
    """Take one case out of a flood group (a genuine person caught in a burst): its
    membership and ``flood:`` flag go; its near-duplicate flags stay.  Side effect: one
    ``flood.member_removed`` audit event naming the case and the group."""
    with transaction.atomic():
        deleted, _per_model = FloodMembership.objects.filter(group=group, case=case).delete()
        if not deleted:
            raise FloodActionRefused(_("That case is not in this group."))
        case.refresh_from_db(fields=["risk_flags"])
        unflag_case(case, flood_flag(group.pk))
        record_event(
            "flood.member_removed",
            actor=by,
            object_type="case",
            object_ref=case.reference,
            detail={"group": group.pk},
        )


def _settle_now_and_later(group: FloodGroup) -> int:
    remaining = settle_chunk(group.pk)
    if remaining:
        settle_flood_group.enqueue(group.pk)
    return remaining


def settle_chunk(group_id: int, *, limit: int = SETTLE_CHUNK) -> int:
    """Carry out the group's verdict for up to ``limit`` members, in one transaction;
    return how many members still need it (0: settled).

    Confirmed: members not flagged are flagged again, then new or engaged members are
    closed as ``suspected_provocation`` by the deciding supervisor (a member the state
    machine will not close is skipped).  Not a flood: flagged members lose the flag.
    Awaiting a decision: nothing to do.
    """
    with transaction.atomic():
        # Only the deciding account's columns the worker's database role may read
        # (safepassage/db/grants.py): never its password hash or second factor.
        group = (
            FloodGroup.objects.select_related("decided_by")
            .only(*GROUP_FIELDS, *(f"decided_by__{name}" for name in DECIDER_FIELDS))
            .get(pk=group_id)
        )
        if group.verdict == Verdict.NOT_FLOOD:
            pending = FloodMembership.objects.filter(group=group, flagged=True)
            for member in pending.select_related("case")[:limit]:
                unflag_case(member.case, flood_flag(group.pk))
                FloodMembership.objects.filter(pk=member.pk).update(flagged=False)
            return pending.count()
        if group.verdict != Verdict.CONFIRMED:
            return 0
        unflagged = FloodMembership.objects.filter(group=group, flagged=False)
        done = 0
        for member in unflagged.select_related("case")[:limit]:
            flag_case(member.case, flood_flag(group.pk))
            FloodMembership.objects.filter(pk=member.pk).update(flagged=True)
            done += 1
        to_close = FloodMembership.objects.filter(group=group, case__state__in=CLOSED_ON_CONFIRM)
        for member in to_close.select_related("case").order_by("pk")[: max(limit - done, 0)]:
            # A member the state machine refuses (the deciding account was removed, a
            # colleague moved it a moment ago) stays for a person to look at.
            with contextlib.suppress(CaseError):
                transition_case(
                    member.case,
                    to=CaseState.CLOSED,
                    by=group.decided_by,
                    reason=CloseReason.SUSPECTED_PROVOCATION,
                )
        return unflagged.count() + to_close.count()


def settle_group(group_id: int) -> int:
    """Settle every member of a group, chunk by chunk, each chunk its own transaction
    (the task's body); return how many members are left (refused by the state machine)."""
    previous = None
    remaining = settle_chunk(group_id)
    # A chunk that changed nothing (every remaining member refused) ends the loop.
    while remaining and remaining != previous:
        previous, remaining = remaining, settle_chunk(group_id)
    return remaining


@task(queue_name="default")
def settle_flood_group(group_id: int) -> int:
    """The background task: carry out a flood group's verdict over all its members
    (``settle_group``); returns the members left for a person."""
    return settle_group(group_id)
