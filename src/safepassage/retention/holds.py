"""A supervisor's two levers on one case: a legal hold, and bringing its purge forward.

Both are audited with the case reference only.  A held case is never purged, whatever
the rules say; a case brought forward is purged whole (conversation and register record)
at the worker's next retention run, unless a hold or an open register record stops it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event
from safepassage.cases.models import Case
from safepassage.retention.models import CaseRetention
from safepassage.retention.rules import has_open_record


class RetentionRefused(Exception):
    """A hold or purge request that cannot be granted; the message is for the screen."""


@dataclass(frozen=True)
class CaseStatus:
    """What the retention page says about one case (no personal value)."""

    reference: str
    state: str
    close_reason: str
    legal_hold: bool
    purge_requested: bool
    purged: bool
    open_record: bool


def _locked(case: Case) -> CaseRetention:
    retention, _created = CaseRetention.objects.select_for_update().get_or_create(case=case)
    return retention


def _require_supervisor(by: Account) -> None:
    if by.role != Role.SUPERVISOR:
        raise RetentionRefused(_("Only a supervisor may change a case's retention."))


def status_of(case: Case) -> CaseStatus:
    """The retention status of ``case``."""
    retention = CaseRetention.objects.filter(case=case).first()
    return CaseStatus(
        reference=case.reference,
        state=case.state,
        close_reason=case.close_reason,
        legal_hold=bool(retention and retention.legal_hold),
        purge_requested=bool(retention and retention.purge_requested_at),
        purged=bool(retention and retention.purged_at),
        open_record=has_open_record(case),
    )


def set_legal_hold(case: Case, *, hold: bool, by: Account) -> bool:
    """Put ``case`` under a legal hold (or lift it); returns whether anything changed.

    Side effects: the case's retention row, and one ``retention.hold_set`` or
    ``retention.hold_cleared`` audit event when the hold changed.
    """
    _require_supervisor(by)
    with transaction.atomic():
        retention = _locked(case)
        if retention.legal_hold == hold:
            return False
        retention.legal_hold = hold
        retention.hold_changed_by = by
        retention.hold_changed_at = timezone.now()
        retention.save(update_fields=["legal_hold", "hold_changed_by", "hold_changed_at"])
        record_event(
            "retention.hold_set" if hold else "retention.hold_cleared",
            actor=by,
            object_type="case",
            object_ref=case.reference,
        )
    return True


def bring_purge_forward(case: Case, *, by: Account) -> None:
    """Ask for ``case`` to be purged at the next run, whatever its rule's period.

    Refused while the case is held, has an open register record, or was purged already.
    Side effects: the case's retention row and one ``retention.purge_brought_forward``
    audit event.
    """
    _require_supervisor(by)
    with transaction.atomic():
        retention = _locked(case)
        if retention.legal_hold:
            raise RetentionRefused(_("This case is under a legal hold; lift the hold first."))
        if has_open_record(case):
            raise RetentionRefused(
                _("This case has an open register record; it cannot be purged while he is held.")
            )
        if (
            retention.purged_at is not None
            and not CaseRetention.objects.filter(
                pk=retention.pk, case__captured_person__isnull=False
            ).exists()
        ):
            raise RetentionRefused(_("This case has already been purged."))
        if retention.purge_requested_at is not None:
            return
        retention.purge_requested_at = timezone.now()
        retention.purge_requested_by = by
        retention.save(update_fields=["purge_requested_at", "purge_requested_by"])
        record_event(
            "retention.purge_brought_forward",
            actor=by,
            object_type="case",
            object_ref=case.reference,
        )
