"""Verifying the audit chain against itself and against the signed heads.

The rows are read with raw SQL, not the ORM: a database insider may have left values
the ORM cannot load (a timestamp of ``'garbage'``, a detail that is not JSON, a dropped
table), and each of those must end in a report naming the first broken event, never in
an exception.  Without signed heads the chain proves only that nobody edited a row
without re-hashing everything after it; a signed head (from the witness file outside
the database, or its copy in the database) pins the count and last hash at the time it
was signed, so re-hashing the rest after a deletion or an edit is caught too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection
from django.utils.dateparse import parse_datetime
from nacl.signing import VerifyKey

from safepassage.audit.hashing import (
    CURRENT_VERSION,
    GENESIS_HASH,
    LEGACY_VERSION,
    event_hash_v2,
    legacy_hash,
)
from safepassage.audit.heads import (
    SignedHead,
    WitnessError,
    configured_witness_file,
    database_heads,
    read_witness,
)
from safepassage.audit.models import AuditEvent, AuditHead
from safepassage.crypto.errors import KeyFileError, SecretKeyUnavailable
from safepassage.crypto.runtime import get_keyring

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: ``ok``, or the first broken event and why.

    When only a signed head shows the rewrite, the first broken event lies somewhere
    after the last head the chain still reproduces: ``broken_after_seq`` names that
    head and ``broken_at_seq`` the head that no longer matches.
    """

    ok: bool
    checked: int
    broken_at_seq: int | None = None
    problem: str = ""
    row_id: int | None = None
    broken_after_seq: int | None = None
    heads_checked: int = 0
    head_hash: str = GENESIS_HASH

    def describe(self) -> str:
        """One line for operators and the CLI."""
        if self.ok:
            heads = f"; {self.heads_checked} signed heads reproduced" if self.heads_checked else ""
            return f"audit chain intact: {self.checked} events verified{heads}"
        row = f" (row id {self.row_id})" if self.row_id is not None else ""
        if self.broken_at_seq is None:
            return f"audit chain cannot be trusted: {self.problem}"
        if self.broken_after_seq is not None and self.broken_after_seq + 1 < self.broken_at_seq:
            where = f"between event #{self.broken_after_seq + 1} and #{self.broken_at_seq}"
            return f"audit chain broken {where}: {self.problem}"
        return f"audit chain broken at event #{self.broken_at_seq}{row}: {self.problem}"


class _Unreadable(Exception):
    """A column of an event holds something no event could have been written with."""


_COLUMNS = (
    "id, seq, {created_at}, actor_id, actor_label, action, object_type, object_ref, "
    "{detail}, prev_hash, hash, hash_version"
)


def _select() -> str:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    if connection.vendor == "sqlite":
        # Casting keeps the sqlite3 module's datetime converter (which raises on some
        # malformed values) out of the way; we parse the text ourselves.
        columns = _COLUMNS.format(
            created_at="CAST(created_at AS TEXT)", detail="CAST(detail AS TEXT)"
        )
    else:
        columns = _COLUMNS.format(created_at="created_at", detail="detail::text")
    return f"SELECT {columns} FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s"  # noqa: S608 - our table name


def _rows() -> Iterator[tuple[Any, ...]]:
    sql = _select()
    last_seq = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last_seq, BATCH_SIZE])
            batch = cursor.fetchall()
        if not batch:
            return
        yield from batch
        seq = batch[-1][1]
        if isinstance(seq, bool) or not isinstance(seq, int):
            return  # the caller has already reported that row
        last_seq = seq


def _moment(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise _Unreadable("its timestamp is not a date")
        moment = parsed
    else:
        raise _Unreadable("its timestamp is not a date")
    # Stored naive in UTC on SQLite, as Django's own converter assumes.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _recompute(row: tuple[Any, ...]) -> str:
    (row_id, seq, created_at, actor_id, label, action, otype, oref, detail, prev, _, version) = row
    moment = _moment(created_at)
    try:
        detail_value = json.loads(detail) if isinstance(detail, str | bytes) else detail
    except ValueError:
        raise _Unreadable("its detail is not JSON") from None
    try:
        if version == LEGACY_VERSION:
            return legacy_hash(
                seq=seq,
                created_at=moment,
                actor_label=label,
                action=action,
                object_type=otype,
                object_ref=oref,
                detail=detail_value,
                prev_hash=prev,
            )
        if version == CURRENT_VERSION:
            return event_hash_v2(
                row_id=row_id,
                seq=seq,
                created_at=moment,
                actor_id=actor_id,
                actor_label=label,
                action=action,
                object_type=otype,
                object_ref=oref,
                detail=detail_value,
                prev_hash=prev,
            )
    except (TypeError, ValueError, OverflowError):
        raise _Unreadable("its content was altered") from None
    raise _Unreadable("its hash format is unknown")


def _programme_verify_key() -> VerifyKey:
    return get_keyring().signing_key.verify_key


def _collect_heads(witness: Path | None) -> list[SignedHead]:
    """Every signed head to check (witness file and database), sorted by sequence."""
    heads = read_witness(witness) if witness is not None else []
    heads += database_heads()
    heads.sort(key=lambda head: head.seq)
    return heads


def _forged(heads: list[SignedHead]) -> ChainReport | None:
    if not heads:
        return None
    try:
        verify_key = _programme_verify_key()
    except (SecretKeyUnavailable, KeyFileError) as error:
        return ChainReport(False, 0, problem=f"cannot check the signed heads: {error}")
    for head in heads:
        if not head.signature_verifies(verify_key):
            return ChainReport(
                False,
                0,
                head.seq,
                f"{head.source} claims this head but does not carry the programme's signature",
            )
    return None


def _head_row() -> tuple[int, str]:
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)


def verify_chain(witness: Path | None = None) -> ChainReport:
    """Recompute every hash and link, check every signed head; report the first break.

    ``witness`` defaults to the configured witness file (``SAFEPASSAGE_AUDIT_WITNESS_FILE``)
    when it exists.  Detects edited rows, deleted, reordered or truncated events, a
    downgraded hash format, unreadable values, missing tables, forged heads, and — given
    a signed head — a chain re-hashed after any of these.
    """
    if witness is None:
        configured = configured_witness_file()
        witness = configured if configured is not None and configured.exists() else None
    try:
        heads = _collect_heads(witness)
        forged = _forged(heads)
        if forged is not None:
            return forged
        head_seq, head_hash = _head_row()
        return _walk(heads, head_seq, head_hash)
    except WitnessError as error:
        return ChainReport(False, 0, problem=str(error))
    except DatabaseError:
        return ChainReport(False, 0, 1, "the audit tables are missing or unreadable")


def _walk(heads: list[SignedHead], head_seq: int, head_hash: str) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    last_good = 0
    pending = iter(heads)
    head = next(pending, None)
    while head is not None and head.seq == 0:
        if head.hash != GENESIS_HASH:
            return ChainReport(False, 0, 1, f"{head.source} signed a different empty chain")
        head = next(pending, None)
    head_row_matches = head_seq == 0 and head_hash == GENESIS_HASH
    seen_current = False
    for row in _rows():
        row_id, seq, version, stored_hash = row[0], row[1], row[11], row[10]
        expected_seq = checked + 1
        if isinstance(seq, bool) or not isinstance(seq, int):
            return ChainReport(
                False, checked, expected_seq, "its sequence number is not a number", row_id
            )
        if seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "event missing (deleted)")
        if row[9] != expected_prev:
            return ChainReport(False, checked, seq, "link to previous event does not match", row_id)
        if seen_current and version != CURRENT_VERSION:
            return ChainReport(False, checked, seq, "its hash format was downgraded", row_id)
        try:
            recomputed = _recompute(row)
        except _Unreadable as error:
            return ChainReport(False, checked, seq, str(error), row_id)
        if recomputed != stored_hash:
            return ChainReport(False, checked, seq, "event content was altered", row_id)
        seen_current = seen_current or version == CURRENT_VERSION
        expected_prev = stored_hash
        checked = seq
        if seq == head_seq:
            head_row_matches = stored_hash == head_hash
        while head is not None and head.seq == seq:
            if head.hash != stored_hash:
                return ChainReport(
                    False,
                    checked,
                    seq,
                    f"events were rewritten: the chain no longer reproduces the head "
                    f"signed at {head.signed_at} ({head.source})",
                    broken_after_seq=last_good,
                )
            last_good = seq
            head = next(pending, None)
    if head is not None:
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"newest events missing (truncated): {head.source} signed a head at event #{head.seq}",
        )
    if head_seq > checked:
        return ChainReport(False, checked, checked + 1, "newest events missing (truncated)")
    if not head_row_matches:
        return ChainReport(False, checked, head_seq, "the chain head row does not match this event")
    return ChainReport(True, checked, heads_checked=len(heads), head_hash=expected_prev)
