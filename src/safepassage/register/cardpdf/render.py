"""Drawing the capture card: the address side, then the card itself (Annex IV-B).

Page size 15 × 10.5 cm.  Every label appears in the prisoner's language, then the
detaining Power's; values are printed as recorded, in whatever script they were typed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from safepassage.register.cardpdf.fonts import font_pair
from safepassage.register.cardpdf.labels import HEALTH_LABELS, HEALTH_ORDER, health_option, label

PAGE_WIDTH = 150 * mm
PAGE_HEIGHT = 105 * mm
MARGIN = 5 * mm
LABEL_SIZE = 5.6
VALUE_SIZE = 8.6
MIN_VALUE_SIZE = 5.6
_FULL_WIDTH = PAGE_WIDTH - 2 * MARGIN
_VALUE_INSET = 2.5 * mm
GREY = Color(0.33, 0.33, 0.33)
RULE = Color(0.6, 0.6, 0.6)


class _Pen:
    """Text in mixed scripts on a reportlab canvas, measured and fitted."""

    def __init__(self, canvas: Canvas | None) -> None:
        # Without a canvas the pen only measures (see fields_too_long).
        self._canvas = canvas

    @property
    def canvas(self) -> Canvas:
        assert self._canvas is not None, "a measuring pen cannot draw"
        return self._canvas

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        pair = font_pair(bold=bold)
        return float(sum(stringWidth(piece, font, size) for font, piece in pair.runs(text)))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: Color = black,
        strike: bool = False,
    ) -> float:
        """Draw ``text`` with its baseline at ``y``; return its width."""
        pair = font_pair(bold=bold)
        self.canvas.setFillColor(color)
        start = x
        for font, piece in pair.runs(text):
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, y, piece)
            x += stringWidth(piece, font, size)
        if strike:
            self.canvas.setStrokeColor(black)
            self.canvas.setLineWidth(0.7)
            middle = y + size * 0.3
            self.canvas.line(start - 0.5, middle, x + 0.5, middle)
        return x - start

    def right(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        self.text(x - self.width(text, size, bold=bold), y, text, size, bold=bold)

    def centre(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        self.text(x - self.width(text, size, bold=bold) / 2, y, text, size, bold=bold)

    def wrap(self, text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (at spaces; Hangul too)."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, size, bold=bold) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def fitted(
        self, text: str, width: float, size: float, *, lines: int = 1
    ) -> tuple[float, list[str]]:
        """The largest size down to MIN_VALUE_SIZE at which ``text`` fits in ``lines``."""
        current = size
        while True:
            wrapped = self.wrap(text, width, current)
            fits = len(wrapped) <= lines and all(
                self.width(line, current) <= width for line in wrapped
            )
            if fits or current <= MIN_VALUE_SIZE:
                return current, wrapped[:lines]
            current -= 0.4

    def paragraph(
        self, x: float, y: float, text: str, width: float, size: float, *, leading: float
    ) -> float:
        """Draw wrapped text downwards from baseline ``y``; return the next free baseline."""
        for line in self.wrap(text, width, size):
            self.text(x, y, line, size)
            y -= leading
        return y


def _both(key: str, content: Mapping[str, Any]) -> str:
    return f"{label(key, content['language'])} / {label(key, content['detaining_language'])}"


def _field(
    pen: _Pen,
    x: float,
    top: float,
    width: float,
    number: str,
    key: str,
    value: str,
    content: Mapping[str, Any],
    *,
    lines: int = 1,
    strike: bool = False,
) -> None:
    """A numbered bilingual label over a ruled value line (``top`` is the row's top)."""
    prefix = f"{number}. " if number else ""
    caption = prefix + _both(key, content)
    size = LABEL_SIZE
    while pen.width(caption, size) > width - 1 and size > 4.2:
        size -= 0.2
    pen.text(x, top - 2.2 * mm, caption, size, color=GREY, strike=strike)
    value_size, wrapped = pen.fitted(value, width - _VALUE_INSET, VALUE_SIZE, lines=lines)
    baseline = top - (6.0 if lines == 1 else 5.6) * mm
    for line in wrapped:
        pen.text(x + 1 * mm, baseline, line, value_size, strike=strike)
        baseline -= value_size * 1.15
    rule_y = top - (7.0 if lines == 1 else 9.6) * mm
    pen.canvas.setStrokeColor(RULE)
    pen.canvas.setLineWidth(0.4)
    pen.canvas.line(x, rule_y, x + width - 1.5 * mm, rule_y)


def _address_side(pen: _Pen, content: Mapping[str, Any]) -> None:
    canvas = pen.canvas
    prisoner, detaining = content["language"], content["detaining_language"]
    left, right = MARGIN, PAGE_WIDTH - MARGIN
    top = PAGE_HEIGHT - MARGIN
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN / 2, MARGIN / 2, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN)
    pen.text(left, top - 3.5 * mm, label("mail", prisoner), 8.5, bold=True)
    pen.text(left, top - 7.2 * mm, label("mail", detaining), 7, bold=True)
    pen.right(right, top - 3.5 * mm, label("postage_free", prisoner), 6.5)
    pen.right(right, top - 6.8 * mm, label("postage_free", detaining), 6.5)
    pen.centre(PAGE_WIDTH / 2, top - 16 * mm, label("title", prisoner), 12, bold=True)
    pen.centre(PAGE_WIDTH / 2, top - 22 * mm, label("title", detaining), 9, bold=True)
    # The "important" notice on the left, the Agency's address on the right.
    column = 64 * mm
    y = top - 33 * mm
    y = pen.paragraph(left, y, label("important", prisoner), column, 7, leading=3.1 * mm)
    pen.paragraph(left, y - 2 * mm, label("important", detaining), column, 7, leading=3.1 * mm)
    box_x = left + column + 7 * mm
    box_w = right - box_x
    inner = box_w - 6 * mm
    box_top = top - 35 * mm
    y = box_top - 6 * mm
    lines: list[tuple[str, float, bool]] = []
    for language in (prisoner, detaining):
        lines += [
            (line, 8.4, True) for line in pen.wrap(label("agency", language), inner, 8.4, bold=True)
        ]
        lines += [
            (label("icrc", language), 7.6, False),
            (label("geneva", language), 7.6, False),
            ("", 0, False),
        ]
    if "en" not in (prisoner, detaining):
        # The card travels through the international post: the Agency's address in
        # English as well, so it is routed without a translator.
        english = f"{label('icrc', 'en')}, {label('geneva', 'en')}"
        lines += [(line, 6.6, False) for line in pen.wrap(english, inner, 6.6)]
    while lines and not lines[-1][0]:
        lines.pop()
    for text, size, bold in lines:
        if text:
            pen.text(box_x + 3 * mm, y, text, size, bold=bold)
        y -= size * 1.3 if text else 2 * mm
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    canvas.rect(box_x, y + 1 * mm, box_w, box_top - y - 1 * mm)


def _health_options(
    pen: _Pen, x: float, top: float, width: float, content: Mapping[str, Any]
) -> float:
    """The seven categories, all but the recorded one struck out; return the row height."""
    prisoner, detaining = content["language"], content["detaining_language"]
    pen.text(x, top - 2.2 * mm, "*11. " + _both("health", content), LABEL_SIZE, color=GREY)
    size = 6.6
    gap = 3 * mm
    cursor_x, baseline = x + 1 * mm, top - 5.6 * mm
    for code in HEALTH_ORDER:
        option = f"{health_option(code, prisoner)} / {HEALTH_LABELS[detaining][code]}"
        option_width = pen.width(option, size)
        if cursor_x + option_width > x + width - 1.5 * mm:
            cursor_x, baseline = x + 1 * mm, baseline - 3.2 * mm
        pen.text(
            cursor_x,
            baseline,
            option,
            size,
            bold=code == content["health"],
            strike=code != content["health"],
        )
        cursor_x += option_width + gap
    return float(top - baseline + 1.8 * mm)


# Card fields: (share of the card's width, lines for the value).
FIELD_LAYOUT: dict[str, tuple[float, int]] = {
    "power": (1.0, 1),
    "surname": (0.45, 1),
    "first_names": (0.55, 1),
    "father_first_name": (0.33, 1),
    "date_of_birth": (0.27, 1),
    "place_of_birth": (0.40, 1),
    "rank": (0.5, 1),
    "service_number": (0.5, 1),
    "family_address": (1.0, 2),
    "capture_date": (0.4, 1),
    "coming_from": (0.6, 1),
    "prisoner_number": (0.35, 1),
    "present_place": (0.65, 1),
    "date": (0.35, 1),
}
# Rows of numbered fields from the top of the card, as (number, key) per column.
_ROWS: list[list[tuple[str, str]]] = [
    [("1", "power")],
    [("2", "surname"), ("3", "first_names")],
    [("4", "father_first_name"), ("5", "date_of_birth"), ("6", "place_of_birth")],
    [("7", "rank"), ("8", "service_number")],
    [("9", "family_address")],
]


def fields_too_long(content: Mapping[str, Any]) -> list[str]:
    """The card fields whose value does not fit its box even at the smallest size."""
    pen = _Pen(None)
    too_long = []
    for key, (share, lines) in FIELD_LAYOUT.items():
        value = str(content.get(key) or "")
        width = _FULL_WIDTH * share - _VALUE_INSET
        size, _ = pen.fitted(value, width, VALUE_SIZE, lines=lines)
        all_lines = pen.wrap(value, width, size)
        if len(all_lines) > lines or any(pen.width(line, size) > width for line in all_lines):
            too_long.append(key)
    return too_long


def _card_side(pen: _Pen, content: Mapping[str, Any]) -> None:
    canvas = pen.canvas
    left = MARGIN
    full = _FULL_WIDTH
    top = PAGE_HEIGHT - MARGIN
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN / 2, MARGIN / 2, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN)
    pen.centre(PAGE_WIDTH / 2, top - 1.2 * mm, _both("block_letters", content), 6.2, bold=True)
    row = 8.1 * mm
    y = top - 2.6 * mm
    for columns in _ROWS:
        x = left
        lines = 1
        for number, key in columns:
            share, lines = FIELD_LAYOUT[key]
            _field(pen, x, y, full * share, number, key, content[key], content, lines=lines)
            x += full * share
        y -= row if lines == 1 else row + 2.3 * mm
    coming_from = content["coming_from"]
    # *10: "taken prisoner on" (arrival from the front) or "coming from"; the other struck.
    half = full * FIELD_LAYOUT["capture_date"][0]
    _field(
        pen,
        left,
        y,
        half,
        "*10",
        "taken_prisoner_on",
        content["capture_date"],
        content,
        strike=bool(coming_from),
    )
    _field(
        pen,
        left + half,
        y,
        full - half,
        "",
        "coming_from",
        coming_from or "",
        content,
        strike=not coming_from,
    )
    y -= row
    y -= _health_options(pen, left, y, full, content)
    pen.text(left, y - 2.2 * mm, "12. " + _both("present_address", content), LABEL_SIZE, color=GREY)
    y -= 2.8 * mm
    number_width = full * FIELD_LAYOUT["prisoner_number"][0]
    _field(pen, left, y, number_width, "", "prisoner_number", content["prisoner_number"], content)
    _field(
        pen,
        left + number_width,
        y,
        full - number_width,
        "",
        "present_place",
        content["present_place"],
        content,
    )
    y -= row
    _field(pen, left, y, number_width, "13", "date", content["date"], content)
    _field(pen, left + number_width, y, full - number_width, "14", "signature", "", content)
    prisoner_note = label("strike_out", content["language"])
    detaining_note = label("strike_out", content["detaining_language"])
    size, notes = pen.fitted(f"{prisoner_note}  {detaining_note}", full, 5.2, lines=2)
    baseline = MARGIN + 0.6 * mm + (len(notes) - 1) * size * 1.2
    for line in notes:
        pen.text(left, baseline, line, size, color=GREY)
        baseline -= size * 1.2


def render_capture_card(content: Mapping[str, Any]) -> bytes:
    """The two-page PDF (address side, card) for a card's content snapshot.

    ``content`` is what ``issue_capture_card`` sealed: the record's fields, the
    languages, capture date, "coming from", present place and the date printed.
    Raises CardFontMissing when the fonts are not installed.
    """
    buffer = io.BytesIO()
    # invariant: no creation timestamp or random document id in the file.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True, pageCompression=1)
    canvas.setTitle(label("title", content["detaining_language"]))
    canvas.setAuthor("")
    canvas.setCreator("")
    canvas.setSubject("")
    pen = _Pen(canvas)
    _address_side(pen, content)
    canvas.showPage()
    _card_side(pen, content)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
