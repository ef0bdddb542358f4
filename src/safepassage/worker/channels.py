"""Provider webhooks (Telegram, WhatsApp, SMS) as the worker opens them."""

from __future__ import annotations

from typing import Any

from safepassage.channels.domain.inbound import handle_provider_envelope
from safepassage.intake.models import EnvelopeKind, InboundEnvelope
from safepassage.worker.envelopes import handles


@handles(EnvelopeKind.PROVIDER_WEBHOOK)
def handle_provider_webhook(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Parse the stored webhook with its channel type and apply each event."""
    handle_provider_envelope(envelope, data)
