"""MediaAttachment: a photo, voice note or document that came with a message, sealed."""

from __future__ import annotations

from django.db import models

from safepassage.crypto.fields import SealedField

MAX_MEDIA_BYTES = 20 * 1024 * 1024  # the Bot API's download limit; WhatsApp's is larger


class MediaKind(models.TextChoices):
    PHOTO = "photo", "Photo"
    VOICE = "voice", "Voice message"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    DOCUMENT = "document", "Document"


class MediaState(models.TextChoices):
    PENDING = "pending", "Being fetched"
    STORED = "stored", "Stored"
    FAILED = "failed", "Could not be fetched"
    TOO_LARGE = "too_large", "Too large"


class MediaAttachment(models.Model):
    """The file is fetched by the worker (a task, outside the envelope's transaction),
    sealed as one value, and opened only through the console's audited media view."""

    message = models.ForeignKey("cases.Message", on_delete=models.PROTECT, related_name="media")
    instance = models.ForeignKey(
        "channels.ChannelInstance", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=MediaKind.choices)
    # The provider's file reference (Telegram file_id, WhatsApp media id), sealed.
    provider_ref = SealedField()
    file_name = SealedField(null=True, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    content = SealedField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=MediaState.choices, default=MediaState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    stored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"
