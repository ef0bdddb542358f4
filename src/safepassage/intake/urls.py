"""Public URLs."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = []
