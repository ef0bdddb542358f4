"""Reading public form posts: strict UTF-8 and removal of control characters.

Django decodes form data leniently (invalid bytes become U+FFFD without telling
anyone).  The public forms read the urlencoded body themselves so a field holding bytes
that are not UTF-8 can be named to the applicant, with the rest of the text kept.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest

# Characters that change how text is displayed without being text: bidirectional
# embeddings, overrides and isolates (they can make an operator misread a message or a
# number), the byte-order mark, and the interlinear annotation controls.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


class FormTooLarge(Exception):
    """The post exceeds the configured body size or number of fields."""


def _drop_controls(text: str, *, keep: str) -> str:
    return "".join(char for char in text if char in keep or unicodedata.category(char) != "Cc")


def clean_text(value: str) -> str:
    """A multi-line field: line breaks normalised, controls except newline and tab
    removed, invisible formatting characters removed, NFC, outer whitespace trimmed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _INVISIBLE.sub("", _drop_controls(value, keep="\n\t"))
    return unicodedata.normalize("NFC", value).strip()


def clean_line(value: str) -> str:
    """A one-line field: like :func:`clean_text`, with runs of whitespace made one space."""
    return _SPACES.sub(" ", clean_text(value)).strip()


def _repair(value: str) -> tuple[str, bool]:
    """Replace bytes that were not UTF-8 (held as surrogate escapes) by U+FFFD."""
    if not _SURROGATE.search(value):
        return value, False
    raw = value.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "replace"), True


def read_form(request: HttpRequest) -> tuple[dict[str, str], frozenset[str]]:
    """The posted fields (first value of each name) and the names whose bytes were not
    valid UTF-8.  Those fields keep their readable part, with U+FFFD where bytes were lost.

    Raises FormTooLarge beyond ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS``.
    """
    content_type = request.content_type or ""
    if content_type != "application/x-www-form-urlencoded":
        # Our forms never send multipart; accept it leniently through Django.
        try:
            return {key: request.POST.get(key, "") for key in request.POST}, frozenset()
        except (RequestDataTooBig, TooManyFieldsSent):
            raise FormTooLarge from None
    try:
        body = request.body
    except RequestDataTooBig:
        raise FormTooLarge from None
    try:
        pairs = parse_qsl(
            body.decode("utf-8", "surrogateescape"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="surrogateescape",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:  # more fields than allowed
        raise FormTooLarge from None
    fields: dict[str, str] = {}
    invalid: set[str] = set()
    for raw_name, raw_value in pairs:
        name, _ = _repair(raw_name)
        if name in fields:
            continue
        value, broken = _repair(raw_value)
        fields[name] = value
        if broken:
            invalid.add(name)
    return fields, frozenset(invalid)
