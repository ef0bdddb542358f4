"""URL configuration, mounted per tier: the intake serves only public pages and
webhooks, the console only the operators' app, the worker nothing at all."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = []

if settings.SAFEPASSAGE_ROLE in {"console", "all"}:
    urlpatterns.append(path("console/", include("safepassage.console.urls")))
    # The partner API (issue 18): console tier only, never on the public intake.
    urlpatterns.append(path("api/v1/", include("safepassage.api.urls")))
if settings.SAFEPASSAGE_ROLE in {"intake", "all"}:
    urlpatterns.append(path("hooks/", include("safepassage.intake.urls_hooks")))
    urlpatterns.append(path("", include("safepassage.intake.urls")))
