"""The envelope loop: batches in one transaction, each envelope rolled back alone."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.campaigns.models import Campaign
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.worker import envelopes
from safepassage.worker.envelopes import MAX_ATTEMPTS, process_pending
from safepassage.worker.handlers import (
    EnvelopeRejected,
    forget_handler,
    forget_preparer,
    handles,
    prepares,
)

pytestmark = pytest.mark.django_db
PROBE = "test_probe"


class Boom(Exception):
    """A handler bug (not a rejection): the envelope is retried later."""


@pytest.fixture
def seen() -> Iterator[list[str]]:
    """Registers a probe handler that writes a campaign row named by the envelope, then
    fails as the envelope asks; yields the codes in the order the handler saw them."""
    order: list[str] = []

    def probe(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
        order.append(str(data["code"]))
        Campaign.objects.create(code=str(data["code"]), title="probe")
        if data.get("fail") == "bug":
            raise Boom()
        if data.get("fail") == "reject":
            raise EnvelopeRejected("probe rejected")

    handles(PROBE)(probe)
    yield order
    forget_handler(PROBE)


def probe_envelope(keyring: Keyring, code: str, fail: str = "") -> InboundEnvelope:
    return InboundEnvelope.objects.create(
        kind=PROBE,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body({"code": code, "fail": fail}, to=keyring.public),
    )


def codes() -> set[str]:
    return set(Campaign.objects.values_list("code", flat=True))


def test_a_failing_envelope_is_rolled_back_alone_and_retried_later(
    installed_keys: Keyring, seen: list[str]
) -> None:
    first = probe_envelope(installed_keys, "A1")
    broken = probe_envelope(installed_keys, "B2", fail="bug")
    last = probe_envelope(installed_keys, "C3")

    assert process_pending() == 3

    assert seen == ["A1", "B2", "C3"]
    assert codes() == {"A1", "C3"}
    for envelope in (first, last):
        envelope.refresh_from_db()
        assert envelope.status == EnvelopeStatus.PROCESSED
        assert envelope.processed_at is not None
    broken.refresh_from_db()
    assert broken.status == EnvelopeStatus.PENDING
    assert broken.attempts == 1
    assert broken.error_code == "Boom"
    assert broken.retry_at is not None
    assert broken.retry_at > timezone.now()
    # Not due yet: the next round leaves it alone.
    assert process_pending() == 0


def test_an_envelope_failing_every_attempt_ends_failed(
    installed_keys: Keyring, seen: list[str]
) -> None:
    broken = probe_envelope(installed_keys, "B2", fail="bug")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        InboundEnvelope.objects.filter(pk=broken.pk).update(
            retry_at=timezone.now() - timedelta(seconds=1)
        )
        assert process_pending() == 1
        broken.refresh_from_db()
        assert broken.attempts == attempt
    assert broken.status == EnvelopeStatus.FAILED
    assert len(seen) == MAX_ATTEMPTS
    assert codes() == set()


def test_a_rejected_envelope_fails_at_once_with_its_code_and_no_writes(
    installed_keys: Keyring, seen: list[str]
) -> None:
    rejected = probe_envelope(installed_keys, "R1", fail="reject")
    kept = probe_envelope(installed_keys, "K1")

    process_pending()

    rejected.refresh_from_db()
    assert rejected.status == EnvelopeStatus.FAILED
    assert rejected.error_code == "probe rejected"
    assert rejected.attempts == 0
    kept.refresh_from_db()
    assert kept.status == EnvelopeStatus.PROCESSED
    assert codes() == {"K1"}


def test_a_batch_closed_by_its_time_budget_leaves_the_rest_for_the_next_batch(
    installed_keys: Keyring, seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(envelopes, "BATCH_SECONDS", 0.0)
    batches: list[int] = []
    real_batch = envelopes._process_batch

    def counting_batch(ids: list[int]) -> list[InboundEnvelope]:
        handled = real_batch(ids)
        batches.append(len(handled))
        return handled

    monkeypatch.setattr(envelopes, "_process_batch", counting_batch)
    made = [probe_envelope(installed_keys, f"T{n}") for n in range(4)]

    assert process_pending() == 4

    assert batches == [1, 1, 1, 1]
    assert seen == ["T0", "T1", "T2", "T3"]
    assert (
        InboundEnvelope.objects.filter(
            pk__in=[e.pk for e in made], status=EnvelopeStatus.PROCESSED
        ).count()
        == 4
    )


def test_the_limit_bounds_one_round_and_order_is_arrival_order(
    installed_keys: Keyring, seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(envelopes, "BATCH_SIZE", 2)
    for n in range(5):
        probe_envelope(installed_keys, f"L{n}")

    assert process_pending(limit=3) == 3
    assert seen == ["L0", "L1", "L2"]
    assert process_pending(limit=3) == 2
    assert seen == ["L0", "L1", "L2", "L3", "L4"]


def test_an_envelope_handled_already_is_skipped(installed_keys: Keyring, seen: list[str]) -> None:
    envelope = probe_envelope(installed_keys, "S1")
    assert process_pending() == 1
    # A worker that listed it before it was handled finds it no longer pending.
    assert envelopes._process_batch([envelope.pk]) == []
    assert seen == ["S1"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_handle_each_envelope_exactly_once(
    installed_keys: Keyring, seen: list[str]
) -> None:
    made = [probe_envelope(installed_keys, f"W{n:03d}") for n in range(120)]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while process_pending(limit=20):
                pass
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    connection.close()

    assert errors == []
    assert sorted(seen) == sorted(f"W{n:03d}" for n in range(120))
    assert (
        InboundEnvelope.objects.filter(
            pk__in=[e.pk for e in made], status=EnvelopeStatus.PROCESSED
        ).count()
        == 120
    )


@pytest.mark.django_db(transaction=True)
def test_preparation_runs_outside_any_transaction_and_blocks_no_writer(
    installed_keys: Keyring, seen: list[str]
) -> None:
    """The slow part (a receipt's Argon2id) runs with no transaction open: another
    connection can write while it runs, on SQLite (one write lock) as on PostgreSQL."""
    states: list[tuple[bool, float]] = []

    def write_elsewhere() -> None:
        try:
            with connection.cursor() as cursor:
                started = time.monotonic()
                cursor.execute("UPDATE intake_inboundenvelope SET attempts = attempts WHERE id < 0")
                states.append((True, time.monotonic() - started))
        finally:
            connection.close()

    def probe_preparer(data: dict[str, Any]) -> dict[str, Any]:
        writer = threading.Thread(target=write_elsewhere)
        writer.start()
        writer.join(10)
        states.append((connection.in_atomic_block, 0.0))
        return data

    prepares(PROBE)(probe_preparer)
    try:
        probe_envelope(installed_keys, "P1")
        assert process_pending() == 1
    finally:
        forget_preparer(PROBE)
    assert seen == ["P1"]
    (wrote, waited), (in_transaction, _) = states
    assert wrote
    assert waited < 1.0
    assert in_transaction is False


def test_a_failing_preparation_rejects_its_envelope_alone(
    installed_keys: Keyring, seen: list[str]
) -> None:
    def picky(data: dict[str, Any]) -> dict[str, Any]:
        if data["code"] == "BAD":
            raise EnvelopeRejected("probe unprepared")
        return data

    prepares(PROBE)(picky)
    try:
        bad = probe_envelope(installed_keys, "BAD")
        good = probe_envelope(installed_keys, "OK")
        assert process_pending() == 2
    finally:
        forget_preparer(PROBE)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.status, bad.error_code) == (EnvelopeStatus.FAILED, "probe unprepared")
    assert bad.body is not None  # kept for an operator's retry
    assert good.status == EnvelopeStatus.PROCESSED
    assert good.body is None  # forgotten once processed
    assert seen == ["OK"]


def test_with_a_backlog_rounds_alternate_newest_first_and_oldest_first(
    installed_keys: Keyring, seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flood's backlog does not hold back who writes now, nor starve who wrote first."""
    monkeypatch.setattr(envelopes, "BACKLOG", 4)
    monkeypatch.setattr(envelopes, "BACKLOG_ROUND", 2)
    monkeypatch.setattr(envelopes, "_rounds", itertools.count())
    for n in range(8):
        probe_envelope(installed_keys, f"F{n}")  # the flood, queued first
    probe_envelope(installed_keys, "GENUINE")  # an applicant writing during it

    assert process_pending(limit=3) == 2  # newest first, in a short round
    assert sorted(seen) == ["F7", "GENUINE"]
    assert process_pending(limit=3) == 2  # then the oldest, so nobody waits for ever
    assert seen[2:] == ["F0", "F1"]
    assert process_pending(limit=3) == 2  # 5 left: still a backlog, newest again
    assert sorted(seen[4:]) == ["F5", "F6"]
    assert process_pending(limit=3) == 3  # 3 left: no backlog any more, arrival order
    assert seen[6:] == ["F2", "F3", "F4"]
