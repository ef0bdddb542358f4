"""WhatsApp Cloud API: verification handshake, signed webhooks, parsing, sending.

Wire format (Meta's webhook reference): ``{"object": "whatsapp_business_account",
"entry": [{"id", "changes": [{"field": "messages", "value": {"metadata", "contacts",
"messages" | "statuses"}}]}]}``.  Every POST carries ``X-Hub-Signature-256: sha256=<hex
HMAC-SHA256 of the raw body keyed by the app secret>``.  Meta retries non-200 answers for
days, so anything we do not handle is acknowledged and dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from typing_extensions import override

from safepassage.cases.states import Channel
from safepassage.channels.base import (
    ChannelType,
    Event,
    InboundMessage,
    MediaRef,
    SendResult,
    SettingField,
    StatusUpdate,
)
from safepassage.channels.hookkey import matches_hash
from safepassage.channels.hooks import Hook, WebhookAnswer, accept, ignore, read_body, refuse
from safepassage.channels.models import ChannelInstance, DeliveryState
from safepassage.channels.whatsapp import api

SIGNATURE_HEADER = "X-Hub-Signature-256"
_CHALLENGE = re.compile(r"[A-Za-z0-9_\-.]{1,128}")
_STATUSES = {
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.READ,
    "failed": DeliveryState.FAILED,
}
_MEDIA_TYPES = {"image": "photo", "audio": "audio", "video": "video", "document": "document"}


def signature_valid(app_secret: str, body: bytes, header: str) -> bool:
    """Check ``sha256=<hex>`` against HMAC-SHA256(app secret, raw body), constant time."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def _relevant(payload: dict[str, Any]) -> bool:
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if isinstance(value, dict) and (value.get("messages") or value.get("statuses")):
                return True
    return False


class WhatsAppType(ChannelType):
    slug = "whatsapp"
    channel = Channel.WHATSAPP
    label = _("WhatsApp (Cloud API)")
    max_body = 256 * 1024
    default_api_base = "https://graph.facebook.com/v21.0"
    credential_fields = (
        SettingField("access_token", _("Access token (system user)"), secret=True),
    )
    intake_secret_field = SettingField(
        "app_secret", _("App secret (verifies X-Hub-Signature-256)"), secret=True
    )
    config_fields = (
        SettingField("phone_number_id", _("Phone number ID")),
        SettingField(
            "templates",
            _("Approved templates"),
            required=False,
            help_text=_("One per line: name|language code|text shown to the operator."),
        ),
        SettingField("api_base_url", _("Graph API base URL"), required=False),
    )

    # --- intake --------------------------------------------------------------------
    @override
    def webhook(self, request: HttpRequest, hook: Hook, endpoint: str) -> WebhookAnswer:
        if endpoint:
            return refuse(404, hook, "endpoint")
        if request.method == "GET":
            return self._verify_subscription(request, hook)
        if request.method != "POST":
            return refuse(405, hook, "method")
        raw = read_body(request, self.max_body)
        if raw is None:
            return refuse(413, hook, "too_large")
        if not signature_valid(hook.intake_secret, raw, request.headers.get(SIGNATURE_HEADER, "")):
            return refuse(403, hook, "bad_signature")
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return refuse(400, hook, "not_json")
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            return ignore(hook, "object")
        if not _relevant(payload):
            return ignore(hook, "no_messages")
        return accept("event", payload)

    def _verify_subscription(self, request: HttpRequest, hook: Hook) -> HttpResponse:
        """Meta's GET handshake: echo ``hub.challenge`` if our verify token matches."""
        mode = request.GET.get("hub.mode", "")
        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if mode != "subscribe" or not matches_hash(token, hook.verify_hash):
            return refuse(403, hook, "bad_verify_token")
        if not _CHALLENGE.fullmatch(challenge):
            return refuse(400, hook, "bad_challenge")
        return HttpResponse(challenge, content_type="text/plain")

    # --- worker --------------------------------------------------------------------
    @override
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        events: list[Event] = []
        if not isinstance(payload, dict):
            return events
        for entry in payload.get("entry") or []:
            if not isinstance(entry, dict):
                continue
            for change in entry.get("changes") or []:
                if not isinstance(change, dict) or change.get("field") != "messages":
                    continue
                value = change.get("value")
                if not isinstance(value, dict):
                    continue
                for message in value.get("messages") or []:
                    event = _parse_message(message) if isinstance(message, dict) else None
                    if event is not None:
                        events.append(event)
                for status in value.get("statuses") or []:
                    event = _parse_status(status) if isinstance(status, dict) else None
                    if event is not None:
                        events.append(event)
        return events

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
        return api.send(
            self.api_base(instance),
            credentials.get("access_token", ""),
            instance.setting("phone_number_id"),
            recipient=recipient,
            text=text,
            template=options.get("template") if isinstance(options.get("template"), dict) else None,
            send_key=send_key,
        )

    @override
    def fetch_media(
        self, instance: ChannelInstance, credentials: dict[str, str], ref: str
    ) -> tuple[bytes, str]:
        return api.download_media(self.api_base(instance), credentials.get("access_token", ""), ref)


def _parse_message(message: dict[str, Any]) -> Event | None:
    sender = message.get("from")
    message_id = message.get("id")
    kind = message.get("type")
    if not isinstance(sender, str) or not isinstance(message_id, str) or not sender:
        return None
    text = ""
    media: tuple[MediaRef, ...] = ()
    if kind == "text" and isinstance(message.get("text"), dict):
        text = str(message["text"].get("body", ""))
    elif kind in _MEDIA_TYPES and isinstance(message.get(kind), dict):
        item = message[kind]
        media_kind = "voice" if kind == "audio" and item.get("voice") else _MEDIA_TYPES[kind]
        if isinstance(item.get("id"), str):
            media = (
                MediaRef(
                    media_kind,
                    item["id"],
                    str(item.get("mime_type", "")).split(";")[0].strip(),
                    None,
                    str(item.get("filename", "")),
                ),
            )
        text = str(item.get("caption", "") or "")
    elif kind == "location" and isinstance(message.get("location"), dict):
        place = message["location"]
        text = f"📍 {place.get('latitude')}, {place.get('longitude')}"
        extra = " ".join(str(place.get(k)) for k in ("name", "address") if place.get(k))
        text = f"{text} {extra}".strip()
    elif kind == "button" and isinstance(message.get("button"), dict):
        text = str(message["button"].get("text", ""))
    elif kind == "interactive" and isinstance(message.get("interactive"), dict):
        reply = message["interactive"].get("button_reply") or message["interactive"].get(
            "list_reply"
        )
        text = str(reply.get("title", "")) if isinstance(reply, dict) else ""
    elif kind == "contacts" and isinstance(message.get("contacts"), list):
        lines = []
        for card in message["contacts"]:
            if not isinstance(card, dict):
                continue
            phones = ", ".join(
                str(p.get("phone", "")) for p in card.get("phones") or [] if isinstance(p, dict)
            )
            name = (
                card.get("name", {}).get("formatted_name", "")
                if isinstance(card.get("name"), dict)
                else ""
            )
            lines.append(f"☎ {phones} {name}".strip())
        text = "\n".join(lines)
    if not text and not media:
        return None  # reactions, stickers, "unsupported", system messages
    timestamp = message.get("timestamp")
    sent_at = (
        datetime.fromtimestamp(int(timestamp), UTC)
        if isinstance(timestamp, str) and timestamp.isdigit()
        else None
    )
    return InboundMessage(
        identity=sender, provider_id=message_id, text=text, media=media, sent_at=sent_at
    )


def _parse_status(status: dict[str, Any]) -> Event | None:
    provider_id = status.get("id")
    state = _STATUSES.get(str(status.get("status", "")))
    if not isinstance(provider_id, str) or state is None:
        return None
    errors = status.get("errors")
    error_code = ""
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        error_code = f"whatsapp_{errors[0].get('code', '')}"
    return StatusUpdate(
        provider_id=provider_id,
        status=state,
        error_code=error_code,
        send_key=str(status.get("biz_opaque_callback_data", ""))[:32],
    )
