"""Putting a case's sealed values under the case's own key (SP1 -> SP2).

Values are sealed by many writers (the worker, the console, the register) with the
programme key (SP1).  Rather than change every writer, values that belong to a case are
re-wrapped under the case's key:

- on save, by a ``pre_save`` receiver, wherever the secret key is held (worker and
  console), so a value reaches the database already under its case key;
- by the worker's periodic sweep (:func:`convert_pending`), for values written in bulk
  (``update()``, ``bulk_create``), values written before this existed, and values moved
  to another case by a merge (re-wrapped under the new owner's key).

Only the data key is re-wrapped; the body bytes stay as sealed.  An applicant entry (a
web applicant's receipt-derived key) is kept, so receipts keep opening their inbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Substr

from safepassage.casekeys.keys import case_key
from safepassage.crypto import _sp2
from safepassage.crypto.errors import CryptoError, SecretKeyUnavailable
from safepassage.crypto.keys import Keyring
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import Sealed, rewrap_to_case_key
from safepassage.retention.registry import BY_MODEL, OWNED, Owned

SWEEP_BATCH = 500


def _secret_keyring() -> Keyring | None:
    try:
        return get_keyring()
    except SecretKeyUnavailable:
        return None


def _case_id_of(instance: models.Model, entry: Owned) -> int | None:
    if entry.case_path == "pk":
        return instance.pk if isinstance(instance.pk, int) else None
    if "__" not in entry.case_path:
        value = getattr(instance, entry.case_path, None)
        return value if isinstance(value, int) else None
    relation, _sep, rest = entry.case_path.partition("__")
    related_id = getattr(instance, f"{relation}_id", None)
    if related_id is None:
        return None
    related = instance._meta.get_field(relation).related_model
    assert isinstance(related, type)
    value = related._default_manager.filter(pk=related_id).values_list(rest, flat=True).first()
    return value if isinstance(value, int) else None


def _rewrapped(value: object, keyring: Keyring, kid: bytes, key: bytes) -> Sealed | None:
    """The value under the case key, or None if it needs nothing (or cannot be opened)."""
    if not isinstance(value, Sealed):
        return None
    if _sp2.is_sp2(value.blob) and _sp2.parse(value.blob).case_key_id == kid:
        return None
    try:
        return rewrap_to_case_key(value, keyring, case_key_id=kid, case_key=key)
    except CryptoError:
        # Not ours to open (damaged, or under a destroyed key): leave it; the console
        # shows such values as unreadable, and nothing is written in clear.
        return None


def seal_under_case_key(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any
) -> None:
    """``pre_save`` receiver: re-wrap the instance's sealed values under its case key.

    Fixture loading (``raw``) stores rows as given; the sweep converts them later.
    """
    entry = BY_MODEL.get(sender)
    if entry is None or raw:
        return
    values = [getattr(instance, name) for name in entry.fields]
    if not any(isinstance(v, Sealed) for v in values):
        return
    keyring = _secret_keyring()
    case_id = _case_id_of(instance, entry) if keyring is not None else None
    if keyring is None or case_id is None:
        return
    kid, key = case_key(case_id, entry.scope, keyring)
    for name, value in zip(entry.fields, values, strict=True):
        # A value under another case's key (copied by a merge) is left as it is, so the
        # merge's undo still recognises it; the purge re-homes it before that key goes.
        if isinstance(value, Sealed) and _sp2.is_sp2(value.blob):
            continue
        new = _rewrapped(value, keyring, kid, key)
        if new is not None:
            setattr(instance, name, new)


def _needing(entry: Owned, field: str, case_ids: list[int] | None) -> models.QuerySet[Any]:
    """Rows of ``entry`` whose ``field`` is still SP1 (or, with ``case_ids``, any form)."""
    rows: models.QuerySet[Any] = entry.model._default_manager.exclude(**{f"{field}__isnull": True})
    if case_ids is not None:
        return rows.filter(**{f"{entry.case_path}__in": case_ids})
    if entry.case_path != "pk":
        # A row that belongs to no case (a bot text's delivery) stays as it is.
        rows = rows.exclude(**{f"{entry.case_path}__isnull": True})
    prefix = Substr(field, 1, 3, output_field=models.BinaryField())
    sp1: models.QuerySet[Any] = rows.annotate(_sp_prefix=prefix).filter(_sp_prefix=b"SP1")
    return sp1


def _convert_rows(
    entry: Owned, field: str, rows: list[tuple[int, Sealed, int | None]], keyring: Keyring
) -> int:
    changed = 0
    for pk, value, case_id in rows:
        if case_id is None:
            continue
        kid, key = case_key(case_id, entry.scope, keyring)
        new = _rewrapped(value, keyring, kid, key)
        if new is None:
            continue
        # Conditional on the old bytes: a concurrent writer's newer value is not undone.
        changed += entry.model._default_manager.filter(pk=pk, **{field: value}).update(
            **{field: new}
        )
    return changed


def _convert_column(
    entry: Owned, field: str, wanted: list[int] | None, keyring: Keyring, batch: int
) -> int:
    # Pages by primary key, so a value that cannot be opened (damaged) is passed over
    # instead of being selected again by every page.
    rows_of = _needing(entry, field, wanted).order_by("pk")
    after, changed = 0, 0
    while changed < batch:
        page = list(rows_of.filter(pk__gt=after).values_list("pk", field, entry.case_path)[:batch])
        if not page:
            break
        after = page[-1][0]
        with transaction.atomic():
            changed += _convert_rows(entry, field, page, keyring)
    return changed


def convert(*, case_ids: Iterable[int] | None = None, batch: int = SWEEP_BATCH) -> int:
    """Re-wrap up to ``batch`` values per column under their case keys; returns how many.

    Without ``case_ids``: values still sealed to the programme key (the periodic sweep).
    With ``case_ids``: every value of those cases, so values a merge moved in from
    another case leave that case's key (run before a purge destroys it).
    """
    keyring = _secret_keyring()
    if keyring is None:
        return 0
    wanted = list(case_ids) if case_ids is not None else None
    limit = batch if wanted is None else 10**9
    return sum(
        _convert_column(entry, field, wanted, keyring, limit)
        for entry in OWNED
        for field in entry.fields
    )


def convert_pending(*, batch: int = SWEEP_BATCH) -> int:
    """The periodic sweep: values sealed to the programme key move under case keys."""
    return convert(batch=batch)
