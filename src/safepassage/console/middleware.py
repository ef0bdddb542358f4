"""Console session rules and language, applied to every request under /console/.

- A signed-in session that is not verified (both steps), that started before the
  account's last "sign out everywhere", or that has been idle too long is ended here, so
  no view ever sees it.  Requests marked ``X-Console-Poll: 1`` (htmx polling) do not count
  as activity: a queue left open on a screen must not keep a session alive for ever.
- A console view that declares neither its roles (``console_view``) nor that it is
  public (``console_public``) is refused with a 404 before it runs: access is denied by
  default, so a view added without a rule cannot leak.
- Console pages carry ``Referrer-Policy: same-origin`` (see ``__call__``).
- The console language is the account's choice, else the console language cookie, else
  the browser's preference among English and Ukrainian.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from safepassage.accounts.models import Account
from safepassage.accounts.sessions import is_idle, is_verified_session, touch

logger = logging.getLogger(__name__)

LANGUAGE_COOKIE = "sp_console_lang"
CONSOLE_PREFIX = "/console/"
# Set on the fresh (anonymous) session after an idle sign-out, so the sign-in page can
# say why the person is there.
IDLE_SIGNED_OUT = "console_idle_signed_out"


def console_language_codes() -> list[str]:
    """The console's interface languages."""
    return [code for code, _name in settings.CONSOLE_LANGUAGES]


def choose_language(request: HttpRequest) -> str:
    """The interface language for this request (see module docstring for the order)."""
    codes = console_language_codes()
    user = getattr(request, "user", None)
    if isinstance(user, Account) and user.is_authenticated and user.console_language in codes:
        return user.console_language
    cookie = request.COOKIES.get(LANGUAGE_COOKIE, "")
    if cookie in codes:
        return cookie
    # The first console language the browser lists, even after ones the console lacks
    # (a Ukrainian operator's browser may put Russian first).
    header = request.headers.get("Accept-Language", "")
    for tag, _quality in parse_accept_lang_header(header):
        base = tag.split("-")[0].lower()
        if base in codes:
            return base
    return codes[0]


class ConsoleMiddleware:
    """Ends stale console sessions and activates the console language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(CONSOLE_PREFIX):
            return self.get_response(request)
        self._check_session(request)
        language = choose_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # Not "no-referrer" (the public site's policy): under it browsers send
        # "Origin: null" with form posts and Django's CSRF check refuses every console form.
        # "same-origin" still sends nothing to any other site.
        response.headers["Referrer-Policy"] = "same-origin"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    @staticmethod
    def process_view(
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],  # noqa: ARG004 - Django's process_view signature
        view_kwargs: dict[str, Any],  # noqa: ARG004
    ) -> HttpResponse | None:
        """Refuse a console view that declares no access rule (deny by default)."""
        if not request.path.startswith(CONSOLE_PREFIX):
            return None
        if getattr(view_func, "console_roles", None) or getattr(view_func, "console_public", False):
            return None
        logger.error("console view without an access rule refused: %s", view_func.__qualname__)
        return HttpResponseNotFound()

    @staticmethod
    def _check_session(request: HttpRequest) -> None:
        user = request.user
        if not isinstance(user, Account) or not user.is_authenticated:
            return
        session = request.session
        if not is_verified_session(session, user):
            logout(request)
            return
        if is_idle(session):
            logout(request)
            request.session[IDLE_SIGNED_OUT] = True
            return
        if request.headers.get("X-Console-Poll") != "1":
            touch(session)
