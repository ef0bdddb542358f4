"""URLs of campaign management (supervisor, admin), included by ``console/urls.py``.

Every view is wrapped by ``console_view(Role.SUPERVISOR, Role.ADMIN)``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import campaigns

urlpatterns: list[URLPattern | URLResolver] = [
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path("campaigns/<str:code>/", campaigns.campaign_detail, name="campaign"),
    path(
        "campaigns/<str:code>/leaflet-<str:language>-<str:size>.pdf",
        campaigns.campaign_leaflet,
        name="campaign-leaflet",
    ),
]

# Navigation entries (url name, label), in the same form as urls_cases.nav_items.
nav_items: list[tuple[str, str | Promise]] = [("console:campaigns", _("Campaigns"))]
