"""Blind indexes: keyed hashes that let the worker link and operators search exact,
normalised values (names, units, phone numbers, chat ids) without plaintext at rest.

Without the index key (held by worker and console only) an index cannot be confirmed
by guessing, so a stolen database does not let anyone test "is Ivanov Ivan here?".
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable

from safepassage.crypto.keys import Keyring

_YO, _IE = "\u0451", "\u0435"  # Cyrillic small letters yo and ie
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([./])(\d{1,2})\2(\d{4})", re.ASCII)


def normalise(value: str) -> str:
    """Fold the ways one name or unit gets typed into one string.

    NFKC (full-width and compatibility forms), casefold, drop punctuation, symbols and
    invisible format characters (so "O'Brien", the same with a typographic apostrophe,
    and "OBrien" agree), fold Russian yo into ie (the two letters are used
    interchangeably in names, e.g. Semyon/Semen), collapse whitespace.  Letters,
    combining marks (needed by many scripts) and digits stay.
    """
    folded = unicodedata.normalize("NFKC", value).casefold().replace(_YO, _IE)
    kept = []
    for char in folded:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif category[0] in "LMN":
            kept.append(char)
    return " ".join("".join(kept).split())


def normalise_phone(value: str) -> str:
    """Digits only, with a leading ``+`` kept; ``""`` when there are no digits."""
    text = unicodedata.normalize("NFKC", value).strip()
    digits = "".join(str(unicodedata.digit(char)) for char in text if char.isdecimal())
    if not digits:
        return ""
    return ("+" if text.startswith("+") else "") + digits


def normalise_date(value: str) -> str:
    """``YYYY-MM-DD``, ``DD.MM.YYYY`` or ``DD/MM/YYYY`` as an ISO date; ValueError else."""
    text = unicodedata.normalize("NFKC", value).strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST_DATE.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise ValueError("not a date in YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY form")
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError("not a valid calendar date") from None


def _normalise_handle(value: str) -> str:
    # Telegram usernames are case-insensitive and typed with or without "@".
    return unicodedata.normalize("NFKC", value).strip().lstrip("@").casefold()


def _exact(value: str) -> str:
    # Provider-issued identifiers: only stray whitespace is noise.  Punctuation is
    # meaningful here ("-100123" and "100123" are different Telegram chats).
    return value.strip()


NORMALISERS: dict[str, Callable[[str], str]] = {
    "name": normalise,
    "unit": normalise,
    # A sound key (cases.name_sound) is already normalised: lower-case ASCII symbols.
    "name_sound": _exact,
    "service_number": normalise,
    "dob": normalise_date,
    "phone": normalise_phone,
    "telegram_chat": _exact,
    "telegram_handle": _normalise_handle,
    "provider_message": _exact,
}


def blind_index(keyring: Keyring, kind: str, value: str) -> str:
    """Hex HMAC-SHA256(index key, kind NUL normalised value).

    ``kind`` separates domains, so the same digits as a phone number and as a service
    number give unrelated indexes; only the kinds in ``NORMALISERS`` are accepted, so a
    misspelt kind fails loudly instead of silently never matching.  Raises ValueError
    if the value normalises to nothing: indexing "" would link every empty value.
    """
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"unknown blind index kind {kind!r}") from None
    normalised = normaliser(value)
    if not normalised:
        raise ValueError(f"nothing to index for kind {kind!r} after normalising")
    message = kind.encode("utf-8") + b"\x00" + normalised.encode("utf-8")
    return hmac.new(keyring.index_key, message, hashlib.sha256).hexdigest()
