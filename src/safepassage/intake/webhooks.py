"""Storing verified provider webhooks as sealed envelopes (the intake tier).

The channel type has checked the call (``ChannelType.webhook``); here its payload is
sealed to the programme's public key and committed before the provider is answered,
so a provider is acknowledged only for stored data.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from safepassage.channels.hooks import Hook
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope

ENVELOPE_VERSION = 1


def store_envelope(hook: Hook, *, endpoint: str, payload: Any) -> InboundEnvelope:
    """Seal ``payload`` to the programme and store it for the worker.  Committed before
    returning, so the provider is acknowledged only for stored data."""
    body = seal_envelope_body(
        {
            "v": ENVELOPE_VERSION,
            "instance": hook.instance_id,
            # Lets the worker check that its cached channel is the one that took the call.
            "hook": hook.key_hash[:16],
            "endpoint": endpoint,
            "payload": payload,
        },
        to=get_public_keyring(),
    )
    with transaction.atomic():
        return InboundEnvelope.objects.create(
            kind=EnvelopeKind.PROVIDER_WEBHOOK,
            channel=hook.channel,
            received_at=timezone.now(),
            body=body,
        )
