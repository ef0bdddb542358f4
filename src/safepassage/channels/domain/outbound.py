"""Outbound messages: queued with the reply, sent by a task, retried, never sent twice.

Life of a delivery::

    queued ──claim──▶ sending ──▶ sent ──▶ delivered ──▶ read     (status callbacks)
       ▲                 │
       └──── retry ◀─────┤  provider said "not now" (429, 502-504, connection refused)
                         └──▶ failed  permanent error, attempts exhausted, or
                                      "uncertain" (the request may have arrived)

The claim is a conditional UPDATE, so a repeated or concurrent task finds nothing to
claim.  The task row is written in the same transaction as the reply (the database is
the outbox), so a reply is never lost between being stored and being queued.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.events import ReplyQueued
from safepassage.cases.models import DeliveryStatus, Message
from safepassage.cases.states import Channel
from safepassage.channels.http import ProviderError
from safepassage.channels.models import (
    CLAIMABLE,
    ChannelInstance,
    ChatSession,
    DeliveryState,
    OutboundDelivery,
)
from safepassage.channels.registry import get_type
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import Sealed, open_text

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = 5.0  # seconds: 5, 10, 20, 40, 80 between the six attempts
BACKOFF_CAP = 3600.0
STALLED_AFTER = timedelta(minutes=10)
WHATSAPP_WINDOW = timedelta(hours=24)

_MESSAGE_STATUS = {
    DeliveryState.QUEUED: DeliveryStatus.QUEUED,
    DeliveryState.RETRY: DeliveryStatus.QUEUED,
    DeliveryState.SENDING: DeliveryStatus.QUEUED,
    DeliveryState.SENT: DeliveryStatus.SENT,
    DeliveryState.DELIVERED: DeliveryStatus.DELIVERED,
    DeliveryState.READ: DeliveryStatus.READ,
    DeliveryState.FAILED: DeliveryStatus.FAILED,
}


class ChannelRefused(CaseError):
    """The reply cannot go out through this contact's channel; nothing was stored."""


def provider_index(instance: ChannelInstance, provider_id: str) -> str:
    """Blind index of a provider's id for a message we sent (status callbacks find it)."""
    return blind_index(get_keyring(), "provider_message", f"{instance.pk}:out:{provider_id}")


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after ``attempts`` failed tries: exponential, at least what the
    provider asked for (Telegram's ``retry_after``, a ``Retry-After`` header)."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * float(2 ** max(0, attempts - 1)))
    return float(max(delay, min(BACKOFF_CAP, retry_after or 0.0)))


def session_for_contact(contact_id: int) -> ChatSession | None:
    """The chat session a reply to this contact leaves through (the most recent one)."""
    return (
        ChatSession.objects.select_related("instance")
        .filter(contact_id=contact_id)
        .order_by(F("last_inbound_at").desc(nulls_last=True), "-id")
        .first()
    )


def window_closes_at(session: ChatSession) -> datetime | None:
    """When WhatsApp's customer-service window closes (24 h after their last message)."""
    if session.last_inbound_at is None:
        return None
    return session.last_inbound_at + WHATSAPP_WINDOW


def create_delivery(
    *,
    instance: ChannelInstance,
    recipient: Sealed,
    message: Message | None = None,
    body: Sealed | None = None,
    options: dict[str, Any] | None = None,
    send_key: str = "",
) -> OutboundDelivery:
    """Store a delivery and enqueue its send task, in the caller's transaction."""
    # No savepoint: inside the caller's transaction a failure rolls back with it anyway.
    with transaction.atomic(savepoint=False):
        delivery = OutboundDelivery.objects.create(
            message=message,
            instance=instance,
            recipient=recipient,
            body=body,
            options=options or {},
            send_key=send_key or secrets.token_hex(16),
        )
        send_delivery.enqueue(delivery.pk)
    return delivery


def queue_reply(message: Message, *, template: dict[str, str] | None = None) -> OutboundDelivery:
    """Queue an operator's stored reply for sending (inside ``post_reply``, through
    ``on_reply_queued``).

    Raises ``ChannelRefused`` — rolling the reply back so the operator keeps the text —
    when no active channel reaches the contact, when the contact is a hotline caller,
    or when WhatsApp's 24-hour window is closed and no approved template is chosen.
    """
    if message.channel == Channel.HOTLINE:
        raise ChannelRefused(_("Hotline callers are answered by phone: schedule a call-back."))
    session = session_for_contact(message.contact_id)
    if session is None or not session.instance.is_active:
        raise ChannelRefused(
            _("No active channel reaches this contact any more; the reply was not stored.")
        )
    if session.instance.channel_type == "whatsapp" and template is None:
        closes = window_closes_at(session)
        if closes is None or closes <= timezone.now():
            raise ChannelRefused(
                _(
                    "WhatsApp's 24-hour window for this contact is closed: only an approved "
                    "template can be sent until they write again."
                )
            )
    options: dict[str, Any] = {"template": template} if template else {}
    return create_delivery(
        instance=session.instance,
        recipient=session.identity,
        message=message,
        options=options,
        send_key=f"m{message.pk}",
    )


def on_reply_queued(event: ReplyQueued) -> None:
    """Queue a reply ``post_reply`` stored for a messenger contact (subscribed in
    ``ChannelsConfig.ready``); a refusal rolls the reply back."""
    template = event.template
    queue_reply(
        event.message,
        template={"name": template.name, "language": template.language} if template else None,
    )


def sweep_stalled(now: datetime | None = None) -> int:
    """Mark deliveries stuck in ``sending`` (the worker died mid-call) as failed and
    uncertain: the provider may have sent them, so they are never retried silently."""
    now = now or timezone.now()
    stalled = list(
        OutboundDelivery.objects.filter(
            state=DeliveryState.SENDING, updated_at__lt=now - STALLED_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for pk in stalled:
        _finish(pk, DeliveryState.FAILED, error_code="uncertain", expected=DeliveryState.SENDING)
    return len(stalled)


def _finish(
    delivery_id: int,
    state: str,
    *,
    error_code: str = "",
    provider_id_index: str = "",
    expected: str = DeliveryState.SENDING,
) -> None:
    now = timezone.now()
    with transaction.atomic():
        updates: dict[str, Any] = {"state": state, "error_code": error_code, "updated_at": now}
        if provider_id_index:
            updates["provider_index"] = provider_id_index
        if state == DeliveryState.SENT:
            updates["sent_at"] = now
        if not OutboundDelivery.objects.filter(pk=delivery_id, state=expected).update(**updates):
            return
        delivery = OutboundDelivery.objects.select_related("message__case").get(pk=delivery_id)
        if delivery.message is not None:
            Message.objects.filter(pk=delivery.message.pk).update(
                status=_MESSAGE_STATUS[DeliveryState(state)],
                status_changed_at=now,
                attempts=delivery.attempts,
            )
            if state == DeliveryState.FAILED:
                record_event(
                    "message.delivery_failed",
                    object_type="case",
                    object_ref=delivery.message.case.reference,
                    detail={"message": delivery.message_id, "code": error_code},
                )


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1))
    return bool(
        OutboundDelivery.objects.filter(due, pk=delivery_id, state__in=CLAIMABLE).update(
            state=DeliveryState.SENDING, attempts=F("attempts") + 1, updated_at=now
        )
    )


def _schedule_retry(delivery: OutboundDelivery, error: ProviderError) -> None:
    delay = backoff(delivery.attempts, error.retry_after)
    at = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        moved = OutboundDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.RETRY, next_attempt_at=at, error_code=error.code
        )
        if moved:
            if delivery.message_id is not None:
                Message.objects.filter(pk=delivery.message_id).update(attempts=delivery.attempts)
            send_delivery.using(run_after=at).enqueue(delivery.pk)


def _texts(delivery: OutboundDelivery) -> tuple[dict[str, str], str, str]:
    keyring = get_keyring()
    instance = delivery.instance
    credentials: dict[str, str] = {}
    if instance.credentials is not None:
        loaded = json.loads(open_text(instance.credentials, keyring))
        credentials = (
            {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        )
    recipient = open_text(delivery.recipient, keyring)
    sealed = delivery.message.body if delivery.message is not None else delivery.body
    text = open_text(sealed, keyring) if sealed is not None else ""
    return credentials, recipient, text


def deliver(delivery_id: int) -> str:
    """Make one sending attempt (the body of the ``send_delivery`` task).

    Returns the resulting state, or ``"skipped"`` if the delivery was not claimable
    (already sent, failed, in flight, or not yet due).  Side effects: one provider call
    at most; the delivery and its message's status are updated; a retry is enqueued with
    exponential back-off; a final failure is audited.
    """
    sweep_stalled()
    if not _claim(delivery_id):
        return "skipped"
    delivery = OutboundDelivery.objects.select_related("instance", "message").get(pk=delivery_id)
    instance = delivery.instance
    channel_type = get_type(instance.channel_type)
    try:
        if channel_type is None or not instance.is_active:
            raise ProviderError("channel_unavailable")
        try:
            credentials, recipient, text = _texts(delivery)
        except (CryptoError, ValueError):
            raise ProviderError("credentials_unreadable") from None
        options = dict(delivery.options)
        if instance.hook_key is not None:
            key = open_text(instance.hook_key, get_keyring())
            options["status_path"] = f"/hooks/{instance.channel_type}/{key}/status/"
        choice_id = options.get("callback_query_id")
        if isinstance(choice_id, str) and choice_id:
            # Only a spinner in the app; the text below is what matters.
            with contextlib.suppress(ProviderError):
                channel_type.answer_choice(instance, credentials, choice_id)
        result = channel_type.send_text(
            instance,
            credentials,
            recipient=recipient,
            text=text,
            options=options,
            send_key=delivery.send_key,
        )
    except ProviderError as error:
        if error.retryable and delivery.attempts < MAX_ATTEMPTS:
            _schedule_retry(delivery, error)
            logger.info("delivery %s: %s, retrying", delivery_id, error.code)
            return DeliveryState.RETRY
        code = "uncertain" if error.ambiguous else error.code
        _finish(delivery_id, DeliveryState.FAILED, error_code=code)
        logger.warning("delivery %s failed: %s", delivery_id, code)
        return DeliveryState.FAILED
    index = provider_index(instance, result.provider_id) if result.provider_id else ""
    _finish(delivery_id, DeliveryState.SENT, provider_id_index=index)
    return DeliveryState.SENT


def requeue_delivery(message: Message, *, by: Any) -> OutboundDelivery:
    """Send a failed reply again, on an operator's explicit request (audited).

    For an ``uncertain`` failure the operator accepts that the person may get it twice.
    """
    with transaction.atomic():
        delivery = OutboundDelivery.objects.select_for_update().get(message=message)
        if delivery.state != DeliveryState.FAILED:
            raise CaseError(_("Only a failed message can be sent again."))
        delivery.state = DeliveryState.QUEUED
        delivery.next_attempt_at = None
        delivery.attempts = 0
        delivery.save(update_fields=["state", "next_attempt_at", "attempts", "updated_at"])
        Message.objects.filter(pk=message.pk).update(
            status=DeliveryStatus.QUEUED, status_changed_at=timezone.now()
        )
        record_event(
            "message.resend",
            actor=by,
            object_type="case",
            object_ref=message.case.reference,
            detail={"message": message.pk, "previous_error": delivery.error_code},
        )
        send_delivery.enqueue(delivery.pk)
    return delivery


@task(queue_name="outbound")
def send_delivery(delivery_id: int) -> str:
    """The background task: one sending attempt (``deliver``).  Defined beside the code
    that enqueues it, so enqueueing needs no import of a tasks module that imports back."""
    return deliver(delivery_id)
