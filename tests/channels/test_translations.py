"""The channels catalogue: bot texts in ru/ko/uk/en, console strings in uk/en; every
string translated, placeholders kept, compiled files current."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs; a test-only dependency)
import pytest

from safepassage.channels.domain.bot import bot_text

LOCALE = Path(__file__).resolve().parents[2] / "src" / "safepassage" / "channels" / "locale"
BOT_KEYS = ["greeting", "safety", "acknowledged", "choose_language", "language_set", "help"]


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", ["ru", "ko", "uk", "en"])
def test_every_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    untranslated = [
        e.msgid
        for e in catalogue
        if not (e.msgstr.strip() or all(v.strip() for v in e.msgstr_plural.values()))
        or (e.msgid_plural and not e.msgstr_plural)
    ]
    assert untranslated == []
    assert [e.msgid for e in catalogue if e.fuzzy] == []
    for entry in catalogue:
        placeholders = sorted(set(re.findall(r"%\(\w+\)s", entry.msgid)))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert sorted(set(re.findall(r"%\(\w+\)s", text))) == placeholders, entry.msgid


@pytest.mark.parametrize("lang", ["ru", "ko", "uk"])
def test_translations_are_not_english(lang: str) -> None:
    brand_only = {"SMS (Twilio)", "WhatsApp (Cloud API)"}
    same = [
        e.msgid
        for e in _catalogue(lang)
        if e.msgstr == e.msgid and len(e.msgid) > 3 and e.msgid not in brand_only
    ]
    assert same == []


@pytest.mark.parametrize("lang", ["ru", "ko", "uk", "en"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    source = _catalogue(lang)
    compiled = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    expected = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in source if not e.obsolete}
    actual = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled if e.msgid}
    assert actual == expected


def test_bot_speaks_every_public_language() -> None:
    for key in BOT_KEYS:
        texts = {lang: bot_text(key, lang) for lang in ["ru", "ko", "uk", "en"]}
        assert len(set(texts.values())) == 4, key
    assert re.search(r"[\uac00-\ud7a3]", bot_text("greeting", "ko"))
    assert "Здравствуйте" in bot_text("greeting", "ru")
    assert "Вітаємо" in bot_text("greeting", "uk")
