"""Public URLs.  The language is always in the path (``/ru/``, ``/ko/``, ``/uk/``,
``/en/``), never in a cookie; every link is relative to the site root, so the site works
unchanged under an onion address."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, register_converter

from safepassage.intake import views


class LanguageConverter:
    """One of the public languages."""

    regex = "ru|ko|uk|en"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "lang")

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.root, name="root"),
    path("exit", views.quick_exit, name="exit"),
    path("c/<str:code>", views.campaign_link, name="campaign"),
    path("<lang:lang>/", views.submission_form, name="form"),
    path("<lang:lang>/inbox", views.inbox, name="inbox"),
    path("<lang:lang>/inbox/send", views.send_followup, name="send"),
    path("<lang:lang>/inbox/signout", views.sign_out, name="signout"),
]
