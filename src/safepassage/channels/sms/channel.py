"""SMS in Twilio's wire format.

Inbound messages and status callbacks are ``application/x-www-form-urlencoded`` POSTs
signed with ``X-Twilio-Signature``: base64(HMAC-SHA1(auth token, full URL + each POST
parameter's name and value, sorted by name)).  Inbound calls are answered with empty
TwiML (no auto-reply from Twilio itself); status callbacks with an empty 200.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
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
from safepassage.channels.hooks import Hook, WebhookAnswer, accept, ignore, read_body, refuse
from safepassage.channels.models import ChannelInstance, DeliveryState
from safepassage.channels.sms import api

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_STATUSES = {
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.READ,
    "undelivered": DeliveryState.FAILED,
    "failed": DeliveryState.FAILED,
    "canceled": DeliveryState.FAILED,
}
MAX_MEDIA = 10


def expected_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's documented signature of a form-encoded request."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(auth_token: str, url: str, params: list[tuple[str, str]], header: str) -> bool:
    """Constant-time check of ``X-Twilio-Signature``."""
    if not auth_token or not header:
        return False
    return hmac.compare_digest(expected_signature(auth_token, url, params), header.strip())


def public_url(request: HttpRequest, hook: Hook) -> str:
    """The URL Twilio called: the configured public base (TLS ends at a proxy, so our own
    idea of scheme and host may differ from Twilio's) plus path and query."""
    if hook.public_base_url:
        return hook.public_base_url + request.get_full_path()
    return request.build_absolute_uri()


class TwilioSmsType(ChannelType):
    slug = "sms"
    channel = Channel.SMS
    label = _("SMS (Twilio)")
    max_body = 32 * 1024
    # An automatic text to a number that may be watched is a risk the person did not
    # choose; operators answer SMS by hand unless an admin turns this on.
    auto_reply_default = False
    default_api_base = "https://api.twilio.com"
    credential_fields = (
        SettingField("account_sid", _("Account SID")),
        SettingField(
            "api_key_sid",
            _("API key SID"),
            required=False,
            help_text=_("Empty: use the Account SID."),
        ),
        SettingField("api_secret", _("API key secret or auth token (for sending)"), secret=True),
    )
    intake_secret_field = SettingField(
        "auth_token", _("Auth token (verifies X-Twilio-Signature)"), secret=True
    )
    config_fields = (
        SettingField("from_number", _("Sending number (E.164)"), required=False),
        SettingField("messaging_service_sid", _("Messaging service SID"), required=False),
        SettingField(
            "public_base_url",
            _("Public base URL of the intake"),
            help_text=_("Exactly as configured in Twilio, e.g. https://example.org"),
        ),
        SettingField("api_base_url", _("REST API base URL"), required=False),
    )

    # --- intake --------------------------------------------------------------------
    @override
    def webhook(self, request: HttpRequest, hook: Hook, endpoint: str) -> WebhookAnswer:
        if endpoint not in {"", "status"}:
            return refuse(404, hook, "endpoint")
        if request.method != "POST":
            return refuse(405, hook, "method")
        raw = read_body(request, self.max_body)
        if raw is None:
            return refuse(413, hook, "too_large")
        try:
            params = urllib.parse.parse_qsl(
                raw.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=False,
                max_num_fields=200,
            )
        except (UnicodeDecodeError, ValueError):
            return refuse(400, hook, "not_form")
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not signature_valid(hook.intake_secret, public_url(request, hook), params, header):
            return refuse(403, hook, "bad_signature")
        form = dict(reversed(params))  # first value of a repeated name wins
        if not form.get("MessageSid"):
            return refuse(400, hook, "no_message_sid")
        if endpoint == "status":
            if form.get("MessageStatus") not in _STATUSES:
                return ignore(hook, "interim_status")
            return accept("status", form)
        if not form.get("From"):
            return refuse(400, hook, "no_sender")
        return accept("inbound", form, HttpResponse(EMPTY_TWIML, content_type="text/xml"))

    # --- worker --------------------------------------------------------------------
    @override
    def parse(self, payload: Any, endpoint: str) -> list[Event]:
        if not isinstance(payload, dict):
            return []
        sid = str(payload.get("MessageSid", ""))
        if endpoint == "status":
            state = _STATUSES.get(str(payload.get("MessageStatus", "")))
            if not sid or state is None:
                return []
            code = str(payload.get("ErrorCode", "") or "")
            return [StatusUpdate(sid, state, f"twilio_{code}" if code else "")]
        sender = str(payload.get("From", ""))
        if not sid or not sender:
            return []
        media = []
        count = str(payload.get("NumMedia", "0"))
        for index in range(min(int(count) if count.isdigit() else 0, MAX_MEDIA)):
            url = str(payload.get(f"MediaUrl{index}", ""))
            mime = str(payload.get(f"MediaContentType{index}", ""))
            if url.startswith(("https://", "http://")):
                media.append(MediaRef(_media_kind(mime), url, mime))
        text = str(payload.get("Body", ""))
        if not text and not media:
            return []
        return [InboundMessage(identity=sender, provider_id=sid, text=text, media=tuple(media))]

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
        base_url = instance.setting("public_base_url").rstrip("/")
        callback = ""
        if base_url and isinstance(options.get("status_path"), str):
            callback = base_url + options["status_path"]
        return api.send_message(
            self.api_base(instance),
            credentials,
            to=recipient,
            body=text,
            from_number=instance.setting("from_number"),
            messaging_service_sid=instance.setting("messaging_service_sid"),
            status_callback=callback,
        )

    @override
    def fetch_media(
        self, instance: ChannelInstance, credentials: dict[str, str], ref: str
    ) -> tuple[bytes, str]:
        return api.download_media(self.api_base(instance), credentials, ref)


def _media_kind(mime: str) -> str:
    if mime.startswith("image/"):
        return "photo"
    if mime.startswith("audio/"):
        return "audio"
    if mime.startswith("video/"):
        return "video"
    return "document"
