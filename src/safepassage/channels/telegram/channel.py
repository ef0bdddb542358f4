"""Telegram: webhook check and storage (intake), update parsing (worker).

Wire format: https://core.telegram.org/bots/api#update — one JSON ``Update`` per POST,
authenticated by the ``X-Telegram-Bot-Api-Secret-Token`` header we chose in
``setWebhook``.  Telegram retries a call that does not get a 2xx answer, so anything we
do not handle is acknowledged with 200 and dropped; only a body that is not an Update
gets 400.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from typing_extensions import override

from safepassage.cases.states import Channel
from safepassage.channels.base import (
    BotCommand,
    ChannelType,
    ChoiceMade,
    Event,
    InboundMessage,
    MediaRef,
    SendResult,
    SettingField,
)
from safepassage.channels.hookkey import matches_hash
from safepassage.channels.hooks import Hook, WebhookAnswer, accept, ignore, read_body, refuse
from safepassage.channels.models import ChannelInstance
from safepassage.channels.telegram import api
from safepassage.channels.telegram.api import ALLOWED_UPDATES

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# The update types we ask for in setWebhook and store; anything else is dropped.
COMMANDS = frozenset({"start", "language", "help", "safety"})
_MEDIA_KEYS = (
    ("voice", "voice"),
    ("audio", "audio"),
    ("video", "video"),
    ("video_note", "video"),
    ("document", "document"),
)


def _private_chat(message: Any) -> bool:
    chat = message.get("chat") if isinstance(message, dict) else None
    return isinstance(chat, dict) and chat.get("type") == "private"


class TelegramType(ChannelType):
    slug = "telegram"
    channel = Channel.TELEGRAM
    label = _("Telegram bot")
    max_body = 64 * 1024
    supports_keyboard = True
    default_api_base = "https://api.telegram.org"
    credential_fields = (SettingField("bot_token", _("Bot token (from @BotFather)"), secret=True),)
    config_fields = (
        SettingField(
            "bot_username",
            _("Bot username"),
            required=False,
            help_text=_("e.g. @example_bot — printed on leaflets as a t.me link."),
        ),
        SettingField(
            "api_base_url",
            _("Bot API base URL"),
            required=False,
            help_text=_(
                "Leave empty for api.telegram.org; set it for a self-hosted "
                "telegram-bot-api server."
            ),
        ),
        SettingField(
            "public_base_url",
            _("Public base URL of the intake"),
            required=False,
            help_text=_("e.g. https://example.org — used to register the webhook."),
        ),
    )

    # --- intake --------------------------------------------------------------------
    @override
    def webhook(self, request: HttpRequest, hook: Hook, endpoint: str) -> WebhookAnswer:
        if request.method != "POST" or endpoint:
            return refuse(405 if not endpoint else 404, hook, "method")
        if not matches_hash(request.headers.get(SECRET_HEADER, ""), hook.verify_hash):
            return refuse(403, hook, "bad_secret")
        raw = read_body(request, self.max_body)
        if raw is None:
            return refuse(413, hook, "too_large")
        try:
            update = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return refuse(400, hook, "not_json")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return refuse(400, hook, "not_an_update")
        kind = next((key for key in ALLOWED_UPDATES if key in update), None)
        if kind is None:
            return ignore(hook, "update_type")
        if kind in {"message", "edited_message"} and not _private_chat(update[kind]):
            # Groups and channels the bot was added to are not conversations with a person.
            return ignore(hook, "not_private")
        return accept("update", update)

    # --- worker --------------------------------------------------------------------
    @override
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        if not isinstance(payload, dict):
            return []
        if isinstance(payload.get("callback_query"), dict):
            return self._parse_choice(payload["callback_query"])
        for key, edited in (("message", False), ("edited_message", True)):
            message = payload.get(key)
            if isinstance(message, dict) and _private_chat(message):
                event = self._parse_message(message, edited=edited)
                return [event] if event is not None else []
        return []

    def _parse_choice(self, query: dict[str, Any]) -> list[Event]:
        sender = _dict(query.get("from"))
        chat = _dict(_dict(query.get("message")).get("chat"))
        identity = chat.get("id", sender.get("id"))
        if identity is None or not isinstance(query.get("id"), str):
            return []
        return [
            ChoiceMade(
                identity=str(identity),
                choice_id=query["id"],
                data=str(query.get("data", ""))[:64],
                language_hint=str(sender.get("language_code", "")),
            )
        ]

    def _parse_message(self, message: dict[str, Any], *, edited: bool) -> Event | None:
        chat_id = str(message["chat"].get("id", ""))
        message_id = message.get("message_id")
        if not chat_id or not isinstance(message_id, int):
            return None
        sender = _dict(message.get("from"))
        hint = str(sender.get("language_code", ""))
        provider_id = f"{chat_id}:{message_id}"
        if edited:
            provider_id += f":e{message.get('edit_date', '')}"
        text = message.get("text")
        if isinstance(text, str) and text.startswith("/") and not edited:
            command, _, argument = text[1:].partition(" ")
            command = command.split("@", 1)[0].lower()
            if command in COMMANDS:
                return BotCommand(chat_id, provider_id, command, argument.strip()[:64], hint)
        body = text if isinstance(text, str) else str(message.get("caption", "") or "")
        media = _media(message)
        body = _describe_extras(message, body)
        if not body and not media:
            return None
        sent_at = message.get("edit_date" if edited else "date")
        return InboundMessage(
            identity=chat_id,
            provider_id=provider_id,
            text=body,
            media=media,
            language_hint=hint,
            sent_at=datetime.fromtimestamp(sent_at, UTC) if isinstance(sent_at, int) else None,
            edited=edited,
            handle=str(sender.get("username", "") or "")[:64],
        )

    # --- provider API --------------------------------------------------------------
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
        return api.send_message(
            self.api_base(instance), credentials.get("bot_token", ""), recipient, text, options
        )

    @override
    def fetch_media(
        self, instance: ChannelInstance, credentials: dict[str, str], ref: str
    ) -> tuple[bytes, str]:
        return api.download_file(self.api_base(instance), credentials.get("bot_token", ""), ref)

    @override
    def answer_choice(
        self, instance: ChannelInstance, credentials: dict[str, str], choice_id: str
    ) -> None:
        api.answer_callback_query(
            self.api_base(instance), credentials.get("bot_token", ""), choice_id
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    found: list[MediaRef] = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        # PhotoSize list, smallest first: keep the largest.
        largest = photos[-1]
        if isinstance(largest.get("file_id"), str):
            found.append(
                MediaRef("photo", largest["file_id"], "image/jpeg", largest.get("file_size"))
            )
    for key, kind in _MEDIA_KEYS:
        item = message.get(key)
        if isinstance(item, dict) and isinstance(item.get("file_id"), str):
            found.append(
                MediaRef(
                    kind,
                    item["file_id"],
                    str(item.get("mime_type", "")),
                    item.get("file_size") if isinstance(item.get("file_size"), int) else None,
                    str(item.get("file_name", "")),
                )
            )
    return tuple(found)


def _describe_extras(message: dict[str, Any], body: str) -> str:
    """Put a shared location or contact card into the text the operator reads."""
    location = message.get("location")
    if isinstance(location, dict):
        line = f"📍 {location.get('latitude')}, {location.get('longitude')}"
        body = f"{body}\n{line}".strip()
    contact = message.get("contact")
    if isinstance(contact, dict):
        name = " ".join(
            str(contact.get(part, "")) for part in ("first_name", "last_name") if contact.get(part)
        )
        line = f"☎ {contact.get('phone_number', '')} {name}".strip()
        body = f"{body}\n{line}".strip()
    return body
