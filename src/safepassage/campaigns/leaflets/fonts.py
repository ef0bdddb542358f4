"""Fonts for leaflets, from Debian's packages.

reportlab embeds TrueType outlines only; Noto CJK ships CFF outlines, which it cannot
embed.  Hangul therefore comes from ``fonts-nanum`` (NanumGothic) and Latin and
Cyrillic — Ukrainian letters included, which Nanum lacks — from ``fonts-dejavu-core``.
Text is split into runs, each drawn in the font that has its glyphs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NANUM = Path("/usr/share/fonts/truetype/nanum")
FILES = {
    "SPLeaflet-Sans": DEJAVU / "DejaVuSans.ttf",
    "SPLeaflet-Sans-Bold": DEJAVU / "DejaVuSans-Bold.ttf",
    "SPLeaflet-Hangul": NANUM / "NanumGothic.ttf",
    "SPLeaflet-Hangul-Bold": NANUM / "NanumGothicBold.ttf",
}


class LeafletFontMissing(RuntimeError):
    """A font file is not installed (a deployment problem: install the Debian package)."""


@dataclass(frozen=True)
class Fonts:
    """The fonts for one weight and language: the leaflet's main font and a fallback.

    A Korean leaflet is set in Nanum throughout (its Latin and punctuation match its
    Hangul), falling back to DejaVu for what Nanum lacks; other leaflets the other way
    round.
    """

    main: str
    fallback: str
    main_glyphs: frozenset[int]

    def markup(self, text: str) -> str:
        """``text`` escaped for a reportlab Paragraph, runs the main font lacks in the other."""
        runs: list[tuple[str, str]] = []
        for char in text:
            font = self.main if ord(char) in self.main_glyphs or char == " " else self.fallback
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return "".join(
            escape(piece) if font == self.main else f'<font name="{font}">{escape(piece)}</font>'
            for font, piece in runs
        )


_lock = threading.Lock()
_loaded: dict[tuple[bool, bool], Fonts] = {}


def _register(name: str) -> frozenset[int]:
    if name not in pdfmetrics.getRegisteredFontNames():
        path = FILES[name]
        if not path.exists():
            raise LeafletFontMissing(
                f"{path} is missing: install Debian's fonts-dejavu-core and fonts-nanum"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def fonts(language: str, *, bold: bool = False) -> Fonts:
    """The regular or bold fonts for a leaflet in ``language``, registered on first use."""
    hangul_first = language == "ko"
    with _lock:
        if (hangul_first, bold) not in _loaded:
            suffix = "-Bold" if bold else ""
            sans, hangul = f"SPLeaflet-Sans{suffix}", f"SPLeaflet-Hangul{suffix}"
            sans_glyphs, hangul_glyphs = _register(sans), _register(hangul)
            _loaded[(hangul_first, bold)] = (
                Fonts(hangul, sans, hangul_glyphs)
                if hangul_first
                else Fonts(sans, hangul, sans_glyphs)
            )
        return _loaded[(hangul_first, bold)]
