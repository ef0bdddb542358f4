"""CaseRetention: a case's legal hold, brought-forward purge and purge record.

One row per case that a supervisor touched or the purge reached; cases without a row
follow the rules.  After a purge the row is the tombstone's memory: when and under which
rule the case was purged, and the first inbound time the response-time statistics need
(its messages are gone).  Nothing personal: references, dates and rule names only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CaseRetention(models.Model):
    """Retention state of one case."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="retention")
    legal_hold = models.BooleanField(default=False)
    hold_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hold_changed_at = models.DateTimeField(null=True, blank=True)
    # Set by "bring this case's purge forward": purge at the next run whatever the rules say.
    purge_requested_at = models.DateTimeField(null=True, blank=True)
    purge_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The conversation (scope "case") was purged: when, and under which rule.
    purged_at = models.DateTimeField(null=True, blank=True, db_index=True)
    purge_rule = models.CharField(max_length=16, blank=True)
    # The register record (scope "register") was purged.
    register_purged_at = models.DateTimeField(null=True, blank=True)
    # Kept for analytics_rebuild, which otherwise reads it from the (deleted) messages.
    first_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["legal_hold"], name="retention_hold")]

    def __str__(self) -> str:
        return f"retention of case #{self.case_id}"
