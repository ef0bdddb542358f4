"""Every sealed value the database holds, found generically, and re-wrapping them.

Sealed values live only in ``SealedField`` columns (the field refuses anything else,
and envelopes, media blobs, notes and register records all use it), so walking every
installed model's ``SealedField`` columns reaches every one of them, including tables
added later.  The walk goes by primary key in batches, each committed on its own, and
writes with compare-and-swap (``UPDATE ... WHERE pk = ? AND column = <value read>``),
so it can run beside the live tiers, be interrupted, and continue where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction

from safepassage.crypto.errors import CryptoError
from safepassage.crypto.fields import SealedField
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, needs_rewrap, recipients, rewrap

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class SealedColumn:
    """One ``SealedField`` column of one model."""

    model: type[models.Model]
    name: str

    @property
    def label(self) -> str:
        """``app_label.Model.field``, for progress lines and refusals."""
        return f"{self.model._meta.label}.{self.name}"

    def stored(self) -> models.QuerySet[Any]:
        """The rows holding a value in this column."""
        return self.model._default_manager.filter(**{f"{self.name}__isnull": False})


def sealed_columns() -> list[SealedColumn]:
    """Every ``SealedField`` of every installed, managed, concrete model."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        for model_field in meta.concrete_fields:
            if isinstance(model_field, SealedField):
                found.append(SealedColumn(model, model_field.name))
    return sorted(found, key=lambda column: column.label)


def count_stored() -> int:
    """How many sealed values are stored, over all columns."""
    return sum(column.stored().count() for column in sealed_columns())


def _batches(column: SealedColumn, batch_size: int) -> Iterator[list[tuple[Any, Sealed]]]:
    last: Any = None
    while True:
        rows = column.stored().order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", column.name)[:batch_size])
        if not batch:
            return
        last = batch[-1][0]
        yield batch


def values_naming(kid: bytes, *, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, int]:
    """Per column label, how many stored values name ``kid`` among their recipients."""
    counts: dict[str, int] = {}
    for column in sealed_columns():
        for batch in _batches(column, batch_size):
            for _pk, value in batch:
                try:
                    named = kid in recipients(value)
                except CryptoError:
                    # Unparseable: it cannot be re-wrapped either, so count it as
                    # still needing an old key rather than let the key go.
                    named = True
                if named:
                    counts[column.label] = counts.get(column.label, 0) + 1
    return counts


def needs_any_rewrap(keyring: Keyring, *, batch_size: int = DEFAULT_BATCH_SIZE) -> bool:
    """Whether any stored value still names an older programme key than the active one
    (a re-wrap was interrupted, or the key file was rotated without ``--rewrap``)."""
    for column in sealed_columns():
        for batch in _batches(column, batch_size):
            for _pk, value in batch:
                try:
                    if needs_rewrap(value, keyring):
                        return True
                except CryptoError:
                    continue
    return False


@dataclass
class RewrapReport:
    """What a re-wrap run did: values re-wrapped, already current, and failures by
    column (values no key in the keyring opens, or that fail authentication)."""

    rewrapped: int = 0
    current: int = 0
    failed: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        """Total values that could not be re-wrapped."""
        return sum(self.failed.values())


def _rewrap_batch(
    column: SealedColumn, batch: list[tuple[Any, Sealed]], keyring: Keyring, report: RewrapReport
) -> None:
    manager = column.model._default_manager
    with transaction.atomic():
        for pk, value in batch:
            try:
                if not needs_rewrap(value, keyring):
                    report.current += 1
                    continue
                new = rewrap(value, keyring)
            except CryptoError:
                report.failed[column.label] = report.failed.get(column.label, 0) + 1
                continue
            # Compare-and-swap: a value a live tier replaced meanwhile is left alone
            # (the replacement is sealed afresh, so a later run finds it if it must).
            manager.filter(pk=pk, **{column.name: value}).update(**{column.name: new})
            report.rewrapped += 1


def rewrap_all(
    keyring: Keyring,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    advance: Callable[[int], object] = lambda _n: None,
) -> RewrapReport:
    """Re-wrap every stored value still naming an older programme key to the active key.

    Each batch commits separately; ``advance(n)`` is called after each with the number
    of values looked at (for a progress bar).  Running it again continues: values
    already current are skipped without any cryptography.
    """
    report = RewrapReport()
    for column in sealed_columns():
        for batch in _batches(column, batch_size):
            _rewrap_batch(column, batch, keyring, report)
            advance(len(batch))
    return report
