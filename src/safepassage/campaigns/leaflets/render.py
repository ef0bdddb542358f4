"""Drawing a leaflet as a one-page PDF with reportlab (A5 or A6).

Layout, top to bottom: headline, appeal, Geneva Convention box, the two QR codes
(website, Telegram) with their addresses printed beneath for typing, the SMS code in
large type, the onion address, the safety instructions and the leaflet code.  The
whole story sits in a ``KeepInFrame`` that shrinks it to the page, so a long appeal
never spills onto a second page.  QR codes (segno) are drawn as vector squares, so
they stay sharp at any print resolution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A5, A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from safepassage.campaigns.leaflets.fonts import Fonts, fonts
from safepassage.campaigns.leaflets.links import (
    ContactPoints,
    LeafletError,
    LeafletLinks,
    leaflet_links,
)
from safepassage.campaigns.leaflets.texts import TEXTS, LeafletText
from safepassage.campaigns.models import Campaign

INK = colors.HexColor("#1d2330")
WASH = colors.HexColor("#eef1f5")


@dataclass(frozen=True)
class Paper:
    """A paper size and how large things are drawn on it."""

    size: tuple[float, float]
    margin: float
    scale: float
    qr: float


PAPER_SIZES: dict[str, Paper] = {
    "a5": Paper(A5, 9 * mm, 1.0, 36 * mm),
    "a6": Paper(A6, 6 * mm, 0.74, 28 * mm),
}


def qr_drawing(data: str, size: float) -> Drawing:
    """A QR code for ``data`` as a vector drawing ``size`` points wide (quiet zone included)."""
    code = segno.make(data, error="m", micro=False)
    matrix = code.matrix
    border = 4
    modules = len(matrix) + 2 * border
    unit = size / modules
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None))
    for row_index, row in enumerate(matrix):
        y = size - (row_index + border + 1) * unit
        start = None
        # One rectangle per run of dark modules: fewer shapes, no hairline gaps.
        for col_index, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                drawing.add(
                    Rect(
                        (start + border) * unit,
                        y,
                        (col_index - start) * unit,
                        unit,
                        fillColor=colors.black,
                        strokeColor=None,
                    )
                )
                start = None
    return drawing


def _styles(scale: float, regular: Fonts, bold: Fonts) -> dict[str, ParagraphStyle]:
    def style(name: str, font: Fonts, size: float, **extra: object) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font.main,
            fontSize=size * scale,
            leading=size * scale * 1.28,
            textColor=INK,
            **extra,
        )

    return {
        "headline": style("headline", bold, 19, alignment=TA_CENTER, spaceAfter=5 * scale),
        "body": style("body", regular, 9.6, spaceAfter=4 * scale),
        "title": style("title", bold, 10.5, spaceBefore=3 * scale, spaceAfter=2 * scale),
        "label": style("label", bold, 8.2, alignment=TA_CENTER),
        "url": style("url", regular, 6.8, alignment=TA_CENTER),
        "code": style("code", bold, 17, alignment=TA_CENTER, spaceBefore=3 * scale),
        "small": style("small", regular, 7.4, alignment=TA_CENTER),
        "item": style(
            "item",
            regular,
            8.8,
            leftIndent=10 * scale,
            bulletIndent=1 * scale,
            bulletFontName=regular.main,
            bulletFontSize=8.8 * scale,
        ),
    }


def _qr_cell(
    label: str, url: str, size: float, st: dict[str, ParagraphStyle], f: Fonts
) -> list[Flowable]:
    return [
        qr_drawing(url, size),
        Paragraph(f.markup(label), st["label"]),
        Paragraph(f.markup(url), st["url"]),
    ]


def _story(
    campaign: Campaign,
    text: LeafletText,
    links: LeafletLinks,
    paper: Paper,
    language: str,
    scale: float,
) -> list[Flowable]:
    regular, bold = fonts(language), fonts(language, bold=True)
    st = _styles(scale, regular, bold)
    code = campaign.code

    def para(value: str, style: str, font: Fonts = regular) -> Paragraph:
        return Paragraph(font.markup(value.format(code=code)), st[style])

    appeal = campaign.appeal_texts.get(language) if isinstance(campaign.appeal_texts, dict) else ""
    geneva = Table(
        [[[para(text.geneva_title, "title", bold), para(text.geneva, "body")]]],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), WASH),
                ("BOX", (0, 0), (-1, -1), 0.6, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 5 * scale),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5 * scale),
            ]
        ),
    )
    # QR codes grow with the type, but not past 1.3× their nominal size.
    qr_size = paper.qr * min(scale / paper.scale, 1.3)
    cells = [_qr_cell(text.web_label, links.website, qr_size, st, regular)]
    if links.telegram:
        cells.append(_qr_cell(text.telegram_label, links.telegram, qr_size, st, regular))
    qr_table = Table(
        [cells],
        style=TableStyle(
            [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        ),
    )
    sms = [text.sms_label.format(code=code)]
    if links.sms_number:
        sms.append(text.sms_number.format(number=links.sms_number))
    story: list[Flowable] = [
        para(text.headline, "headline", bold),
        para(appeal.strip() if isinstance(appeal, str) and appeal.strip() else text.appeal, "body"),
        geneva,
        para(text.reach_title, "title", bold),
        qr_table,
        *(Paragraph(regular.markup(line), st["small"]) for line in sms),
        Paragraph(bold.markup(code), st["code"]),
    ]
    if links.onion:
        story.append(Paragraph(regular.markup(text.onion_label), st["small"]))
        story.append(Paragraph(regular.markup(links.onion), st["url"]))
    story.append(para(text.safety_title, "title", bold))
    story += [
        Paragraph(regular.markup(item.format(code=code)), st["item"], bulletText="•")
        for item in text.safety
    ]
    story += [Spacer(1, 3 * scale), para(text.footer, "small")]
    return story


def _height(story: list[Flowable], width: float, height: float) -> float:
    total = 0.0
    for flowable in story:
        _w, h = flowable.wrap(width, height)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _fitted_story(
    campaign: Campaign,
    links: LeafletLinks,
    paper: Paper,
    language: str,
    width: float,
    height: float,
) -> list[Flowable]:
    """The story at the largest type size (in 5 % steps) that fills the page without
    overflowing it: short appeals print large, long ones shrink."""
    scale = paper.scale * 1.45
    while True:
        story = _story(campaign, TEXTS[language], links, paper, language, scale)
        if scale <= paper.scale * 0.6 or _height(story, width, height) <= height * 0.97:
            return _story(campaign, TEXTS[language], links, paper, language, scale)
        scale *= 0.95


def render_leaflet(campaign: Campaign, *, points: ContactPoints, language: str, size: str) -> bytes:
    """The leaflet for ``campaign`` in ``language`` on ``size`` paper, as PDF bytes.

    Raises ``LeafletError`` (message for the supervisor) for an unknown language or size
    or a missing public address.  No side effects.
    """
    if language not in TEXTS:
        raise LeafletError(
            _("Leaflets are written in %(languages)s only.") % {"languages": ", ".join(TEXTS)}
        )
    if size not in PAPER_SIZES:
        raise LeafletError(
            _("Leaflets are printed on %(sizes)s only.")
            % {"sizes": ", ".join(name.upper() for name in PAPER_SIZES)}
        )
    paper = PAPER_SIZES[size]
    links = leaflet_links(campaign, points)
    buffer = io.BytesIO()
    width, height = paper.size
    document = SimpleDocTemplate(
        buffer,
        pagesize=paper.size,
        leftMargin=paper.margin,
        rightMargin=paper.margin,
        topMargin=paper.margin,
        bottomMargin=paper.margin,
        title=f"{campaign.code} ({language}, {size.upper()})",
        author="",
        subject="",
        creator="",
        invariant=1,
    )
    frame_w = width - 2 * paper.margin
    frame_h = height - 2 * paper.margin
    story = _fitted_story(campaign, links, paper, language, frame_w, frame_h)
    # The fitted story fits; KeepInFrame only guards against rounding.
    document.build([KeepInFrame(frame_w, frame_h - 1, story, mode="shrink")])
    return buffer.getvalue()


__all__ = ["PAPER_SIZES", "LeafletError", "qr_drawing", "render_leaflet"]
