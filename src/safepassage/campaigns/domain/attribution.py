"""Attributing cases to campaigns: the one function every channel calls with a code."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.audit.chain import record_event
from safepassage.campaigns.events import CampaignMoved
from safepassage.campaigns.models import (
    CODE_PATTERN,
    Attribution,
    AttributionFlag,
    AttributionVia,
    Campaign,
    normalise_code,
)
from safepassage.cases.domain.campaign import claim_campaign
from safepassage.cases.models import Case
from safepassage.events import announce


class Outcome(enum.StrEnum):
    """What ``attribute`` did with a code."""

    FIRST = "first"  # the case had no campaign; this one is now its campaign
    LATER = "later"  # the case already had another campaign; recorded as a later code
    REPEAT = "repeat"  # the case's own campaign again (another channel, another /start)
    UNKNOWN = "unknown"  # no campaign has this code (or it is not a code at all)
    EMPTY = "empty"  # nothing to attribute; nothing recorded


@dataclass(frozen=True)
class AttributionResult:
    """The result of ``attribute``.  ``flag`` is set for ended, not-started and unknown codes."""

    outcome: Outcome
    campaign: Campaign | None
    flag: str
    attribution: Attribution | None

    @property
    def attributed(self) -> bool:
        """True when the code named a campaign (first, later or repeated)."""
        return self.campaign is not None


def _flag_for(campaign: Campaign, today: datetime.date) -> str:
    if campaign.has_ended(today):
        return AttributionFlag.ENDED
    if not campaign.has_started(today):
        return AttributionFlag.NOT_STARTED
    return AttributionFlag.NONE


def _record(
    case: Case, campaign: Campaign | None, *, via: str, first: bool, flag: str
) -> Attribution:
    try:
        with transaction.atomic():
            return Attribution.objects.create(
                case=case, campaign=campaign, via=via, first=first, flag=flag
            )
    except IntegrityError:
        # Already recorded for this case, campaign and way in: a repeated /start, a
        # re-sent form.  The existing row stands.
        return Attribution.objects.get(case=case, campaign=campaign, via=via)


def attribute(
    case: Case, code: str, *, via: str, today: datetime.date | None = None
) -> AttributionResult:
    """Attribute ``case`` to the campaign whose tracking code is ``code``.

    ``via`` is an ``AttributionVia`` value: ``web`` (``/c/CODE`` link or the form's code
    field), ``telegram_start`` (``/start CODE``), ``message_code`` (a code typed in a
    first WhatsApp/SMS/Telegram message), ``operator`` (a hotline operator's choice).

    * The first campaign seen is kept on ``case.campaign``; later codes are recorded as
      ``Attribution`` rows only (a case keeps the campaign of its first contact).
    * A code of a campaign that has ended (or not yet started) is still attributed, and
      the row is flagged ``ended`` / ``not_started`` so analysts can see stale material
      still in circulation.
    * A code that names no campaign, or is malformed, is recorded as ``unknown`` with no
      trace of what was typed (it might be personal).
    * An empty code does nothing.

    Side effects: at most one ``Attribution`` row per (case, campaign, via); when the
    case gets its first campaign, ``Case.campaign`` is set, the analytics counters move
    the case to that campaign, and a ``case.attributed`` audit event is written.  Safe to
    call twice with the same code.  ``case`` is updated in memory too.
    """
    if via not in AttributionVia.values:
        raise ValueError(f"unknown attribution route {via!r}")
    normalised = normalise_code(code or "")
    if not normalised:
        return AttributionResult(Outcome.EMPTY, None, AttributionFlag.NONE, None)
    today = today or timezone.localdate()
    campaign = None
    if CODE_PATTERN.match(normalised):
        campaign = Campaign.objects.filter(code=normalised).first()
    if campaign is None:
        row = _record(case, None, via=via, first=False, flag=AttributionFlag.UNKNOWN)
        return AttributionResult(Outcome.UNKNOWN, None, AttributionFlag.UNKNOWN, row)

    flag = _flag_for(campaign, today)
    with transaction.atomic():
        # A conditional update, not read-then-write: two channels attributing the same
        # new case at once cannot both become "first".
        took = claim_campaign(case, campaign_id=campaign.pk)
        if took:
            outcome = Outcome.FIRST
            case.campaign = campaign
            announce(CampaignMoved(case=case, previous_id=None, campaign_id=campaign.pk))
            record_event(
                "case.attributed",
                object_type="case",
                object_ref=case.reference,
                detail={"campaign": campaign.code, "via": via, "flag": str(flag)},
            )
        else:
            current = Case.objects.filter(pk=case.pk).values_list("campaign_id", flat=True).get()
            outcome = Outcome.REPEAT if current == campaign.pk else Outcome.LATER
        row = _record(case, campaign, via=via, first=took, flag=flag)
    return AttributionResult(outcome, campaign, flag, row)
