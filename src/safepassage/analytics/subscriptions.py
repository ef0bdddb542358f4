"""The analytics counters follow what the case and campaign domains announce.

Each subscriber writes counter rows inside the announcing transaction, so a counted
event and its counters commit together; ``analytics_rebuild`` recomputes the same rows
from cases and the audit trail.
"""

from __future__ import annotations

from safepassage.analytics.counters import (
    count_campaign_moved,
    count_case_opened,
    count_case_transition,
    count_first_response,
)
from safepassage.campaigns.events import CampaignMoved
from safepassage.cases.events import CaseMoved, CaseOpened, FirstResponse
from safepassage.events import subscribe


def on_case_opened(event: CaseOpened) -> None:
    """Count a new case."""
    count_case_opened(event.case)


def on_case_moved(event: CaseMoved) -> None:
    """Count a state change (and the funnel, and closures by reason)."""
    count_case_transition(event.case, previous=event.previous)


def on_first_response(event: FirstResponse) -> None:
    """Count the first answer in its delay bucket."""
    count_first_response(event.case, responded_at=event.responded_at)


def on_campaign_moved(event: CampaignMoved) -> None:
    """Move the case's counts to its new campaign."""
    count_campaign_moved(event.case, previous_id=event.previous_id, campaign_id=event.campaign_id)


def connect() -> None:
    """Subscribe the counters (called from ``AnalyticsConfig.ready``)."""
    subscribe(CaseOpened, on_case_opened)
    subscribe(CaseMoved, on_case_moved)
    subscribe(FirstResponse, on_first_response)
    subscribe(CampaignMoved, on_campaign_moved)
