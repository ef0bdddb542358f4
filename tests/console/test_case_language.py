"""The cases console in Ukrainian: no English left on its pages, and a complete,
compiled catalogue for the case domain (states, refusals)."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.cases.domain import (
    IdentityUpdate,
    add_note,
    post_reply,
    save_canned_reply,
    update_identity,
)
from safepassage.cases.models import Case

from ..cases.casework import make_case
from .helpers import force_verified_login

CASES_CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "safepassage"
    / "cases"
    / "locale"
    / "uk"
    / "LC_MESSAGES"
    / "django.po"
)
# Latin a Ukrainian page may show: brand, language and channel names, codes, persona
# and account names, and the programme's own words for placeholders.
ALLOWED_LATIN = {
    "SafePassage",
    "English",
    "UTC",
    "KO",
    "RU",
    "UK",
    "EN",
    "Telegram",
    "WhatsApp",
    "SMS",
    "kim",
    "sofia",
    "name",
    "reference",
    "operator",
}
_REFERENCE = re.compile(r"\b[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}\b")


def _english_words(page: str) -> set[str]:
    page = re.sub(r"<(script|style|head)\b.*?</\1>", " ", page, flags=re.S)
    heard = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    text = _REFERENCE.sub(" ", re.sub(r"<[^>]+>", " ", page) + " " + heard)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def _ukrainian(account: Account) -> Client:
    account.console_language = "uk"
    account.save(update_fields=["console_language"])
    client = Client()
    force_verified_login(client, account)
    return client


@pytest.mark.django_db
def test_no_english_is_left_on_the_ukrainian_cases_pages(personas: dict[str, Account]) -> None:
    case = make_case(language="ko", message="도와주세요")
    update_identity(
        case, by=personas["sofia"], update=IdentityUpdate(values={"name": "김정은"}, group_size=2)
    )
    post_reply(case, by=personas["kim"], text="네")
    add_note(case, by=personas["kim"], text="메모")
    Case.objects.filter(pk=case.pk).update(risk_flags=["shared_contact:AAA-BBB-CCC"])
    waiting = make_case(language="ru", message="жду")
    Case.objects.filter(pk=waiting.pk).update(state="verified")
    canned = save_canned_reply(by=personas["sofia"], language="ko", title="인사", body="안녕하세요")
    kim, sofia = _ukrainian(personas["kim"]), _ukrainian(personas["sofia"])
    url = reverse("console:case", args=[case.reference])
    pages = {
        "queue": kim.get(reverse("console:queue")),
        "queue table": kim.get(reverse("console:queue-table")),
        "waiting": kim.get(reverse("console:waiting")),
        "case": kim.get(url, {"canned": canned.pk}),
        "case (supervisor)": sofia.get(url),
        "reply refused": kim.post(reverse("console:case-reply", args=[case.reference]), {}),
        "stale move": kim.post(
            reverse("console:case-transition", args=[case.reference]), {"to": "engaged"}
        ),
        "search": kim.get(reverse("console:search")),
        "search results": sofia.post(reverse("console:search"), {"name": "Gim Jeongeun"}),
        "search refused": kim.post(reverse("console:search"), {"date_of_birth": "x"}),
        "merge preview": sofia.get(
            reverse("console:case-merge", args=[case.reference]), {"other": waiting.reference}
        ),
        "supervision": sofia.get(reverse("console:supervision")),
        "canned": sofia.get(reverse("console:canned")),
        "canned refused": sofia.post(reverse("console:canned"), {"body": "{x}"}),
        "canned edit": sofia.get(reverse("console:canned-edit", args=[canned.pk])),
    }
    english = {}
    for name, response in pages.items():
        assert response.status_code in (200, 400, 409), name
        if words := _english_words(response.content.decode()):
            english[name] = words
    assert english == {}


def test_the_case_domain_catalogue_is_complete_and_compiled() -> None:
    source = polib.pofile(str(CASES_CATALOGUE))
    assert [e.msgid for e in source if not e.translated()] == []
    for entry in source:
        placeholders = sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", entry.msgid))
        assert sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", entry.msgstr)) == placeholders
    compiled = polib.mofile(str(CASES_CATALOGUE.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in source}
    actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid}
    assert actual == expected
