"""Merging two cases that turn out to be one person, and undoing that.

A merge moves the absorbed case's contacts, messages and notes to the kept case,
fills the kept case's empty identity fields from the absorbed one, closes the absorbed
case as a duplicate (through the state machine) and points it at the kept case
(``merged_into``), so the worker routes anything new from its contacts to the kept case.
A ``Merge`` row records what moved; ``undo_merge`` moves exactly that back.  A kept
case without a campaign inherits the absorbed case's (recorded as ``"campaign"`` among
the filled fields), and gives it back on undo.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError, TransitionNotAllowed
from safepassage.cases.domain.identity import IDENTITY_FIELDS, index_columns
from safepassage.cases.domain.locking import lock_case
from safepassage.cases.domain.transitions import transition_case
from safepassage.cases.events import CasesMerging, MergeUndoing
from safepassage.cases.models import Case, Contact, Direction, Merge, Message, Note
from safepassage.cases.states import CaseState, CloseReason
from safepassage.events import announce

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


class MergeRefused(CaseError):
    """The two cases cannot be merged (or the merge cannot be undone) as asked."""


def waiting_since_for(case: Case) -> datetime | None:
    """When the case's oldest unanswered inbound message arrived (None if answered).

    "Unanswered" means after the last outbound reply, the rule ``post_reply`` keeps.
    """
    last_reply = case.messages.filter(direction=Direction.OUTBOUND).aggregate(at=Max("created_at"))[
        "at"
    ]
    inbound = case.messages.filter(direction=Direction.INBOUND)
    if last_reply is not None:
        inbound = inbound.filter(created_at__gt=last_reply)
    first: datetime | None = inbound.aggregate(at=Min("created_at"))["at"]
    return first


def _earliest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def merge_cases(*, keep: Case, absorb: Case, by: Account) -> Merge:
    """Fold ``absorb`` into ``keep`` (supervisors only); return the history record.

    Refused when the two are the same case, when either is already merged into another,
    or when the state machine does not let ``absorb`` be closed as a duplicate (a
    surrendered case: keep that one instead).  Side effects, in one transaction: rows of
    contacts, messages and notes move to ``keep``; ``keep`` gets empty identity fields
    filled, the earliest first-response time, a recomputed waiting time and the
    stricter media consent, and the absorbed case's campaign if it had none (through
    the ``CasesMerging`` event: campaigns adds an attribution row, counters, an audit event);
    ``absorb`` is closed as duplicate with ``merged_into`` set; both versions bump; one
    ``Merge`` row and ``case.merged`` audit events.
    """
    if by.role != Role.SUPERVISOR:
        raise MergeRefused(_("Only a supervisor may merge cases."))
    if keep.pk == absorb.pk:
        raise MergeRefused(_("A case cannot be merged into itself."))
    with transaction.atomic():
        # Lock in id order so two supervisors merging the same pair cannot deadlock.
        first, second = sorted([keep, absorb], key=lambda case: case.pk)
        locked = {case.pk: lock_case(case) for case in (first, second)}
        kept, gone = locked[keep.pk], locked[absorb.pk]
        if kept.merged_into_id is not None or gone.merged_into_id is not None:
            raise MergeRefused(_("One of these cases has already been merged into another."))
        if kept.state == CaseState.CLOSED and gone.state != CaseState.CLOSED:
            raise MergeRefused(
                _("Case %(reference)s is closed; merge it into the open case instead.")
                % {"reference": kept.reference}
            )
        merge = Merge(
            kept=kept,
            absorbed=gone,
            merged_by=by,
            absorbed_state=gone.state,
            absorbed_close_reason=gone.close_reason,
            absorbed_first_response_at=gone.first_response_at,
        )
        if gone.state != CaseState.CLOSED:
            try:
                gone = transition_case(
                    gone, to=CaseState.CLOSED, by=by, reason=CloseReason.DUPLICATE
                )
            except TransitionNotAllowed:
                raise MergeRefused(
                    _(
                        "Case %(reference)s cannot be closed as a duplicate in its state; "
                        "merge the other case into it instead."
                    )
                    % {"reference": gone.reference}
                ) from None
        merge.contact_ids = list(gone.contacts.values_list("id", flat=True))
        merge.message_ids = list(gone.messages.values_list("id", flat=True))
        merge.note_ids = list(gone.notes.values_list("id", flat=True))
        Contact.objects.filter(pk__in=merge.contact_ids).update(case=kept)
        Message.objects.filter(pk__in=merge.message_ids).update(case=kept)
        Note.objects.filter(pk__in=merge.note_ids).update(case=kept)

        for field in IDENTITY_FIELDS:
            if getattr(kept, field) is None and getattr(gone, field) is not None:
                # The sealed blob is copied as is: same programme key, no re-sealing.
                setattr(kept, field, getattr(gone, field))
                for column in index_columns(field):
                    setattr(kept, column, getattr(gone, column))
                merge.filled_fields.append(field)
        if kept.group_size is None and gone.group_size is not None:
            kept.group_size = gone.group_size
            merge.filled_fields.append("group_size")
        # Campaigns lets the kept case inherit the duplicate's campaign (in memory, so the
        # save below keeps it) and names it among the filled fields.
        announce(CasesMerging(merge=merge, kept=kept, absorbed=gone))
        # "Do not film" from either record binds the person; it is not undone by unmerge.
        kept.no_filming = kept.no_filming or gone.no_filming
        kept.first_response_at = _earliest(kept.first_response_at, gone.first_response_at)
        kept.waiting_since = waiting_since_for(kept)
        kept.version += 1
        kept.save()
        Case.objects.filter(pk=gone.pk).update(
            merged_into=kept, waiting_since=None, version=gone.version + 1
        )
        merge.save()
        detail = {"merge": merge.pk, "kept": kept.reference, "absorbed": gone.reference}
        for reference in (kept.reference, gone.reference):
            record_event(
                "case.merged", actor=by, object_type="case", object_ref=reference, detail=detail
            )
    return merge


def undo_merge(merge: Merge, *, by: Account) -> Merge:
    """Put a merge back (supervisors only); return the updated history record.

    The recorded contacts and notes move back to the absorbed case, with every message
    of those contacts (including ones that arrived after the merge) and the recorded
    messages.  Identity fields filled by the merge are cleared from the kept case if
    nobody changed them since.  A campaign the kept case inherited goes back too
    (the ``MergeUndoing`` event: campaigns falls back to a code the kept case
    saw itself after the merge, if any, else to none).  The absorbed case gets its state
    before the merge back.  Side effects: rows move, both cases' versions bump,
    ``undone_at`` is set and ``case.unmerged`` events are written.  Undoing twice is
    refused.
    """
    if by.role != Role.SUPERVISOR:
        raise MergeRefused(_("Only a supervisor may undo a merge."))
    with transaction.atomic():
        record = Merge.objects.select_for_update().get(pk=merge.pk)
        if record.undone_at is not None:
            raise MergeRefused(_("This merge has already been undone."))
        first, second = sorted([record.kept, record.absorbed], key=lambda case: case.pk)
        locked = {case.pk: lock_case(case) for case in (first, second)}
        kept, gone = locked[record.kept_id], locked[record.absorbed_id]
        if gone.merged_into_id != kept.pk:
            raise MergeRefused(_("The cases have changed since; this merge cannot be undone."))

        Contact.objects.filter(pk__in=record.contact_ids, case=kept).update(case=gone)
        Message.objects.filter(case=kept, contact_id__in=record.contact_ids).update(case=gone)
        Message.objects.filter(pk__in=record.message_ids, case=kept).update(case=gone)
        Note.objects.filter(pk__in=record.note_ids, case=kept).update(case=gone)

        # Campaigns takes back an inherited campaign ("campaign" among the filled fields).
        announce(MergeUndoing(merge=record, kept=kept, absorbed=gone, by=by))
        for field in record.filled_fields:
            if field == "campaign":
                continue
            if field == "group_size":
                if kept.group_size == gone.group_size:
                    kept.group_size = None
                continue
            if getattr(kept, field) == getattr(gone, field):
                setattr(kept, field, None)
                for column in index_columns(field):
                    setattr(kept, column, None)
        kept.first_response_at = (
            kept.messages.filter(direction=Direction.OUTBOUND)
            .exclude(author=None)
            .aggregate(at=Min("created_at"))["at"]
        )
        kept.waiting_since = waiting_since_for(kept)
        kept.version += 1
        kept.save()

        gone.state = record.absorbed_state
        gone.close_reason = record.absorbed_close_reason
        gone.merged_into = None
        gone.first_response_at = record.absorbed_first_response_at
        gone.waiting_since = waiting_since_for(gone) if gone.state != CaseState.CLOSED else None
        gone.state_changed_at = timezone.now()
        gone.version += 1
        gone.save()

        record.undone_at = timezone.now()
        record.undone_by = by
        record.save(update_fields=["undone_at", "undone_by"])
        detail = {
            "merge": record.pk,
            "kept": kept.reference,
            "absorbed": gone.reference,
            "restored_state": gone.state,
        }
        for reference in (kept.reference, gone.reference):
            record_event(
                "case.unmerged", actor=by, object_type="case", object_ref=reference, detail=detail
            )
    return record
