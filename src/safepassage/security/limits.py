"""Bounded requests: a body larger than the cap is refused before a byte of it is read.

Django reads a form body into memory only up to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` but
streams multipart *file* parts to upload handlers, and the default handlers spool
anything over 2.5 MiB to the temporary directory: a 300 MiB body to a public page was
written to disk before any size check or rate limit.  This middleware runs first and
refuses by the declared ``Content-Length``; it also caps the bytes the view may read,
so a body whose length was not declared cannot grow past the cap either.  Settings add
the third line: the only upload handler keeps files in memory (no temporary files).
Granian (2.8) has no request-body limit of its own, so the cap lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

# The most a request body may be on any tier: a full intake form (the fields' own
# limit, DATA_UPLOAD_MAX_MEMORY_SIZE) plus room for multipart framing.
DEFAULT_MAX_REQUEST_BYTES = 320 * 1024


def max_request_bytes() -> int:
    """The configured cap on a request body, in bytes."""
    return int(getattr(settings, "SAFEPASSAGE_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


class _CappedStream:
    """Reads through to ``stream`` and refuses once more than ``cap`` bytes were read."""

    def __init__(self, stream: Any, cap: int) -> None:
        self._stream = stream
        self._left = cap

    def _count(self, data: bytes) -> bytes:
        self._left -= len(data)
        if self._left < 0:
            raise RequestDataTooBig("request body over the cap")
        return data

    def read(self, size: int = -1) -> bytes:
        """Read like the wrapped stream, counting what was read."""
        return self._count(self._stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        """Read a line like the wrapped stream, counting what was read."""
        return self._count(self._stream.readline(size))

    def close(self) -> None:
        """Close the wrapped stream (Django does once the body is read)."""
        self._stream.close()


def _page_language(path: str) -> str:
    language = translation.get_language_from_path(path)
    return language or settings.LANGUAGE_CODE


def too_large(request: HttpRequest) -> HttpResponse:
    """A short 413 page in the language of the page that was posted to."""
    language = _page_language(request.path_info)
    with translation.override(language):
        message = gettext(
            "The form was too large to read. Please shorten your message and send it again."
        )
    page = format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>413</title></head><body><p>{}</p></body></html>",
        language,
        message,
    )
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


class RequestSizeMiddleware:
    """Refuse over-cap bodies by Content-Length, and cap the bytes any view can read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cap = max_request_bytes()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads nothing from a body of unknown length either
        if declared > cap:
            return too_large(request)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            # Django's own stream stops at Content-Length; this one also refuses, so
            # no handler or server quirk can feed a view more than the cap.
            request._stream = _CappedStream(stream, cap)  # type: ignore[assignment]
        return self.get_response(request)
