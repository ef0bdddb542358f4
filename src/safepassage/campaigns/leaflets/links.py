"""The links printed on a leaflet: absolute, because paper has no "current site".

* website: ``SAFEPASSAGE_PUBLIC_BASE_URL`` + ``/c/CODE`` (the public site's campaign link);
* onion: ``SAFEPASSAGE_ONION_LOCATION`` + ``/c/CODE`` when an onion address is configured;
* Telegram: ``https://t.me/<bot>?start=CODE``;
* SMS: the number to text.

The bot and the number are ``ContactPoints`` the caller gets from the channels app
(``channels.domain.contact_points``): campaigns sits below channels and does not read
channel settings itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.campaigns.models import Campaign

BOT_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class LeafletError(Exception):
    """A leaflet cannot be made; ``str()`` tells the supervisor what to configure."""


@dataclass(frozen=True)
class LeafletLinks:
    """Where a leaflet sends its reader."""

    website: str
    onion: str
    telegram: str
    sms_number: str


@dataclass(frozen=True)
class ContactPoints:
    """How a reader reaches the programme besides the website: the Telegram bot's
    username (without @) and the SMS number; empty when there is none."""

    telegram_bot: str
    sms_number: str


def _base(url: str, setting: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise LeafletError(
            _("%(setting)s must be an absolute address such as https://example.org.")
            % {"setting": setting}
        )
    return url


def leaflet_links(campaign: Campaign, points: ContactPoints) -> LeafletLinks:
    """The absolute links for ``campaign``; ``LeafletError`` if the public address is unset."""
    base = str(getattr(settings, "SAFEPASSAGE_PUBLIC_BASE_URL", "") or "")
    if not base:
        raise LeafletError(
            _(
                "Leaflets need the public site's address: set SAFEPASSAGE_PUBLIC_BASE_URL "
                "(for example https://example.org)."
            )
        )
    path = f"/c/{campaign.code}"
    website = _base(base, "SAFEPASSAGE_PUBLIC_BASE_URL") + path
    onion_base = str(getattr(settings, "SAFEPASSAGE_ONION_LOCATION", "") or "")
    onion = _base(onion_base, "SAFEPASSAGE_ONION_LOCATION") + path if onion_base else ""
    bot = points.telegram_bot.lstrip("@")
    telegram = f"https://t.me/{bot}?start={campaign.code}" if BOT_USERNAME.match(bot) else ""
    return LeafletLinks(
        website=website, onion=onion, telegram=telegram, sms_number=points.sms_number
    )
