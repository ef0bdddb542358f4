"""TrueType fonts for the capture card, from Debian's packages.

reportlab embeds TrueType outlines only, so Noto CJK (CFF outlines) cannot be used;
Hangul comes from ``fonts-nanum`` and Cyrillic and Latin from ``fonts-dejavu-core``.
Each run of text is drawn in the font that has its glyphs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NANUM = Path("/usr/share/fonts/truetype/nanum")
_FILES = {
    "SPCard-Sans": DEJAVU / "DejaVuSans.ttf",
    "SPCard-Sans-Bold": DEJAVU / "DejaVuSans-Bold.ttf",
    "SPCard-Hangul": NANUM / "NanumGothic.ttf",
    "SPCard-Hangul-Bold": NANUM / "NanumGothicBold.ttf",
}


class CardFontMissing(RuntimeError):
    """A font the card needs is not installed (a deployment problem, not bad input)."""


@dataclass(frozen=True)
class FontPair:
    """The two fonts one weight is drawn with, and which characters each has."""

    latin: str
    hangul: str
    latin_glyphs: frozenset[int]
    hangul_glyphs: frozenset[int]

    def font_for(self, char: str) -> str:
        """DejaVu for what it covers (Latin, Cyrillic), Nanum for Hangul and the rest."""
        code = ord(char)
        if code in self.latin_glyphs or code not in self.hangul_glyphs:
            return self.latin
        return self.hangul

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` split into (font name, piece) runs.

        Spaces, digits and punctuation that both fonts have stay in the current run, so
        a Korean phrase is one run (text extraction then keeps its words together).
        """
        runs: list[tuple[str, str]] = []
        for char in text:
            code = ord(char)
            neutral = (
                not char.isalpha() and code in self.latin_glyphs and code in self.hangul_glyphs
            )
            font = runs[-1][0] if runs and neutral else self.font_for(char)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs


_lock = threading.Lock()
_pairs: dict[bool, FontPair] = {}


def _load(name: str) -> frozenset[int]:
    path = _FILES[name]
    if name not in pdfmetrics.getRegisteredFontNames():
        if not path.exists():
            raise CardFontMissing(
                f"{path} is missing; install Debian's fonts-dejavu-core and fonts-nanum"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # reportlab is untyped; the TrueType face maps code points to glyph ids.
    font: Any = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def font_pair(*, bold: bool = False) -> FontPair:
    """The regular or bold pair, registered with reportlab on first use."""
    with _lock:
        if bold not in _pairs:
            suffix = "-Bold" if bold else ""
            latin, hangul = f"SPCard-Sans{suffix}", f"SPCard-Hangul{suffix}"
            _pairs[bold] = FontPair(latin, hangul, _load(latin), _load(hangul))
        return _pairs[bold]
