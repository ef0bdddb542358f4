"""Fetch-and-authorise helpers for the register, in the manner of ``get_case_for``.

Only a registrar opens register records and cards; a registrar or a supervisor opens
information-bureau batches (the supervisor reviews them).  Everything else gets the
same "not found" whether the object exists or not, so probing numbers tells nothing.
"""

from __future__ import annotations

from django.http import Http404

from safepassage.accounts.models import Account, Role
from safepassage.register.models import BureauExport, CaptureCard, CapturedPerson

RECORD_ROLES = frozenset({Role.REGISTRAR})
EXPORT_ROLES = frozenset({Role.REGISTRAR, Role.SUPERVISOR})


def may_open_records(user: Account) -> bool:
    """Whether ``user`` may read captured-person records (names, health, wishes)."""
    return user.is_active and user.role in RECORD_ROLES


def get_record_for(user: Account, number: str) -> CapturedPerson:
    """The record with register ``number``, if ``user`` may open it; Http404 otherwise."""
    if not may_open_records(user):
        raise Http404("No such record.")
    record = (
        CapturedPerson.objects.select_related("case").filter(number=number.strip().upper()).first()
    )
    if record is None:
        raise Http404("No such record.")
    return record


def get_card_for(user: Account, number: str, card_id: int) -> CaptureCard:
    """A capture card of record ``number``, if ``user`` may open the record."""
    record = get_record_for(user, number)
    card = record.cards.select_related("record").filter(pk=card_id).first()
    if card is None:
        raise Http404("No such card.")
    return card


def get_export_for(user: Account, batch: int) -> BureauExport:
    """The information-bureau batch ``batch``, for a registrar or a supervisor."""
    if not user.is_active or user.role not in EXPORT_ROLES:
        raise Http404("No such batch.")
    export = (
        BureauExport.objects.select_related("prepared_by", "reviewed_by")
        .filter(number=batch)
        .first()
    )
    if export is None:
        raise Http404("No such batch.")
    return export
