"""Replies that need more than ``cases.domain.post_reply``: WhatsApp templates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import Case, Contact, DeliveryStatus, Direction, Message
from safepassage.cases.states import CaseState, Channel
from safepassage.channels.domain.outbound import ChannelRefused, queue_reply, session_for_contact
from safepassage.channels.domain.status import whatsapp_templates
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


def post_template_reply(
    case: Case, *, by: Account, contact: Contact, template_name: str
) -> Message:
    """Send an approved WhatsApp template to ``contact`` (allowed outside the window).

    The operator-visible template text is stored as the (sealed) message body.  Side
    effects as ``post_reply``: the case stops waiting, first response is set once, a
    ``message.reply`` audit event is written, and the template is queued for sending.
    """
    if case.state == CaseState.CLOSED:
        raise CaseError(
            _("Case %(ref)s is closed; reopen it before replying.") % {"ref": case.reference}
        )
    if contact.channel != Channel.WHATSAPP:
        raise ChannelRefused(_("Templates exist only for WhatsApp contacts."))
    session = session_for_contact(contact.pk)
    if session is None:
        raise ChannelRefused(_("No active channel reaches this contact any more."))
    template = next(
        (t for t in whatsapp_templates(session.instance) if t.name == template_name), None
    )
    if template is None:
        raise ChannelRefused(_("That template is not on the approved list."))
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            case=case,
            contact=contact,
            direction=Direction.OUTBOUND,
            channel=contact.channel,
            language=contact.language or case.language,
            body=seal(template.text or template.name, to=get_public_keyring()),
            author=by,
            status=DeliveryStatus.QUEUED,
            created_at=now,
            status_changed_at=now,
        )
        queue_reply(message, template={"name": template.name, "language": template.language})
        Case.objects.filter(pk=case.pk).update(waiting_since=None)
        Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(
            first_response_at=now
        )
        record_event(
            "message.reply",
            actor=by,
            object_type="case",
            object_ref=case.reference,
            detail={"message": message.pk, "channel": contact.channel, "template": template.name},
        )
    return message
