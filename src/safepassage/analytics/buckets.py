"""Delay buckets for time to first response.

Counters cannot keep every delay, so they keep how many first responses fell into each
bucket; the median and 90th percentile are then interpolated inside the bucket they fall
in.  The edges follow the 15-minute first-response target: fine below an hour, coarse
after a day.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

# Upper edges in seconds; the last bucket is open ("more than two days").
EDGES: tuple[int, ...] = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800)
OPEN_KEY = "more"


def bucket_key(delay: datetime.timedelta) -> str:
    """The bucket key for a delay: its upper edge in seconds, or ``more``."""
    seconds = max(delay.total_seconds(), 0.0)
    for edge in EDGES:
        if seconds < edge:
            return str(edge)
    return OPEN_KEY


def bucket_bounds(key: str) -> tuple[float, float | None]:
    """(lower, upper) seconds of a bucket; upper is None for the open bucket."""
    if key == OPEN_KEY:
        return float(EDGES[-1]), None
    upper = int(key)
    index = EDGES.index(upper)
    lower = 0 if index == 0 else EDGES[index - 1]
    return float(lower), float(upper)


def quantile_from_buckets(counts: Mapping[str, int], fraction: float) -> float | None:
    """Estimate a quantile (seconds) from bucket counts by linear interpolation.

    Returns None when there are no counts.  A quantile that falls in the open bucket is
    reported as that bucket's lower edge (a floor, shown as "more than …").
    """
    total = sum(max(count, 0) for count in counts.values())
    if total <= 0:
        return None
    target = fraction * total
    seen = 0.0
    for key in [*map(str, EDGES), OPEN_KEY]:
        count = max(counts.get(key, 0), 0)
        if count and seen + count >= target:
            lower, upper = bucket_bounds(key)
            if upper is None:
                return lower
            return lower + (upper - lower) * (target - seen) / count
        seen += count
    return float(EDGES[-1])
