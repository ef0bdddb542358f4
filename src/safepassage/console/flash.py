"""One-off notices shown on the next console page ("Password changed.").

Kept in the session (the console cookie is limited to /console/); Django's messages
framework would add a cookie on ``/``, which the public site must never receive.
"""

from __future__ import annotations

from django.http import HttpRequest

_KEY = "console_flash"
LEVELS = frozenset({"info", "success", "warning", "error"})


def flash(request: HttpRequest, message: str, *, level: str = "info") -> None:
    """Queue ``message`` (already translated, no personal data) for the next page."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    pending = list(request.session.get(_KEY, []))
    pending.append({"level": level, "message": str(message)})
    request.session[_KEY] = pending


def pop_flashes(request: HttpRequest) -> list[dict[str, str]]:
    """The queued notices, removed from the session."""
    if not hasattr(request, "session") or _KEY not in request.session:
        return []
    return list(request.session.pop(_KEY))
