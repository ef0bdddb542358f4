"""Provider payloads in their documented wire formats (Telegram Update objects, Meta's
WhatsApp webhook notifications, Twilio's form-encoded webhooks)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import urllib.parse
from typing import Any

_update_ids = itertools.count(815000000)
_message_ids = itertools.count(100)


def tg_user(chat_id: int, language_code: str = "ru") -> dict[str, Any]:
    return {
        "id": chat_id,
        "is_bot": False,
        "first_name": "Иван",
        "username": "ivan_k",
        "language_code": language_code,
    }


def tg_message(
    chat_id: int,
    *,
    text: str | None = None,
    language_code: str = "ru",
    message_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A private-chat ``message`` update."""
    message: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "from": tg_user(chat_id, language_code),
        "chat": {"id": chat_id, "first_name": "Иван", "username": "ivan_k", "type": "private"},
        "date": 1732350000,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    message.update(extra)
    return {"update_id": next(_update_ids), "message": message}


def tg_photo(chat_id: int, *, caption: str = "") -> dict[str, Any]:
    sizes = [
        {
            "file_id": "AgACAgIAAxkBAAIBZ2VsmallSize",
            "file_unique_id": "AQADsm",
            "file_size": 1450,
            "width": 90,
            "height": 67,
        },
        {
            "file_id": "AgACAgIAAxkBAAIBZ2VlargeSize",
            "file_unique_id": "AQADlg",
            "file_size": 64210,
            "width": 1280,
            "height": 960,
        },
    ]
    extra: dict[str, Any] = {"photo": sizes}
    if caption:
        extra["caption"] = caption
    return tg_message(chat_id, **extra)


def tg_voice(chat_id: int) -> dict[str, Any]:
    voice = {
        "duration": 4,
        "mime_type": "audio/ogg",
        "file_id": "AwACAgIAAxkBAAIBaGVoice",
        "file_unique_id": "AgADvo",
        "file_size": 10240,
    }
    return tg_message(chat_id, voice=voice)


def tg_document(chat_id: int) -> dict[str, Any]:
    document = {
        "file_name": "spravka.pdf",
        "mime_type": "application/pdf",
        "file_id": "BQACAgIAAxkBAAIBaWDoc",
        "file_unique_id": "AgADdo",
        "file_size": 20480,
    }
    return tg_message(chat_id, document=document, caption="справка")


def tg_edited(chat_id: int, message_id: int, text: str) -> dict[str, Any]:
    update = tg_message(chat_id, text=text, message_id=message_id, edit_date=1732350100)
    update["edited_message"] = update.pop("message")
    return update


def tg_callback(chat_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"4382bfdwdsb323b2d9{next(_message_ids)}",
            "from": tg_user(chat_id),
            "message": {
                "message_id": next(_message_ids),
                "from": {"id": 7000000001, "is_bot": True, "first_name": "Helpline"},
                "chat": {"id": chat_id, "type": "private"},
                "date": 1732350000,
                "text": "Choose your language:",
            },
            "chat_instance": "-8472263516394719875",
            "data": data,
        },
    }


def tg_group_message(chat_id: int) -> dict[str, Any]:
    update = tg_message(chat_id, text="всем привет")
    update["message"]["chat"] = {"id": -1001234567890, "title": "Unit chat", "type": "supergroup"}
    return update


def wa_envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "106540352242922",
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def wa_text(wa_id: str, text: str, *, message_id: str | None = None) -> dict[str, Any]:
    return wa_envelope(
        {
            "contacts": [{"profile": {"name": "Kim"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": message_id
                    or f"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5{next(_message_ids)}",
                    "timestamp": "1732350000",
                    "text": {"body": text},
                    "type": "text",
                }
            ],
        }
    )


def wa_image(wa_id: str, caption: str = "") -> dict[str, Any]:
    return wa_envelope(
        {
            "contacts": [{"profile": {"name": "Kim"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": f"wamid.HBgLimage{next(_message_ids)}",
                    "timestamp": "1732350000",
                    "type": "image",
                    "image": {
                        "caption": caption,
                        "mime_type": "image/jpeg",
                        "sha256": "abc=",
                        "id": "1003383421387256",
                    },
                }
            ],
        }
    )


def wa_status(
    wamid: str, status: str, recipient: str, *, error_code: int | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": "1732350100",
        "recipient_id": recipient,
        "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
        "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
    }
    if error_code is not None:
        item["errors"] = [{"code": error_code, "title": "Message undeliverable"}]
    return wa_envelope({"statuses": [item]})


def wa_signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def twilio_inbound(
    sender: str, text: str, *, sid: str | None = None, to: str = "+15005550006"
) -> dict[str, str]:
    message_sid = sid or f"SM{next(_message_ids):032x}"
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": message_sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": text,
        "FromCountry": "UA",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def twilio_status(sid: str, status: str, *, error_code: str = "") -> dict[str, str]:
    form = {
        "SmsSid": sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": "+380501234567",
        "MessageSid": sid,
        "AccountSid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "From": "+15005550006",
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        form["ErrorCode"] = error_code
    return form


def twilio_signature(auth_token: str, url: str, form: dict[str, str]) -> str:
    """Computed independently of our implementation, the way Twilio's docs describe it."""
    data = url
    for name in sorted(form):
        data += name + form[name]
    return base64.b64encode(
        hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    ).decode()


def encode_form(form: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(form).encode()


def to_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()
