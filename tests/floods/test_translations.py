"""The Floods pages in Ukrainian: a complete, compiled catalogue and no English left."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.cases.models import Case
from safepassage.floods.models import FloodGroup

from ..console.helpers import force_verified_login
from .helpers import noted_case
from .texts import MESSAGES

CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "safepassage"
    / "floods"
    / "locale"
    / "uk"
    / "LC_MESSAGES"
    / "django.po"
)
# Latin a Ukrainian page may show: brand, language name, codes, channel and account names.
ALLOWED_LATIN = {"SafePassage", "English", "RU", "UK", "KO", "EN", "Telegram", "sofia", "olga"}
_REFERENCE = re.compile(r"\b[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}\b")


def test_catalogue_is_complete_and_compiled() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.percent_translated() == 100
    assert not [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    for entry in catalogue:
        if entry.msgid_plural:
            # Ukrainian has four plural forms; each must be written out.
            assert len([form for form in entry.msgstr_plural.values() if form]) == 4
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))

    def translations(entries: Any) -> dict[str, object]:
        return {
            e.msgid: e.msgstr or {int(n): form for n, form in e.msgstr_plural.items()}
            for e in entries
            if e.msgid
        }

    assert translations(compiled) == translations(catalogue)


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
def test_no_english_is_left_on_the_ukrainian_flood_pages(
    burst: list[Case], settings: Any, personas: dict[str, Account]
) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 2
    noted_case(MESSAGES["ru"][0], channel="telegram")
    noted_case(MESSAGES["ru"][0] + "!")
    near = FloodGroup.objects.get(kind="near_duplicate")
    burst_group = FloodGroup.objects.get(kind="burst")
    sofia, olga = _ukrainian(personas["sofia"]), _ukrainian(personas["olga"])
    detail = reverse("console:flood", args=[burst_group.pk])
    pages = {
        "list": sofia.get(reverse("console:floods")),
        "all groups": sofia.get(reverse("console:floods"), {"show": "all"}),
        "burst": sofia.get(detail),
        "near-duplicates": sofia.get(reverse("console:flood", args=[near.pk])),
        "queue": olga.get(reverse("console:queue")),
        "queue, hidden": olga.get(reverse("console:queue"), {"floods": "hidden"}),
        "queue, only": olga.get(reverse("console:queue-table"), {"floods": "only"}),
        "unticked": sofia.post(
            reverse("console:flood-confirm", args=[near.pk]), headers={"HX-Request": "true"}
        ),
        "confirmed": sofia.post(
            reverse("console:flood-confirm", args=[near.pk]),
            {"checked": "yes"},
            headers={"HX-Request": "true"},
        ),
        "refused": sofia.post(
            reverse("console:flood-dismiss", args=[near.pk]), headers={"HX-Request": "true"}
        ),
        "removed": sofia.post(
            reverse("console:flood-member-remove", args=[burst_group.pk, burst[0].reference]),
            headers={"HX-Request": "true"},
        ),
        "dismissed": sofia.post(
            reverse("console:flood-dismiss", args=[burst_group.pk]), follow=True
        ),
    }
    english = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        if words := _english_words(response.content.decode()):
            english[name] = words
    assert english == {}
