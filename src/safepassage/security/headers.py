"""Security headers on every response.

Public pages get the strictest policy (no script at all); the console may load its own
vendored script (htmx) but never inline script.  Django's SecurityMiddleware adds HSTS,
nosniff and Referrer-Policy; this middleware adds what Django 5.2 does not.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PUBLIC_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def is_console_path(path: str) -> bool:
    """Whether a request path belongs to the operators' console."""
    return path.startswith(("/console/", "/static/console/"))


class SecurityHeadersMiddleware:
    """Add CSP, Permissions-Policy and cross-origin isolation headers to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        console = is_console_path(request.path)
        response.headers.setdefault(
            "Content-Security-Policy", CONSOLE_CSP if console else PUBLIC_CSP
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not console and settings.SAFEPASSAGE_ONION_LOCATION:
            response.headers.setdefault(
                "Onion-Location", settings.SAFEPASSAGE_ONION_LOCATION.rstrip("/") + request.path
            )
        if console or request.method != "GET":
            # Nothing an operator or applicant sees may sit in a shared cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
