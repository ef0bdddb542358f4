"""Hotline calls logged by operators, and call-backs that surface in the queue when due."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event
from safepassage.campaigns.domain import active_campaigns, attribute
from safepassage.campaigns.models import AttributionVia, normalise_code
from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.domain.contacts import add_contact, same_number_contact
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.domain.flags import flag_shared_contact
from safepassage.cases.domain.followups import current_case, reopen_or_renew
from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import CaseState, Channel, InquiryType
from safepassage.channels.domain.identity import phone_identity
from safepassage.channels.models import Callback, CallbackState, HotlineCall
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.runtime import get_keyring, get_public_keyring
from safepassage.crypto.sealing import seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

MAX_SUMMARY = 8000


def _hotline_contact(
    *, number: str, relation: str, language: str, case: Case | None
) -> tuple[Contact | None, Case | None]:
    """The hotline contact for a call-back number, and the case it already belongs to."""
    normalised = phone_identity(number)
    if not normalised:
        return None, case
    index = blind_index(get_keyring(), "phone", normalised)
    existing = Contact.objects.filter(channel=Channel.HOTLINE, identity_index=index).first()
    if existing is None and case is None:
        # The caller's number already reaches an open case by WhatsApp or SMS: the call
        # joins it (a closed one gets a same-person suggestion in log_hotline_call).
        sibling = _same_number_case(index)
        if sibling is not None and sibling.state != CaseState.CLOSED:
            case = sibling
    if existing is not None:
        known = current_case(existing.case)
        if case is None or known.pk == case.pk:
            return existing, reopen_or_renew(known, existing)
        # The number reaches another case too: keep both, flag both, let people decide.
        flag_shared_contact(case, known)
        index = ""
    if case is None:
        return None, None
    contact = add_contact(
        case,
        channel=Channel.HOTLINE,
        relation=relation,
        identity=normalised,
        identity_index=index or None,
        language=language,
    )
    return contact, case


def _same_number_case(index: str) -> Case | None:
    sibling = same_number_contact(index, channel=Channel.HOTLINE)
    return current_case(sibling.case) if sibling is not None else None


def log_hotline_call(
    *,
    by: Account,
    language: str,
    relation: str,
    summary: str,
    callback_number: str = "",
    called_at: datetime | None = None,
    inquiry_type: str = InquiryType.OTHER,
    case: Case | None = None,
    callback_due: datetime | None = None,
    callback_note: str = "",
    campaign_code: str = "",
) -> HotlineCall:
    """Log a call answered on the hotline into the common inbox.

    The call-back number is stored sealed with a blind index, so a caller who rings
    again lands on the same case (reopened or renewed per the state machine).  Without
    ``case`` and without a known number, a new case is opened in the caller's language.
    The summary becomes an inbound message (the case waits for follow-up).  With
    ``callback_due``, a call-back is scheduled too.  ``campaign_code`` is the running
    campaign the caller mentioned ("I saw the leaflet…"), chosen by the operator from
    ``active_campaign_choices``; it is attributed to the case with ``via="operator"``
    (the case's campaign if it had none, else a later code).  An unknown or no longer
    running campaign is refused before anything is written.  Side effects: possibly a
    case and a contact; one message; an attribution (see ``attribute``);
    ``hotline.call_logged`` (and ``callback.scheduled``) audit events.
    """
    summary = summary.strip()[:MAX_SUMMARY]
    if not summary:
        raise CaseError(_("Write a short summary of the call."))
    if relation not in Relation.values:
        raise CaseError(_("Say who called: the person himself or a relative."))
    if case is not None and case.state == CaseState.CLOSED:
        raise CaseError(
            _("Case %(ref)s is closed; reopen it before logging a call on it.")
            % {"ref": case.reference}
        )
    campaign_code = normalise_code(campaign_code)
    if campaign_code and campaign_code not in {c.code for c in active_campaigns()}:
        raise CaseError(
            _("That campaign is not running. Choose one from the list, or leave it empty.")
        )
    called_at = called_at or timezone.now()
    with transaction.atomic():
        contact, target = _hotline_contact(
            number=callback_number, relation=relation, language=language, case=case
        )
        if target is None:
            target = open_case(
                channel=Channel.HOTLINE, language=language, inquiry_type=inquiry_type, actor=by
            )
            number = phone_identity(callback_number)
            closed = (
                _same_number_case(blind_index(get_keyring(), "phone", number)) if number else None
            )
            if closed is not None:
                flag_shared_contact(target, closed)
        if contact is None:
            normalised = phone_identity(callback_number)
            contact = add_contact(
                target,
                channel=Channel.HOTLINE,
                relation=relation,
                identity=normalised,
                identity_index=(
                    blind_index(get_keyring(), "phone", normalised) if normalised else None
                ),
                language=language,
            )
        message = add_inbound_message(
            target,
            contact,
            body=seal(summary, to=get_public_keyring()),
            language=language,
            received_at=called_at,
        )
        call = HotlineCall.objects.create(
            case=target,
            contact=contact,
            message=message,
            operator=by,
            language=language,
            called_at=called_at,
        )
        record_event(
            "hotline.call_logged",
            actor=by,
            object_type="case",
            object_ref=target.reference,
            detail={"call": call.pk, "relation": relation, "language": language},
        )
        if campaign_code:
            attribute(target, campaign_code, via=AttributionVia.OPERATOR)
        if callback_due is not None:
            schedule_callback(
                case=target, contact=contact, due_at=callback_due, by=by, note=callback_note
            )
    return call


def schedule_callback(
    *, case: Case, contact: Contact, due_at: datetime, by: Account, note: str = ""
) -> Callback:
    """Schedule a call-back; it appears in ``due_callbacks`` from ``due_at`` on.
    Side effect: one ``callback.scheduled`` audit event."""
    if contact.case_id != case.pk and current_case(contact.case).pk != case.pk:
        raise CaseError(_("That contact does not belong to this case."))
    with transaction.atomic():
        callback = Callback.objects.create(
            case=case,
            contact=contact,
            language=contact.language or case.language,
            due_at=due_at,
            note=seal(note.strip()[:2000], to=get_public_keyring()) if note.strip() else None,
            created_by=by,
        )
        record_event(
            "callback.scheduled",
            actor=by,
            object_type="case",
            object_ref=case.reference,
            detail={"callback": callback.pk, "due_at": due_at.isoformat()},
        )
    return callback


def complete_callback(callback: Callback, *, by: Account, cancelled: bool = False) -> Callback:
    """Mark a call-back done (or cancelled).  Side effect: one audit event."""
    with transaction.atomic():
        locked = Callback.objects.select_for_update().select_related("case").get(pk=callback.pk)
        if locked.state != CallbackState.SCHEDULED:
            raise CaseError(_("This call-back is no longer open."))
        locked.state = CallbackState.CANCELLED if cancelled else CallbackState.DONE
        locked.done_by = by
        locked.done_at = timezone.now()
        locked.save(update_fields=["state", "done_by", "done_at"])
        record_event(
            "callback.cancelled" if cancelled else "callback.done",
            actor=by,
            object_type="case",
            object_ref=locked.case.reference,
            detail={"callback": locked.pk},
        )
    return locked


def due_callbacks(user: Account, *, now: datetime | None = None) -> QuerySet[Callback]:
    """Scheduled call-backs that are due, oldest first, that ``user`` may act on.

    Operators see call-backs in languages they read, on cases unassigned or assigned to
    them (the same rule as the case queue); supervisors see all; other roles none.
    """
    now = now or timezone.now()
    due = Callback.objects.filter(state=CallbackState.SCHEDULED, due_at__lte=now).select_related(
        "case", "contact"
    )
    if user.role == Role.SUPERVISOR:
        return due.order_by("due_at")
    if user.role == Role.OPERATOR:
        return due.filter(
            Q(case__assigned_to__isnull=True) | Q(case__assigned_to=user),
            case__language__in=list(user.languages),
        ).order_by("due_at")
    return due.none()


def callbacks_for_case(case: Case) -> QuerySet[Callback]:
    """All call-backs of a case, scheduled ones first (for the case workspace)."""
    return Callback.objects.filter(case=case).order_by("state", "due_at")
