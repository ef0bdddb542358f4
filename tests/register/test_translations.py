"""The register in Ukrainian: complete compiled catalogues and no English left on its
pages; the capture card's own words exist in all four languages."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.register.cardpdf.labels import (
    CARD_LANGUAGES,
    HEALTH_LABELS,
    HEALTH_LETTERS,
    HEALTH_ORDER,
    LABELS,
)
from safepassage.register.domain import (
    issue_capture_card,
    prepare_bureau_export,
    record_wish,
)

from ..console.helpers import force_verified_login
from .support import days_ago, log, registered

SRC = Path(__file__).resolve().parents[2] / "src" / "safepassage"
CATALOGUE = SRC / "register" / "locale" / "uk" / "LC_MESSAGES" / "django.po"
CONSOLE_CATALOGUE = SRC / "console" / "locale" / "uk" / "LC_MESSAGES" / "django.po"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Latin a Ukrainian register page may show: brand and language names, file formats,
# persona names, and register numbers / case references (codes, not words).
ALLOWED_LATIN = {
    "SafePassage",
    "English",
    "UTC",
    "PDF",
    "JSON",
    "Ed",  # Ed25519
    "OpenSSL",
    "roman",
    "sofia",
    "anna",
    "UK",
    "EN",
    "KO",
    "RU",
}
_CODES = re.compile(r"\bR-[2-9A-Z]{4}-[2-9A-Z]{4}\b|\b[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}\b")


def test_register_catalogue_is_complete_and_compiled() -> None:
    source = polib.pofile(str(CATALOGUE))
    assert len(source) > 50
    assert [e.msgid for e in source if not e.translated()] == []
    for entry in source:
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(_PLACEHOLDER.findall(text)) == sorted(
                _PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in source if not e.msgid_plural}
    actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid and not e.msgid_plural}
    assert actual == expected


def test_register_strings_in_the_console_catalogue_are_translated() -> None:
    catalogue = polib.pofile(str(CONSOLE_CATALOGUE))
    ours = [e for e in catalogue if any("register" in path for path, _ in e.occurrences)]
    assert len(ours) > 50
    assert [e.msgid for e in ours if not e.translated()] == []


@pytest.mark.parametrize("language", CARD_LANGUAGES)
def test_capture_card_words_exist_in_every_card_language(language: str) -> None:
    assert set(LABELS[language]) == set(LABELS["en"])
    assert all(text.strip() for text in LABELS[language].values())
    assert set(HEALTH_LABELS[language]) == set(HEALTH_ORDER)
    assert len(HEALTH_LETTERS[language]) == len(HEALTH_ORDER)
    if language != "en":
        # Translated, not copied: no label is the English one.
        assert not set(LABELS[language].values()) & set(LABELS["en"].values())


def _english_words(page: str) -> set[str]:
    # The page's own content: the navigation belongs to the console and its other parts;
    # <pre> and <code> hold the bureau file and a command line, not interface text.
    main = re.search(r"<main\b.*?</main>", page, flags=re.S)
    page = main.group(0) if main else page
    page = re.sub(r"<(script|style|head|code|pre)\b.*?</\1>", " ", page, flags=re.S)
    heard = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    text = _CODES.sub(" ", re.sub(r"<[^>]+>", " ", page) + " " + heard)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def _ukrainian(account: Account) -> Client:
    account.console_language = "uk"
    account.save(update_fields=["console_language"])
    client = Client()
    force_verified_login(client, account)
    return client


@pytest.mark.django_db
def test_no_english_is_left_on_the_ukrainian_register_pages(
    personas: dict[str, Account],
) -> None:
    roman_account = personas["roman"]
    record = registered(
        personas["kim"],
        roman_account,
        identity={
            "surname": "Жуков",
            "first_names": "Семен",
            "rank": "сержант",
            "date_of_birth": "1990-01-02",
            "service_number": "123456",
            "health": "sick",
        },
    )
    log(record, roman_account, "arrival", days_ago(10), place="Табір № 1", note="Прибув")
    record_wish(record, by=roman_account, wish="undecided", stated_on=days_ago(5))
    issue_capture_card(record, by=roman_account)
    export = prepare_bureau_export(by=roman_account)
    roman, sofia, anna = (_ukrainian(personas[name]) for name in ("roman", "sofia", "anna"))
    kim = _ukrainian(personas["kim"])
    number = {"number": record.number}
    pages = {
        "register": roman.get(reverse("console:register")),
        "record": roman.get(reverse("console:register-record", kwargs=number)),
        "edit": roman.get(reverse("console:register-edit", kwargs=number)),
        "refused event": roman.post(
            reverse("console:register-event", kwargs=number),
            {"version": 1, "kind": "transfer", "occurred_on": days_ago(40).isoformat()},
        ),
        "cards": roman.get(reverse("console:register-cards")),
        "exports": roman.get(reverse("console:register-exports")),
        "review": sofia.get(reverse("console:register-export", kwargs={"batch": export.number})),
        "counts": anna.get(reverse("console:register-counts")),
        "status": kim.get(
            reverse("console:register-case-status", kwargs={"ref": record.case.reference})
        ),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        assert _english_words(response.content.decode()) == set(), name
