"""Printable leaflets: one PDF per campaign, language and paper size (A5, A6)."""

from safepassage.campaigns.leaflets.links import (
    ContactPoints,
    LeafletError,
    LeafletLinks,
    leaflet_links,
)
from safepassage.campaigns.leaflets.render import PAPER_SIZES, render_leaflet
from safepassage.campaigns.leaflets.texts import LEAFLET_LANGUAGES

__all__ = [
    "LEAFLET_LANGUAGES",
    "PAPER_SIZES",
    "ContactPoints",
    "LeafletError",
    "LeafletLinks",
    "leaflet_links",
    "render_leaflet",
]
