"""Case: one person's journey from first contact to surrender (or closure)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from safepassage.cases.states import (
    CaseState,
    Channel,
    CloseReason,
    InquiryType,
    WaitingReason,
)
from safepassage.crypto.fields import BlindIndexField, SealedField

# Unambiguous on a phone line: no 0/O, 1/I/L.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_case_reference() -> str:
    """A short random reference such as ``K7Q-4MX-9TD`` (not derived from any content)."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(9))
    return f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"


class Case(models.Model):
    """A person's case.  Identity fields are sealed; searchable ones carry blind indexes."""

    reference = models.CharField(max_length=16, unique=True, default=new_case_reference)
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.NEW)
    close_reason = models.CharField(max_length=32, choices=CloseReason.choices, blank=True)
    inquiry_type = models.CharField(
        max_length=32, choices=InquiryType.choices, default=InquiryType.OTHER
    )
    # The queue the case sits in: the language its applicant writes.
    language = models.CharField(max_length=8, db_index=True)
    first_channel = models.CharField(max_length=16, choices=Channel.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )

    # Identity, sealed.  Each exact-match-searchable field has a blind index beside it.
    name = SealedField(null=True, blank=True)
    name_index = BlindIndexField()
    # The name's sound key (``cases.name_sound``): the same name spelt in another script
    # or system meets here; used for same-person suggestions, never shown.
    name_sound_index = BlindIndexField()
    rank = SealedField(null=True, blank=True)
    unit = SealedField(null=True, blank=True)
    unit_index = BlindIndexField()
    service_number = SealedField(null=True, blank=True)
    service_number_index = BlindIndexField()
    date_of_birth = SealedField(null=True, blank=True)
    date_of_birth_index = BlindIndexField()
    area = SealedField(null=True, blank=True)

    # Operational facts that do not identify anyone on their own.
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    no_filming = models.BooleanField(
        default=False, help_text="The person asked not to be filmed or published."
    )
    risk_flags = models.JSONField(default=list, blank=True)

    # The waiting list: why the person waits, how often we agreed to check in, and when
    # the next check-in is due (null when the case is not waiting).
    waiting_reason = models.CharField(max_length=32, choices=WaitingReason.choices, blank=True)
    check_in_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    next_check_in_at = models.DateTimeField(null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    # Oldest inbound message not yet answered; null when the case is not waiting on us.
    waiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency: forms carry the version they were rendered with.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "language", "waiting_since"]),
            models.Index(fields=["assigned_to", "state"]),
            # The language queues: by language, who holds the case, its state and how
            # long it has waited.  Serves the queue rows (sorted by waiting time, then
            # id: all in the index) and the unassigned counts as index-only reads.  Not
            # a partial index: SQLite cannot match a partial index's condition against
            # the bound parameters Django sends.
            models.Index(
                fields=["language", "assigned_to", "state", "waiting_since"],
                name="case_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
