"""OutboundDelivery: one message on its way out through a provider, sent at most once."""

from __future__ import annotations

from django.db import models

from safepassage.crypto.fields import BlindIndexField, SealedField


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RETRY = "retry", "Waiting to retry"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"


# Attempts are claimed only from these states; everything else is final or in flight.
CLAIMABLE = (DeliveryState.QUEUED, DeliveryState.RETRY)


class OutboundDelivery(models.Model):
    """The sending state of an operator's reply or a bot text.

    The state machine guarantees at most one send: an attempt first moves the row from
    ``queued``/``retry`` to ``sending`` with a conditional UPDATE, so two workers (or a
    repeated task) cannot both call the provider.  An attempt whose outcome is unknown
    (the connection dropped after the request went out) is never retried; it is marked
    failed with ``uncertain`` so the operator decides instead of the person receiving
    the message twice.
    """

    message = models.OneToOneField(
        "cases.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="delivery"
    )
    instance = models.ForeignKey(
        "channels.ChannelInstance", on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient = SealedField()
    # Bot texts have no case message; their text is sealed here.  Operator replies use
    # the message's sealed body.
    body = SealedField(null=True, blank=True)
    # Provider extras that are not personal: an inline keyboard, a WhatsApp template.
    options = models.JSONField(default=dict, blank=True)
    # Unique per delivery; passed to providers that echo it back (WhatsApp's
    # biz_opaque_callback_data, the Twilio status callback URL).
    send_key = models.CharField(max_length=32, unique=True)
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A short code (never content): "rate_limited", "http_503", "blocked", "uncertain"...
    error_code = models.CharField(max_length=64, blank=True)
    # Blind index of the provider's id for the sent message, for status callbacks.
    provider_index = BlindIndexField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.state})"
