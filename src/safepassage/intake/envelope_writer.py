"""Group commit: one thread per intake process writes envelopes in batches.

Under a flood most of a submission's cost was the database, not the form: opening a
connection per request (about a millisecond on SQLite), one commit per envelope, and on
SQLite dozens of request threads sleeping in its busy handler for the single write lock.
Request threads now hand their sealed envelope to this process's writer thread and wait;
the writer inserts everything that is waiting in one transaction on one long-lived
connection, commits, and only then wakes the requests.  So the rule "acknowledge only
after the envelope is committed" still holds for every submission.

A request waits at most ``WAIT_SECONDS``; if the batch fails or the wait runs out, the
request is told (``EnvelopeNotStored``) and the applicant sees "nothing was sent, try
again", with the text kept.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from safepassage.envelopes.models import InboundEnvelope
from safepassage.intake.form_tokens import forget_old_tokens
from safepassage.intake.models import SentForm

logger = logging.getLogger(__name__)

MAX_BATCH = 256
WAIT_SECONDS = 15.0
# An idle writer gives its connection back (a restarted database, or a test database
# being dropped, must not find it held open).
IDLE_SECONDS = 1.0
# A batch that fails is tried once more on a fresh connection (a database restart or a
# connection closed by the server must not cost applicants their submission).
ATTEMPTS = 2


# Used form tokens older than their window are deleted at most this often, by the
# writer thread between batches (one DELETE a minute, not one per request).
FORGET_EVERY_SECONDS = 60.0


class EnvelopeNotStored(Exception):
    """The envelope was not committed; nothing may be acknowledged."""


class AlreadySent(Exception):
    """The form token of this envelope was used before: nothing was stored now."""


@dataclass
class _Pending:
    envelope: InboundEnvelope
    sent_form: SentForm | None = None
    done: threading.Event = field(default_factory=threading.Event)
    stored: bool = False
    duplicate: bool = False


class EnvelopeWriter:
    """The process's writer thread, started on first use (and again after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def store(self, envelope: InboundEnvelope, *, sent_form: SentForm | None = None) -> None:
        """Insert ``envelope`` (and ``sent_form``, its form token) with the next batch;
        return once that batch is committed.

        Raises AlreadySent if ``sent_form``'s token was stored before (nothing is stored
        now), EnvelopeNotStored if the batch failed or took longer than WAIT_SECONDS.
        """
        pending = _Pending(envelope, sent_form)
        self._ensure_running()
        self._queue.put(pending)
        if not pending.done.wait(WAIT_SECONDS):
            raise EnvelopeNotStored
        if pending.duplicate:
            raise AlreadySent
        if not pending.stored:
            raise EnvelopeNotStored

    def stop(self) -> None:
        """Finish what is queued, close the connection and end the thread."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(WAIT_SECONDS)

    def _ensure_running(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child inherits the object but not the thread.
                self._queue = queue.SimpleQueue()
                self._thread = None
                self._pid = os.getpid()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="intake-envelope-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        forgotten_at = 0.0
        try:
            while True:
                if time.monotonic() - forgotten_at > FORGET_EVERY_SECONDS:
                    forgotten_at = time.monotonic()
                    _forget_old_tokens()
                try:
                    first = self._queue.get(timeout=IDLE_SECONDS)
                except queue.Empty:
                    connection.close()
                    continue
                if first is None:
                    return
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(item)
                self._write(batch)
        finally:
            connection.close()

    def _write(self, batch: list[_Pending]) -> None:
        try:
            for attempt in range(ATTEMPTS):
                try:
                    with transaction.atomic():
                        fresh = _mark_duplicates(batch)
                        InboundEnvelope.objects.bulk_create([p.envelope for p in fresh])
                        SentForm.objects.bulk_create(
                            [p.sent_form for p in fresh if p.sent_form is not None]
                        )
                except Exception:
                    # Identifiers only: a database error could quote a value (and the
                    # log filter strips exception messages anyway).
                    logger.exception(
                        "storing a batch of %s envelopes failed (attempt %s)",
                        len(batch),
                        attempt + 1,
                    )
                    connection.close()  # a dropped connection is the usual cause
                else:
                    for pending in batch:
                        pending.stored = not pending.duplicate
                    return
        finally:
            for pending in batch:
                pending.done.set()


def _mark_duplicates(batch: list[_Pending]) -> list[_Pending]:
    """Mark envelopes whose form token was stored before, or earlier in this batch (a
    double click lands in one batch); return the others.  Another process storing the
    same token at the same moment makes the insert fail on the unique hash, and the
    retry then finds it here."""
    hashes = [p.sent_form.token_hash for p in batch if p.sent_form is not None]
    seen = set(
        SentForm.objects.filter(token_hash__in=hashes).values_list("token_hash", flat=True)
        if hashes
        else []
    )
    fresh = []
    for pending in batch:
        pending.duplicate = False
        if pending.sent_form is not None:
            if pending.sent_form.token_hash in seen:
                pending.duplicate = True
                continue
            seen.add(pending.sent_form.token_hash)
        fresh.append(pending)
    return fresh


def _forget_old_tokens() -> None:
    try:
        forget_old_tokens()
    except Exception:
        logger.exception("forgetting old form tokens failed")
        connection.close()


WRITER = EnvelopeWriter()
