"""Making noted cases the way the worker does, for the flood tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safepassage.cases.models import Case
from safepassage.floods.domain import note_new_case

from ..cases.casework import make_case, reload


def noted_case(
    text: str,
    *,
    channel: str = "web",
    language: str = "ru",
    at: datetime.datetime | None = None,
) -> Case:
    """A new case (contact and sealed first message) noted for flood detection."""
    received_at = at or timezone.now()
    case = make_case(language=language, channel=channel, message=text, received_at=received_at)
    note_new_case(case=case, text=text, channel=channel, received_at=received_at)
    return reload(case)


def flags_of(case: Case, prefix: str) -> list[str]:
    """The case's current risk flags that start with ``prefix`` (e.g. ``"flood:"``)."""
    return [flag for flag in reload(case).risk_flags if flag.startswith(prefix)]
