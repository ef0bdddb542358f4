"""Message: one inbound or outbound message on a case, body sealed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.states import Channel
from safepassage.crypto.fields import BlindIndexField, SealedField


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """A message; the body is sealed to the programme (and to a web applicant's key)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="messages")
    contact = models.ForeignKey("cases.Contact", on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=8, blank=True)
    body = SealedField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    # Blind index of the provider's message id, so provider retries are dropped.
    provider_message_index = BlindIndexField()
    envelope = models.ForeignKey(
        "envelopes.InboundEnvelope",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the console form so a double-submitted reply is stored (and sent) once.
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_message_index"],
                condition=~models.Q(provider_message_index=""),
                name="message_unique_provider_id",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="message_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} message #{self.pk}"
