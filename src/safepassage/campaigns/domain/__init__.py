"""The campaigns service layer: attribution, campaign management, leaflets."""

from safepassage.campaigns.domain.attribution import AttributionResult, Outcome, attribute
from safepassage.campaigns.domain.management import (
    CampaignData,
    CampaignRefused,
    active_campaign_choices,
    active_campaigns,
    create_campaign,
    update_campaign,
)

__all__ = [
    "AttributionResult",
    "CampaignData",
    "CampaignRefused",
    "Outcome",
    "active_campaign_choices",
    "active_campaigns",
    "attribute",
    "create_campaign",
    "update_campaign",
]
