"""A small HTTP client for provider APIs (stdlib only) that classifies failures.

The classification is what makes "retried, never sent twice" possible:

* ``retryable``: the provider told us it did not act (429, 502, 503, 504) or the
  connection failed before the request was sent (refused, DNS) — safe to try again;
* ``ambiguous``: the request may have reached the provider (timeout or reset while
  waiting for the answer, 500) — a second attempt could deliver twice, so it is not
  retried;
* otherwise permanent (4xx: bad token, blocked bot, invalid number).

Error codes are short and content-free; response bodies never reach a log line.

Credentials go to the provider only.  A call that carries them names the hosts it may
reach (``allowed_hosts``: the provider's own hosts and the host:port of the configured
API base URL); any other host is refused before a byte is sent, and so is plain HTTP,
except to a loopback stand-in when ``SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP`` is on (tests
only).  Redirects are followed only without the ``Authorization`` header, and only to
HTTPS (or that loopback exception).
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPMessage
from typing import IO, Any

from django.conf import settings

TIMEOUT = 20.0
MAX_RESPONSE = 25 * 1024 * 1024
_RETRYABLE_STATUS = frozenset({408, 425, 429, 502, 503, 504})
_USER_AGENT = "SafePassage/1"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class ProviderError(Exception):
    """A provider call failed.  ``code`` is safe to store and log."""

    def __init__(
        self,
        code: str,
        *,
        retryable: bool = False,
        ambiguous: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(code)
        self.code = code[:64]
        self.retryable = retryable
        self.ambiguous = ambiguous
        self.retry_after = retry_after
        self.status = status
        self.payload = payload


@dataclass
class Response:
    """A provider's answer."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON, or ``None`` when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


def host_of(url: str) -> str:
    """``host`` or ``host:port`` of ``url``, lower-cased, without any user information."""
    parsed = urllib.parse.urlsplit(url)
    host = (parsed.hostname or "").lower()
    try:
        port = parsed.port
    except ValueError:
        return ""
    return f"{host}:{port}" if port is not None else host


def allowed_hosts(base_url: str, *provider_hosts: str) -> frozenset[str]:
    """The hosts a credentialed call may reach: the provider's own and the configured base."""
    return frozenset({host_of(base_url), *provider_hosts} - {""})


def _scheme_allowed(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "https":
        return True
    loopback_http = bool(getattr(settings, "SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP", False))
    return parsed.scheme == "http" and loopback_http and (parsed.hostname or "") in _LOOPBACK


def check_destination(url: str, hosts: frozenset[str]) -> None:
    """Refuse (``ProviderError``, nothing sent) a credentialed call to ``url`` unless its
    host is one of ``hosts`` and it is HTTPS (or HTTP to an allowed loopback stand-in)."""
    if host_of(url) not in hosts:
        raise ProviderError("host_not_allowed")
    if not _scheme_allowed(url):
        raise ProviderError("insecure_url")


class _NoCredentialsAcrossRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect without the ``Authorization`` header, and only to HTTPS."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not _scheme_allowed(newurl):
            return None  # the 3xx itself becomes the answer, and an error
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            for name in list(new.headers):
                if name.lower() == "authorization":
                    del new.headers[name]
            new.unredirected_hdrs.pop("Authorization", None)
        return new


_opener = urllib.request.build_opener(_NoCredentialsAcrossRedirects)


def basic_auth(user: str, password: str) -> str:
    """An ``Authorization: Basic`` header value."""
    raw = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def request(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    hosts: frozenset[str] | None = None,
) -> Response:
    """Make one HTTP call; any status is returned, only transport failures raise.

    Raises ``ProviderError`` with ``retryable`` when nothing can have been sent and
    ``ambiguous`` when the request may have been received.  A call carrying credentials
    passes ``hosts`` (see ``allowed_hosts``); one to any other host, or over plain HTTP,
    is refused with ``host_not_allowed`` / ``insecure_url`` before anything is sent.
    """
    if hosts is not None:
        check_destination(url, hosts)
    elif any(name.lower() == "authorization" for name in headers or {}):
        raise ProviderError("host_not_allowed")  # credentials without an allow-list
    data: bytes | None = None
    all_headers = {"User-Agent": _USER_AGENT, "Accept": "application/json"}
    if json_body is not None:
        data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        all_headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode("ascii")
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    all_headers.update(headers or {})
    if not url.startswith(("https://", "http://")):
        raise ProviderError("bad_base_url")
    req = urllib.request.Request(url, data=data, headers=all_headers, method=method)  # noqa: S310 - scheme checked above
    try:
        with _opener.open(req, timeout=timeout) as answer:
            body = answer.read(MAX_RESPONSE + 1)
            return Response(answer.status, body, {k.lower(): v for k, v in answer.headers.items()})
    except urllib.error.HTTPError as error:
        body = error.read(MAX_RESPONSE + 1) if error.fp is not None else b""
        return Response(error.code, body, {k.lower(): v for k, v in error.headers.items()})
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ConnectionRefusedError | socket.gaierror):
            raise ProviderError("unreachable", retryable=True) from None
        if isinstance(reason, TimeoutError | socket.timeout):
            raise ProviderError("timeout", ambiguous=True) from None
        raise ProviderError("connection_error", ambiguous=True) from None
    except TimeoutError:
        raise ProviderError("timeout", ambiguous=True) from None
    except (ConnectionError, OSError):
        raise ProviderError("connection_error", ambiguous=True) from None


def retry_after_header(response: Response) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds, else ``None``."""
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def raise_for_status(response: Response, *, code_prefix: str = "http") -> None:
    """Turn a non-2xx answer into a classified ``ProviderError``."""
    if 200 <= response.status < 300:
        return
    status = response.status
    code = f"{code_prefix}_{status}"
    if status == 429:
        raise ProviderError(
            "rate_limited", retryable=True, retry_after=retry_after_header(response), status=status
        )
    if status in _RETRYABLE_STATUS:
        raise ProviderError(
            code, retryable=True, retry_after=retry_after_header(response), status=status
        )
    if status >= 500:
        raise ProviderError(code, ambiguous=True, status=status)
    raise ProviderError(code, status=status)
