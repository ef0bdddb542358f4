"""Fixtures of the flood tests."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.cases.models import Case

from .helpers import noted_case
from .texts import SHORT


@pytest.fixture
def burst(settings: Any, db: None) -> list[Case]:
    """Six short-message cases on the website within seconds: one burst group (the
    threshold is lowered to "more than 5 in ten minutes")."""
    settings.SAFEPASSAGE_FLOOD_BURST = "5/600"
    return [noted_case(SHORT[0]) for _ in range(6)]
