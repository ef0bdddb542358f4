"""Language detection for routing incoming text to the right queue.

lingua restricted to the programme's languages is accurate on short messages.  Where
the text is too short or ambiguous we fall back to the language the applicant chose
(the page or bot language), which is right far more often than a guess.  Russian and
Ukrainian typed in Latin letters are recognised first (``worker.romanised``): the
detector would call them English.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

from safepassage.worker.romanised import romanised_language

_detector: Any = None
_lock = threading.Lock()
_CODES = {"RUSSIAN": "ru", "UKRAINIAN": "uk", "KOREAN": "ko", "ENGLISH": "en"}
MIN_CONFIDENCE = 0.6


def _get_detector() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            _detector = LanguageDetectorBuilder.from_languages(
                *(getattr(Language, name) for name in _CODES)
            ).build()
        return _detector


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" for ch in text)


def detect_language(text: str, *, fallback: str) -> str:
    """Best language code for ``text`` among the public languages, else ``fallback``."""
    supported = {code for code, _ in settings.PUBLIC_LANGUAGES}
    if _has_hangul(text):
        return "ko" if "ko" in supported else fallback
    letters = sum(ch.isalpha() for ch in text)
    if letters < 3:
        return fallback
    romanised = romanised_language(text)
    if romanised in supported:
        return romanised
    detector = _get_detector()
    best = detector.compute_language_confidence_values(text)
    if not best:
        return fallback
    top = best[0]
    code = _CODES.get(top.language.name, "")
    if code not in supported or top.value < MIN_CONFIDENCE:
        return fallback
    return code
