"""Log redaction: nothing personal in any log line.

Our own code logs identifiers only (envelope ids, case references, status codes).  This
filter is the second line of defence for third-party records: it strips query strings
from request paths and replaces exception messages (which may quote a value from a
database error) with the exception's type.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?\S*")


class RedactFilter(logging.Filter):
    """Remove query strings, request objects and exception messages from records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?[redacted]", record.msg)
        if record.args:
            record.args = tuple(
                _QUERY.sub("?[redacted]", arg) if isinstance(arg, str) else _safe(arg)
                for arg in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        if hasattr(record, "request"):
            record.request = None
        if record.exc_info and record.exc_info[1] is not None:
            exc_type = record.exc_info[0]
            # Keep where it failed (the traceback's frames) but not what the values were.
            name = exc_type.__name__ if exc_type else "Exception"
            record.exc_info = (exc_type, _Redacted(name), record.exc_info[2])
            record.exc_text = None
        return True


class QuietSecurityFilter(logging.Filter):
    """A refused request (bad Host, oversized body, too many fields) is one WARNING line.

    Django logs these as ERROR with a full traceback under ``django.security.<Name>``;
    they are the public internet's background noise, not our faults, and the message
    quotes attacker-chosen text (the Host header).  Keep the name and the status only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security."):
            kind = record.name.rsplit(".", 1)[-1]
            status = getattr(record, "status_code", 400)
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
            record.msg = "request refused: %s (%s)"
            record.args = (kind, status)
            record.exc_info = None
            record.exc_text = None
        return True


def _safe(arg: object) -> object:
    if isinstance(arg, int | float | bool) or arg is None:
        return arg
    return "[redacted]"


class _Redacted(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} (message redacted)")
