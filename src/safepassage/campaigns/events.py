"""What the campaigns app announces (see ``safepassage.events``): analytics moves a
case's counts between campaigns when its campaign changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safepassage.cases.models import Case


@dataclass(frozen=True)
class CampaignMoved:
    """``case``'s campaign changed from ``previous_id`` to ``campaign_id`` (None: none)."""

    case: Case
    previous_id: int | None
    campaign_id: int | None
