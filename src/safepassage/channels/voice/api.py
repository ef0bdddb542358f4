"""Twilio's REST Recordings resource: fetch a voicemail, then delete it at Twilio.

``GET {RecordingUrl}.mp3`` returns the audio; ``DELETE /2010-04-01/Accounts/{AccountSid}/
Recordings/{RecordingSid}.json`` answers 204 (404 when it is already gone, which is what
we wanted).  The recording URL came in a webhook, so it is only fetched from Twilio's
own host or the configured API base, over HTTPS (``host_not_allowed`` otherwise).
"""

from __future__ import annotations

import re
import urllib.parse

from safepassage.channels.http import (
    ProviderError,
    allowed_hosts,
    basic_auth,
    raise_for_status,
    request,
)
from safepassage.channels.models import MAX_MEDIA_BYTES

PROVIDER_HOSTS = ("api.twilio.com",)
_RECORDING_PATH = re.compile(
    r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Recordings/(RE[0-9a-fA-F]{32})"
)


def _auth(credentials: dict[str, str]) -> dict[str, str]:
    account = credentials.get("account_sid", "")
    user = credentials.get("api_key_sid", "") or account
    secret = credentials.get("api_secret", "")
    if not account.startswith("AC") or not secret:
        raise ProviderError("no_credentials")
    return {"Authorization": basic_auth(user, secret)}


def recording_path(url: str) -> tuple[str, str] | None:
    """``(account sid, recording sid)`` of a Twilio recording URL, or ``None``."""
    match = _RECORDING_PATH.fullmatch(urllib.parse.urlsplit(url).path)
    return (match[1], match[2]) if match else None


def fetch_and_delete_recording(
    base: str, credentials: dict[str, str], url: str
) -> tuple[bytes, str]:
    """Download a recording as MP3, then delete it at the provider.

    A failed delete fails the whole fetch (it is retried with the download, which has
    no effect at the provider), so a stored voicemail never stays behind at Twilio
    without someone seeing the failure.
    """
    parts = recording_path(url)
    if parts is None:
        raise ProviderError("not_a_recording")
    account, sid = parts
    if account != credentials.get("account_sid"):
        raise ProviderError("other_account")
    hosts = allowed_hosts(base, *PROVIDER_HOSTS)
    headers = _auth(credentials)
    response = request("GET", url + ".mp3", headers=headers, hosts=hosts)
    raise_for_status(response)
    if len(response.body) > MAX_MEDIA_BYTES:
        raise ProviderError("too_large")
    mime = response.headers.get("content-type", "").split(";")[0].strip() or "audio/mpeg"
    deleted = request(
        "DELETE",
        f"{base}/2010-04-01/Accounts/{account}/Recordings/{sid}.json",
        headers=headers,
        hosts=hosts,
    )
    if deleted.status != 404:
        raise_for_status(deleted)
    return response.body, mime
