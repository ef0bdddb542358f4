"""Retention periods, from Django settings or else the environment (days; ``never`` keeps).

Each rule names an outcome and how long after it the case's personal content is kept.
The defaults and their reasons are in docs/decisions.md (issue 13); in short, a closed
case is kept only as long as a returning person or an investigation plausibly needs it,
because every stored conversation is a standing risk to the person and their family.

- ``SAFEPASSAGE_RETENTION_NO_CONTACT_DAYS`` (90): closed without ever being answered.
- ``SAFEPASSAGE_RETENTION_WITHDRAWN_DAYS`` (180): the person withdrew.
- ``SAFEPASSAGE_RETENTION_UNREACHABLE_DAYS`` (180): the person could not be reached.
- ``SAFEPASSAGE_RETENTION_INELIGIBLE_DAYS`` (90): outside the programme.
- ``SAFEPASSAGE_RETENTION_PROVOCATION_DAYS`` (365): closed as a suspected provocation.
- ``SAFEPASSAGE_RETENTION_DUPLICATE_DAYS`` (30): merged away into another case.
- ``SAFEPASSAGE_RETENTION_SURRENDERED_DAYS`` (90): the conversation of a person who
  surrendered and has a register record (the record itself is kept).
- ``SAFEPASSAGE_RETENTION_REGISTER_DAYS`` (730): a register record after release or
  repatriation.  Records of interned prisoners are never purged; records of the dead are
  kept (graves registration and tracing, Arts. 120-122) unless brought forward.
- ``SAFEPASSAGE_RETENTION_FAILED_ENVELOPE_DAYS`` (14): envelopes the worker could not
  process, kept for investigation.  Processed envelopes go at the next run.
- ``SAFEPASSAGE_RETENTION_DELIVERY_DAYS`` (7): finished outbound deliveries (status
  callbacks arrive within hours).
- ``SAFEPASSAGE_RETENTION_IDLE_CHAT_DAYS`` (30): bot chats in which nobody ever wrote.
- ``SAFEPASSAGE_RETENTION_BATCH`` (200): cases purged per transaction.
- ``SAFEPASSAGE_RETENTION_EVERY_SECONDS`` (900): how often the worker runs the purge.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.conf import settings

NEVER = "never"
RULES = (
    "no_contact",
    "withdrawn",
    "unreachable",
    "ineligible",
    "provocation",
    "duplicate",
    "surrendered",
    "register",
)
_RULE_DEFAULTS = {
    "no_contact": "90",
    "withdrawn": "180",
    "unreachable": "180",
    "ineligible": "90",
    "provocation": "365",
    "duplicate": "30",
    "surrendered": "90",
    "register": "730",
}
_OTHER_DEFAULTS = {
    "FAILED_ENVELOPE_DAYS": "14",
    "DELIVERY_DAYS": "7",
    "IDLE_CHAT_DAYS": "30",
    "BATCH": "200",
    "EVERY_SECONDS": "900",
}
PREFIX = "SAFEPASSAGE_RETENTION_"
# Longer than any plausible need and short of overflowing a date: a typo guard.
_MAX_DAYS = 36500


def setting_name(rule: str) -> str:
    """The setting that holds ``rule``'s period."""
    return f"{PREFIX}{'PROVOCATION' if rule == 'provocation' else rule.upper()}_DAYS"


def _raw(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip().lower()


def _days(name: str, default: str, *, allow_never: bool) -> datetime.timedelta | None:
    raw = _raw(name, default)
    if allow_never and raw == NEVER:
        return None
    try:
        days = int(raw)
    except ValueError:
        hint = " or 'never'" if allow_never else ""
        raise ValueError(f"{name} must be a whole number of days{hint}") from None
    if not 0 <= days <= _MAX_DAYS:
        raise ValueError(f"{name} must be between 0 and {_MAX_DAYS}")
    return datetime.timedelta(days=days)


def _count(name: str, default: str) -> int:
    try:
        value = int(_raw(name, default))
    except ValueError:
        raise ValueError(f"{name} must be a whole number") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


@dataclass(frozen=True)
class RetentionSettings:
    """The periods in force (read on each use, so tests and operators can change them)."""

    periods: dict[str, datetime.timedelta | None]  # rule -> period; None: kept
    failed_envelopes: datetime.timedelta
    deliveries: datetime.timedelta
    idle_chats: datetime.timedelta
    batch: int
    every_seconds: int


def retention_settings() -> RetentionSettings:
    """The current retention settings; ValueError names a malformed one."""
    periods = {
        rule: _days(setting_name(rule), _RULE_DEFAULTS[rule], allow_never=True) for rule in RULES
    }

    def other(key: str) -> datetime.timedelta:
        value = _days(PREFIX + key, _OTHER_DEFAULTS[key], allow_never=False)
        return value if value is not None else datetime.timedelta(0)

    return RetentionSettings(
        periods=periods,
        failed_envelopes=other("FAILED_ENVELOPE_DAYS"),
        deliveries=other("DELIVERY_DAYS"),
        idle_chats=other("IDLE_CHAT_DAYS"),
        batch=_count(PREFIX + "BATCH", _OTHER_DEFAULTS["BATCH"]),
        every_seconds=_count(PREFIX + "EVERY_SECONDS", _OTHER_DEFAULTS["EVERY_SECONDS"]),
    )
