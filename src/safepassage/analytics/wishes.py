"""Wishes at repatriation: counted on demand, never stored as counters.

A wish ("not to be exchanged", "join a unit in Ukraine's defence") is sealed in the
register because it endangers the person and his family.  A plaintext counter row
written when a wish is recorded would undo that: its timing (or the difference between
two daily totals), read beside the audit log's "wish recorded for person X", gives the
wish away to whoever holds a database dump.  So the register opens the *current* wishes
in memory (the console holds the key) and returns counts; the dashboard suppresses and
shows them, and nothing is written.
"""

from __future__ import annotations

from safepassage.register.domain.wishes import current_wish_counts
from safepassage.register.states import Wish


def current_wishes() -> list[tuple[str, str, int]]:
    """(code, label, count) of current wishes, every known wish listed."""
    counts = current_wish_counts()
    labels: dict[str, object] = dict(Wish.choices)
    codes = [*labels, *sorted(set(counts) - set(labels))]
    return [(code, str(labels.get(code, code)), max(int(counts.get(code, 0)), 0)) for code in codes]
