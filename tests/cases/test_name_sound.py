"""Sound keys: the same name across Hangul, Cyrillic and Latin systems meets in one key,
measured on the labelled pairs of ``tests/cases/name_pairs.py``."""

from __future__ import annotations

import pytest

from safepassage.cases.name_sound import sound_key, sound_key_variants
from tests.cases.name_pairs import NAME_PAIRS

# Recorded in docs/pending/identity.md; a change to the rules must keep at least these.
MIN_PRECISION = 0.97
MIN_RECALL = 0.95


def _matches(first: str, second: str) -> bool:
    # As the suggestion query works: the typed-order key of one case against every
    # word order of the other's.
    return sound_key(second) in set(sound_key_variants(first))


def test_labelled_pairs_precision_and_recall() -> None:
    true_pos = false_pos = false_neg = 0
    misses: list[str] = []
    for first, second, same in NAME_PAIRS:
        found = _matches(first, second)
        if found and same:
            true_pos += 1
        elif found:
            false_pos += 1
            misses.append(f"false suggestion: {first} / {second}")
        elif same:
            false_neg += 1
            misses.append(f"missed: {first} / {second}")
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    positives = sum(1 for *_, same in NAME_PAIRS if same)
    print(
        f"\nname pairs: {len(NAME_PAIRS)} ({positives} same, {len(NAME_PAIRS) - positives} "
        f"different); precision {precision:.3f}, recall {recall:.3f}"
    )
    print("\n".join(misses))
    assert len(NAME_PAIRS) >= 100
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


@pytest.mark.parametrize(
    "spellings",
    [
        ("한", "Хан", "Han"),
        ("박", "Пак", "Park", "Pak"),
        ("이", "Ли", "Lee", "Yi", "Rhee"),
        ("김", "Ким", "Kim"),
        ("김정은", "Ким Чен Ын", "Kim Jong Un", "Gim Jeong-eun", "Kim Chŏng-ŭn"),
        ("Щукин", "Shchukin", "Schukin"),
    ],
)
def test_spellings_share_one_key(spellings: tuple[str, ...]) -> None:
    assert len({sound_key(spelling) for spelling in spellings}) == 1


def test_word_order_and_patronymic() -> None:
    assert sound_key("Ivan Ivanov") in sound_key_variants("Иванов Иван Иванович")
    assert sound_key("Ivanova") != sound_key("Ivanov")


def test_nothing_to_key() -> None:
    assert sound_key("") == ""
    assert sound_key_variants("  --  ") == []
