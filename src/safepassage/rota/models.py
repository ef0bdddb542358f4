"""Planned shifts (who, when, which languages), what actually happened, and the alerts
raised about gaps in coverage."""

from __future__ import annotations

from django.db import models

from safepassage.accounts.models import Account


class Shift(models.Model):
    """One planned shift of one operator, and when it actually started and ended.

    ``languages`` are the queues the person covers on this shift (a subset of what the
    account reads).  ``started_at``/``ended_at`` are set by the operator's one-click
    start and end: the rota shows planned against actual, and "on shift now" derives
    from them, never from the plan alone.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="shifts")
    languages = models.JSONField(default=list)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"shift {self.pk} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        """Started and not ended yet."""
        return self.started_at is not None and self.ended_at is None


class AlertKind(models.TextChoices):
    """What an alert is about."""

    GAP = "gap", "gap"
    LATE = "late", "late"


class CoverageAlert(models.Model):
    """One alert pushed to supervisors, kept so each gap (or late case) alerts once.

    ``key`` is unique: ``gap:<language>:<first uncovered moment>`` or
    ``late:<case id>:<waiting since>``.  Holds no case content: a language, a moment, a
    case's database id for de-duplication only.  A gap alert stays open until the
    language is covered again through the whole horizon; while one is open for a
    language, that language raises no new gap alert.
    """

    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    language = models.CharField(max_length=8)
    key = models.CharField(max_length=120, unique=True)
    gap_starts_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "language", "resolved_at"])]

    def __str__(self) -> str:
        return self.key
