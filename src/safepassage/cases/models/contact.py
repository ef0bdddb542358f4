"""Contact: one channel identity through which a case is reached."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.states import Channel
from safepassage.crypto.fields import BlindIndexField, SealedField


class Relation(models.TextChoices):
    SELF = "self", _("The person himself")
    RELATIVE = "relative", _("A relative or friend")
    UNKNOWN = "unknown", _("Unknown")


class Contact(models.Model):
    """A web receipt, Telegram chat, WhatsApp/SMS number or hotline caller.

    ``identity_index`` is a blind index of the channel identity (chat id, phone number)
    so the worker can find the contact again without storing the identity in the clear.
    Web contacts are found by ``receipt_lookup_hash`` instead, and carry the applicant's
    public key so that replies can be sealed to the applicant as well.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contacts")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.UNKNOWN)
    identity = SealedField(null=True, blank=True)
    identity_index = BlindIndexField()
    receipt_lookup_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    applicant_public_key = models.BinaryField(max_length=32, null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "identity_index"],
                condition=~models.Q(identity_index=""),
                name="contact_unique_channel_identity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} contact #{self.pk}"
