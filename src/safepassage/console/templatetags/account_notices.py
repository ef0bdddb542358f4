"""The accounts notices on supervisors' and admins' pages: sign-in alerts (issue 14) and
grants of access waiting for them (issue 12)."""

from __future__ import annotations

from typing import Any

from django import template

from safepassage.accounts import domain
from safepassage.accounts.alerts import SignInAlert, recent_sign_in_alerts
from safepassage.accounts.models import Role
from safepassage.console.access import current_account

register = template.Library()

# Who is told that someone is guessing at an account: those who can act on it.
_ALERTED_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


@register.simple_tag(takes_context=True)
def sign_in_alerts(context: dict[str, Any]) -> list[SignInAlert]:
    """Recent sign-in alerts for a signed-in supervisor or admin (else nothing)."""
    request = context.get("request")
    if request is None:
        return []
    account = current_account(request)
    if account is None or account.role not in _ALERTED_ROLES:
        return []
    return recent_sign_in_alerts()


@register.simple_tag(takes_context=True)
def access_requests_waiting(context: dict[str, Any]) -> int:
    """How many access requests the signed-in person may decide now."""
    request = context.get("request")
    if request is None:
        return 0
    account = current_account(request)
    if account is None or account.role not in _ALERTED_ROLES:
        return 0
    return len(domain.pending_for(account))
