"""RepatriationWish: the person's wish for the end of the war, one row per change."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField


class RepatriationWish(models.Model):
    """A recorded wish (a ``Wish`` code, sealed) and when he stated it.

    The wish is sealed, not a plain code: "not to be exchanged" or "join a unit in
    Ukraine's defence" in a seized database would endanger him and his family.
    The newest row is the current wish; older rows are its history.
    """

    record = models.ForeignKey(
        "register.CapturedPerson", on_delete=models.PROTECT, related_name="wishes"
    )
    wish = SealedField()
    stated_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["stated_on", "id"]

    def __str__(self) -> str:
        return f"wish #{self.pk}"
