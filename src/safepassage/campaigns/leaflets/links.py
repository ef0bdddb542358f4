"""The links printed on a leaflet: absolute, because paper has no "current site".

* website: ``SAFEPASSAGE_PUBLIC_BASE_URL`` + ``/c/CODE`` (the public site's campaign link);
* onion: ``SAFEPASSAGE_ONION_LOCATION`` + ``/c/CODE`` when an onion address is configured;
* Telegram: ``https://t.me/<bot>?start=CODE`` — the bot from
  ``SAFEPASSAGE_TELEGRAM_BOT_USERNAME``, else the active Telegram channel's
  ``bot_username`` setting;
* SMS: the active SMS channel's ``from_number`` (or ``SAFEPASSAGE_SMS_NUMBER``).
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


def _channel_setting(channel_type: str, name: str) -> str:
    from safepassage.channels.models import ChannelInstance

    for instance in ChannelInstance.objects.filter(channel_type=channel_type, is_active=True):
        value = instance.setting(name).strip()
        if value:
            return value
    return ""


def _base(url: str, setting: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise LeafletError(
            _("%(setting)s must be an absolute address such as https://example.org.")
            % {"setting": setting}
        )
    return url


def telegram_bot_username() -> str:
    """The bot's username (without @), or an empty string when none is configured."""
    name = str(getattr(settings, "SAFEPASSAGE_TELEGRAM_BOT_USERNAME", "") or "")
    name = (name or _channel_setting("telegram", "bot_username")).lstrip("@")
    return name if BOT_USERNAME.match(name) else ""


def leaflet_links(campaign: Campaign) -> LeafletLinks:
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
    bot = telegram_bot_username()
    telegram = f"https://t.me/{bot}?start={campaign.code}" if bot else ""
    number = str(getattr(settings, "SAFEPASSAGE_SMS_NUMBER", "") or "")
    number = number or _channel_setting("sms", "from_number")
    return LeafletLinks(website=website, onion=onion, telegram=telegram, sms_number=number)
