"""The project's URLs with the register mounted in the console namespace.

Until ``console/urls.py`` includes ``urls_register`` these tests mount it themselves;
once it does, the real URLconf already holds the register and nothing is added.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from safepassage import urls as project_urls
from safepassage.console import urls as console_urls
from safepassage.console import urls_register


def _mounted(patterns: list[URLPattern | URLResolver]) -> bool:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if (
                entry.urlconf_module is urls_register
                or getattr(entry.urlconf_name, "__name__", entry.urlconf_name)
                == "safepassage.console.urls_register"
            ):
                return True
            if _mounted(entry.url_patterns):
                return True
    return False


_console = list(console_urls.urlpatterns)
if not _mounted(_console):
    _console.append(path("", include("safepassage.console.urls_register")))

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/", include((_console, "console"))),
    *(
        entry
        for entry in project_urls.urlpatterns
        if not (isinstance(entry, URLResolver) and entry.namespace == "console")
    ),
]
