"""Rate limits for submissions and receipt sign-ins: token buckets held in each process.

Why in process and not in the database or a shared cache: the intake must take well over
500 submissions a second on two cores, and a counter row updated per request would double
its writes (on SQLite, serialise them) exactly when a flood arrives.  Each granian worker
process keeps its own buckets with the configured rate divided by the number of worker
processes (``conf.current_limits``), so a host admits about the configured rate; several
intake hosts each admit their share.  The limits are a guard for the database and the
worker, not an exact quota, and that approximation is what they need.

Clients are told apart by address (the last ``X-Forwarded-For`` hop when the deployer
declares a proxy; IPv6 grouped by /64, as one subscriber gets a whole /64).  Addresses
are kept only as keyed hashes under a key that lives and dies with the process, and the
table is bounded, so a flood from many addresses cannot exhaust memory.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest

from safepassage.intake.conf import IntakeLimits, Rate, current_limits
from safepassage.security.addresses import client_address

MAX_CLIENTS = 50_000
# An accepted receipt sign-in should answer within a second (the p99 target),
# queueing and the Argon2id run included.
SIGNIN_BUDGET_SECONDS = 0.8
_ADDRESS_KEY = secrets.token_bytes(32)


class Busy(Exception):
    """No Argon2id slot became free in time; the caller answers "try again"."""


@dataclass
class _Bucket:
    tokens: float
    updated: float

    def refill(self, rate: Rate, now: float) -> None:
        self.tokens = min(rate.count, self.tokens + (now - self.updated) * rate.per_second)
        self.updated = now

    def wait(self, rate: Rate) -> float:
        """Seconds until one token is available (0 when one is)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / rate.per_second


class Throttle:
    """One per-client and one global token bucket, taken together or not at all."""

    def __init__(self, client: Rate, overall: Rate, *, max_clients: int = MAX_CLIENTS) -> None:
        self.client_rate = client
        self.global_rate = overall
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._global = _Bucket(overall.count, time.monotonic())
        self._clients: OrderedDict[bytes, _Bucket] = OrderedDict()

    def take(self, client_key: bytes) -> float:
        """Take one token for ``client_key``; return 0, or the seconds to wait if refused.

        A refused request takes nothing, so waiting clients are not punished further.
        """
        now = time.monotonic()
        with self._lock:
            waits = [0.0]
            if self.global_rate.enabled:
                self._global.refill(self.global_rate, now)
                waits.append(self._global.wait(self.global_rate))
            bucket = None
            if self.client_rate.enabled:
                bucket = self._client_bucket(client_key, now)
                bucket.refill(self.client_rate, now)
                waits.append(bucket.wait(self.client_rate))
            wait = max(waits)
            if wait > 0:
                return wait
            if self.global_rate.enabled:
                self._global.tokens -= 1
            if bucket is not None:
                bucket.tokens -= 1
            return 0.0

    def _client_bucket(self, key: bytes, now: float) -> _Bucket:
        bucket = self._clients.get(key)
        if bucket is not None:
            self._clients.move_to_end(key)
            return bucket
        if len(self._clients) >= self.max_clients:
            # Forget the least recently seen client.  Someone rotating through more
            # addresses than this is held back by the global bucket instead.
            self._clients.popitem(last=False)
        bucket = _Bucket(self.client_rate.count, now)
        self._clients[key] = bucket
        return bucket


class Argon2Slots:
    """At most ``slots`` Argon2id derivations at once in this process, and a bounded wait.

    Each derivation holds 64 MiB and most of a core, so they are counted.  A sign-in that
    would have to queue is refused at once (``Busy``, answered with "try again") when
    the derivations ahead of it, at their recently measured duration, would finish it
    later than ``budget`` seconds from now.  On a fast machine that allows a queue of
    several; on a slow or overloaded one, fewer; either way an accepted sign-in answers
    within about a second instead of waiting behind a pile-up.
    """

    def __init__(self, slots: int, *, budget: float = SIGNIN_BUDGET_SECONDS) -> None:
        self.slots = max(1, slots)
        self.budget = budget
        self._semaphore = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._queued = 0  # holding a slot or waiting for one
        # Seconds per derivation, smoothed; starts at the production cost on two cores.
        self.typical = 0.15

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Run the body in a slot; Busy if the wait would break the budget."""
        with self._lock:
            finish = (self._queued // self.slots + 1) * self.typical
            if self._queued >= self.slots and finish > self.budget:
                raise Busy
            self._queued += 1
        try:
            if not self._semaphore.acquire(timeout=self.budget):
                raise Busy
            started = time.monotonic()
            try:
                yield
            finally:
                elapsed = time.monotonic() - started
                self._semaphore.release()
                with self._lock:
                    self.typical = 0.8 * self.typical + 0.2 * elapsed
        finally:
            with self._lock:
                self._queued -= 1


@dataclass
class _Registry:
    limits: IntakeLimits
    submit: Throttle
    signin: Throttle
    argon2_slots: Argon2Slots


_registry_lock = threading.Lock()
_registry: _Registry | None = None


def _current() -> _Registry:
    """The process's throttles, rebuilt if the configured limits changed (tests)."""
    global _registry
    limits = current_limits()
    with _registry_lock:
        if _registry is None or _registry.limits != limits:
            _registry = _Registry(
                limits=limits,
                submit=Throttle(limits.submit_client, limits.submit_global),
                signin=Throttle(limits.signin_client, limits.signin_global),
                argon2_slots=Argon2Slots(limits.signin_concurrency),
            )
        return _registry


def reset() -> None:
    """Forget every bucket (tests start each case with full buckets)."""
    global _registry
    with _registry_lock:
        _registry = None


def client_key(request: HttpRequest) -> bytes:
    """A keyed hash of the client's address (the address itself is never kept)."""
    return hashlib.blake2b(
        client_address(request).encode(), key=_ADDRESS_KEY, digest_size=16
    ).digest()


def take_submission(request: HttpRequest) -> float:
    """Spend a submission token for this client; 0, or seconds to wait if over the limit."""
    return _current().submit.take(client_key(request))


def take_signin(request: HttpRequest) -> float:
    """Spend a sign-in token for this client; 0, or seconds to wait if over the limit."""
    return _current().signin.take(client_key(request))


@contextmanager
def argon2_slot() -> Iterator[None]:
    """Hold one of the process's Argon2id slots, or raise Busy at once if the wait would
    break the sign-in latency budget (see ``Argon2Slots``)."""
    with _current().argon2_slots.hold():
        yield
