"""Server-rendered SVG charts: stacked bars, lines and horizontal bars.

Written by hand rather than with matplotlib: a chart here is a few hundred rectangles
and lines, which plain string building renders in about a millisecond, while
matplotlib's SVG backend takes tens of milliseconds per figure (plus ~0.5 s to import)
— too much for a dashboard of eight charts with a one-second budget.  The output is
inline SVG: no script, no external request, presentation attributes only (the
console's CSP forbids inline styles), a ``<title>`` and ``<desc>`` for screen readers,
axis titles, and colours from the Okabe–Ito palette with dash patterns and a legend,
so the charts stay readable in grey-scale print.

Hidden counts (``<5``, ``x``) arrive as ``None`` and are not drawn; each chart's
description says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

WIDTH = 760
HEIGHT = 340
MARGIN_LEFT = 70
MARGIN_RIGHT = 20
MARGIN_TOP = 44
MARGIN_BOTTOM = 78
MAX_X_LABELS = 14
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999")
DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 4", "6 2 2 2")
FONT = 'font-family="Noto Sans, DejaVu Sans, sans-serif"'
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One named line or bar stack; ``None`` values are hidden counts, not drawn."""

    name: str
    values: Sequence[float | None]


def nice_step(value: float) -> float:
    """A round tick step at or above ``value``: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def axis_scale(largest: float, ticks: int = 4) -> tuple[float, float]:
    """(axis maximum, tick step) for data up to ``largest``: whole, round steps."""
    step = max(nice_step(largest / ticks), 1.0)
    return step * max(math.ceil(largest / step), 1), step


def text_width(text: str, size: float) -> float:
    """Rough rendered width of ``text`` at ``size`` px (Hangul and CJK are wide)."""
    return sum(size * (1.0 if ord(char) >= 0x1100 else 0.6) for char in text)


def _number(value: float) -> str:
    if value >= 10_000:
        thousands = value / 1000
        return f"{thousands:.0f}k" if thousands == int(thousands) else f"{thousands:.1f}k"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.1f}"


def _open(title: str, description: str, height: int = HEIGHT) -> tuple[list[str], str]:
    uid = f"chart{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" class="chart" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="15" '
        f'font-weight="bold" fill="#1d2330" {FONT}>{escape(title)}</text>',
    ]
    return parts, uid


def _y_axis(
    parts: list[str], top: float, y_title: str, plot_h: float, ymax: float, step: float
) -> None:
    left = MARGIN_LEFT
    right = WIDTH - MARGIN_RIGHT
    bottom = top + plot_h
    for k in range(round(ymax / step) + 1):
        value = step * k
        y = bottom - plot_h * value / ymax
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{"#1d2330" if k == 0 else "#d7dce4"}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1d2330" {FONT}>{_number(value)}</text>'
        )
    mid = top + plot_h / 2
    parts.append(
        f'<text x="16" y="{mid:.1f}" text-anchor="middle" font-size="12" fill="#1d2330" '
        f'transform="rotate(-90 16 {mid:.1f})" {FONT}>{escape(y_title)}</text>'
    )


def _x_axis(
    parts: list[str], labels: Sequence[str], x_title: str, centre: list[float], bottom: float
) -> None:
    step = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for index in range(0, len(labels), step):
        x = centre[index]
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="end" font-size="10" '
            f'fill="#1d2330" transform="rotate(-35 {x:.1f} {bottom + 14:.1f})" {FONT}>'
            f"{escape(labels[index])}</text>"
        )
    parts.append(
        f'<text x="{(MARGIN_LEFT + WIDTH - MARGIN_RIGHT) / 2:.1f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle" font-size="12" fill="#1d2330" {FONT}>{escape(x_title)}</text>'
    )


def _legend(parts: list[str], series: Sequence[Series], *, lines: bool) -> float:
    """Draw the legend under the title, wrapping onto more rows; return its bottom."""
    x = float(MARGIN_LEFT)
    y = 38.0
    for index, item in enumerate(series):
        label = item.name[:28]
        width = 30 + text_width(label, 11)
        if x + width > WIDTH - MARGIN_RIGHT and x > MARGIN_LEFT:
            x, y = float(MARGIN_LEFT), y + 16
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            dash = DASHES[index % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 22}" y="{y}" font-size="11" fill="#1d2330" {FONT}>'
            f"{escape(label)}</text>"
        )
        x += width
    return y + 8


def _description(base: str, series: Sequence[Series]) -> str:
    hidden = sum(1 for item in series for value in item.values if value is None)
    if hidden:
        return base + " " + _("Hidden counts (<5 or x) are not drawn.")
    return base


def stacked_bars(
    *, title: str, x_title: str, y_title: str, labels: Sequence[str], series: Sequence[Series]
) -> str:
    """Vertical bars per label, one coloured segment per series, stacked."""
    parts, _uid = _open(title, _description(f"{title}: {x_title} / {y_title}.", series))
    top = max(_legend(parts, series, lines=False), float(MARGIN_TOP))
    plot_h = HEIGHT - top - MARGIN_BOTTOM
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    totals = [sum(item.values[i] or 0 for item in series) for i in range(len(labels))]
    ymax, step = axis_scale(max(totals, default=0))
    _y_axis(parts, top, y_title, plot_h, ymax, step)
    slot = plot_w / max(len(labels), 1)
    bar = max(slot * 0.72, 1.0)
    centre = [MARGIN_LEFT + slot * (i + 0.5) for i in range(len(labels))]
    bottom = top + plot_h
    for i, label in enumerate(labels):
        base = float(bottom)
        for index, item in enumerate(series):
            value = item.values[i]
            if not value:
                continue
            height = plot_h * value / ymax
            base -= height
            parts.append(
                f'<rect x="{centre[i] - bar / 2:.1f}" y="{base:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[index % len(PALETTE)]}" '
                f'stroke="#ffffff" stroke-width="0.5"><title>{escape(label)} · '
                f"{escape(item.name)}: {_number(value)}</title></rect>"
            )
    _x_axis(parts, labels, x_title, centre, bottom)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *, title: str, x_title: str, y_title: str, labels: Sequence[str], series: Sequence[Series]
) -> str:
    """One line per series; a hidden value breaks the line rather than joining across it."""
    parts, _uid = _open(title, _description(f"{title}: {x_title} / {y_title}.", series))
    top = max(_legend(parts, series, lines=True), float(MARGIN_TOP))
    plot_h = HEIGHT - top - MARGIN_BOTTOM
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    values = [v for item in series for v in item.values if v is not None]
    ymax, step = axis_scale(max(values, default=0))
    _y_axis(parts, top, y_title, plot_h, ymax, step)
    slot = plot_w / max(len(labels), 1)
    centre = [MARGIN_LEFT + slot * (i + 0.5) for i in range(len(labels))]
    bottom = top + plot_h
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segments: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(item.values):
            if value is None:
                segments.append([])
                continue
            segments[-1].append((centre[i], bottom - plot_h * value / ymax))
        for segment in segments:
            if len(segment) >= 2:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
            for x, y in segment:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    _x_axis(parts, labels, x_title, centre, bottom)
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    *, title: str, x_title: str, labels: Sequence[str], values: Sequence[float | None]
) -> str:
    """One horizontal bar per label (a funnel, closures by reason), value printed beside it."""
    row_h = 30
    height = MARGIN_TOP + row_h * max(len(labels), 1) + 50
    description = _description(f"{title}: {x_title}.", [Series("", values)])
    parts, _uid = _open(title, description, height=height)
    left = 190
    plot_w = WIDTH - left - 80
    hidden = _("hidden")
    xmax, _step = axis_scale(max((v for v in values if v is not None), default=0))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = MARGIN_TOP + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 19}" text-anchor="end" font-size="12" '
            f'fill="#1d2330" {FONT}>{escape(label[:28])}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{left + 4}" y="{y + 19}" font-size="12" fill="#5b6475" {FONT}>'
                f"{escape(hidden)}</text>"
            )
            continue
        width = plot_w * value / xmax
        parts.append(
            f'<rect x="{left}" y="{y + 5}" width="{width:.1f}" height="{row_h - 10}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {_number(value)}</title></rect>'
        )
        parts.append(
            f'<text x="{left + width + 6:.1f}" y="{y + 19}" font-size="12" fill="#1d2330" '
            f"{FONT}>{_number(value)}</text>"
        )
    axis_y = MARGIN_TOP + row_h * len(labels) + 4
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#1d2330"/>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{axis_y + 30}" text-anchor="middle" '
        f'font-size="12" fill="#1d2330" {FONT}>{escape(x_title)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
