"""Template tags for the console layout: navigation and one-off notices."""

from __future__ import annotations

from typing import Any

from django import template

from safepassage.console.access import current_account
from safepassage.console.flash import pop_flashes
from safepassage.console.navigation import NavItem, nav_items_for

register = template.Library()


@register.simple_tag(takes_context=True)
def console_nav(context: dict[str, Any]) -> list[NavItem]:
    """Navigation links for the signed-in account (empty when nobody is signed in)."""
    request = context.get("request")
    if request is None:
        return []
    account = current_account(request)
    if account is None:
        return []
    return nav_items_for(account, request.path)


@register.simple_tag(takes_context=True)
def console_flashes(context: dict[str, Any]) -> list[dict[str, str]]:
    """Notices queued with ``console.flash.flash`` for this page."""
    request = context.get("request")
    return pop_flashes(request) if request is not None else []
