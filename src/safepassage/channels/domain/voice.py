"""The voice line: who the phone rings, and every call as a case event.

The intake answers the provider's webhooks from the ring list kept in each voice
channel's config (it cannot read accounts); the worker turns the stored callbacks into
one ``VoiceCall`` per call, linked to the caller's case by the number's blind index.
Nothing here knows Twilio: a provider adapter yields ``CallEvent`` values.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event
from safepassage.cases.domain import add_inbound_message
from safepassage.channels.base import CallEvent, MediaRef
from safepassage.channels.domain.identity import contact_and_case, get_session
from safepassage.channels.domain.media import attach_media
from safepassage.channels.models import (
    Callback,
    CallOutcome,
    ChannelInstance,
    MediaKind,
    VoiceCall,
)
from safepassage.channels.ringing import RING_LIST_KEY
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal

VOICE_LANGUAGES = ("ru", "ko", "uk", "en")


def operators_on_shift(language: str) -> list[Account]:
    """Active operators and supervisors on shift now who read ``language``.

    The one place the voice line asks "who is on shift": today the hand-set
    ``Account.on_shift`` flag; a shift rota feeds this function later.
    """
    people = Account.objects.filter(
        is_active=True, on_shift=True, role__in=[Role.OPERATOR, Role.SUPERVISOR]
    ).order_by("pk")
    return [person for person in people if person.reads(language)]


def ring_lists() -> dict[str, list[int]]:
    """Language → ids of the accounts whose phones a call in that language rings."""
    return {code: [a.pk for a in operators_on_shift(code)] for code in VOICE_LANGUAGES}


def publish_ring_lists() -> int:
    """Copy the current ring lists into every voice channel's config, where the intake
    reads them when a call comes in.  Call after anything changes who is on shift.
    Returns how many channels were updated."""
    lists = ring_lists()
    updated = 0
    for instance in ChannelInstance.objects.filter(channel_type="voice"):
        if instance.config.get(RING_LIST_KEY) != lists:
            instance.config = {**instance.config, RING_LIST_KEY: lists}
            instance.save(update_fields=["config"])
            updated += 1
    return updated


def _call_index(instance: ChannelInstance, call_id: str) -> str:
    # A provider id, exact like message ids; ":call:" keeps it apart from them.
    return blind_index(get_keyring(), "provider_message", f"{instance.pk}:call:{call_id}")


def record_call(
    instance: ChannelInstance, event: CallEvent, *, received_at: datetime | None = None
) -> VoiceCall:
    """Merge one call event into its ``VoiceCall`` (created on the first event).

    The first event that names the caller links the call to the caller's case (found or
    joined by the number's blind index, opened otherwise).  A recording becomes a
    voicemail message with a voice attachment (fetched, sealed and deleted at the
    provider by a task) and a call-back due at once.  Side effects: possibly a case,
    contact, message, media, call-back; ``voice.call_*`` audit events (content-free).
    """
    now = received_at or timezone.now()
    with transaction.atomic():
        call, created = VoiceCall.objects.select_for_update().get_or_create(
            call_index=_call_index(instance, event.call_id),
            defaults={"instance": instance, "started_at": now},
        )
        changed: list[str] = []
        if event.language in VOICE_LANGUAGES and not call.language:
            call.language = event.language
            changed.append("language")
        if event.caller and call.case_id is None:
            session = get_session(instance, event.caller, hint=call.language)
            contact, case, _new = contact_and_case(
                instance,
                session,
                identity=event.caller,
                language=call.language or session.language,
            )
            call.case, call.contact = case, contact
            changed += ["case", "contact"]
        if (
            event.answered_by is not None
            and call.answered_by_id is None
            # The id came back through our own signed URL; still, only a live account.
            and Account.objects.filter(pk=event.answered_by, is_active=True).exists()
        ):
            call.answered_by_id = event.answered_by
            call.outcome = CallOutcome.ANSWERED
            changed += ["answered_by", "outcome"]
        if event.duration is not None:
            call.duration = event.duration
            changed.append("duration")
        if event.talk_duration is not None:
            call.talk_duration = event.talk_duration
            changed.append("talk_duration")
        if event.recording and call.voicemail_id is None and call.case is not None:
            _voicemail(instance, call, event, now)
            changed += ["voicemail", "outcome"]
        if (event.missed or event.ended) and call.outcome == CallOutcome.RINGING:
            call.outcome = CallOutcome.MISSED
            changed.append("outcome")
        if changed:
            call.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        if created or changed:
            record_event(
                "voice.call_started" if created else "voice.call_updated",
                object_type="case" if call.case is not None else "",
                object_ref=call.case.reference if call.case is not None else "",
                detail={
                    "call": call.pk,
                    "language": call.language,
                    "outcome": call.outcome,
                    "answered_by": call.answered_by_id,
                    "duration": call.duration,
                },
            )
    return call


def _voicemail(instance: ChannelInstance, call: VoiceCall, event: CallEvent, now: datetime) -> None:
    """The recording as an inbound voice message, and a call-back due now."""
    assert call.case is not None
    assert call.contact is not None
    language = call.language or call.case.language
    message = add_inbound_message(
        call.case,
        call.contact,
        body=seal("", to=get_keyring().public),
        language=language,
        received_at=now,
        provider_message_index=blind_index(
            get_keyring(), "provider_message", f"{instance.pk}:in:{event.recording_id}"
        ),
    )
    attach_media(
        message,
        instance,
        (MediaRef(MediaKind.VOICE, event.recording, event.recording_mime or "audio/mpeg"),),
    )
    call.voicemail = message
    call.outcome = CallOutcome.VOICEMAIL
    callback = Callback.objects.create(
        case=call.case, contact=call.contact, language=language, due_at=now, created_by=None
    )
    record_event(
        "callback.scheduled",
        object_type="case",
        object_ref=call.case.reference,
        detail={"callback": callback.pk, "due_at": now.isoformat(), "voicemail": message.pk},
    )
