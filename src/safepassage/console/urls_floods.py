"""The Floods pages (supervisors), included by ``console/urls.py`` under the console
namespace (``EXTRA_URL_MODULES``); the access-matrix test walks these patterns too."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import floods as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("floods/", views.flood_list, name="floods"),
    path("floods/<int:group_id>/", views.flood_detail, name="flood"),
    path("floods/<int:group_id>/confirm/", views.flood_confirm, name="flood-confirm"),
    path("floods/<int:group_id>/dismiss/", views.flood_dismiss, name="flood-dismiss"),
    path(
        "floods/<int:group_id>/members/<str:reference>/remove/",
        views.flood_member_remove,
        name="flood-member-remove",
    ),
]

# Navigation entry (url name, label), as in console/urls_cases.py.
nav_items: list[tuple[str, str | Promise]] = [("console:floods", _("Floods"))]
