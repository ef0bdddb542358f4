"""Delivery statuses: provider callbacks in, per-message status out for the console."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Contact, DeliveryStatus, Direction, Message
from safepassage.cases.states import Channel
from safepassage.channels.base import StatusUpdate
from safepassage.channels.domain.outbound import (
    provider_index,
    session_for_contact,
    window_closes_at,
)
from safepassage.channels.models import ChannelInstance, DeliveryState, OutboundDelivery
from safepassage.channels.sms.segments import SegmentCount, count_segments

# Callbacks arrive out of order; a status only ever moves forward.
_RANK = {
    DeliveryState.QUEUED: 0,
    DeliveryState.RETRY: 0,
    DeliveryState.SENDING: 1,
    DeliveryState.SENT: 2,
    DeliveryState.DELIVERED: 3,
    DeliveryState.READ: 4,
}
_TO_MESSAGE = {
    DeliveryState.SENT: DeliveryStatus.SENT,
    DeliveryState.DELIVERED: DeliveryStatus.DELIVERED,
    DeliveryState.READ: DeliveryStatus.READ,
    DeliveryState.FAILED: DeliveryStatus.FAILED,
}
ERROR_TEXTS = {
    "rate_limited": _("The provider asked us to slow down; it will be retried."),
    "uncertain": _(
        "The provider may or may not have sent it (the connection broke); "
        "it was not retried so the person does not get it twice."
    ),
    "window_closed": _("WhatsApp's 24-hour window was closed; send an approved template."),
    "blocked_by_user": _("The person has blocked the bot."),
    "opted_out": _("The number has opted out of SMS (replied STOP)."),
    "auth_failed": _("The channel's credentials were refused; ask an admin."),
    "credentials_unreadable": _("The channel's credentials are missing; ask an admin."),
    "channel_unavailable": _("The channel is switched off."),
    "unreachable": _("The provider could not be reached."),
    # Telegram's refusals (the Bot API's error_code; the description is not kept).
    "telegram_400": _("Telegram refused the message as malformed or the chat as not found."),
    "telegram_403": _("Telegram refused: the bot may not write to this chat."),
    # WhatsApp Cloud API error codes (Meta's table of error codes and titles).
    "whatsapp_131026": _("WhatsApp: message undeliverable (the number may not use WhatsApp)."),
    "whatsapp_131047": _("WhatsApp: more than 24 hours since their last message (re-engagement)."),
    "whatsapp_131051": _("WhatsApp: message type not supported."),
    "whatsapp_131053": _("WhatsApp: the media could not be uploaded."),
    "whatsapp_131049": _("WhatsApp chose not to deliver it, to keep engagement healthy."),
    "whatsapp_131031": _("WhatsApp: the sending account is locked; ask an admin."),
    "whatsapp_132001": _("WhatsApp: the template does not exist or is not approved."),
    # Twilio's ErrorCode values for SMS.
    "twilio_30003": _("The handset could not be reached (switched off or out of coverage)."),
    "twilio_30004": _("The recipient has blocked messages from this number."),
    "twilio_30005": _("The number is unknown or no longer exists."),
    "twilio_30006": _("The number is a landline or cannot receive SMS."),
    "twilio_30007": _("The carrier filtered the message."),
    "twilio_30008": _("The carrier reported an unknown error."),
    "twilio_21610": _("The number has opted out of SMS (replied STOP)."),
    "twilio_21211": _("The number is not a valid phone number."),
}


def apply_status(instance: ChannelInstance, event: StatusUpdate) -> bool:
    """Apply a provider's status callback; ``False`` if it matches nothing or is stale."""
    match = Q(instance=instance, provider_index=provider_index(instance, event.provider_id))
    if event.send_key:
        match |= Q(instance=instance, send_key=event.send_key)
    delivery = OutboundDelivery.objects.filter(match).first()
    if delivery is None:
        return False
    current = DeliveryState(delivery.state)
    new = DeliveryState(event.status)
    if new == DeliveryState.FAILED:
        if current in {DeliveryState.DELIVERED, DeliveryState.READ, DeliveryState.FAILED}:
            return False
    elif current == DeliveryState.FAILED or _RANK.get(new, 0) <= _RANK.get(current, 0):
        return False
    now = timezone.now()
    OutboundDelivery.objects.filter(pk=delivery.pk).update(
        state=new,
        error_code=event.error_code[:64] if new == DeliveryState.FAILED else "",
        updated_at=now,
    )
    if delivery.message_id is not None:
        Message.objects.filter(pk=delivery.message_id).update(
            status=_TO_MESSAGE[new], status_changed_at=now
        )
    return True


@dataclass(frozen=True)
class DeliveryInfo:
    """What the console shows beside an outbound message."""

    status: str  # queued / sent / delivered / read / failed (DeliveryStatus values)
    attempts: int = 0
    error_code: str = ""
    next_attempt_at: datetime | None = None
    can_resend: bool = False

    @property
    def error_text(self) -> str:
        """A sentence for the operator, or the bare code when there is none."""
        return str(ERROR_TEXTS.get(self.error_code, self.error_code))


def delivery_statuses(messages: Iterable[Message]) -> dict[int, DeliveryInfo]:
    """Message id → delivery info for the outbound messages given, in one query.

    Web replies (delivered by being stored) and inbound messages get their stored
    status with no delivery details.
    """
    outbound = [m for m in messages if m.direction == Direction.OUTBOUND]
    deliveries = {
        d.message_id: d
        for d in OutboundDelivery.objects.filter(message__in=[m.pk for m in outbound])
    }
    result: dict[int, DeliveryInfo] = {}
    for message in outbound:
        delivery = deliveries.get(message.pk)
        if delivery is None:
            result[message.pk] = DeliveryInfo(status=str(message.status))
            continue
        result[message.pk] = DeliveryInfo(
            status=str(message.status),
            attempts=delivery.attempts,
            error_code=delivery.error_code,
            next_attempt_at=delivery.next_attempt_at
            if delivery.state == DeliveryState.RETRY
            else None,
            can_resend=delivery.state == DeliveryState.FAILED,
        )
    return result


def delivery_status(message: Message) -> DeliveryInfo:
    """Delivery info for one message (see :func:`delivery_statuses`)."""
    return delivery_statuses([message]).get(message.pk, DeliveryInfo(status=str(message.status)))


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template an operator may send outside the window."""

    name: str
    language: str
    text: str


@dataclass(frozen=True)
class ReplyConstraints:
    """What the reply box must tell the operator before they write to a contact."""

    channel: str
    can_send_text: bool
    reason: str = ""
    # WhatsApp only: whether the 24-hour window is open, when it closes, the templates.
    window_open: bool | None = None
    window_closes_at: datetime | None = None
    templates: tuple[Template, ...] = ()
    # SMS only, for the text given.
    segments: SegmentCount | None = None
    extra: dict[str, str] = field(default_factory=dict)


def whatsapp_templates(instance: ChannelInstance) -> tuple[Template, ...]:
    """The approved templates an admin listed (``name|language|text`` per line)."""
    found = []
    for line in instance.setting("templates").splitlines():
        name, _sep, rest = line.strip().partition("|")
        language, _sep, text = rest.partition("|")
        if name.strip() and language.strip():
            found.append(Template(name.strip(), language.strip(), text.strip()))
    return tuple(found)


def reply_constraints(
    contact: Contact, *, text: str = "", now: datetime | None = None
) -> ReplyConstraints:
    """Whether a free-text reply can go to ``contact`` now, and what to show instead.

    * WhatsApp: ``window_open``/``window_closes_at`` (24 hours after their last
      message); when closed, ``can_send_text`` is False and ``templates`` lists what
      may be sent (``post_template_reply``).
    * SMS: ``segments`` for ``text`` (GSM-7 or UCS-2, how many parts).
    * Hotline: no text can be sent; schedule a call-back.
    """
    now = now or timezone.now()
    if contact.channel == Channel.WEB:
        return ReplyConstraints(channel=contact.channel, can_send_text=True)
    if contact.channel == Channel.HOTLINE:
        return ReplyConstraints(
            channel=contact.channel,
            can_send_text=False,
            reason=str(_("Hotline callers are answered by phone: schedule a call-back.")),
        )
    session = session_for_contact(contact.pk)
    if session is None or not session.instance.is_active:
        return ReplyConstraints(
            channel=contact.channel,
            can_send_text=False,
            reason=str(_("No active channel reaches this contact any more.")),
        )
    if contact.channel == Channel.WHATSAPP:
        closes = window_closes_at(session)
        is_open = closes is not None and closes > now
        return ReplyConstraints(
            channel=contact.channel,
            can_send_text=is_open,
            reason=""
            if is_open
            else str(
                _(
                    "WhatsApp's 24-hour window is closed: only an approved template can be "
                    "sent until they write again."
                )
            ),
            window_open=is_open,
            window_closes_at=closes,
            templates=whatsapp_templates(session.instance),
        )
    if contact.channel == Channel.SMS:
        return ReplyConstraints(
            channel=contact.channel, can_send_text=True, segments=count_segments(text)
        )
    return ReplyConstraints(channel=contact.channel, can_send_text=True)


def sms_segments(text: str) -> SegmentCount:
    """SMS encoding and segment count for ``text`` (for the reply box's live counter)."""
    return count_segments(text)
