"""Helpers for the public intake tests: posting like a browser, the page's strings,
and running the worker step between actions."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.utils import translation
from django.utils.html import escape

from safepassage.crypto import runtime
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed
from safepassage.envelopes.models import InboundEnvelope
from safepassage.worker.envelopes import process_pending

LANGUAGES = ["ru", "ko", "uk", "en"]
FORM = "application/x-www-form-urlencoded"
_RECEIPT = re.compile(r'id="receipt"[^>]*>([0-9 ]+)<')


def post_form(client: Client, path: str, data: dict[str, str], **extra: Any) -> Any:
    """Post ``data`` urlencoded, as a browser submits our forms."""
    return client.post(path, urlencode(data), content_type=FORM, **extra)


def post_raw(client: Client, path: str, body: bytes, **extra: Any) -> Any:
    """Post an urlencoded body given as raw bytes (to send bytes that are not UTF-8)."""
    return client.post(path, body, content_type=FORM, **extra)


def text_in(lang: str, msgid: str, context: str | None = None, **params: object) -> str:
    """A public string as the page shows it in ``lang`` (HTML-escaped like the template)."""
    with translation.override(lang):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return escape(text % params if params else text)


def receipt_from(response: Any) -> str:
    """The receipt shown in ``#receipt`` on a receipt page."""
    match = _RECEIPT.search(response.content.decode())
    assert match is not None, "no #receipt on the page"
    return match.group(1)


def run_worker(keyring: Keyring) -> int:
    """The worker step: open pending envelopes with the full keyring.

    Leaves the full keyring installed, as in a process holding every tier.
    """
    runtime.install_keyring(keyring)
    return process_pending()


def html(response: Any) -> str:
    """A response's body as text."""
    return str(response.content.decode())


def pending_body(envelope: InboundEnvelope) -> Sealed:
    """The sealed body of an envelope the worker has not processed (and so not cleared)."""
    assert envelope.body is not None, "a processed envelope's body is cleared"
    return envelope.body
