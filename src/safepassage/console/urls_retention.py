"""URLs of the supervisor's retention page, included by ``console/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import retention

urlpatterns: list[URLPattern | URLResolver] = [
    path("retention/", retention.retention_overview, name="retention"),
    path("retention/<str:reference>/hold/", retention.retention_hold, name="retention-hold"),
    path(
        "retention/<str:reference>/purge/",
        retention.retention_purge_forward,
        name="retention-purge-forward",
    ),
]

# Navigation entries (url name, label), in the same form as urls_cases.nav_items.
nav_items: list[tuple[str, str | Promise]] = [("console:retention", _("Retention"))]
