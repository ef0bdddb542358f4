"""A URLconf for tests: the project's, plus the stats and campaign pages if the console's
URLconf does not include them yet (the lead wires them into ``console/urls.py``)."""

from __future__ import annotations

from types import ModuleType

from django.urls import URLPattern, URLResolver, include, path

from safepassage import urls as project_urls
from safepassage.console import urls as console_urls

EXTRA = ("safepassage.console.urls_stats", "safepassage.console.urls_campaigns")


def _included(patterns: list[URLPattern | URLResolver]) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            conf = pattern.urlconf_name
            names.add(conf.__name__ if isinstance(conf, ModuleType) else str(conf))
    return names


_missing = [name for name in EXTRA if name not in _included(console_urls.urlpatterns)]
_console = [*console_urls.urlpatterns, *(path("", include(name)) for name in _missing)]

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/", include((_console, "console"))),
    *[p for p in project_urls.urlpatterns if not str(p.pattern).startswith("console/")],
]
