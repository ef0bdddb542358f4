"""What the worker notes about new cases, and the flood groups supervisors decide on.

No personal data lives here: case references through foreign keys, channel codes,
times, and keyed digests that cannot be computed without the programme's index key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.states import Channel


class MarkKind(models.IntegerChoices):
    ARRIVAL = 1, "arrival"
    BAND = 2, "band"


class CaseMark(models.Model):
    """One mark of a newly opened case: its arrival on a channel, or one keyed MinHash
    band digest of its first message (``fingerprint.py``).

    Marks are only needed for the look-back window (``conf.FloodSettings.mark_lifetime``)
    and are pruned after it.  Arrival marks carry ``fingerprint.arrival_digest(channel)``
    so that the one ``(digest, created_at, case)`` index answers both "which recent cases
    share this band" and "how many cases arrived on this channel lately" from the index
    alone, with a LIMIT, however large a flood grows.
    """

    digest = models.BigIntegerField()
    kind = models.PositiveSmallIntegerField(choices=MarkKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # When the case's first message was received (not when the worker got to it), so a
    # backlog worked off at once does not look like a burst.
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["digest", "created_at", "case"], name="floods_mark_lookup"),
            models.Index(fields=["created_at"], name="floods_mark_age"),
        ]

    def __str__(self) -> str:
        return f"mark {self.pk} of case {self.case_id}"


class GroupKind(models.TextChoices):
    BURST = "burst", _("Burst of new cases")
    NEAR_DUPLICATE = "near_duplicate", _("Near-identical messages")


class Verdict(models.TextChoices):
    OPEN = "open", _("Awaiting a decision")
    CONFIRMED = "confirmed", _("Confirmed flood")
    NOT_FLOOD = "not_flood", _("Not a flood")


class FloodGroup(models.Model):
    """Cases that arrived as one flood: a burst on a channel, or a cluster of
    near-identical first messages (on any channel; ``channel`` is where it was first seen).

    Member counts and first/last arrival are read from the memberships rather than kept
    on this row: during a flood every worker would otherwise update this one row and hold
    its lock until its batch commits, queueing all workers behind each other.
    """

    kind = models.CharField(max_length=16, choices=GroupKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    opened_at = models.DateTimeField(auto_now_add=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "channel"], name="floods_group_kind")]

    def __str__(self) -> str:
        return f"flood group {self.pk}"


class FloodMembership(models.Model):
    """A case in a flood group.

    ``flagged`` says whether the case currently carries the group's ``flood:<id>`` risk
    flag, which is what hides it from (or sorts it last in) the queues: true while the
    group awaits a decision or is a confirmed flood, false once a supervisor said it is
    not a flood.
    """

    group = models.ForeignKey(FloodGroup, on_delete=models.CASCADE, related_name="memberships")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # When the case arrived (its first message), not when it was added to the group.
    joined_at = models.DateTimeField()
    flagged = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "case"], name="floods_member_once"),
        ]
        indexes = [
            models.Index(fields=["group", "joined_at"], name="floods_member_time"),
            models.Index(fields=["case", "group"], name="floods_member_case"),
            # The queue's "suspected flood" subquery reads this index alone.
            models.Index(fields=["flagged", "case"], name="floods_member_flagged"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} in flood group {self.group_id}"
