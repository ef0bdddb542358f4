"""Adding inbound messages and posting operators' replies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from nacl.public import PublicKey

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import Case, Contact, DeliveryStatus, Direction, Message
from safepassage.cases.states import CaseState, Channel
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import Sealed, seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account
    from safepassage.intake.models import InboundEnvelope


def add_inbound_message(
    case: Case,
    contact: Contact,
    *,
    body: Sealed,
    language: str,
    received_at: datetime,
    envelope: InboundEnvelope | None = None,
    provider_message_index: str = "",
) -> Message:
    """Store an inbound message and mark the case as waiting for an answer.

    ``body`` must already be sealed (to the programme and, for web contacts, to the
    applicant).  The case's ``waiting_since`` keeps the *oldest* unanswered message so
    the queue sorts by how long the person has really waited.
    """
    with transaction.atomic():
        message = Message.objects.create(
            case=case,
            contact=contact,
            direction=Direction.INBOUND,
            channel=contact.channel,
            language=language,
            body=body,
            status=DeliveryStatus.RECEIVED,
            envelope=envelope,
            provider_message_index=provider_message_index,
            created_at=received_at,
        )
        Case.objects.filter(pk=case.pk, waiting_since__isnull=True).update(
            waiting_since=received_at
        )
        Contact.objects.filter(pk=contact.pk).update(last_inbound_at=received_at)
    return message


def post_reply(
    case: Case,
    *,
    by: Account,
    text: str,
    contact: Contact | None = None,
    idempotency_key: str = "",
) -> Message:
    """Store an operator's reply to the applicant, sealed to the programme and applicant.

    The reply goes to ``contact`` (default: the case's most recent inbound contact).
    Website replies are delivered by being stored (the applicant reads them in the
    inbox); messenger replies are queued for the channel's sender.  A repeated
    ``idempotency_key`` returns the already stored reply instead of a second one.
    Side effects: the case stops waiting, the first response time is set once, and a
    ``message.reply`` audit event is written.
    """
    text = text.strip()
    if not text:
        raise CaseError("A reply cannot be empty.")
    if case.state == CaseState.CLOSED:
        raise CaseError(f"Case {case.reference} is closed; reopen it before replying.")
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if contact is None:
        contact = case.contacts.order_by("-last_inbound_at", "-created_at").first()
        if contact is None:
            raise CaseError(f"Case {case.reference} has no contact to reply to.")
    applicant_key = (
        PublicKey(bytes(contact.applicant_public_key)) if contact.applicant_public_key else None
    )
    body = seal(text, to=get_public_keyring(), applicant=applicant_key)
    now = timezone.now()
    status = DeliveryStatus.DELIVERED if contact.channel == Channel.WEB else DeliveryStatus.QUEUED
    try:
        with transaction.atomic():
            message = Message.objects.create(
                case=case,
                contact=contact,
                direction=Direction.OUTBOUND,
                channel=contact.channel,
                language=contact.language or case.language,
                body=body,
                author=by,
                status=status,
                created_at=now,
                status_changed_at=now,
                idempotency_key=idempotency_key,
            )
            Case.objects.filter(pk=case.pk).update(waiting_since=None)
            Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(
                first_response_at=now
            )
            record_event(
                "message.reply",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail={"message": message.pk, "channel": contact.channel},
            )
    except IntegrityError:
        # Two submissions of the same form raced; the other one won.
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return message
