"""Sealing and opening the register's personal values, and the dates rules share."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring, get_public_keyring
from safepassage.crypto.sealing import Sealed, open_text, seal

MAX_TEXT = 200
MAX_LONG_TEXT = 400
MAX_NOTE = 2000


def today() -> dt.date:
    """The programme's current date (the deployment's time zone)."""
    return timezone.localdate()


def show_date(value: dt.date) -> str:
    """A date as the registrar's language writes it, for messages."""
    return date_format(value, "DATE_FORMAT")


def seal_text(value: str) -> Sealed | None:
    """``value`` sealed to the programme key; ``None`` for an empty value."""
    return seal(value, to=get_public_keyring()) if value else None


def seal_value(value: str) -> Sealed:
    """``value`` (which may be empty) sealed to the programme key."""
    return seal(value, to=get_public_keyring())


def open_value(value: Sealed | None) -> str:
    """The opened text, ``""`` for an empty value.

    A value that cannot be opened raises (CryptoError): a register must not silently
    show a damaged record as blank.
    """
    return open_text(value, get_keyring()) if value is not None else ""


def seal_json(data: dict[str, Any]) -> Sealed:
    """A JSON object sealed to the programme key."""
    return seal(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        to=get_public_keyring(),
    )


def open_json(value: Sealed | None) -> dict[str, Any]:
    """A sealed JSON object opened (``{}`` for none); CryptoError if it is not one."""
    if value is None:
        return {}
    try:
        data = json.loads(open_value(value))
    except ValueError:
        raise CryptoError("the sealed value is not JSON") from None
    if not isinstance(data, dict):
        raise CryptoError("the sealed value is not a JSON object")
    return data
