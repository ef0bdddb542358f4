"""The case state machine: states, closure reasons, and who may move a case where.

Kept as data so the console, the worker and the tests read the same table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    NEW = "new", _("New")
    ENGAGED = "engaged", _("Engaged")
    VERIFIED = "verified", _("Verified")
    PLANNING = "planning", _("Planning")
    SURRENDERED = "surrendered", _("Surrendered")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNREACHABLE = "unreachable", _("Unreachable")
    INELIGIBLE = "ineligible", _("Ineligible")
    DUPLICATE = "duplicate", _("Duplicate")
    SUSPECTED_PROVOCATION = "suspected_provocation", _("Suspected provocation")


class InquiryType(models.TextChoices):
    SURRENDER = "surrender", _("Wants to surrender")
    CONSIDERING = "considering", _("Considering")
    AVOIDING_MOBILISATION = "avoiding_mobilisation", _("Avoiding mobilisation")
    FAMILY_MEMBER = "family_member", _("Family member writing")
    INFORMATION = "information", _("Information")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    HOTLINE = "hotline", _("Hotline")


SYSTEM = "system"
OPERATOR = "operator"
SUPERVISOR = "supervisor"

S = CaseState
# (from, to) -> actors allowed.  "system" is the worker (e.g. reopening a case when a
# closed contact writes again).  Closing is a separate rule below because it needs a reason.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.NEW, S.ENGAGED): frozenset({OPERATOR, SUPERVISOR}),
    (S.ENGAGED, S.VERIFIED): frozenset({OPERATOR, SUPERVISOR}),
    (S.VERIFIED, S.PLANNING): frozenset({OPERATOR, SUPERVISOR}),
    # A plan can fall through; the person goes back to waiting, verified.
    (S.PLANNING, S.VERIFIED): frozenset({OPERATOR, SUPERVISOR}),
    (S.PLANNING, S.SURRENDERED): frozenset({OPERATOR, SUPERVISOR}),
    (S.CLOSED, S.ENGAGED): frozenset({SUPERVISOR, SYSTEM}),
}
CLOSABLE_FROM = frozenset({S.NEW, S.ENGAGED, S.VERIFIED, S.PLANNING, S.SURRENDERED})
CLOSE_ACTORS = frozenset({SUPERVISOR})
# The worker may close as duplicate when it merges; supervisors may close for any reason.
SYSTEM_CLOSE_REASONS = frozenset({CloseReason.DUPLICATE})
# Reasons after which a new message from the same contact reopens the case rather than
# starting a new one.
REOPENABLE_REASONS = frozenset({CloseReason.WITHDRAWN, CloseReason.UNREACHABLE})
# A case closed only after surrender is completed, never for another reason.
SURRENDERED_CLOSE_REASONS = frozenset({CloseReason.COMPLETED})


def allowed_targets(state: str, actor_role: str) -> list[str]:
    """States an actor of this role may move a case to from ``state`` (closing included)."""
    targets = [
        to for (frm, to), roles in TRANSITIONS.items() if frm == state and actor_role in roles
    ]
    if state in CLOSABLE_FROM and (actor_role in CLOSE_ACTORS or actor_role == SYSTEM):
        targets.append(S.CLOSED)
    return targets
