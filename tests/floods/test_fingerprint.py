"""Fingerprints: normalisation, short texts, near-duplicate probability, and keying."""

from __future__ import annotations

import hashlib
import itertools
import random

import pytest

from safepassage.crypto.keys import Keyring, new_keyring
from safepassage.floods.fingerprint import (
    BANDS,
    MAX_LETTERS,
    MIN_SHARED_BANDS,
    arrival_digest,
    band_digests,
    fingerprint,
    normalise_text,
    shingles,
    signature,
)

from .texts import ALL_MESSAGES, MESSAGES, SHORT, one_word_changed


def _shared(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return len(set(a) & set(b))


@pytest.mark.parametrize("text", ALL_MESSAGES)
def test_case_punctuation_digits_and_spacing_do_not_change_the_fingerprint(
    text: str, installed_keys: Keyring
) -> None:
    retyped = "  " + text.upper().replace(",", " !!! ") + " 123 ... 😀"
    assert fingerprint(retyped, installed_keys) == fingerprint(text, installed_keys)
    assert len(fingerprint(text, installed_keys)) == BANDS


def test_normalising_folds_compatibility_forms_yo_and_numbers() -> None:
    assert normalise_text("Ｈｅｌｌｏ，ＷＯＲＬＤ") == "hello world"
    assert normalise_text("Нас 3 человека, ЕЩЁ двое!!!") == normalise_text(
        "нас 12 человека еще двое"
    )
    assert normalise_text("우리 소대에 3명이 있는데") == "우리 소대에 명이 있는데"


@pytest.mark.parametrize("text", SHORT)
def test_what_everyone_writes_gives_no_fingerprint(text: str, installed_keys: Keyring) -> None:
    assert fingerprint(text, installed_keys) == ()


def test_hangul_is_cut_into_syllable_pairs_and_other_scripts_into_letter_triples() -> None:
    assert "쿠르" in shingles(normalise_text(MESSAGES["ko"][0]))
    assert "мой" in shingles(normalise_text("Мой сын контрактник"))


def test_a_ten_word_message_with_one_word_changed_is_almost_always_a_near_duplicate(
    installed_keys: Keyring,
) -> None:
    rng = random.Random(20261123)
    pairs = [
        (text, one_word_changed(text, language, rng))
        for language, texts in MESSAGES.items()
        for text in texts
        for _ in range(10)
    ]
    found = sum(
        _shared(fingerprint(a, installed_keys), fingerprint(b, installed_keys)) >= MIN_SHARED_BANDS
        for a, b in pairs
    )
    # Two shared bands out of 16 at Jaccard ~0.7: about 93 % per pair (fingerprint.py).
    assert found / len(pairs) >= 0.85, (found, len(pairs))


def test_unrelated_messages_on_the_same_topic_are_not_near_duplicates(
    installed_keys: Keyring,
) -> None:
    prints = [fingerprint(text, installed_keys) for text in ALL_MESSAGES]
    near = [
        (a, b)
        for (a, pa), (b, pb) in itertools.combinations(zip(ALL_MESSAGES, prints, strict=True), 2)
        if _shared(pa, pb) >= MIN_SHARED_BANDS
    ]
    assert near == []


def test_digests_depend_on_the_index_key_so_a_dump_cannot_test_guessed_texts(
    installed_keys: Keyring,
) -> None:
    text = MESSAGES["ru"][0]
    ours = fingerprint(text, installed_keys)
    assert fingerprint(text, installed_keys) == ours
    theirs = fingerprint(text, new_keyring())
    assert set(ours).isdisjoint(theirs)
    # Nor is a stored digest the band's unkeyed hash (what anyone could compute).
    mins = signature(shingles(normalise_text(text)))
    unkeyed = band_digests(mins, b"")
    assert set(ours).isdisjoint(unkeyed)
    packed = b"".join(value.to_bytes(8, "little") for value in mins[:4])
    plain = int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "little", signed=True)
    assert plain not in ours


def test_digests_fit_a_signed_64_bit_column(installed_keys: Keyring) -> None:
    for text in ALL_MESSAGES:
        assert all(-(2**63) <= digest < 2**63 for digest in fingerprint(text, installed_keys))


def test_arrival_digests_differ_per_channel_and_never_meet_band_digests(
    installed_keys: Keyring,
) -> None:
    arrivals = {arrival_digest(channel) for channel in ("web", "telegram", "whatsapp", "sms")}
    assert len(arrivals) == 4
    for text in ALL_MESSAGES:
        assert arrivals.isdisjoint(fingerprint(text, installed_keys))


def test_only_the_start_of_a_long_message_is_compared(installed_keys: Keyring) -> None:
    start = " ".join(ALL_MESSAGES) * 3
    assert len(normalise_text(start)) > MAX_LETTERS
    assert fingerprint(start + " конец", installed_keys) == fingerprint(
        start + " совсем другой конец письма", installed_keys
    )
