"""Sign-in alerts for supervisors: which accounts someone has been guessing at.

An alert is the ``account.sign_in_alert`` audit event raised by the throttle; this module
reads recent ones for the notice on supervisors' (and admins') pages.  It names the
account and the number of failures only: no address, nothing typed, no case content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from safepassage.accounts.throttle import ALERT_ACTION
from safepassage.audit.models import AuditEvent

# How long an alert stays on the supervisors' pages.
ALERT_SHOWN_FOR = timedelta(hours=24)
_MAX_SHOWN = 10


@dataclass(frozen=True)
class SignInAlert:
    """One alert as shown: the account name, when, and how many failures."""

    username: str
    at: datetime
    failures: int


def recent_sign_in_alerts(*, now: datetime | None = None) -> list[SignInAlert]:
    """Alerts of the last 24 hours, newest first (at most ten; one query)."""
    now = timezone.now() if now is None else now
    events = AuditEvent.objects.filter(
        action=ALERT_ACTION, created_at__gte=now - ALERT_SHOWN_FOR
    ).order_by("-seq")[:_MAX_SHOWN]
    return [
        SignInAlert(
            username=event.object_ref,
            at=event.created_at,
            failures=int(event.detail.get("failures", 0)),
        )
        for event in events
    ]
