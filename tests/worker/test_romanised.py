"""Russian and Ukrainian in Latin letters reach the Russian and Ukrainian queues."""

from __future__ import annotations

from safepassage.worker.language import detect_language
from tests.worker.romanised_corpus import CORPUS, HELD_OUT


def _misses(corpus: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    return [
        (text, expected, got)
        for text, expected in corpus
        if (got := detect_language(text, fallback="")) != expected
    ]


def _report(name: str, corpus: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    misses = _misses(corpus)
    print(f"\n{name}: {1 - len(misses) / len(corpus):.1%} of {len(corpus)} routed right")
    for text, expected, got in misses:
        print(f"  expected {expected}, got {got or 'none'}: {text}")
    return misses


def test_labelled_set_covers_the_three_languages() -> None:
    counts = {code: sum(1 for _t, lang in CORPUS if lang == code) for code in ("ru", "uk", "en")}
    assert counts == {"ru": 50, "uk": 15, "en": 50}
    assert len(HELD_OUT) == 25


def test_romanised_russian_and_ukrainian_are_routed_to_their_queues() -> None:
    misses = _report("romanised labelled set", CORPUS)
    assert len(misses) <= len(CORPUS) * 0.05, misses
    # English must never be pulled into a Slavic queue: nobody would read it there.
    assert not [m for m in misses if m[1] == "en" and m[2] in {"ru", "uk"}], misses


def test_held_out_messages_are_routed_as_well() -> None:
    misses = _report("romanised held-out set", HELD_OUT)
    assert len(misses) <= len(HELD_OUT) * 0.1, misses
    assert not [m for m in misses if m[1] == "en" and m[2] in {"ru", "uk"}], misses


def test_the_issue_example_and_cyrillic_are_unchanged() -> None:
    assert detect_language("ya hochu sdatsya v plen", fallback="en") == "ru"
    assert detect_language("Я хочу сдаться в плен", fallback="en") == "ru"
    assert detect_language("I want to surrender", fallback="ru") == "en"
