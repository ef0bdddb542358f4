"""Placeholder: the cases console (queue, case workspace, search, supervision) mounts here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
