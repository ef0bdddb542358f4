"""ConsoleMiddleware refuses a console view that declares no access rule."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from safepassage.console.access import console_public

ran: list[str] = []


def unmarked(request: HttpRequest) -> HttpResponse:
    ran.append("unmarked")
    return HttpResponse("secret")


@console_public
def marked_public(request: HttpRequest) -> HttpResponse:
    ran.append("public")
    return HttpResponse("hello")


urlpatterns = [
    path("console/unmarked/", unmarked),
    path("console/public/", marked_public),
    path("elsewhere/", unmarked),
]


@override_settings(ROOT_URLCONF=__name__)
def test_console_view_without_a_rule_is_refused_before_it_runs(db: None) -> None:
    ran.clear()
    response = Client().get("/console/unmarked/")
    assert response.status_code == 404
    assert b"secret" not in response.content
    assert ran == []


@override_settings(ROOT_URLCONF=__name__)
def test_declared_views_and_other_paths_are_served(db: None) -> None:
    ran.clear()
    assert Client().get("/console/public/").status_code == 200
    assert Client().get("/elsewhere/").status_code == 200
    assert ran == ["public", "unmarked"]
