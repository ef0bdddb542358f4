"""Fixtures for the public intake tests: rate limits that only the throttling tests meet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.intake import throttling
from safepassage.intake.envelope_writer import WRITER


@pytest.fixture(autouse=True)
def generous_limits(settings: SettingsWrapper) -> Iterator[None]:
    """Limits high enough that only the throttling tests meet them; fresh buckets."""
    settings.SAFEPASSAGE_WORKERS = 1
    settings.SAFEPASSAGE_SUBMIT_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SUBMIT_RATE_GLOBAL = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_GLOBAL = "1000/1"
    throttling.reset()
    yield
    throttling.reset()


@pytest.fixture(autouse=True)
def stopped_writer() -> Iterator[None]:
    """Each test ends with the envelope writer thread stopped and its connection closed
    (a test database cannot be dropped while a connection to it is open)."""
    yield
    WRITER.stop()
