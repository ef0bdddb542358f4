"""VoiceCall: one call on the voice line, built from the provider's callbacks."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CallOutcome(models.TextChoices):
    RINGING = "ringing", "In progress"
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"
    VOICEMAIL = "voicemail", "Voicemail"


class VoiceCall(models.Model):
    """A call on the voice line (Twilio today, an Asterisk ARI adapter later).

    Filled in by the worker from the call's events in any order: the caller's number
    lives only on the case's contact (sealed, blind-indexed); the call itself is found
    by the blind index of the provider's call id.  Nothing here is typed by anyone.
    """

    instance = models.ForeignKey(
        "channels.ChannelInstance", on_delete=models.PROTECT, related_name="+"
    )
    call_index = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "cases.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)
    outcome = models.CharField(
        max_length=16, choices=CallOutcome.choices, default=CallOutcome.RINGING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Seconds, as the provider reports them (the whole call; the talk with an operator).
    duration = models.PositiveIntegerField(null=True, blank=True)
    talk_duration = models.PositiveIntegerField(null=True, blank=True)
    voicemail = models.OneToOneField(
        "cases.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"voice call #{self.pk} ({self.outcome})"
