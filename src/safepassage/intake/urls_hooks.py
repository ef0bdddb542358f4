"""Provider webhooks, served by the intake tier at ``/hooks/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from safepassage.intake.views.webhooks import webhook

app_name = "hooks"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:type_slug>/<str:key>/", webhook, name="webhook"),
    path("<slug:type_slug>/<str:key>/<slug:endpoint>/", webhook, name="webhook-endpoint"),
]
