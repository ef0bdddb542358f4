"""URLs of the analyst dashboard, included under ``stats/`` by ``console/urls.py``.

Every view is wrapped by ``console_view("analyst", "supervisor")``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import stats

urlpatterns: list[URLPattern | URLResolver] = [
    path("stats/", stats.dashboard, name="stats"),
    path("stats/public/", stats.public_totals, name="stats-public"),
    path("stats/export/<slug:table>.<str:fmt>", stats.export, name="stats-export"),
]

# Navigation entries (url name, label), in the same form as urls_cases.nav_items.
nav_items: list[tuple[str, str | Promise]] = [("console:stats", _("Statistics"))]
