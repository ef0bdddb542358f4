"""VerificationCheck: one item of a case's verification checklist, and who checked it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safepassage.cases.states import EvidenceKind
from safepassage.crypto.fields import SealedField


class VerificationCheck(models.Model):
    """One kind of evidence confirmed on a case, by whom and when.

    The detail (how it was confirmed) may name people or documents, so it is sealed.
    One row per case and kind: confirming a kind again is refused, withdrawing it
    deletes the row; the audit chain keeps the history of both.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="verification_checks"
    )
    kind = models.CharField(max_length=32, choices=EvidenceKind.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    detail = SealedField(null=True, blank=True)

    class Meta:
        ordering = ["checked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="verification_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on case #{self.case_id}"
