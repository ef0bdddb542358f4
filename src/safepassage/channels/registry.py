"""The channel types this deployment knows, listed in ``settings.SAFEPASSAGE_CHANNEL_TYPES``.

Adding a provider is adding a package with a ``ChannelType`` subclass and naming it in
the setting, as RapidPro registers ``temba/channels/types/*``.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.module_loading import import_string

from safepassage.channels.base import ChannelType

DEFAULT_CHANNEL_TYPES = (
    "safepassage.channels.telegram.TelegramType",
    "safepassage.channels.whatsapp.WhatsAppType",
    "safepassage.channels.sms.TwilioSmsType",
    "safepassage.channels.hotline.HotlineType",
    "safepassage.channels.voice.TwilioVoiceType",
)


@functools.cache
def channel_types() -> dict[str, ChannelType]:
    """Slug → channel type instance, in the configured order."""
    paths = getattr(settings, "SAFEPASSAGE_CHANNEL_TYPES", DEFAULT_CHANNEL_TYPES)
    types: dict[str, ChannelType] = {}
    for path in paths:
        cls = import_string(path)
        if not (isinstance(cls, type) and issubclass(cls, ChannelType)):
            raise TypeError(f"{path} is not a ChannelType")
        types[cls.slug] = cls()
    return types


def get_type(slug: str) -> ChannelType | None:
    """The channel type named ``slug``, or ``None``."""
    return channel_types().get(slug)
