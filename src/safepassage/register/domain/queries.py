"""Read-only questions about the register that other parts of the console ask.

Nothing here opens a sealed value: these answers may be shown to roles that must not
see the register itself (operators, analysts, the supervisor dashboard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from safepassage.cases.models import Case
from safepassage.cases.states import CaseState
from safepassage.register.domain._values import today
from safepassage.register.domain.cards import overdue_count
from safepassage.register.models import BureauExport, CaptureCard, CapturedPerson
from safepassage.register.states import (
    OUTSTANDING_CARD_STATUSES,
    CardStatus,
    ExportStatus,
    RecordStatus,
)


@dataclass(frozen=True)
class RegistrationStatus:
    """Whether a case's person is in the register, and since when (nothing else)."""

    registered: bool
    registered_on: dt.date | None = None


def registration_status(case: Case) -> RegistrationStatus:
    """What an operator may know about the register for ``case``: registered or not."""
    opened_at = CapturedPerson.objects.filter(case=case).values_list("opened_at", flat=True).first()
    if opened_at is None:
        return RegistrationStatus(registered=False)
    return RegistrationStatus(registered=True, registered_on=opened_at.date())


def surrendered_cases_without_record() -> QuerySet[Case]:
    """Surrendered cases whose person is not yet in the register (oldest first)."""
    return Case.objects.filter(state=CaseState.SURRENDERED, captured_person__isnull=True).order_by(
        "state_changed_at", "id"
    )


@dataclass(frozen=True)
class RegisterCounts:
    """Aggregate figures about the register; no record can be picked out of them."""

    records: int
    interned: int
    released: int
    repatriated: int
    deceased: int
    cards_outstanding: int
    cards_overdue: int
    cards_sent: int
    exports_approved: int
    export_pending: bool


def register_counts(*, on: dt.date | None = None) -> RegisterCounts:
    """The register's counts for dashboards (``on`` decides which cards are overdue)."""
    by_status = CapturedPerson.objects.aggregate(
        records=Count("id"),
        **{status: Count("id", filter=Q(status=status)) for status in RecordStatus.values},
    )
    cards = CaptureCard.objects.filter(record__status=RecordStatus.INTERNED).aggregate(
        outstanding=Count("id", filter=Q(status__in=OUTSTANDING_CARD_STATUSES)),
    )
    sent = CaptureCard.objects.filter(status=CardStatus.SENT).count()
    exports = BureauExport.objects.aggregate(
        approved=Count("id", filter=Q(status=ExportStatus.APPROVED)),
        pending=Count("id", filter=Q(status=ExportStatus.PENDING)),
    )
    return RegisterCounts(
        records=by_status["records"],
        interned=by_status[RecordStatus.INTERNED],
        released=by_status[RecordStatus.RELEASED],
        repatriated=by_status[RecordStatus.REPATRIATED],
        deceased=by_status[RecordStatus.DECEASED],
        cards_outstanding=cards["outstanding"],
        cards_overdue=overdue_count(on=on or today()),
        cards_sent=sent,
        exports_approved=exports["approved"],
        export_pending=exports["pending"] > 0,
    )
