"""The campaigns service layer: attribution, campaign management, leaflets."""

from safepassage.campaigns.domain.attribution import AttributionResult, Outcome, attribute

__all__ = ["AttributionResult", "Outcome", "attribute"]
