"""Provider webhooks (Telegram, WhatsApp, SMS) as the worker opens them: parse with the
channel type, drop provider retries, link to a contact and case, route by language,
store, and acknowledge a first message.

The channel apps parse, verify and send; the worker owns every envelope kind, so the
web form's envelopes (``worker.web``) and the messengers' are handled side by side."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from safepassage.cases.domain import add_inbound_message
from safepassage.cases.models import Message
from safepassage.channels.base import (
    BotCommand,
    CallEvent,
    ChoiceMade,
    Event,
    InboundMessage,
    StatusUpdate,
)
from safepassage.channels.domain.bot import handle_choice, handle_command, say
from safepassage.channels.domain.identity import (
    adopt_language,
    attribute_typed_code,
    contact_and_case,
    flag_known_handle,
    get_session,
    supported_language,
)
from safepassage.channels.domain.media import attach_media
from safepassage.channels.domain.status import apply_status
from safepassage.channels.domain.voice import record_call
from safepassage.channels.models import ChannelInstance, ChatSession
from safepassage.channels.registry import get_type
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal
from safepassage.db.prepared import PreparedQuery
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.floods.domain import note_new_case
from safepassage.worker.handlers import EnvelopeRejected, handles
from safepassage.worker.language import detect_language

MAX_TEXT = 8000
EDITED_MARK = "✎ "


@handles(EnvelopeKind.PROVIDER_WEBHOOK)
def handle_provider_envelope(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Apply every event in one stored webhook body (all or nothing: the worker wraps
    this in the envelope's transaction)."""
    instance_id = data.get("instance")
    hook = str(data.get("hook", ""))
    instance = cached_instance(instance_id, hook) if isinstance(instance_id, int) else None
    if instance is None:
        raise EnvelopeRejected("unknown channel instance")
    channel_type = get_type(instance.channel_type)
    if channel_type is None:
        raise EnvelopeRejected("unknown channel type")
    for event in channel_type.parse(data.get("payload"), str(data.get("endpoint", ""))):
        apply_event(instance, event, envelope=envelope)


_INSTANCE_SECONDS = 30.0
_SESSION_TOUCH = timedelta(minutes=1)
_instances: dict[int, tuple[float, ChannelInstance | None]] = {}


def cached_instance(instance_id: int, hook: str = "") -> ChannelInstance | None:
    """The channel instance, cached for 30 s per worker process (one query saved on every
    envelope; a changed channel is picked up within half a minute).  ``hook`` is the
    start of the webhook key's hash the intake recorded: a cached instance whose key
    differs (re-created, re-keyed) is reloaded at once."""
    now = time.monotonic()
    cached = _instances.get(instance_id)
    if (
        cached is not None
        and cached[0] > now
        and cached[1] is not None
        and cached[1].hook_key_hash.startswith(hook)
    ):
        return cached[1]
    instance = ChannelInstance.objects.filter(pk=instance_id).first()
    if len(_instances) > 100:
        _instances.clear()
    _instances[instance_id] = (now + _INSTANCE_SECONDS, instance)
    return instance


def apply_event(
    instance: ChannelInstance, event: Event, *, envelope: InboundEnvelope | None = None
) -> None:
    """Dispatch one parsed event."""
    if isinstance(event, InboundMessage):
        receive_message(instance, event, envelope=envelope)
    elif isinstance(event, BotCommand):
        handle_command(instance, event)
    elif isinstance(event, ChoiceMade):
        handle_choice(instance, event)
    elif isinstance(event, StatusUpdate):
        apply_status(instance, event)
    elif isinstance(event, CallEvent):
        record_call(instance, event, received_at=envelope.received_at if envelope else None)


# Compiled once: the provider-retry check runs for every inbound message.
_SEEN_MESSAGE: PreparedQuery[Message] = PreparedQuery(
    lambda channel, index: (
        Message.objects.only("id")
        .filter(channel=channel, provider_message_index=index)
        .order_by()[:1]
    ),
    channel="text",
    index="hex64",
)


def message_index(instance: ChannelInstance, provider_id: str) -> str:
    """Blind index of an inbound provider message id (unique per channel)."""
    return blind_index(get_keyring(), "provider_message", f"{instance.pk}:in:{provider_id}")


def receive_message(
    instance: ChannelInstance,
    event: InboundMessage,
    *,
    envelope: InboundEnvelope | None = None,
) -> Message | None:
    """Store an inbound message on the right case; ``None`` for a provider retry.

    Side effects: a chat session (and a contact and case on first contact) may be
    created; a closed case is reopened or a new one opened (state machine); media are
    queued for download; the bot acknowledges the first message of a new case.
    """
    index = message_index(instance, event.provider_id)
    if _SEEN_MESSAGE.first(channel=instance.channel, index=index) is not None:
        return None
    session = get_session(instance, event.identity, hint=event.language_hint)
    text = event.text[:MAX_TEXT]
    language = detect_language(text, fallback=session.language) if text else session.language
    contact, case, case_is_new = contact_and_case(
        instance, session, identity=event.identity, language=language
    )
    received_at: datetime = envelope.received_at if envelope is not None else timezone.now()
    body = (EDITED_MARK + text) if event.edited else text
    message = add_inbound_message(
        case,
        contact,
        body=seal(body, to=get_keyring().public),
        language=language,
        received_at=received_at,
        envelope_id=envelope.pk if envelope is not None else None,
        provider_message_index=index,
    )
    if event.media:
        attach_media(message, instance, event.media)
    if case_is_new:
        # Photo-only first messages count towards bursts too (note_new_case skips texts
        # too short to fingerprint).
        note_new_case(case=case, text=text, channel=instance.channel, received_at=received_at)
    if case_is_new and text and case.campaign_id is None:
        attribute_typed_code(case, text)
    if case_is_new and event.handle:
        flag_known_handle(case, event.handle)
    if session.last_inbound_at is None or received_at - session.last_inbound_at > _SESSION_TOUCH:
        # Minute precision is plenty for the 24-hour window; a burst costs one write.
        ChatSession.objects.filter(pk=session.pk).update(last_inbound_at=received_at)
    channel_type = get_type(instance.channel_type)
    auto_reply = instance.config.get(
        "auto_reply", channel_type.auto_reply_default if channel_type else False
    )
    if case_is_new and auto_reply is True:
        if not session.language_chosen and supported_language(language) == language:
            # Acknowledge in the language the person wrote, not the channel's default
            # (a button or /language choice wins: the person said what they read).
            adopt_language(session, language)
        # The message was new (checked above), so its acknowledgement cannot exist yet.
        say(
            instance,
            session,
            "acknowledged",
            trigger=event.provider_id,
            case=case,
            contact=contact,
            known_new=True,
        )
    return message
