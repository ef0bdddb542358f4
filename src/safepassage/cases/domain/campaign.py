"""The case's campaign: the one column the campaigns app decides but cases stores.

Campaigns owns the rules (which code wins, what a merge inherits); these two writes
keep ``Case.campaign`` changing only through the case domain.
"""

from __future__ import annotations

from safepassage.cases.models import Case


def claim_campaign(case: Case, *, campaign_id: int) -> bool:
    """Give ``case`` its first campaign unless it has one; return whether it took.

    A conditional UPDATE, not read-then-write: two channels attributing the same new
    case at once cannot both become first.  ``case`` is updated in memory when it took.
    """
    took = Case.objects.filter(pk=case.pk, campaign__isnull=True).update(campaign_id=campaign_id)
    if took:
        case.campaign_id = campaign_id
    return took == 1


def set_campaign(case: Case, *, campaign_id: int | None) -> None:
    """Set (or clear) the campaign of ``case``, in the database and in memory."""
    Case.objects.filter(pk=case.pk).update(campaign_id=campaign_id)
    case.campaign_id = campaign_id
