"""Calls to the WhatsApp Cloud API (Graph API ``/{phone-number-id}/messages``, media).

Errors come as ``{"error": {"code", "message", "error_subcode", "fbtrace_id"}}``; only
the numeric code is kept.
"""

from __future__ import annotations

from typing import Any

from safepassage.channels.base import SendResult
from safepassage.channels.http import ProviderError, Response, allowed_hosts, request
from safepassage.channels.models import MAX_MEDIA_BYTES

# Throughput and pair-rate limits: wait and try again.
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056, 133016})
# Re-engagement: the 24-hour customer-service window is closed; only templates may go.
WINDOW_CLOSED = 131047
AUTH_CODES = frozenset({0, 190})
# Meta's own hosts: the Graph API, and the one its short-lived media URLs point to.
PROVIDER_HOSTS = ("graph.facebook.com", "lookaside.fbsbx.com")


def _error(response: Response) -> ProviderError:
    data = response.json()
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    status = response.status
    if code in RATE_LIMIT_CODES or status == 429:
        return ProviderError("rate_limited", retryable=True, status=status)
    if code == WINDOW_CLOSED:
        return ProviderError("window_closed", status=status)
    if code in AUTH_CODES:
        return ProviderError("auth_failed", status=status)
    if status in {502, 503, 504}:
        return ProviderError(f"http_{status}", retryable=True, status=status)
    if status >= 500:
        return ProviderError(f"http_{status}", ambiguous=True, status=status)
    return ProviderError(
        f"whatsapp_{code}" if code is not None else f"http_{status}", status=status
    )


def _auth(token: str) -> dict[str, str]:
    if not token:
        raise ProviderError("no_token")
    return {"Authorization": f"Bearer {token}"}


def send(
    base: str,
    token: str,
    phone_number_id: str,
    *,
    recipient: str,
    text: str,
    template: dict[str, Any] | None,
    send_key: str,
) -> SendResult:
    """Send a text (inside the 24-hour window) or an approved template (outside it)."""
    if not phone_number_id.isdigit():
        raise ProviderError("no_phone_number_id")
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": recipient,
        # Echoed back in status webhooks: ties a status to this delivery.
        "biz_opaque_callback_data": send_key,
    }
    if template is not None:
        body["type"] = "template"
        body["template"] = {
            "name": str(template.get("name", "")),
            "language": {"code": str(template.get("language", "en"))},
        }
    else:
        body["type"] = "text"
        body["text"] = {"preview_url": False, "body": text}
    response = request(
        "POST",
        f"{base}/{phone_number_id}/messages",
        json_body=body,
        headers=_auth(token),
        hosts=allowed_hosts(base, *PROVIDER_HOSTS),
    )
    if not 200 <= response.status < 300:
        raise _error(response)
    data = response.json()
    messages = data.get("messages") if isinstance(data, dict) else None
    provider_id = ""
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        provider_id = str(messages[0].get("id", ""))
    return SendResult(provider_id=provider_id)


def download_media(base: str, token: str, media_id: str) -> tuple[bytes, str]:
    """``GET /{media-id}`` for a short-lived URL, then the file itself (same token)."""
    if not media_id.isdigit():
        raise ProviderError("bad_media_id")
    hosts = allowed_hosts(base, *PROVIDER_HOSTS)
    response = request("GET", f"{base}/{media_id}", headers=_auth(token), hosts=hosts)
    if response.status != 200:
        raise _error(response)
    info = response.json()
    url = info.get("url") if isinstance(info, dict) else None
    size = info.get("file_size") if isinstance(info, dict) else None
    if isinstance(size, int) and size > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderError("no_media_url")
    # The URL comes from the provider's answer; still, the token goes to Meta's hosts only.
    file_response = request("GET", url, headers=_auth(token), hosts=hosts)
    if file_response.status != 200:
        raise _error(file_response)
    if len(file_response.body) > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    mime = str(info.get("mime_type", "")) or file_response.headers.get("content-type", "")
    return file_response.body, mime.split(";")[0].strip()
