"""Creating and editing campaigns, and the lists other forms choose a campaign from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.campaigns.models import CODE_PATTERN, Campaign, Medium, normalise_code

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

MAX_ASSET_LINKS = 20
MAX_CAMPAIGN_DAYS = 3 * 366
MAX_APPEAL_CHARS = 900


class CampaignRefused(Exception):
    """A campaign could not be saved.  ``errors`` maps form field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class CampaignData:
    """What a supervisor types for a campaign (before checking)."""

    code: str
    title: str
    audience: str = ""
    languages: list[str] = field(default_factory=list)
    medium: str = Medium.TEXT
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    asset_links: list[str] = field(default_factory=list)
    appeal_texts: dict[str, str] = field(default_factory=dict)


def _public_languages() -> list[str]:
    return [code for code, _name in settings.PUBLIC_LANGUAGES]


def _check(data: CampaignData, *, current: Campaign | None) -> CampaignData:
    """The cleaned data, or ``CampaignRefused`` naming every problem at once."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    code = normalise_code(data.code)
    if not CODE_PATTERN.match(code):
        refuse(
            "code",
            _("A tracking code is 3 to 12 letters A–Z or digits, with no spaces (e.g. KURSK24)."),
        )
    elif (
        Campaign.objects.filter(code=code)
        .exclude(pk=current.pk if current is not None else 0)
        .exists()
    ):
        refuse("code", _("Another campaign already uses the code %(code)s.") % {"code": code})
    elif current is not None and code != current.code and _in_use(current):
        refuse(
            "code",
            _(
                "The code %(code)s is already printed and attributed to cases; it cannot "
                "be changed. Create a new campaign instead."
            )
            % {"code": current.code},
        )
    title = data.title.strip()
    if not title:
        refuse("title", _("Give the campaign a title."))
    languages = [code for code in _public_languages() if code in data.languages]
    if not languages:
        refuse("languages", _("Choose at least one language."))
    if data.medium not in Medium.values:
        refuse("medium", _("Choose a medium from the list."))
    if data.starts_on and data.ends_on:
        if data.ends_on < data.starts_on:
            refuse(
                "ends_on",
                _("The campaign ends (%(end)s) before it starts (%(start)s).")
                % {"end": data.ends_on.isoformat(), "start": data.starts_on.isoformat()},
            )
        elif (data.ends_on - data.starts_on).days > MAX_CAMPAIGN_DAYS:
            refuse("ends_on", _("A campaign runs at most three years; check the dates."))
    links = []
    for raw in data.asset_links:
        link = raw.strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in {"https", "http"} or not parts.netloc:
            refuse(
                "asset_links",
                _("“%(link)s” is not a web address (it must start with https://).")
                % {"link": link[:80]},
            )
        links.append(link)
    if len(links) > MAX_ASSET_LINKS:
        refuse("asset_links", _("At most %(n)d links.") % {"n": MAX_ASSET_LINKS})
    appeals = {
        lang: text.strip()
        for lang, text in data.appeal_texts.items()
        if lang in _public_languages() and text.strip()
    }
    for lang, text in appeals.items():
        if len(text) > MAX_APPEAL_CHARS:
            refuse(
                f"appeal_{lang}",
                _("A leaflet appeal holds at most %(n)d characters; this one has %(m)d.")
                % {"n": MAX_APPEAL_CHARS, "m": len(text)},
            )
    if errors:
        raise CampaignRefused(errors)
    return CampaignData(
        code=code,
        title=title[:200],
        audience=data.audience.strip()[:200],
        languages=languages,
        medium=data.medium,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        asset_links=links,
        appeal_texts=appeals,
    )


def _in_use(campaign: Campaign) -> bool:
    return campaign.cases.exists() or campaign.attributions.exists()


def _apply(campaign: Campaign, data: CampaignData) -> None:
    for name in (
        "code",
        "title",
        "audience",
        "languages",
        "medium",
        "starts_on",
        "ends_on",
        "asset_links",
        "appeal_texts",
    ):
        setattr(campaign, name, getattr(data, name))


def _save(campaign: Campaign, action: str, by: Account) -> Campaign:
    try:
        with transaction.atomic():
            campaign.save()
            record_event(
                action,
                actor=by,
                object_type="campaign",
                object_ref=campaign.code,
                detail={"title": campaign.title[:80], "medium": campaign.medium},
            )
    except IntegrityError as error:
        # Two supervisors saved the same new code at once; the other one won.
        raise CampaignRefused(
            {
                "code": [
                    _("Another campaign already uses the code %(code)s.") % {"code": campaign.code}
                ]
            }
        ) from error
    return campaign


def create_campaign(*, data: CampaignData, by: Account) -> Campaign:
    """Check and create a campaign.  Side effects: one row, one ``campaign.created`` event."""
    clean = _check(data, current=None)
    campaign = Campaign()
    _apply(campaign, clean)
    return _save(campaign, "campaign.created", by)


def update_campaign(campaign: Campaign, *, data: CampaignData, by: Account) -> Campaign:
    """Check and save changes.  The code cannot change once cases carry it.

    Side effects: the row is updated and one ``campaign.updated`` event is written.
    """
    clean = _check(data, current=campaign)
    _apply(campaign, clean)
    return _save(campaign, "campaign.updated", by)


def active_campaigns(today: datetime.date | None = None) -> list[Campaign]:
    """Campaigns running today (started, not ended), newest first: for the hotline form."""
    today = today or timezone.localdate()
    return [c for c in Campaign.objects.order_by("-created_at") if c.is_active(today)]


def active_campaign_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """``(code, "CODE — title")`` pairs of running campaigns, for a form's select field.

    The hotline form passes the chosen code to ``attribute(case, code, via="operator")``.
    """
    return [(c.code, f"{c.code} — {c.title}") for c in active_campaigns(today)]
