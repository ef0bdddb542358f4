"""Campaigns when two cases of one person are merged, and when the merge is undone.

A case keeps the campaign of the person's first contact.  When a supervisor folds a
duplicate into a case that has no campaign, the person did reach us through the
duplicate's campaign, so the kept case inherits it; undoing the merge takes it back.
Both go through ``attribute`` and the counters, so the dashboard and a rebuild agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from safepassage.audit.chain import record_event
from safepassage.campaigns.domain.attribution import AttributionResult, Outcome, attribute
from safepassage.campaigns.events import CampaignMoved
from safepassage.campaigns.models import Attribution, AttributionVia
from safepassage.cases.domain.campaign import set_campaign
from safepassage.cases.events import CasesMerging, MergeUndoing
from safepassage.cases.models import Case
from safepassage.events import announce

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


def inherit_campaign(case: Case, *, source: Case) -> AttributionResult | None:
    """Give ``case`` the campaign of ``source`` (a duplicate merged into it), if ``case``
    has none and ``source`` has one; return what ``attribute`` did, or None.

    The route (``via``) and the day the code reached us are the duplicate's own first
    attribution's, so "how did this person find us" stays true and a code that was
    current then is not flagged as stale now.  A duplicate whose campaign has no
    attribution row (set when the case opened) counts as an operator's choice — a
    person decided it.  Side effects: those of ``attribute`` (``Case.campaign``, one
    ``Attribution`` row marked first, counters moved, one ``case.attributed`` event).
    """
    if case.campaign_id is not None or source.campaign_id is None:
        return None
    origin = (
        Attribution.objects.filter(case=source, campaign_id=source.campaign_id)
        .order_by("-first", "created_at", "id")
        .first()
    )
    via = origin.via if origin is not None else AttributionVia.OPERATOR
    seen_on = timezone.localdate(origin.created_at) if origin is not None else None
    code = source.campaign.code if source.campaign is not None else ""
    result = attribute(case, code, via=via, today=seen_on)
    return result if result.outcome == Outcome.FIRST else None


def drop_inherited_campaign(case: Case, *, campaign_id: int, by: Account) -> int | None:
    """Undo ``inherit_campaign`` on ``case`` (the kept case of a merge being undone).

    The attribution row the merge made is removed.  If the kept case has since seen a
    campaign code of its own (a later ``/start``, another channel), the earliest of those
    becomes its campaign; otherwise it has none again.  Counters move with it.  Returns
    the campaign id the case now has (or None).  Does nothing (and returns the current
    campaign) when the case no longer carries the inherited campaign.  Side effects: one
    ``Attribution`` row deleted, ``Case.campaign`` (also in memory), counter rows, one
    ``case.unattributed`` audit event naming campaign ids only.
    """
    if case.campaign_id != campaign_id:
        return case.campaign_id
    with transaction.atomic():
        Attribution.objects.filter(case=case, campaign_id=campaign_id, first=True).delete()
        own = (
            Attribution.objects.filter(case=case, campaign__isnull=False)
            .order_by("created_at", "id")
            .first()
        )
        restored = own.campaign_id if own is not None else None
        if own is not None:
            Attribution.objects.filter(pk=own.pk).update(first=True)
        set_campaign(case, campaign_id=restored)
        announce(CampaignMoved(case=case, previous_id=campaign_id, campaign_id=restored))
        record_event(
            "case.unattributed",
            actor=by,
            object_type="case",
            object_ref=case.reference,
            detail={"campaign": campaign_id, "now": restored},
        )
    return restored


def on_cases_merging(event: CasesMerging) -> None:
    """A kept case without a campaign inherits the duplicate's (named among the merge's
    filled fields, so undoing the merge gives it back)."""
    if inherit_campaign(event.kept, source=event.absorbed) is not None:
        event.merge.filled_fields.append("campaign")


def on_merge_undoing(event: MergeUndoing) -> None:
    """Take back the campaign the kept case inherited through the merge, if it did."""
    if "campaign" in event.merge.filled_fields and event.absorbed.campaign_id is not None:
        drop_inherited_campaign(event.kept, campaign_id=event.absorbed.campaign_id, by=event.by)
