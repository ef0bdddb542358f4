"""Where printed appeals send readers besides the website: the bot and the SMS number."""

from __future__ import annotations

from django.conf import settings

from safepassage.campaigns.leaflets import ContactPoints
from safepassage.channels.models import ChannelInstance


def _active_setting(channel_type: str, name: str) -> str:
    for instance in ChannelInstance.objects.filter(channel_type=channel_type, is_active=True):
        value = instance.setting(name).strip()
        if value:
            return value
    return ""


def contact_points() -> ContactPoints:
    """The Telegram bot (``SAFEPASSAGE_TELEGRAM_BOT_USERNAME``, else the active Telegram
    channel's ``bot_username``) and the SMS number (``SAFEPASSAGE_SMS_NUMBER``, else the
    active SMS channel's ``from_number``)."""
    bot = str(getattr(settings, "SAFEPASSAGE_TELEGRAM_BOT_USERNAME", "") or "")
    number = str(getattr(settings, "SAFEPASSAGE_SMS_NUMBER", "") or "")
    return ContactPoints(
        telegram_bot=(bot or _active_setting("telegram", "bot_username")).lstrip("@"),
        sms_number=number or _active_setting("sms", "from_number"),
    )
