"""InboundEnvelope: everything the public tier accepts, sealed before it is stored.

The contract between the intake (which only inserts) and the worker (which opens and
handles); it lives below both so neither entry point imports the other.  The table
keeps the name it had when the model lived in the intake app.
"""

from __future__ import annotations

from django.db import models

from safepassage.cases.states import Channel
from safepassage.crypto.fields import SealedField


class EnvelopeKind(models.TextChoices):
    WEB_SUBMISSION = "web_submission", "Website form"
    WEB_FOLLOWUP = "web_followup", "Website follow-up"
    # A sign-in found nothing for this receipt yet: serve its submission first.
    WEB_SIGNIN_WAITING = "web_signin_waiting", "Website sign-in waiting"
    PROVIDER_WEBHOOK = "provider_webhook", "Messenger webhook"
    HOTLINE_CALL = "hotline_call", "Hotline call log"
    # A contact handed over by a partner call centre through the API (issue 18).
    PARTNER_INTAKE = "partner_intake", "Partner hand-over (API)"


class EnvelopeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (flood)"


class InboundEnvelope(models.Model):
    """A sealed inbound item waiting for (or opened by) the worker.

    The intake only ever inserts rows here; the body is sealed to the programme's public
    key, so the intake tier cannot read back what it stored.
    """

    kind = models.CharField(max_length=24, choices=EnvelopeKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    # Cleared (NULL) once the worker has processed the envelope: a web submission's
    # body carries the applicant's receipt, which must be stored nowhere afterwards.
    body = SealedField(null=True)
    status = models.CharField(
        max_length=16, choices=EnvelopeStatus.choices, default=EnvelopeStatus.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a transient failure the envelope waits until then before the next attempt.
    retry_at = models.DateTimeField(null=True, blank=True)
    # A short code (never content) saying why processing failed.
    error_code = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "intake_inboundenvelope"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"envelope #{self.pk} ({self.kind}, {self.status})"
