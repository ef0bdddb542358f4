"""URLs of the admin's API client pages, included by ``console/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import api_clients

urlpatterns: list[URLPattern | URLResolver] = [
    path("api-clients/", api_clients.client_list, name="api-clients"),
    path("api-clients/new/", api_clients.client_create, name="api-client-create"),
    path(
        "api-clients/<int:client_id>/approve/",
        api_clients.client_approve,
        name="api-client-approve",
    ),
    path(
        "api-clients/<int:client_id>/refuse/", api_clients.client_refuse, name="api-client-refuse"
    ),
    path(
        "api-clients/<int:client_id>/revoke/", api_clients.client_revoke, name="api-client-revoke"
    ),
]

# Navigation entries (url name, label), in the same form as urls_cases.nav_items.
nav_items: list[tuple[str, str | Promise]] = [("console:api-clients", _("API clients"))]
