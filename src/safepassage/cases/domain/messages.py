"""Adding inbound messages and posting operators' replies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PublicKey

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.domain.transitions import transition_case
from safepassage.cases.events import FirstResponse, ReplyQueued, TemplateChoice
from safepassage.cases.models import Case, Contact, DeliveryStatus, Direction, Message
from safepassage.cases.states import CaseState, Channel
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import Sealed, seal
from safepassage.db.prepared import PreparedUpdate
from safepassage.events import announce

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

# Built once: these run for every inbound message (the worker's hot path).
_START_WAITING = PreparedUpdate(Case, "waiting_since", only_where_null="waiting_since")
_TOUCH_CONTACT = PreparedUpdate(Contact, "last_inbound_at")

# Long enough for any real answer; short enough for an SMS gateway to split sanely.
MAX_REPLY_LENGTH = 4000


def add_inbound_message(
    case: Case,
    contact: Contact,
    *,
    body: Sealed,
    language: str,
    received_at: datetime,
    envelope_id: int | None = None,
    provider_message_index: str = "",
) -> Message:
    """Store an inbound message and mark the case as waiting for an answer.

    ``body`` must already be sealed (to the programme and, for web contacts, to the
    applicant).  The case's ``waiting_since`` keeps the *oldest* unanswered message so
    the queue sorts by how long the person has really waited.
    """
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            case=case,
            contact=contact,
            direction=Direction.INBOUND,
            channel=contact.channel,
            language=language,
            body=body,
            status=DeliveryStatus.RECEIVED,
            envelope_id=envelope_id,
            provider_message_index=provider_message_index,
            created_at=received_at,
        )
        _START_WAITING.run(case.pk, received_at)
        _TOUCH_CONTACT.run(contact.pk, received_at)
    return message


def post_reply(
    case: Case,
    *,
    by: Account,
    text: str,
    contact: Contact | None = None,
    idempotency_key: str = "",
    template: TemplateChoice | None = None,
) -> Message:
    """Store an operator's reply to the applicant, sealed to the programme and applicant.

    The one write for every reply, free text or template.  The reply goes to ``contact``
    (default: the case's most recent inbound contact).  Website replies are delivered by
    being stored (the applicant reads them in the inbox); messenger replies are queued
    for the channel's sender (a ``ReplyQueued`` event, with ``template`` when the text is
    a provider-approved template the channel app has already checked).  A repeated
    ``idempotency_key`` returns the already stored reply instead of a second one.
    Side effects: the case stops waiting, the first response time is set once (and a
    ``FirstResponse`` event announced), a new case moves to engaged, and a
    ``message.reply`` audit event is written.
    """
    text = text.strip()
    if not text:
        raise CaseError(_("A reply cannot be empty."))
    if len(text) > MAX_REPLY_LENGTH:
        raise CaseError(
            _("A reply can be at most %(limit)d characters long.") % {"limit": MAX_REPLY_LENGTH}
        )
    if idempotency_key:
        # Looked up before the state check: a double submit that raced a closing still
        # finds its first copy instead of an error.
        existing = Message.objects.filter(idempotency_key=idempotency_key, case=case).first()
        if existing is not None:
            return existing
    if case.state == CaseState.CLOSED:
        raise CaseError(
            _("Case %(reference)s is closed; reopen it before replying.")
            % {"reference": case.reference}
        )
    if contact is None:
        # Contacts that never wrote (reach-back numbers from the web form) come last;
        # PostgreSQL would otherwise sort their NULLs first.
        contact = case.contacts.order_by(
            F("last_inbound_at").desc(nulls_last=True), "-created_at"
        ).first()
        if contact is None:
            raise CaseError(
                _("Case %(reference)s has no contact to reply to.") % {"reference": case.reference}
            )
    elif contact.case_id != case.pk:
        raise CaseError(_("That contact does not belong to this case."))
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
            if status == DeliveryStatus.QUEUED:
                # Messenger replies leave through the channel's sender: the channels app
                # queues a task with retries in this transaction.  It raises a CaseError
                # (and the reply is rolled back) when the channel cannot take it, e.g.
                # outside WhatsApp's 24-hour window.
                announce(ReplyQueued(message=message, template=template))
            elif template is not None:
                raise CaseError(_("Templates exist only for messenger contacts."))
            Case.objects.filter(pk=case.pk).update(waiting_since=None)
            if Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(
                first_response_at=now
            ):
                announce(FirstResponse(case=case, responded_at=now))
            if Case.objects.filter(pk=case.pk, state=CaseState.NEW).exists():
                # Answering is engaging: the first reply moves the case on (audited and
                # counted like any move), so nobody has to remember a second click.
                moved = transition_case(case, to=CaseState.ENGAGED, by=by)
                case.state, case.version = moved.state, moved.version
            detail: dict[str, object] = {"message": message.pk, "channel": contact.channel}
            if template is not None:
                detail["template"] = template.name
            record_event(
                "message.reply",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail=detail,
            )
    except IntegrityError:
        # Two submissions of the same form raced; the other one won.
        existing = Message.objects.filter(idempotency_key=idempotency_key, case=case).first()
        if existing is None:
            # The key is taken on another case: a forged or corrupted form.
            raise CaseError(_("This form was already used; reload the page.")) from None
        return existing
    return message


def add_automatic_message(case: Case, contact: Contact, *, body: Sealed, language: str) -> Message:
    """Store what a bot said to ``contact`` (an acknowledgement, say) on its case, so
    operators see it; the channel queues its delivery.  Not a reply: no author, the case
    keeps waiting for a person's answer and no first response is counted."""
    now = timezone.now()
    return Message.objects.create(
        case=case,
        contact=contact,
        direction=Direction.OUTBOUND,
        channel=contact.channel,
        language=language,
        body=body,
        status=DeliveryStatus.QUEUED,
        created_at=now,
        status_changed_at=now,
    )
