"""The public site's catalogues: every string translated, compiled files current, and no
English left on a Russian, Korean or Ukrainian page."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest
from django.test import Client

from safepassage.crypto.keys import Keyring

from .helpers import LANGUAGES, html, post_form, receipt_from, run_worker

LOCALE = Path(__file__).resolve().parents[2] / "src" / "safepassage" / "intake" / "locale"
# Latin words a non-English page may show: brand names, the encoding's name, a time zone.
ALLOWED_LATIN = {"Telegram", "WhatsApp", "English", "UTF", "UTC"}


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    assert len(catalogue) > 50
    untranslated = [entry.msgid for entry in catalogue if not entry.msgstr.strip()]
    assert untranslated == []
    assert [entry.msgid for entry in catalogue if entry.fuzzy] == []
    for entry in catalogue:
        placeholders = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
        assert sorted(re.findall(r"%\(\w+\)s", entry.msgstr)) == placeholders, entry.msgid


@pytest.mark.parametrize("lang", ["ru", "ko", "uk"])
def test_translations_are_not_english(lang: str) -> None:
    same = [e.msgid for e in _catalogue(lang) if e.msgstr == e.msgid and len(e.msgid) > 3]
    assert same == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    source = _catalogue(lang)
    compiled = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in source if not e.obsolete}
    actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid}
    assert actual == expected


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    # Attribute values a person reads or hears (labels for screen readers) count too.
    heard = " ".join(re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', page))
    return re.sub(r"<[^>]+>", " ", page) + " " + heard


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "ko", "uk"])
def test_no_english_is_left_on_any_page(client: Client, lang: str, installed_keys: Keyring) -> None:
    pages = [
        client.get(f"/{lang}/"),
        post_form(client, f"/{lang}/", {"message": "", "group_size": "x", "campaign": "Q"}),
        post_form(client, f"/{lang}/", {"message": "x" * 5001}),
        client.get(f"/{lang}/inbox"),
        post_form(client, f"/{lang}/inbox", {"receipt": "12"}),
        post_form(client, f"/{lang}/", {"message": "x"}, HTTP_SEC_FETCH_SITE="cross-site"),
    ]
    receipt_page = post_form(client, f"/{lang}/", {"message": "Сообщение"})
    pages.append(receipt_page)
    run_worker(installed_keys)
    post_form(client, f"/{lang}/inbox", {"receipt": receipt_from(receipt_page)})
    pages += [client.get(f"/{lang}/inbox?sent=1"), post_form(client, f"/{lang}/inbox/signout", {})]
    for response in pages:
        text = _visible_text(html(response)).replace("x" * 5001, "")
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
        assert words == set(), response.wsgi_request.path
