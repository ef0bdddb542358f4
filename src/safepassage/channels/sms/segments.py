"""How many SMS segments a text takes, and in which encoding.

GSM 03.38 (GSM-7) carries 160 septets in one SMS and 153 per segment of a concatenated
one (the user data header takes the rest); characters of the extension table (``{}[]~|
\\^€`` and form feed) take two septets and an escape is never split across segments.
Anything outside GSM-7 — Cyrillic, Hangul, most emoji — switches the whole message to
UCS-2: 70 UTF-16 code units in one SMS, 67 per segment, a surrogate pair never split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SegmentCount:
    """``encoding`` is ``"GSM-7"`` or ``"UCS-2"``; ``units`` are septets or UTF-16 units."""

    encoding: str
    segments: int
    units: int
    per_segment: int
    # Characters that forced UCS-2 (shown to the operator so they can avoid them).
    non_gsm_characters: tuple[str, ...] = ()

    @property
    def remaining(self) -> int:
        """Units left in the last segment before another one starts."""
        if self.units == 0:
            return self.per_segment
        capacity = self.per_segment * self.segments
        return capacity - self.units if self.segments > 1 else self.per_segment - self.units


def _pack(sizes: list[int], limit: int) -> int:
    # Greedy packing of indivisible units (a 2-septet escape, a surrogate pair).
    segments, used = 1, 0
    for size in sizes:
        if used + size > limit:
            segments += 1
            used = 0
        used += size
    return segments


def count_segments(text: str) -> SegmentCount:
    """The encoding and number of SMS segments ``text`` needs."""
    non_gsm = tuple(
        dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION)
    )
    if not non_gsm:
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        units = sum(sizes)
        if units <= 160:
            return SegmentCount("GSM-7", 1 if units else 0, units, 160)
        return SegmentCount("GSM-7", _pack(sizes, 153), units, 153)
    sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    units = sum(sizes)
    if units <= 70:
        return SegmentCount("UCS-2", 1, units, 70, non_gsm)
    return SegmentCount("UCS-2", _pack(sizes, 67), units, 67, non_gsm)
