"""Provider webhooks, served by the intake tier."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "channels"
urlpatterns: list[URLPattern | URLResolver] = []
