"""Channel models, one per module."""

from safepassage.channels.models.hotline import Callback, CallbackState, HotlineCall
from safepassage.channels.models.instance import ChannelInstance, hook_key_hash, new_hook_key
from safepassage.channels.models.media import (
    MAX_MEDIA_BYTES,
    MediaAttachment,
    MediaKind,
    MediaState,
)
from safepassage.channels.models.outbound import CLAIMABLE, DeliveryState, OutboundDelivery
from safepassage.channels.models.session import ChatSession
from safepassage.channels.models.voice import CallOutcome, VoiceCall

__all__ = [
    "CLAIMABLE",
    "MAX_MEDIA_BYTES",
    "CallOutcome",
    "Callback",
    "CallbackState",
    "ChannelInstance",
    "ChatSession",
    "DeliveryState",
    "HotlineCall",
    "MediaAttachment",
    "MediaKind",
    "MediaState",
    "OutboundDelivery",
    "VoiceCall",
    "hook_key_hash",
    "new_hook_key",
]
