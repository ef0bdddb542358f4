"""The console speaks English and Ukrainian: browser preference, a switch that is
remembered, and complete catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.cases.domain import open_case

from .helpers import force_verified_login

SRC = Path(__file__).resolve().parents[2] / "src" / "safepassage"
CATALOGUES = [
    SRC / "console" / "locale" / "uk" / "LC_MESSAGES" / "django.po",
    SRC / "accounts" / "locale" / "uk" / "LC_MESSAGES" / "django.po",
]
# Latin words a Ukrainian console page may show: the brand, the other language's name,
# app names, codes and account names.
ALLOWED_LATIN = {
    "SafePassage",
    "English",
    "UTC",
    "QR",
    "Aegis",
    "FreeOTP",
    "Google",
    "Authenticator",
    "ABCDE",
    "FGHJK",
    "kim",
    "KO",
    "RU",
}


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|head)\b.*?</\1>", " ", page, flags=re.S)
    heard = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    return re.sub(r"<[^>]+>", " ", page) + " " + heard


def _english_words(page: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", _visible_text(page))) - ALLOWED_LATIN


def test_sign_in_page_follows_the_browser_among_console_languages(db: None) -> None:
    assert "Sign in to the console" in Client().get("/console/sign-in/").content.decode()
    ukrainian = Client().get("/console/sign-in/", headers={"Accept-Language": "uk"})
    assert "Вхід до консолі" in ukrainian.content.decode()
    assert ukrainian["Content-Language"] == "uk"
    # Russian is not a console language; the next preference that is wins.
    ru_first = Client().get("/console/sign-in/", headers={"Accept-Language": "ru, uk;q=0.8"})
    assert "Вхід до консолі" in ru_first.content.decode()


def test_the_language_switch_is_remembered_in_a_console_only_cookie(db: None) -> None:
    client = Client()
    response = client.post("/console/language/", {"language": "uk", "next": "/console/sign-in/"})
    assert response["Location"] == "/console/sign-in/"
    cookie = response.cookies["sp_console_lang"]
    assert cookie.value == "uk"
    assert cookie["path"] == "/console/"
    assert cookie["samesite"] == "Strict"
    assert "Вхід до консолі" in client.get("/console/sign-in/").content.decode()
    client.post("/console/language/", {"language": "en", "next": "/console/sign-in/"})
    assert "Sign in to the console" in client.get("/console/sign-in/").content.decode()


def test_an_unknown_language_or_foreign_next_changes_nothing(db: None) -> None:
    client = Client()
    response = client.post(
        "/console/language/", {"language": "ru", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/console/"
    assert "sp_console_lang" not in response.cookies


def test_a_signed_in_persons_choice_follows_them_to_another_computer(
    personas: dict[str, Account],
) -> None:
    first = Client()
    force_verified_login(first, personas["olga"])
    first.post("/console/language/", {"language": "uk", "next": "/console/"})
    assert Account.objects.get(username="olga").console_language == "uk"
    second = Client()
    force_verified_login(second, Account.objects.get(username="olga"))
    assert "Вітаємо" in second.get("/console/").content.decode()


def test_sign_in_errors_are_clear_in_ukrainian(personas: dict[str, Account]) -> None:
    response = Client().post(
        "/console/sign-in/",
        {"username": "kim", "password": "wrong password here"},
        headers={"Accept-Language": "uk"},
    )
    assert "Неправильне ім’я облікового запису або пароль." in response.content.decode()


def test_no_english_is_left_on_the_ukrainian_pages(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    kim.console_language = "uk"
    kim.save()
    anonymous = Client(headers={"Accept-Language": "uk"})
    pages = {
        "sign-in": anonymous.get("/console/sign-in/"),
        "sign-in error": anonymous.post("/console/sign-in/", {"username": "", "password": ""}),
    }
    anonymous.post("/console/sign-in/", {"username": "kim", "password": "a long test password 1"})
    pages["code"] = anonymous.get("/console/sign-in/code/")
    client = Client()
    force_verified_login(client, kim)
    case = open_case(channel="web", language="en")
    pages["home"] = client.get("/console/")
    pages["my security"] = client.get("/console/me/")
    pages["password"] = client.get("/console/me/password/")
    pages["forbidden"] = client.get("/console/accounts/")
    pages["case refused"] = client.get(f"/console/accounts/{kim.pk}/")
    for name, response in pages.items():
        assert response.status_code in (200, 403), name
        assert _english_words(response.content.decode()) == set(), name
    assert case.reference  # the refused pages above showed nothing of it


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_console_message_is_translated_to_ukrainian(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    assert [e.msgid for e in catalogue if not e.translated()] == []
    for entry in catalogue:
        placeholders = sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", text)) == placeholders, entry.msgid


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_console_catalogue_matches_its_source(path: Path) -> None:
    source = polib.pofile(str(path))
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in source if not e.msgid_plural}
    actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid and not e.msgid_plural}
    assert actual == expected


def test_switching_language_after_a_post_returns_to_a_page_that_can_be_opened(
    personas: dict[str, Account],
) -> None:
    client = Client()
    force_verified_login(client, personas["sofia"])
    page = client.post("/console/audit/verify/").content.decode()
    assert '<input type="hidden" name="next" value="/console/audit/">' in page
    assert 'name="next" value="/console/audit/verify/"' not in page
