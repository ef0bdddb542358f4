"""Wishes at repatriation: counted on demand, never stored as counters.

A wish ("not to be exchanged", "join a unit in Ukraine's defence") is sealed in the
register because it endangers the person and his family.  A plaintext counter row
written when a wish is recorded would undo that: its timing (or the difference between
two daily totals), read beside the audit log's "wish recorded for person X", gives the
wish away to whoever holds a database dump.  So the register supplies a function that
opens the *current* wishes in memory (the console holds the key) and returns counts;
the dashboard suppresses and shows them, and nothing is written.

The register app registers its source in ``AppConfig.ready``::

    from safepassage.analytics.wishes import register_wish_source
    register_wish_source(current_wish_counts, labels=dict(Wish.choices))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

WishSource = Callable[[], Mapping[str, int]]


@dataclass(frozen=True)
class _Registered:
    source: WishSource
    labels: Mapping[str, object]


_registered: list[_Registered] = []


def register_wish_source(source: WishSource, *, labels: Mapping[str, object]) -> None:
    """Name the function that counts current wishes by code (replaces any earlier one)."""
    _registered[:] = [_Registered(source, dict(labels))]


def current_wishes() -> list[tuple[str, str, int]]:
    """(code, label, count) of current wishes; empty when no register is installed."""
    if not _registered:
        return []
    entry = _registered[0]
    counts = entry.source()
    codes = [*entry.labels, *sorted(set(counts) - set(entry.labels))]
    return [
        (code, str(entry.labels.get(code, code)), max(int(counts.get(code, 0)), 0))
        for code in codes
    ]
