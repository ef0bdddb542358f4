"""Blind indexes and the normalisation that makes equal values index equally."""

from __future__ import annotations

import re

import pytest

from safepassage.crypto.blind_index import (
    NORMALISERS,
    blind_index,
    normalise,
    normalise_date,
    normalise_phone,
)
from safepassage.crypto.keys import Keyring


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Иванов  Иван", "иванов иван"),
        ("  ИВАНОВ\tИван\n", "иванов иван"),
        ("Семён Петров", "Семен Петров"),
        ("O'Brien", "OBrien"),
        ("O\u2019Brien", "obrien"),
        ("Ким Чен-Ир", "ким ченир"),
        ("ＩＶＡＮ", "ivan"),
        ("김 철수", "김  철수"),
        ("Иван\u200bов", "Иванов"),  # zero-width space pasted from a messenger
        ("Straße", "STRASSE"),
    ],
)
def test_equal_after_normalising(keyring: Keyring, left: str, right: str) -> None:
    assert normalise(left) == normalise(right)
    assert blind_index(keyring, "name", left) == blind_index(keyring, "name", right)


def test_normalise_keeps_letters_marks_and_digits() -> None:
    assert normalise("  3-я  мотострелковая бригада, в/ч 12345! ") == (
        "3я мотострелковая бригада вч 12345"
    )
    assert normalise("हिन्दी") == "हिन्दी"  # combining vowel signs survive


def test_different_values_differ(keyring: Keyring) -> None:
    assert blind_index(keyring, "name", "Иванов Иван") != blind_index(
        keyring, "name", "Иванов Пётр"
    )


def test_kinds_separate_domains(keyring: Keyring) -> None:
    indexes = {blind_index(keyring, kind, "12345") for kind in ("name", "unit", "service_number")}
    assert len(indexes) == 3


def test_index_keys_separate_deployments(keyring: Keyring, other_keyring: Keyring) -> None:
    assert blind_index(keyring, "name", "Иванов") != blind_index(other_keyring, "name", "Иванов")


def test_index_is_64_lowercase_hex_and_hides_the_value(keyring: Keyring) -> None:
    index = blind_index(keyring, "phone", "+7 912 345-67-89")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert "79123456789" not in index


def test_unknown_kind_and_empty_value_are_refused(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="unknown"):
        blind_index(keyring, "Name", "Иванов")
    with pytest.raises(ValueError, match="nothing to index"):
        blind_index(keyring, "name", " -- ' ")
    with pytest.raises(ValueError, match="nothing to index"):
        blind_index(keyring, "phone", "no digits")


def test_every_listed_kind_indexes(keyring: Keyring) -> None:
    sample = {"dob": "1990-01-02", "phone": "+1 555 0100"}
    for kind in NORMALISERS:
        assert blind_index(keyring, kind, sample.get(kind, "value 1"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+7 (912) 345-67-89", "+79123456789"),
        ("8 912 345 67 89", "89123456789"),
        ("+82 10-1234-5678", "+821012345678"),
        ("＋８２ １０ １２３４ ５６７８", "+821012345678"),
        (" +380 (50) 123 45 67 ", "+380501234567"),
        ("+79123456789", "+79123456789"),
        ("call me", ""),
    ],
)
def test_normalise_phone(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


def test_phone_formats_index_equally(keyring: Keyring) -> None:
    assert blind_index(keyring, "phone", "+7 (912) 345-67-89") == blind_index(
        keyring, "phone", "+79123456789"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1990-01-02", "1990-01-02"),
        ("02.01.1990", "1990-01-02"),
        ("02/01/1990", "1990-01-02"),
        ("2.1.1990", "1990-01-02"),
        (" ０２.０１.１９９０ ", "1990-01-02"),
    ],
)
def test_normalise_date(typed: str, expected: str) -> None:
    assert normalise_date(typed) == expected


@pytest.mark.parametrize(
    "typed", ["31.02.1990", "1990/01/02", "02.01/1990", "1990-1-2", "02.01.90", "yesterday", ""]
)
def test_normalise_date_rejects(typed: str) -> None:
    with pytest.raises(ValueError, match="date"):
        normalise_date(typed)


def test_chat_ids_are_exact(keyring: Keyring) -> None:
    # Punctuation matters in provider identifiers: a group chat id is negative.
    assert blind_index(keyring, "telegram_chat", "-100123") != blind_index(
        keyring, "telegram_chat", "100123"
    )
    assert blind_index(keyring, "telegram_chat", " 100123 ") == blind_index(
        keyring, "telegram_chat", "100123"
    )


def test_telegram_handles_ignore_at_sign_and_case(keyring: Keyring) -> None:
    assert blind_index(keyring, "telegram_handle", "@Ivan_Petrov") == blind_index(
        keyring, "telegram_handle", "ivan_petrov"
    )
