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
    # Verified, but no chance to cross yet: checked in with on an agreed rhythm.
    WAITING = "waiting", _("Waiting list")
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


class WaitingReason(models.TextChoices):
    """Why a verified person cannot cross yet (one of these, never free text: the reason
    is shown on the queue and counted, and free text invites personal detail)."""

    NO_SAFE_WINDOW = "no_safe_window", _("No safe window on his sector")
    NOT_AT_FRONT = "not_at_front", _("Not yet at the front line")
    WAITING_FOR_GROUP = "waiting_for_group", _("Waiting for the rest of his group")
    FAMILY_SAFETY = "family_safety", _("Family safety first")
    NOT_READY = "not_ready", _("Not ready yet")
    OTHER = "other", _("Other reason")


class EvidenceKind(models.TextChoices):
    """What an operator confirmed to verify a person (the verification checklist)."""

    SERVICE_NUMBER = "service_number", _("Service number confirmed")
    RELATIVE = "relative", _("Relative confirmed")
    DOCUMENT_PHOTO = "document_photo", _("Photo of a document")
    UNIT = "unit", _("Unit confirmed")


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
    (S.VERIFIED, S.WAITING): frozenset({OPERATOR, SUPERVISOR}),
    (S.WAITING, S.PLANNING): frozenset({OPERATOR, SUPERVISOR}),
    # A postponed plan puts the person back on the waiting list.
    (S.PLANNING, S.WAITING): frozenset({OPERATOR, SUPERVISOR}),
    # A plan can fall through; the person goes back to waiting, verified.
    (S.PLANNING, S.VERIFIED): frozenset({OPERATOR, SUPERVISOR}),
    (S.PLANNING, S.SURRENDERED): frozenset({OPERATOR, SUPERVISOR}),
    (S.CLOSED, S.ENGAGED): frozenset({SUPERVISOR, SYSTEM}),
}
CLOSABLE_FROM = frozenset({S.NEW, S.ENGAGED, S.VERIFIED, S.WAITING, S.PLANNING, S.SURRENDERED})
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
