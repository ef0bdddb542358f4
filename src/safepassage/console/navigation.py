"""The console navigation: built from the URLconf, so it shows only what a role may open.

Each entry names a URL; an entry appears when that URL exists and its view's
``console_roles`` include the account's role.  Each console area adds its own entries by
defining ``nav_items`` (a list of ``(url name, label)``) in its URL module (those listed in
``console.urls.EXTRA_URL_MODULES``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Account

_OWN_BEFORE: list[tuple[str, str | Promise]] = [
    ("console:home", _("Home")),
]
_OWN_AFTER: list[tuple[str, str | Promise]] = [
    ("console:accounts", _("Accounts")),
    ("console:access-requests", _("Access requests")),
    ("console:audit", _("Audit log")),
]


# The console areas' URL modules, each with its ``nav_items``; ``console/urls.py``
# includes them.  Queues, cases, search, supervision; channels and hotline; the
# analyst dashboard; campaigns; the captured-person register; flood groups.
EXTRA_URL_MODULES = (
    "safepassage.console.urls_cases",
    "safepassage.console.urls_channels",
    "safepassage.console.urls_stats",
    "safepassage.console.urls_campaigns",
    "safepassage.console.urls_register",
    "safepassage.console.urls_floods",
    "safepassage.console.urls_retention",
    "safepassage.console.urls_api_clients",
)


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation bar."""

    url: str
    label: str
    current: bool


def _entries() -> list[tuple[str, str | Promise]]:
    extra: list[tuple[str, str | Promise]] = []
    for module_name in EXTRA_URL_MODULES:
        extra += getattr(importlib.import_module(module_name), "nav_items", [])
    return _OWN_BEFORE + extra + _OWN_AFTER


def nav_items_for(account: Account, current_path: str) -> list[NavItem]:
    """The links ``account`` may follow, in order, marking the one being viewed."""
    items = []
    for name, label in _entries():
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        roles: frozenset[str] = getattr(resolve(url).func, "console_roles", frozenset())
        if account.role not in roles:
            continue
        current = current_path == url or (
            url != reverse("console:home") and current_path.startswith(url)
        )
        items.append(NavItem(url=url, label=str(label), current=current))
    return items
