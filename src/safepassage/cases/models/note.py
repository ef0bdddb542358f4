"""Note: an operator's internal note on a case, sealed, never shown to the applicant."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField


class Note(models.Model):
    """An internal note."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = SealedField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the console form so a double-submitted note is stored once.
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="note_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"note #{self.pk}"
