"""``/api/v1/`` URLs: every operation audited, the reference page allowed its scripts.

Mounted by ``safepassage.urls`` on the console tier only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from safepassage.api.auth import client_of
from safepassage.api.main import api
from safepassage.apiclients.domain import audit_call
from safepassage.security.headers import CONSOLE_CSP

View = Callable[..., HttpResponse]


def audited(view: View) -> View:
    """Audit every call that authenticated as a client (refused ones too), by its name."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        client = client_of(request)
        if client is not None:
            match = request.resolver_match
            audit_call(
                client,
                operation=f"{request.method} {match.route if match else request.path}",
                status=response.status_code,
            )
        return response

    return wrapper


def reference_page(view: View) -> View:
    """The Swagger UI page runs vendored scripts: give it the console's CSP (script-src
    'self'), not the public pages' (no scripts at all)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONSOLE_CSP
        return response

    return wrapper


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        decorate = reference_page if pattern.name == "openapi-view" else audited
        wrapped.append(path(str(pattern.pattern), decorate(pattern.callback), name=pattern.name))
    return wrapped


app_name = "api"
urlpatterns = _patterns()
