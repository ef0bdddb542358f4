"""Merge: the reversible record of one case absorbed into another."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Merge(models.Model):
    """``absorbed`` was found to be the same person as ``kept`` and folded into it.

    The row remembers exactly what moved (contact, message and note ids), which identity
    fields of ``kept`` were filled from ``absorbed``, and ``absorbed``'s state before it
    was closed as a duplicate, so that an unmerge puts everything back.  Ids only: no
    personal value is copied here.
    """

    kept = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="merges_absorbed"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    absorbed_state = models.CharField(max_length=16)
    absorbed_close_reason = models.CharField(max_length=32, blank=True)
    absorbed_first_response_at = models.DateTimeField(null=True, blank=True)
    contact_ids = models.JSONField(default=list)
    message_ids = models.JSONField(default=list)
    note_ids = models.JSONField(default=list)
    filled_fields = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"merge #{self.pk}"
