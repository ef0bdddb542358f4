"""Hotline calls logged by operators and the call-backs they schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField


class HotlineCall(models.Model):
    """A call answered on the hotline; its summary is the case message it created."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey("cases.Contact", on_delete=models.PROTECT, related_name="+")
    message = models.OneToOneField("cases.Message", on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=8)
    called_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"hotline call #{self.pk}"


class CallbackState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Callback(models.Model):
    """A call-back to make at ``due_at``; it shows in the queue once due."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey("cases.Contact", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8, db_index=True)
    due_at = models.DateTimeField(db_index=True)
    # Why to call (e.g. "he will be alone after 20:00"), sealed.
    note = SealedField(null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=CallbackState.choices, default=CallbackState.SCHEDULED
    )
    # Empty when the voice line scheduled it (a voicemail asks for a call-back at once).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"call-back #{self.pk} ({self.state})"
