"""The audit chain.

Each event stores the hash of the previous one and a contiguous sequence number, so
editing, deleting or reordering any row breaks verification at that row.  Events carry
identifiers and codes only (case reference, states, reason codes) — never personal data.

Rights the code needs (the per-tier grants): ``audit_auditevent`` INSERT and SELECT only
(never UPDATE or DELETE: events are written once); ``audit_audithead`` SELECT, INSERT and
UPDATE (one row, moved forward by every append); ``audit_auditsignedhead`` INSERT and
SELECT (signed heads are written once).  Appending also draws the event's id from the
event table's identity sequence (USAGE on it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One audited action: who did what to which object, chained to the previous event."""

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept beside the foreign key so the chain still verifies if an account is renamed.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_ref = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which formula ``hash`` was computed with (safepassage.audit.hashing): 1 for events
    # written before the formula covered every column, 2 since.
    hash_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_ref}"


class AuditHead(models.Model):
    """Single row holding the chain's last sequence number and hash.

    Appenders lock this row (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises
    writers) so two concurrent events can never claim the same predecessor.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditSignedHead(models.Model):
    """A chain head (event count and last hash) signed with the programme signing key.

    The same line is appended to the witness file outside the database; this copy lets
    ``audit verify`` check heads even where the file is not at hand.  Rows are only ever
    inserted.
    """

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=32)
    signature = models.CharField(max_length=88)

    class Meta:
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"signed audit head #{self.seq}"
