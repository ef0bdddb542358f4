"""Recomputing every value keyed with the blind-index key, for ``keys rotate-index``.

What is keyed with the index key, and how each is rebuilt:

- case identity indexes (name, unit, service number, date of birth): from the case's
  sealed field, exactly as ``cases.domain.identity.index_for`` derives them;
- contact and chat-session identity indexes: from the sealed identity.  One sealed
  phone number or Telegram id may have been indexed in several ways (chat id or user
  name, number with or without ``+``), so each candidate is computed under the OLD key
  too and the one that reproduces the stored index decides the new one — this is why
  the old key is kept until the recompute has finished;
- flood band marks: from the case's first inbound message (as the worker noted it);
  marks the old key does not reproduce are deleted (they would never match again);
- provider message ids (inbound dedup, delivery callbacks) are not stored anywhere,
  so their indexes cannot be recomputed: they are cleared.

Every batch commits on its own and rows already under the new key are recognised and
skipped, so an interrupted run continues where it stopped.  Any ``BlindIndexField``
this module does not know makes the rotation refuse before it starts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.db import models, transaction

from safepassage.cases.models import Case, Contact, Direction, Message
from safepassage.cases.name_sound import sound_key
from safepassage.cases.transliteration import name_key
from safepassage.channels.domain.identity import phone_identity
from safepassage.channels.models import ChatSession, OutboundDelivery
from safepassage.crypto.blind_index import blind_index, normalise_date
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.fields import BlindIndexField
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_text
from safepassage.floods.fingerprint import fingerprint
from safepassage.floods.models import CaseMark, MarkKind

BATCH_SIZE = 200
Derive = Callable[[Keyring, str], list[str | None]]


def _index(keyring: Keyring, kind: str, value: str) -> str | None:
    try:
        return blind_index(keyring, kind, value)
    except ValueError:
        return None


def _case_field(kind: str) -> Derive:
    def derive(keyring: Keyring, value: str) -> list[str | None]:
        if kind == "dob":
            try:
                return [_index(keyring, "dob", normalise_date(value))]
            except ValueError:
                return [None]
        key = sound_key(value) if kind == "name_sound" else name_key(value)
        return [_index(keyring, kind, key) if key else None]

    return derive


def _identity(keyring: Keyring, value: str) -> list[str | None]:
    # Every way the channels, the hotline, the website and operators index a contact.
    return [
        _index(keyring, "telegram_chat", value),
        _index(keyring, "phone", phone_identity(value)),
        _index(keyring, "phone", value),
        _index(keyring, "telegram_handle", value),
    ]


@dataclass(frozen=True)
class IndexColumn:
    """A blind index column rebuilt from a sealed column of the same row."""

    model: type[models.Model]
    sealed: str
    index: str
    derive: Derive


INDEX_COLUMNS = [
    IndexColumn(Case, "name", "name_index", _case_field("name")),
    IndexColumn(Case, "name", "name_sound_index", _case_field("name_sound")),
    IndexColumn(Case, "unit", "unit_index", _case_field("unit")),
    IndexColumn(Case, "service_number", "service_number_index", _case_field("service_number")),
    IndexColumn(Case, "date_of_birth", "date_of_birth_index", _case_field("dob")),
    IndexColumn(Contact, "identity", "identity_index", _identity),
    IndexColumn(ChatSession, "identity", "identity_index", _identity),
]
CLEARED_COLUMNS: list[tuple[type[models.Model], str]] = [
    (Message, "provider_message_index"),
    (OutboundDelivery, "provider_index"),
]


def unknown_index_columns() -> list[str]:
    """``BlindIndexField`` columns this module cannot rebuild (must be empty to rotate)."""
    known = {(c.model._meta.label, c.index) for c in INDEX_COLUMNS}
    known |= {(model._meta.label, name) for model, name in CLEARED_COLUMNS}
    return sorted(
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, BlindIndexField) and (model._meta.label, f.name) not in known
    )


@dataclass
class ReindexReport:
    """Rows rebuilt, already current, cleared, and left as they were (no candidate
    reproduced the stored index, or the sealed value could not be opened)."""

    rebuilt: int = 0
    current: int = 0
    cleared: int = 0
    unmatched: Counter[str] = field(default_factory=Counter)


def _new_index(
    column: IndexColumn, value: Sealed, stored: str, new: Keyring, old: Keyring
) -> str | None:
    text = open_text(value, new)
    fresh = column.derive(new, text)
    if stored in fresh:
        return stored
    if len(fresh) == 1:
        return fresh[0]
    previous = column.derive(old, text)
    if stored in previous:
        return fresh[previous.index(stored)]
    raise LookupError(column.index)


def _reindex_column(
    column: IndexColumn,
    new: Keyring,
    old: Keyring,
    report: ReindexReport,
    advance: Callable[[int], object],
) -> None:
    manager = column.model._default_manager
    rows = manager.exclude(**{f"{column.index}__isnull": True}).exclude(**{column.index: ""})
    rows = rows.filter(**{f"{column.sealed}__isnull": False}).order_by("pk")
    label = f"{column.model._meta.label}.{column.index}"
    last: Any = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page.values_list("pk", column.sealed, column.index)[:BATCH_SIZE])
        if not batch:
            return
        last = batch[-1][0]
        with transaction.atomic():
            for pk, value, stored in batch:
                try:
                    index = _new_index(column, value, stored, new, old)
                except (CryptoError, LookupError):
                    report.unmatched[label] += 1
                    continue
                if index == stored:
                    report.current += 1
                    continue
                manager.filter(pk=pk, **{column.index: stored}).update(**{column.index: index})
                report.rebuilt += 1
        advance(len(batch))


def _first_text(case_id: int, keyring: Keyring) -> str:
    message = (
        Message.objects.filter(case_id=case_id, direction=Direction.INBOUND)
        .order_by("created_at", "id")
        .only("body")
        .first()
    )
    return open_text(message.body, keyring) if message is not None else ""


def _reindex_bands(
    new: Keyring, old: Keyring, report: ReindexReport, advance: Callable[[int], object]
) -> None:
    bands = CaseMark.objects.filter(kind=MarkKind.BAND)
    last = 0
    while True:
        case_ids = list(
            bands.filter(case_id__gt=last)
            .order_by("case_id")
            .values_list("case_id", flat=True)
            .distinct()[:BATCH_SIZE]
        )
        if not case_ids:
            return
        last = case_ids[-1]
        with transaction.atomic():
            for case_id in case_ids:
                marks = list(bands.filter(case_id=case_id))
                stored = Counter(mark.digest for mark in marks)
                try:
                    text = _first_text(case_id, new)
                except CryptoError:
                    text = ""
                fresh = fingerprint(text, new) if text else ()
                if fresh and stored == Counter(fresh):
                    report.current += 1
                    continue
                CaseMark.objects.filter(pk__in=[mark.pk for mark in marks]).delete()
                if fresh and stored == Counter(fingerprint(text, old)):
                    template = marks[0]
                    CaseMark.objects.bulk_create(
                        CaseMark(
                            digest=digest,
                            kind=MarkKind.BAND,
                            case_id=case_id,
                            channel=template.channel,
                            created_at=template.created_at,
                        )
                        for digest in fresh
                    )
                    report.rebuilt += 1
                else:
                    report.cleared += 1
        advance(len(case_ids))


def count_work() -> int:
    """Rows to look at, for the progress bar's total."""
    total = sum(
        c.model._default_manager.exclude(**{f"{c.index}__isnull": True}).count()
        for c in INDEX_COLUMNS
    )
    return total + CaseMark.objects.filter(kind=MarkKind.BAND).values("case_id").distinct().count()


def reindex_all(
    keyring: Keyring, advance: Callable[[int], object] = lambda _n: None
) -> ReindexReport:
    """Rebuild every index under ``keyring.index_key``, matching old rows with
    ``keyring.previous_index_key`` (which must be set: a rotation is under way)."""
    if keyring.previous_index_key is None:
        raise ValueError("no index rotation is under way")
    old = replace(keyring, index_key=keyring.previous_index_key)
    report = ReindexReport()
    for column in INDEX_COLUMNS:
        _reindex_column(column, keyring, old, report, advance)
    for model, name in CLEARED_COLUMNS:
        with transaction.atomic():
            stale = model._default_manager.exclude(**{f"{name}__isnull": True}).exclude(
                **{name: ""}
            )
            report.cleared += stale.update(**{name: ""})
    _reindex_bands(keyring, old, report, advance)
    return report
