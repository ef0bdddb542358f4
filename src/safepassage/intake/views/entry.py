"""Ways in and out: ``/`` by browser language, appeal links ``/c/<CODE>``, quick exit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from safepassage.campaigns.models import CODE_PATTERN, Campaign, normalise_code
from safepassage.intake.applicant_session import end_session
from safepassage.intake.views.common import (
    CLEAR_SITE_DATA,
    PUBLIC_LANGUAGES,
    no_store,
    preferred_language,
    vary_on_language,
)
from safepassage.intake.views.submission import CAMPAIGN_PARAM


def root(request: HttpRequest) -> HttpResponse:
    """Send ``/`` to the form in the browser's language (Russian by default)."""
    if request.method not in {"GET", "HEAD"}:
        return no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    lang = preferred_language(request)
    return vary_on_language(HttpResponseRedirect(reverse("intake:form", kwargs={"lang": lang})))


def _campaign_languages(code: str) -> tuple[str, ...]:
    if not CODE_PATTERN.match(code):
        return ()
    campaign = Campaign.objects.filter(code=code).only("languages").first()
    if campaign is None or not isinstance(campaign.languages, list):
        return ()
    return tuple(lang for lang in campaign.languages if lang in PUBLIC_LANGUAGES)


def campaign_link(request: HttpRequest, code: str) -> HttpResponse:
    """An appeal link: the form, with the code carried in the URL (never a cookie).

    The page language is the browser's if the campaign addresses it, else the
    campaign's first language (a Korean leaflet opens in Korean on a Russian phone).
    An unknown code is carried too: the form then says it is unknown.
    """
    if request.method not in {"GET", "HEAD"}:
        return no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    code = code[:32]
    languages = _campaign_languages(normalise_code(code))
    lang = preferred_language(request, languages) if languages else preferred_language(request)
    url = reverse("intake:form", kwargs={"lang": lang}) + "?" + urlencode({CAMPAIGN_PARAM: code})
    return vary_on_language(HttpResponseRedirect(url))


@csrf_exempt
def quick_exit(request: HttpRequest) -> HttpResponse:
    """A neutral page that says nothing about the programme; clears the site's data.

    Reached by a plain link, so it works without JavaScript.  ``Clear-Site-Data`` asks
    the browser to drop this site's cache, cookies and storage (the inbox session too).
    """
    response = render(request, "intake/exit.html", {})
    end_session(response)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return no_store(response)
