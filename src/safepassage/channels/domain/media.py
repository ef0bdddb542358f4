"""Media attachments: recorded with the message, fetched and sealed by a task, opened
only through the console's audited view."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from safepassage.audit.chain import record_event
from safepassage.cases.models import Message
from safepassage.channels.base import MediaRef
from safepassage.channels.domain.outbound import backoff
from safepassage.channels.http import ProviderError
from safepassage.channels.models import (
    MAX_MEDIA_BYTES,
    ChannelInstance,
    MediaAttachment,
    MediaState,
)
from safepassage.channels.registry import get_type
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_sealed, open_text, seal

logger = logging.getLogger(__name__)
MAX_FETCH_ATTEMPTS = 5
_SAFE_MIME = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/gif",
        "audio/ogg",
        "audio/mpeg",
        "audio/mp4",
        "audio/aac",
        "audio/amr",
        "audio/wav",
        "video/mp4",
        "video/3gpp",
        "video/quicktime",
        "application/pdf",
    }
)


def _ftyp(content: bytes) -> bool:
    return content[4:8] == b"ftyp"


def _mpeg_frame(content: bytes) -> bool:
    return content.startswith(b"ID3") or (
        len(content) > 1 and content[0] == 0xFF and content[1] & 0xE0 == 0xE0
    )


# What the first bytes of each allowed type look like.  The provider's (or sender's)
# declared type is believed only when the content agrees: a "photo" that is really HTML
# or script must never reach a browser under an image type.
_MAGIC: dict[str, Callable[[bytes], bool]] = {
    "image/jpeg": lambda c: c.startswith(b"\xff\xd8\xff"),
    "image/png": lambda c: c.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/gif": lambda c: c[:6] in (b"GIF87a", b"GIF89a"),
    "image/webp": lambda c: c[:4] == b"RIFF" and c[8:12] == b"WEBP",
    "audio/ogg": lambda c: c.startswith(b"OggS"),
    "audio/mpeg": _mpeg_frame,
    "audio/mp4": _ftyp,
    "audio/aac": lambda c: len(c) > 1 and c[0] == 0xFF and c[1] & 0xF6 == 0xF0,
    "audio/amr": lambda c: c.startswith(b"#!AMR"),
    "audio/wav": lambda c: c[:4] == b"RIFF" and c[8:12] == b"WAVE",
    "video/mp4": _ftyp,
    "video/3gpp": _ftyp,
    "video/quicktime": lambda c: c[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free"),
    "application/pdf": lambda c: c.startswith(b"%PDF-"),
}
DOWNLOAD_MIME = "application/octet-stream"


def served_mime(declared: str, content: bytes) -> str:
    """The content type an attachment is served with: the declared type when it is on
    the allow-list and the bytes match it, else ``application/octet-stream``."""
    mime = declared.split(";", 1)[0].strip().lower()
    check = _MAGIC.get(mime)
    if mime not in _SAFE_MIME or check is None or not check(content):
        return DOWNLOAD_MIME
    return mime


def attach_media(message: Message, instance: ChannelInstance, refs: tuple[MediaRef, ...]) -> None:
    """Record the message's media and enqueue their download (in the caller's transaction)."""
    public = get_keyring().public
    for ref in refs:
        too_large = ref.size is not None and ref.size > MAX_MEDIA_BYTES
        media = MediaAttachment.objects.create(
            message=message,
            instance=instance,
            kind=ref.kind,
            provider_ref=seal(ref.ref, to=public),
            file_name=seal(ref.file_name[:200], to=public) if ref.file_name else None,
            mime_type=ref.mime_type[:100],
            size=ref.size,
            state=MediaState.TOO_LARGE if too_large else MediaState.PENDING,
        )
        if not too_large:
            fetch_media.enqueue(media.pk)


def fetch(media_id: int) -> str:
    """Download one attachment from the provider, seal it and store it.

    Downloading has no effect at the provider, so unlike sending it is simply retried
    (with back-off) after any transient failure.
    """
    claimed = MediaAttachment.objects.filter(pk=media_id, state=MediaState.PENDING).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    media = MediaAttachment.objects.select_related("instance").get(pk=media_id)
    channel_type = get_type(media.instance.channel_type)
    keyring = get_keyring()
    try:
        if channel_type is None or media.instance.credentials is None:
            raise ProviderError("channel_unavailable")
        loaded = json.loads(open_text(media.instance.credentials, keyring))
        credentials = {str(k): str(v) for k, v in loaded.items()}
        content, mime = channel_type.fetch_media(
            media.instance, credentials, open_text(media.provider_ref, keyring)
        )
    except ProviderError as error:
        if error.code == "too_large":
            MediaAttachment.objects.filter(pk=media_id).update(
                state=MediaState.TOO_LARGE, error_code=error.code
            )
            return MediaState.TOO_LARGE
        transient = error.retryable or error.ambiguous or error.code.startswith("http_5")
        if transient and media.attempts < MAX_FETCH_ATTEMPTS:
            at = timezone.now() + timedelta(seconds=backoff(media.attempts, error.retry_after))
            MediaAttachment.objects.filter(pk=media_id).update(error_code=error.code)
            fetch_media.using(run_after=at).enqueue(media_id)
            return "retry"
        MediaAttachment.objects.filter(pk=media_id).update(
            state=MediaState.FAILED, error_code=error.code
        )
        logger.warning("media %s failed: %s", media_id, error.code)
        return MediaState.FAILED
    MediaAttachment.objects.filter(pk=media_id, state=MediaState.PENDING).update(
        content=seal(content, to=keyring.public),
        mime_type=(mime or media.mime_type)[:100],
        size=len(content),
        state=MediaState.STORED,
        stored_at=timezone.now(),
        error_code="",
    )
    return MediaState.STORED


def open_media(
    media: MediaAttachment, *, by: object, case_reference: str
) -> tuple[bytes, str, str]:
    """Decrypt a stored attachment for the console: ``(content, mime type, file name)``.

    The caller has already checked that ``by`` may view the case.  Side effect: one
    ``media.opened`` audit event (every decryption of personal data is audited).  A mime
    type outside a small allow-list, or whose bytes do not match it, is served as a
    download, never rendered inline.
    """
    if media.state != MediaState.STORED or media.content is None:
        raise ValueError("media not stored")
    keyring = get_keyring()
    with transaction.atomic():
        record_event(
            "media.opened",
            actor=by,  # type: ignore[arg-type]
            object_type="case",
            object_ref=case_reference,
            detail={"media": media.pk, "message": media.message_id},
        )
    content = open_sealed(media.content, keyring)
    name = open_text(media.file_name, keyring) if media.file_name is not None else ""
    return content, served_mime(media.mime_type, content), name


@task(queue_name="default")
def fetch_media(media_id: int) -> str:
    """The background task: download, seal and store one media file (``fetch``)."""
    return fetch(media_id)
