"""What every public page shares: language, headers, the cross-site check, rendering.

Public views are ``csrf_exempt`` on purpose: Django's CSRF protection needs a cookie or
a session, and these pages set no cookie before a receipt sign-in.  Posts are instead
refused when the browser says they come from another site (``Sec-Fetch-Site``, else
``Origin``); inbox forms also carry a token bound to the applicant's session cookie.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import pgettext
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

PUBLIC_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.PUBLIC_LANGUAGES)
LANGUAGE_NAMES: dict[str, str] = dict(settings.PUBLIC_LANGUAGES)
DEFAULT_LANGUAGE = "ru"
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'

View = Callable[..., HttpResponse]


def no_store(response: HttpResponse) -> HttpResponse:
    """Headers for a public response: nothing cached (a watched phone keeps no copy of
    the page), and a Referer only to our own pages (so a form post carries a real
    ``Origin``: with ``no-referrer`` browsers send ``Origin: null``)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def public_page(*methods: str) -> Callable[[View], View]:
    """Decorate a public view taking ``lang``: allowed methods, language active while
    it runs, no CSRF cookie (see the module docstring), public headers."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, lang: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return no_store(HttpResponseNotAllowed(methods))
            with translation.override(lang):
                response = view(request, *args, lang=lang, **kwargs)
            response.headers["Content-Language"] = lang
            return no_store(response)

        return csrf_exempt(wrapper)

    return decorate


def _own_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def is_cross_site(request: HttpRequest) -> bool:
    """Whether a post was sent from another site's page.

    ``Sec-Fetch-Site`` decides when present (all current browsers send it; ``none``
    means the user acted directly).  Otherwise a non-null ``Origin`` must be ours.
    Browsers too old for either header send neither, and are let through: refusing
    them would refuse the old phones many applicants have.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin != "null":
        return origin not in _own_origins(request)
    return False


def preferred_language(request: HttpRequest, among: tuple[str, ...] = PUBLIC_LANGUAGES) -> str:
    """The first of ``among`` the browser's ``Accept-Language`` asks for, else Russian
    (or the first of ``among`` when Russian is not one of them)."""
    header = str(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))[:500]
    for code, _quality in parse_accept_lang_header(header):
        primary = str(code).split("-")[0].lower()
        if primary in among:
            return primary
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in among else among[0]


def vary_on_language(response: HttpResponse) -> HttpResponse:
    """Mark a redirect chosen by Accept-Language (and keep it out of caches)."""
    patch_vary_headers(response, ["Accept-Language"])
    return no_store(response)


def page_title() -> str:
    """The configured neutral title, or a neutral default in the page language."""
    return str(settings.SAFEPASSAGE_PUBLIC_TITLE) or pgettext("intake", "Information")


@functools.lru_cache(maxsize=64)
def _page_url(prefix: str, name: str, lang: str) -> str:  # noqa: ARG001  (cache key)
    # The same few URLs on every page; reversing them each time was a tenth of a
    # submission's cost.  Keyed by the script prefix so a mounted deployment is right.
    return reverse(name, kwargs={"lang": lang})


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    lang: str,
    switch_to: str = "intake:form",
    switch_query: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a public page with the shared context: title, language switch, exit."""
    languages = [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": _page_url(get_script_prefix(), switch_to, code) + switch_query,
            "current": code == lang,
        }
        for code in PUBLIC_LANGUAGES
    ]
    full = {"lang": lang, "title": page_title(), "languages": languages, **context}
    return render(request, template, full, status=status)


def retry_after(seconds: float) -> str:
    """A Retry-After value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))


def refused_cross_site(request: HttpRequest, *, lang: str) -> HttpResponse:
    """The page shown when a post came from another site."""
    return render_page(request, "intake/refused.html", {}, lang=lang, status=403)
