"""The hotline channel type: no webhook and no sender — operators log calls by hand."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from typing_extensions import override

from safepassage.cases.states import Channel
from safepassage.channels.base import ChannelType, Event, SendResult, SettingField
from safepassage.channels.http import ProviderError
from safepassage.channels.models import ChannelInstance


class HotlineType(ChannelType):
    slug = "hotline"
    channel = Channel.HOTLINE
    label = _("Hotline (calls logged by operators)")
    has_webhook = False
    auto_reply_default = False
    config_fields = (SettingField("phone_number", _("Published hotline number"), required=False),)

    @override
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        return []

    @override
    def send_text(
        self,
        instance: ChannelInstance,
        credentials: dict[str, str],
        *,
        recipient: str,
        text: str,
        options: dict[str, Any],
        send_key: str,
    ) -> SendResult:
        raise ProviderError("hotline_cannot_send")
