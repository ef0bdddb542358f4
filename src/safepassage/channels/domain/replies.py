"""Replies that need more than free text: WhatsApp templates.

The template is checked here (the channel knows which templates are approved); the
reply itself is stored by ``cases.domain.post_reply``, the one write for every reply,
so a template answer counts as a first response exactly like a typed one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from safepassage.cases.domain import post_reply
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.events import TemplateChoice
from safepassage.cases.models import Case, Contact, Message
from safepassage.cases.states import CaseState, Channel
from safepassage.channels.domain.outbound import ChannelRefused, session_for_contact
from safepassage.channels.domain.status import whatsapp_templates

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


def post_template_reply(
    case: Case, *, by: Account, contact: Contact, template_name: str
) -> Message:
    """Send an approved WhatsApp template to ``contact`` (allowed outside the window).

    The operator-visible template text is stored as the (sealed) message body.  Side
    effects: those of ``post_reply`` (the case stops waiting, first response is set once,
    a ``message.reply`` audit event naming the template, the template queued for sending).
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
    return post_reply(
        case,
        by=by,
        text=template.text or template.name,
        contact=contact,
        template=TemplateChoice(name=template.name, language=template.language),
    )
