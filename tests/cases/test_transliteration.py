"""Name keys: Cyrillic, Hangul and Latin spellings of a name meet in one blind index."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.cases.transliteration import (
    name_key,
    name_key_variants,
    romanize_hangul_syllable,
    transliterate,
)


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # ICAO Doc 9303 Part 3 examples and letters that differ between systems.
        ("Иванов", "ivanov"),
        ("Щукин", "shchukin"),
        ("Жуков", "zhukov"),
        ("Хабаров", "khabarov"),
        ("Цой", "tsoi"),
        ("Юлия", "iuliia"),
        ("Яковлев", "iakovlev"),
        ("Подъячев", "podieiachev"),
        ("Ольга", "olga"),
        ("Эдуард", "eduard"),
        ("Артём", "artem"),
        ("Быков", "bykov"),
    ],
)
def test_russian_names_follow_icao_9303(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic) == latin


def test_ukrainian_words_use_the_icao_ukrainian_exception() -> None:
    # A word with і/ї/є/ґ is Ukrainian: ICAO writes its и as "y".
    assert transliterate("Григорій") == "grygorii"
    assert transliterate("Євгенія") == "ievgeniia"
    assert transliterate("Ґава") == "gava"
    # The Ukrainian apostrophe is dropped, as ICAO omits it.
    assert transliterate("Мар\u02bcяна") == "mariana"
    # Without a Ukrainian-only letter the Russian table applies.
    assert transliterate("Кирилов") == "kirilov"


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("김", "gim"),
        ("이", "i"),
        ("박", "bak"),
        ("최", "choe"),
        ("정", "jeong"),
        ("김정은", "gimjeongeun"),
        ("한복남", "hanboknam"),  # RR's own example: no sound change in given names
        ("울릉", "ulleung"),  # ㄹㄹ is written ll
        ("뷁", "bwek"),
        ("쌍", "ssang"),
    ],
)
def test_hangul_follows_revised_romanization(hangul: str, latin: str) -> None:
    assert transliterate(hangul) == latin


def test_every_hangul_syllable_romanizes_to_ascii_letters() -> None:
    for code in range(0xAC00, 0xD7A4):
        romanized = romanize_hangul_syllable(chr(code))
        assert romanized.isascii(), hex(code)
        assert romanized.isalpha(), hex(code)


def test_a_non_syllable_is_refused_by_the_syllable_romanizer() -> None:
    with pytest.raises(ValueError, match="Hangul"):
        romanize_hangul_syllable("a")


@pytest.mark.parametrize(
    "spelling",
    [
        "김정은",
        "김 정은",
        "Gim Jeong-eun",
        "gim jeong eun",
        "GIMJEONGEUN",
        "Ｇｉｍ Ｊｅｏｎｇｅｕｎ",
    ],
)
def test_hangul_and_latin_spellings_of_a_korean_name_share_a_key(spelling: str) -> None:
    assert name_key(spelling) == "gimjeongeun"


@pytest.mark.parametrize("spelling", ["Иванов Иван", "ИВАНОВ ИВАН", "Ivanov Ivan", "ivanov-ivan"])
def test_cyrillic_and_latin_spellings_of_a_russian_name_share_a_key(spelling: str) -> None:
    assert name_key(spelling) == "ivanovivan"


def test_latin_diacritics_are_dropped_but_other_scripts_keep_their_marks() -> None:
    assert transliterate("José Müller") == "jose muller"
    assert transliterate("हिन्दी") == "हिन्दी"


def test_variants_cover_every_word_order() -> None:
    variants = name_key_variants("Иван Иванов")
    assert variants[0] == "ivanivanov"
    assert set(variants) == {"ivanivanov", "ivanovivan"}
    assert len(name_key_variants("a b c d")) == 24
    assert name_key_variants("a b c d e") == ["abcde"]
    assert name_key_variants("   ") == []


def test_punctuation_only_gives_no_key() -> None:
    assert name_key("!!! ---") == ""


@given(st.text(max_size=40))
def test_name_key_never_fails_and_has_no_spaces(value: str) -> None:
    key = name_key(value)
    assert " " not in key
    assert key == name_key(key)  # a key is its own key: indexing is stable
