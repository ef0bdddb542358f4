"""What the case domain announces (see ``safepassage.events``).

The apps built on ``cases`` subscribe in their ``AppConfig.ready``: analytics counts,
register opens a record on surrender, channels queues messenger replies, campaigns
follows merges.  Every event is announced inside the transaction of the write it
describes, after the write, so a subscriber sees the new state and a failing
subscriber undoes the write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safepassage.accounts.models import Account
    from safepassage.cases.models import Case, Merge, Message


@dataclass(frozen=True)
class CaseOpened:
    """A new case exists (state ``new``)."""

    case: Case
    actor: Account | None


@dataclass(frozen=True)
class CaseMoved:
    """``case`` moved from ``previous`` to its current state."""

    case: Case
    previous: str
    actor: Account | None


@dataclass(frozen=True)
class FirstResponse:
    """The case got its first answer from an operator at ``responded_at``."""

    case: Case
    responded_at: datetime


@dataclass(frozen=True)
class TemplateChoice:
    """A reply to be sent as a provider-approved template (WhatsApp, outside its window)."""

    name: str
    language: str


@dataclass(frozen=True)
class ReplyQueued:
    """An operator's reply waits for its channel's sender (messenger contacts only).

    A subscriber that cannot take it raises a ``CaseError`` and the reply is not stored.
    """

    message: Message
    template: TemplateChoice | None = None


@dataclass(frozen=True)
class CasesMerging:
    """``absorbed`` is being folded into ``kept``; neither ``kept`` nor ``merge`` is
    saved yet.

    A subscriber may fill fields of ``kept`` in memory and name them in
    ``merge.filled_fields`` so that undoing the merge can take them back.
    """

    merge: Merge
    kept: Case
    absorbed: Case


@dataclass(frozen=True)
class MergeUndoing:
    """A merge is being undone; ``kept`` is locked and not saved yet."""

    merge: Merge
    kept: Case
    absorbed: Case
    by: Account
