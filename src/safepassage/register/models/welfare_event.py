"""WelfareEvent: one dated entry in a captured person's welfare log, details sealed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField
from safepassage.register.states import WelfareKind


class WelfareEvent(models.Model):
    """Food, medical care, correspondence, movements, release, repatriation, death.

    ``details`` is sealed JSON (place, prisoner number, note).  ``bureau_export`` is the
    approved batch that told the information bureau about it, if any.
    """

    record = models.ForeignKey(
        "register.CapturedPerson", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=32, choices=WelfareKind.choices)
    occurred_on = models.DateField()
    details = SealedField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bureau_export = models.ForeignKey(
        "register.BureauExport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"welfare event #{self.pk} ({self.kind})"
