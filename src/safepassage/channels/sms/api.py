"""Twilio's REST Messages API: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``.

Errors come as ``{"code": 20429, "message": …, "more_info": …, "status": 429}``; only
the numeric code is kept.
"""

from __future__ import annotations

from safepassage.channels.base import SendResult
from safepassage.channels.http import (
    ProviderError,
    Response,
    allowed_hosts,
    basic_auth,
    raise_for_status,
    request,
    retry_after_header,
)
from safepassage.channels.models import MAX_MEDIA_BYTES

# 21610: the recipient replied STOP; 21211/21614: not a valid (mobile) number.
OPTED_OUT = 21610
# Twilio's own API host; media URLs in inbound webhooks point here.
PROVIDER_HOSTS = ("api.twilio.com",)


def _auth(credentials: dict[str, str]) -> dict[str, str]:
    account = credentials.get("account_sid", "")
    user = credentials.get("api_key_sid", "") or account
    secret = credentials.get("api_secret", "")
    if not account.startswith("AC") or not user or not secret:
        raise ProviderError("no_credentials")
    return {"Authorization": basic_auth(user, secret)}


def _error(response: Response) -> ProviderError:
    data = response.json()
    code = data.get("code") if isinstance(data, dict) else None
    if response.status == 429 or code == 20429:
        return ProviderError(
            "rate_limited", retryable=True, retry_after=retry_after_header(response), status=429
        )
    if code == OPTED_OUT:
        return ProviderError("opted_out", status=response.status)
    try:
        raise_for_status(response)
    except ProviderError as error:
        if code is not None and not error.retryable and not error.ambiguous:
            return ProviderError(f"twilio_{code}", status=response.status)
        return error
    return ProviderError(f"http_{response.status}", status=response.status)


def send_message(
    base: str,
    credentials: dict[str, str],
    *,
    to: str,
    body: str,
    from_number: str,
    messaging_service_sid: str,
    status_callback: str,
) -> SendResult:
    """Create a Message; the provider id is its ``sid`` (``SM…``)."""
    headers = _auth(credentials)
    form = {"To": to, "Body": body}
    if messaging_service_sid:
        form["MessagingServiceSid"] = messaging_service_sid
    elif from_number:
        form["From"] = from_number
    else:
        raise ProviderError("no_sender_configured")
    if status_callback:
        form["StatusCallback"] = status_callback
    account = credentials["account_sid"]
    response = request(
        "POST",
        f"{base}/2010-04-01/Accounts/{account}/Messages.json",
        form=form,
        headers=headers,
        hosts=allowed_hosts(base, *PROVIDER_HOSTS),
    )
    if not 200 <= response.status < 300:
        raise _error(response)
    data = response.json()
    sid = data.get("sid") if isinstance(data, dict) else None
    return SendResult(
        provider_id=str(sid or ""),
        extra={"segments": data.get("num_segments")} if isinstance(data, dict) else {},
    )


def download_media(base: str, credentials: dict[str, str], url: str) -> tuple[bytes, str]:
    """Fetch an MMS media URL (HTTP basic auth, as Twilio requires when media is protected).

    The URL comes from a webhook, so anyone holding the webhook-signing token chose it:
    it is fetched only from Twilio's own host or the configured API base
    (``host_not_allowed`` otherwise, a permanent failure that leaves the attachment
    marked failed), over HTTPS, and a redirect is followed without the credentials.
    """
    response = request(
        "GET", url, headers=_auth(credentials), hosts=allowed_hosts(base, *PROVIDER_HOSTS)
    )
    if response.status != 200:
        raise _error(response)
    if len(response.body) > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    return response.body, response.headers.get("content-type", "").split(";")[0].strip()
