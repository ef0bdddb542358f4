"""The console URLconf with the channel pages mounted, as console/urls.py will include
them (``path("", include("safepassage.console.urls_channels"))``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from safepassage.console import urls as console_urls
from safepassage.console import urls_channels

_names = {getattr(p, "name", None) for p in console_urls.urlpatterns}
_extra = [p for p in urls_channels.urlpatterns if getattr(p, "name", None) not in _names]

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/", include((_extra + list(console_urls.urlpatterns), "console"))),
    path("hooks/", include("safepassage.channels.urls")),
]
