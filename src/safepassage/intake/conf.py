"""Intake settings: rate limits, field limits and the applicant session, from the environment.

Each value can be set in Django settings (tests use ``settings`` overrides) and otherwise
comes from an environment variable of the same name.  Rates are written ``COUNT/SECONDS``
(``10/600``: ten, refilled evenly over ten minutes, and at most ten at once); ``0``
switches a limit off.

Limits are counted in each intake process (see ``throttling``): a configured deployment
value is divided by ``SAFEPASSAGE_WORKERS``, the number of HTTP worker processes on the
host, so the host as a whole admits roughly the configured rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from safepassage.env import env_str

DEFAULTS = {
    # One person writes a few times; a shared address (a family's router) a few more.
    "SAFEPASSAGE_SUBMIT_RATE_CLIENT": "10/600",
    # Above the benchmark's 500/s target so a genuine rush is never refused by default.
    "SAFEPASSAGE_SUBMIT_RATE_GLOBAL": "800/1",
    # A sign-in costs one Argon2id run (64 MiB, ~0.1 s of a core); someone who mistypes
    # gets several tries, a guesser does not.
    "SAFEPASSAGE_SIGNIN_RATE_CLIENT": "10/600",
    # About half of what two cores derive per second, leaving the rest for submissions.
    "SAFEPASSAGE_SIGNIN_RATE_GLOBAL": "8/1",
    # Concurrent Argon2id runs per process (bounds memory: 64 MiB each).
    "SAFEPASSAGE_SIGNIN_CONCURRENCY": "1",
    "SAFEPASSAGE_WORKERS": "2",
}


@dataclass(frozen=True)
class Rate:
    """A token bucket's shape: ``count`` tokens at most, refilled over ``seconds``."""

    count: float
    seconds: float

    @property
    def enabled(self) -> bool:
        """A zero count means no limit."""
        return self.count > 0 and self.seconds > 0

    @property
    def per_second(self) -> float:
        """Refill rate."""
        return self.count / self.seconds if self.enabled else 0.0

    def share(self, parts: int) -> Rate:
        """This rate split evenly over ``parts`` processes.

        Each part refills at ``per_second / parts`` and holds at least one token, so a
        low rate split many ways still admits a request now and then.
        """
        if not self.enabled or parts <= 1:
            return self
        count = max(1.0, self.count / parts)
        return Rate(count=count, seconds=count / (self.per_second / parts))


def parse_rate(text: str) -> Rate:
    """Read ``COUNT/SECONDS`` or ``0``; ValueError on anything else."""
    text = text.strip()
    if text in {"", "0", "off"}:
        return Rate(0, 0)
    count, _, seconds = text.partition("/")
    rate = Rate(float(count), float(seconds or "1"))
    if rate.count < 0 or rate.seconds <= 0:
        raise ValueError("a rate is COUNT/SECONDS with positive numbers")
    return rate


def _value(name: str) -> str:
    configured = getattr(settings, name, None)
    if configured is not None:
        return str(configured)
    return env_str(name, DEFAULTS[name])


@dataclass(frozen=True)
class IntakeLimits:
    """The limits one intake process applies (already divided by the worker count)."""

    submit_client: Rate
    submit_global: Rate
    signin_client: Rate
    signin_global: Rate
    signin_concurrency: int
    workers: int


def current_limits() -> IntakeLimits:
    """The limits as configured now (cheap; read on each throttled request)."""
    workers = max(1, int(_value("SAFEPASSAGE_WORKERS")))
    return IntakeLimits(
        # A client's requests land on any worker process, so per-client buckets are
        # shared out like the global one: a client cannot multiply its allowance by
        # opening connections to several processes.
        submit_client=parse_rate(_value("SAFEPASSAGE_SUBMIT_RATE_CLIENT")).share(workers),
        submit_global=parse_rate(_value("SAFEPASSAGE_SUBMIT_RATE_GLOBAL")).share(workers),
        signin_client=parse_rate(_value("SAFEPASSAGE_SIGNIN_RATE_CLIENT")).share(workers),
        signin_global=parse_rate(_value("SAFEPASSAGE_SIGNIN_RATE_GLOBAL")).share(workers),
        signin_concurrency=max(1, int(_value("SAFEPASSAGE_SIGNIN_CONCURRENCY"))),
        workers=workers,
    )


# Field limits (characters after cleaning).  The worker truncates identity fields at
# 200 and contact handles at 100; refusing here tells the applicant instead.
MESSAGE_MAX = 5000
NAME_MAX = 200
SHORT_MAX = 100
GROUP_MAX = 500
RECEIPT_INPUT_MAX = 64

# Applicant session (after receipt sign-in).
SESSION_COOKIE = "sp_inbox"
SESSION_IDLE_SECONDS = 20 * 60
# Even an active session ends after this long; the receipt signs in again.
SESSION_MAX_SECONDS = 4 * 60 * 60
