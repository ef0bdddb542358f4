"""CaptureCard: one Art. 70 capture card, from the moment it falls due until it is sent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField
from safepassage.register.states import OUTSTANDING_CARD_STATUSES, CardStatus, CardTrigger


class CaptureCard(models.Model):
    """A card due (after arrival, transfer or hospital admission), printed, then sent.

    ``content`` is the sealed snapshot printed on the card, so a reprint shows exactly
    what was sent even after the record changed.  ``coming_from`` is the place he left
    when the card fell due (printed as "coming from").
    """

    record = models.ForeignKey(
        "register.CapturedPerson", on_delete=models.PROTECT, related_name="cards"
    )
    trigger = models.CharField(max_length=16, choices=CardTrigger.choices)
    trigger_event = models.ForeignKey(
        "register.WelfareEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
    )
    triggered_on = models.DateField()
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=CardStatus.choices, default=CardStatus.DUE)
    coming_from = SealedField(null=True, blank=True)
    content = SealedField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"capture card #{self.pk}"

    @property
    def is_outstanding(self) -> bool:
        """Whether this card still has to reach the family and the Central Agency."""
        return self.status in OUTSTANDING_CARD_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Outstanding after its due date (a week after the event that made it due)."""
        return self.is_outstanding and today > self.due_on
