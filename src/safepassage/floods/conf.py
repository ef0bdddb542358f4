"""Flood-detection settings, from Django settings or else the environment.

- ``SAFEPASSAGE_FLOOD_LOOKBACK_DAYS`` (14): how far back a new case's text is compared.
- ``SAFEPASSAGE_FLOOD_CLUSTER_SIZE`` (5): near-duplicate cases that make a flood group.
- ``SAFEPASSAGE_FLOOD_BURST`` (``60/600``): more than COUNT new cases on one channel
  within SECONDS is a burst (``0`` switches burst detection off).
- ``SAFEPASSAGE_FLOOD_NEAR_DUPLICATE_FLAGS`` (3): near-duplicate flags one case carries
  at most.

Why these defaults: a programme of about a hundred inquiries a day receives 0.7 new
cases per ten minutes on average; a twentyfold surge after a broadcast appeal is 14, and
the chance that Poisson arrivals at that rate exceed 60 in ten minutes is below 1e-15.
A scripted flood (the intake accepts hundreds a second) passes 60 within seconds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from safepassage.env import env_str

DEFAULTS = {
    "SAFEPASSAGE_FLOOD_LOOKBACK_DAYS": "14",
    "SAFEPASSAGE_FLOOD_CLUSTER_SIZE": "5",
    "SAFEPASSAGE_FLOOD_BURST": "60/600",
    "SAFEPASSAGE_FLOOD_NEAR_DUPLICATE_FLAGS": "3",
}


def _raw(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = env_str(name, DEFAULTS[name])
    return str(value).strip()


def _positive_int(name: str) -> int:
    try:
        value = int(_raw(name))
    except ValueError:
        raise ValueError(f"{name} must be a whole number") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


@dataclass(frozen=True)
class FloodSettings:
    """The thresholds in force (read on each use, so tests and operators can change them)."""

    lookback: datetime.timedelta
    cluster_size: int
    burst_count: int  # 0: burst detection off
    burst_window: datetime.timedelta
    near_duplicate_flags: int

    @property
    def mark_lifetime(self) -> datetime.timedelta:
        """How long marks are needed: the longer of the two windows."""
        return max(self.lookback, self.burst_window)


def _burst() -> tuple[int, datetime.timedelta]:
    raw = _raw("SAFEPASSAGE_FLOOD_BURST")
    if raw == "0":
        return 0, datetime.timedelta(0)
    count, _sep, seconds = raw.partition("/")
    try:
        parsed = int(count), int(seconds)
    except ValueError:
        raise ValueError("SAFEPASSAGE_FLOOD_BURST must be COUNT/SECONDS, e.g. 60/600") from None
    if parsed[0] < 1 or parsed[1] < 1:
        raise ValueError("SAFEPASSAGE_FLOOD_BURST must be COUNT/SECONDS, e.g. 60/600")
    return parsed[0], datetime.timedelta(seconds=parsed[1])


def flood_settings() -> FloodSettings:
    """The current flood settings; ValueError names a malformed one (never its context)."""
    burst_count, burst_window = _burst()
    return FloodSettings(
        lookback=datetime.timedelta(days=_positive_int("SAFEPASSAGE_FLOOD_LOOKBACK_DAYS")),
        cluster_size=max(_positive_int("SAFEPASSAGE_FLOOD_CLUSTER_SIZE"), 2),
        burst_count=burst_count,
        burst_window=burst_window,
        near_duplicate_flags=_positive_int("SAFEPASSAGE_FLOOD_NEAR_DUPLICATE_FLAGS"),
    )
