"""Provider webhooks, served by the intake tier at ``/hooks/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from safepassage.channels import views

app_name = "channels"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:type_slug>/<str:key>/", views.webhook, name="webhook"),
    path("<slug:type_slug>/<str:key>/<slug:endpoint>/", views.webhook, name="webhook-endpoint"),
]
