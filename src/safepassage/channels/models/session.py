"""ChatSession: what the bot remembers about one chat on one channel instance."""

from __future__ import annotations

from django.db import models

from safepassage.crypto.fields import BlindIndexField, SealedField


class ChatSession(models.Model):
    """One chat (Telegram chat id, WhatsApp or SMS number) on one channel instance.

    It exists before any case does: a person who presses "Start" gets a greeting and a
    language choice, and their campaign code is remembered, but no case is opened until
    they write something.  ``contact`` is set from the first real message on.
    """

    instance = models.ForeignKey(
        "channels.ChannelInstance", on_delete=models.PROTECT, related_name="sessions"
    )
    identity = SealedField()
    identity_index = BlindIndexField(null=False, blank=False)
    contact = models.ForeignKey(
        "cases.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The bot's language for this chat: chosen by the person, else their app's language.
    language = models.CharField(max_length=8, blank=True)
    language_chosen = models.BooleanField(default=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last message from the person: opens WhatsApp's 24-hour customer-service window.
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "identity_index"], name="chat_session_unique_identity"
            )
        ]

    def __str__(self) -> str:
        return f"chat session #{self.pk}"
