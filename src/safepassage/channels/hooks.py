"""The webhook half shared by every channel type: find the hook, cap the body, answer.

Runs on the public tier with the programme's public key only.  A channel type checks a
call and answers with an ``Accepted`` payload (which the intake's webhook view seals and
stores before answering the provider) or with a refusal; it never stores anything
itself.  A webhook call costs one cached lookup, one signature check, one sealed box
and one INSERT.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from safepassage.channels.hookkey import open_intake_secret
from safepassage.channels.models import ChannelInstance, hook_key_hash

logger = logging.getLogger("safepassage.channels.hooks")
_CACHE_SECONDS = 30.0
INTAKE_COLUMNS = (
    "id",
    "channel_type",
    "is_active",
    "hook_key_hash",
    "intake_secret",
    "verify_hash",
    "config",
)


@dataclass(frozen=True)
class Hook:
    """What the intake knows about a channel instance (cached briefly per process)."""

    instance_id: int
    key_hash: str
    channel_type: str
    channel: str
    is_active: bool
    verify_hash: str
    intake_secret: str
    public_base_url: str


_cache: dict[str, tuple[float, Hook | None]] = {}
_cache_lock = threading.Lock()


def find_hook(key: str) -> Hook | None:
    """The hook for a webhook path key, or ``None``.  Looked up by SHA-256, cached 30 s
    (so a flood of calls on one path costs no query each, and a deactivated channel
    stops accepting within half a minute)."""
    if not key or len(key) > 128:
        return None
    digest = hook_key_hash(key)
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
    # Only the columns the intake's database role may read (safepassage/db/grants.py):
    # never the sending credentials or the sealed path key.
    instance = (
        ChannelInstance.objects.filter(hook_key_hash=digest)
        .only(*INTAKE_COLUMNS)
        .order_by("pk")
        .first()
    )
    hook = None
    if instance is not None:
        hook = Hook(
            instance_id=instance.pk,
            key_hash=digest,
            channel_type=instance.channel_type,
            channel=instance.channel,
            is_active=instance.is_active,
            verify_hash=instance.verify_hash,
            intake_secret=open_intake_secret(instance.intake_secret),
            public_base_url=instance.setting("public_base_url").rstrip("/"),
        )
    with _cache_lock:
        if len(_cache) > 1000:
            _cache.clear()
        _cache[digest] = (now + _CACHE_SECONDS, hook)
    return hook


def forget_hooks() -> None:
    """Drop the cache (after an admin changes a channel, and in tests)."""
    with _cache_lock:
        _cache.clear()


def read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The raw body, or ``None`` if it is larger than ``limit`` (checked before reading
    when the client declares a length)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        if int(declared) > limit:
            return None
    except ValueError:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def refuse(status: int, hook: Hook | None, reason: str) -> HttpResponse:
    """An empty error answer, logged with the channel id and a reason code only."""
    logger.info(
        "webhook refused: status=%s channel=%s reason=%s",
        status,
        hook.instance_id if hook else "-",
        reason,
    )
    return HttpResponse(status=status)


def ignore(hook: Hook, reason: str) -> HttpResponse:
    """Acknowledge and drop (what providers expect for updates we do not handle)."""
    logger.info("webhook ignored: channel=%s reason=%s", hook.instance_id, reason)
    return HttpResponse(status=200)


@dataclass(frozen=True)
class Accepted:
    """A verified call: the intake stores ``payload`` (sealed) for the worker, then
    answers the provider with ``response`` (only once the envelope is committed)."""

    endpoint: str
    payload: Any
    response: HttpResponse


WebhookAnswer = HttpResponse | Accepted


def accept(endpoint: str, payload: Any, response: HttpResponse | None = None) -> Accepted:
    """Accept ``payload`` for storage; the provider gets ``response`` (default: 200)."""
    return Accepted(endpoint, payload, response if response is not None else HttpResponse())
