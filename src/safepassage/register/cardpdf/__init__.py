"""The Art. 70 capture card as a PDF (Annex IV-B model), 15 × 10.5 cm, in two languages."""

from safepassage.register.cardpdf.fonts import CardFontMissing
from safepassage.register.cardpdf.render import fields_too_long, render_capture_card

__all__ = ["CardFontMissing", "fields_too_long", "render_capture_card"]
