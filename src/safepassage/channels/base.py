"""What every channel type provides, and the events its parser yields to the worker.

A channel type is a vertical slice (RapidPro's ``temba/channels/types/*``, healthchecks'
integrations): the intake half checks a webhook's signature and stores its body sealed;
the worker half turns a stored body into events and talks to the provider's API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from safepassage.channels.hooks import Hook, WebhookAnswer
    from safepassage.channels.models import ChannelInstance


if not TYPE_CHECKING:
    StrOrPromise = str  # a label may be a lazy translation; only the type checker cares


@dataclass(frozen=True)
class MediaRef:
    """A file attached to an inbound message, still at the provider."""

    kind: str
    ref: str
    mime_type: str = ""
    size: int | None = None
    file_name: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """Something the person wrote (text, caption, media, location)."""

    identity: str
    provider_id: str
    text: str
    media: tuple[MediaRef, ...] = ()
    language_hint: str = ""
    sent_at: datetime | None = None
    edited: bool = False
    # Telegram username, used only to look for a web form that named it (never stored).
    handle: str = ""


@dataclass(frozen=True)
class BotCommand:
    """``/start CODE``, ``/language``, ``/help`` (Telegram)."""

    identity: str
    provider_id: str
    command: str
    argument: str = ""
    language_hint: str = ""


@dataclass(frozen=True)
class ChoiceMade:
    """A tap on an inline button (Telegram callback query)."""

    identity: str
    choice_id: str
    data: str
    language_hint: str = ""


@dataclass(frozen=True)
class StatusUpdate:
    """The provider's news about a message we sent."""

    provider_id: str
    status: str
    error_code: str = ""
    send_key: str = ""


@dataclass(frozen=True)
class CallEvent:
    """News about one voice call, in no provider's terms (Twilio today, Asterisk ARI next).

    Every field but ``call_id`` may be empty: a provider reports a call in several
    callbacks, and the worker merges them into one ``VoiceCall`` in whatever order they
    come.  ``caller`` is the caller's number; ``answered_by`` the id of the console
    account whose phone took the call; ``recording`` a provider reference to a voicemail
    (fetched, sealed and deleted at the provider by the channel type's ``fetch_media``).
    """

    call_id: str
    caller: str = ""
    language: str = ""
    answered_by: int | None = None
    missed: bool = False
    duration: int | None = None
    talk_duration: int | None = None
    recording: str = ""
    recording_id: str = ""
    recording_mime: str = ""
    ended: bool = False


Event = InboundMessage | BotCommand | ChoiceMade | StatusUpdate | CallEvent


@dataclass(frozen=True)
class SettingField:
    """One field of a channel type's admin form."""

    name: str
    label: StrOrPromise
    secret: bool = False
    required: bool = True
    help_text: StrOrPromise = ""


@dataclass(frozen=True)
class SendResult:
    """What a provider said when it accepted a message."""

    provider_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class ChannelType:
    """Base class; subclasses live in ``channels/<slug>/`` and are listed in settings."""

    slug: ClassVar[str]
    channel: ClassVar[str]
    label: ClassVar[StrOrPromise]
    # Largest webhook body accepted; larger ones get 413 before being read.
    max_body: ClassVar[int] = 64 * 1024
    has_webhook: ClassVar[bool] = True
    # Whether the worker answers a first message with an automatic acknowledgement.
    auto_reply_default: ClassVar[bool] = True
    supports_keyboard: ClassVar[bool] = False
    # Sending credentials (sealed to the programme), intake-held secrets, plain config.
    credential_fields: ClassVar[tuple[SettingField, ...]] = ()
    intake_secret_field: ClassVar[SettingField | None] = None
    config_fields: ClassVar[tuple[SettingField, ...]] = ()
    default_api_base: ClassVar[str] = ""

    # --- intake half ---------------------------------------------------------------
    def webhook(self, request: HttpRequest, hook: Hook, endpoint: str) -> WebhookAnswer:
        """Check one webhook call: a refusal, or the payload to store and the answer."""
        raise NotImplementedError

    # --- worker half ---------------------------------------------------------------
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        """Events in a stored webhook body; unknown or irrelevant parts are skipped."""
        raise NotImplementedError

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
        """Send one message; raise ``ProviderError`` (classified) on failure."""
        raise NotImplementedError

    def fetch_media(
        self, instance: ChannelInstance, credentials: dict[str, str], ref: str
    ) -> tuple[bytes, str]:
        """Download a media file: ``(content, mime type)``; ``ProviderError`` on failure."""
        raise NotImplementedError

    def answer_choice(
        self, instance: ChannelInstance, credentials: dict[str, str], choice_id: str
    ) -> None:
        """Acknowledge a button tap so the app stops its spinner (if the provider needs it)."""

    def api_base(self, instance: ChannelInstance) -> str:
        """The provider API's base URL (configurable, e.g. a self-hosted Bot API server)."""
        return (instance.setting("api_base_url") or self.default_api_base).rstrip("/")
