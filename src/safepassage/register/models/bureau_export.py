"""BureauExport: one batch for the information bureau (Art. 122-123)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.crypto.fields import SealedField
from safepassage.register.states import ExportStatus


class BureauExport(models.Model):
    """A batch prepared by a registrar, then approved (and signed) or rejected.

    ``payload`` is the exact JSON the supervisor reviews and the signature covers,
    sealed at rest.  ``items`` holds identifiers only: each record's id and the
    revision included, the event ids included, and the records held back.
    """

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    payload = SealedField()
    items = models.JSONField(default=dict)
    record_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    held_back_count = models.PositiveIntegerField(default=0)
    # Detached Ed25519 signature over the payload bytes (64 bytes), set on approval.
    signature = models.BinaryField(null=True, blank=True)
    prepared_at = models.DateTimeField(auto_now_add=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            # At most one batch waits for review: the next one is cut after it.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="pending"),
                name="bureau_export_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"bureau export #{self.number}"
