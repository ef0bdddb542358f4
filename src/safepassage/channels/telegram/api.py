"""Calls to the Telegram Bot API (``{base}/bot<token>/<method>``).

Answers are ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …,
"description": …, "parameters": {"retry_after": …}}``; the description is never kept
(it can quote the request).  The token is part of every URL, so URLs never reach a log
line either: failures surface only as ``ProviderError`` codes.
"""

from __future__ import annotations

from typing import Any

from safepassage.channels.base import SendResult
from safepassage.channels.http import ProviderError, Response, allowed_hosts, request
from safepassage.channels.models import MAX_MEDIA_BYTES

# The update types the bot handles (the webhook ignores every other kind).
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")

# Telegram's own Bot API host.
PROVIDER_HOSTS = ("api.telegram.org",)


def _check_token(token: str) -> None:
    if not token or "/" in token or "?" in token:
        raise ProviderError("no_token")


def _result(response: Response) -> Any:
    data = response.json()
    if isinstance(data, dict) and data.get("ok") is True:
        return data.get("result")
    status = response.status
    code = data.get("error_code", status) if isinstance(data, dict) else status
    parameters = data.get("parameters") if isinstance(data, dict) else None
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if code == 429 or status == 429:
        raise ProviderError(
            "rate_limited",
            retryable=True,
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
            status=status,
        )
    if code == 403:
        raise ProviderError("blocked_by_user", status=status)
    if status in {502, 503, 504}:
        raise ProviderError(f"http_{status}", retryable=True, status=status)
    if status >= 500:
        raise ProviderError(f"http_{status}", ambiguous=True, status=status)
    raise ProviderError(f"telegram_{code}", status=status)


def call(base: str, token: str, method: str, params: dict[str, Any]) -> Any:
    """Call a Bot API method with a JSON body; the ``result`` or ``ProviderError``."""
    _check_token(token)
    # The bot token travels in the path: to Telegram's host (or the configured base) only.
    hosts = allowed_hosts(base, *PROVIDER_HOSTS)
    return _result(request("POST", f"{base}/bot{token}/{method}", json_body=params, hosts=hosts))


def send_message(
    base: str, token: str, chat_id: str, text: str, options: dict[str, Any]
) -> SendResult:
    """``sendMessage``; the provider id is ``chat_id:message_id``."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if isinstance(options.get("reply_markup"), dict):
        params["reply_markup"] = options["reply_markup"]
    result = call(base, token, "sendMessage", params)
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return SendResult(provider_id=f"{chat_id}:{message_id}" if message_id is not None else "")


def answer_callback_query(base: str, token: str, callback_query_id: str) -> None:
    """``answerCallbackQuery`` without text: just stop the button's spinner."""
    call(base, token, "answerCallbackQuery", {"callback_query_id": callback_query_id})


def download_file(base: str, token: str, file_id: str) -> tuple[bytes, str]:
    """``getFile`` then ``{base}/file/bot<token>/<file_path>``."""
    result = call(base, token, "getFile", {"file_id": file_id})
    file_path = result.get("file_path") if isinstance(result, dict) else None
    size = result.get("file_size") if isinstance(result, dict) else None
    if isinstance(size, int) and size > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    if not isinstance(file_path, str) or not file_path or ".." in file_path:
        raise ProviderError("no_file_path")
    if file_path.startswith("/"):
        # A self-hosted server in --local mode answers with a path on its own disk.
        raise ProviderError("local_mode_path")
    response = request(
        "GET", f"{base}/file/bot{token}/{file_path}", hosts=allowed_hosts(base, *PROVIDER_HOSTS)
    )
    if response.status != 200:
        raise ProviderError(
            f"http_{response.status}",
            retryable=response.status in {429, 502, 503, 504},
        )
    if len(response.body) > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    return response.body, response.headers.get("content-type", "").split(";")[0].strip()


def set_webhook(base: str, token: str, *, url: str, secret_token: str) -> None:
    """``setWebhook`` with our secret token and the update types we handle."""
    call(
        base,
        token,
        "setWebhook",
        {
            "url": url,
            "secret_token": secret_token,
            "allowed_updates": list(ALLOWED_UPDATES),
            "max_connections": 40,
        },
    )
