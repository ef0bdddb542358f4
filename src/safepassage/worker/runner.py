"""The worker's main loop: sealed envelopes first, then queued background tasks.

Envelopes are polled rather than enqueued as one task each: the intake then writes a
single row per submission (half the writes under a flood), and the worker drains them
in arrival order.  Everything else (outbound sends with retries, periodic jobs) runs
through Django's tasks API on the database backend, in a second thread of the same
process.  django-tasks has no scheduler, so a third, small thread enqueues the periodic
jobs (folding the analytics counters; signing the audit chain's head; retention:
housekeeping, case keys, purges; coverage alerts) on a timer.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.analytics.tasks import squash_counters_task
from safepassage.audit.tasks import sign_audit_head_task
from safepassage.db.locks import lock_for_transaction
from safepassage.retention.conf import retention_settings
from safepassage.retention.tasks import retention_task
from safepassage.rota.tasks import coverage_alerts_task
from safepassage.worker.envelopes import process_pending

logger = logging.getLogger(__name__)
IDLE_INTERVAL = 0.5
# Counter rows are folded every five minutes: often enough that the dashboard's sums
# read few unsquashed rows, rarely enough to cost nothing measurable.
SQUASH_EVERY = 300.0
# Seconds from start-up to the first signature of the audit chain's head.
FIRST_SIGNATURE_AFTER = 30.0
# A squash "running" for longer than this died with its worker; enqueue a new one.
_STALE_RUN = timedelta(hours=1)
# An arbitrary constant naming the "enqueueing periodic jobs" lock (PostgreSQL).
_SCHEDULE_LOCK = 0x5350_5343


def enqueue_if_idle(task: Task[[], Any]) -> bool:
    """Enqueue ``task`` unless one is already waiting or running.

    Returns whether one was enqueued.  Several workers may call this at once: on
    PostgreSQL a transaction-scoped advisory lock serialises the check and the insert;
    SQLite's transactions begin IMMEDIATE (one writer at a time) in our settings.  A task
    shown as running for over an hour belonged to a worker that died, and is ignored.
    Side effect: at most one task row.
    """
    with transaction.atomic():
        lock_for_transaction(_SCHEDULE_LOCK)
        pending = (
            DBTaskResult.objects.filter(
                task_path=task.module_path, status=TaskResultStatus.READY
            ).exists()
            or DBTaskResult.objects.filter(
                task_path=task.module_path,
                status=TaskResultStatus.RUNNING,
                started_at__gt=timezone.now() - _STALE_RUN,
            ).exists()
        )
        if pending:
            return False
        task.enqueue()
    return True


class WorkerRunner:
    """Runs the envelope loop, a django-tasks database worker and the periodic-job
    timer until ``stop()``."""

    def __init__(
        self,
        *,
        interval: float = IDLE_INTERVAL,
        squash_every: float = SQUASH_EVERY,
        sign_every: float | None = None,
    ) -> None:
        self.interval = interval
        self.squash_every = squash_every
        self.sign_every = (
            sign_every if sign_every is not None else float(settings.SAFEPASSAGE_AUDIT_SIGN_EVERY)
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._task_worker: object | None = None

    def _envelope_loop(self) -> None:
        while not self._stop.is_set():
            close_old_connections()
            try:
                handled = process_pending()
            except Exception:
                logger.exception("envelope loop error")
                handled = 0
            if not handled:
                self._stop.wait(self.interval)
        # This thread's connections end with it (a kept-alive PostgreSQL connection
        # would otherwise linger until the process exits).
        connections.close_all()

    def _task_loop(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=self.interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        self._task_worker = worker
        if self._stop.is_set():
            # stop() ran before the worker existed and could not tell it.
            worker.running = False
        try:
            while not self._stop.is_set():
                try:
                    worker.run()
                    return
                except Exception:
                    logger.exception("task worker error; restarting in 1 s")
                    time.sleep(1)
        finally:
            connections.close_all()

    def _periodic_loop(self) -> None:
        # The first squash and retention run at start-up: they handle whatever piled up
        # while the worker was stopped.  The first head signature follows half a minute
        # later (sooner if the interval is shorter), once start-up work has settled,
        # pinning the chain as the worker found it.
        jobs: list[tuple[Task[[], Any], float]] = [
            (squash_counters_task, self.squash_every),
            (sign_audit_head_task, self.sign_every),
            (retention_task, retention_settings().every_seconds),
            (coverage_alerts_task, float(settings.SAFEPASSAGE_COVERAGE_CHECK_EVERY)),
        ]
        start = time.monotonic()
        due = [start, start + min(self.sign_every, FIRST_SIGNATURE_AFTER), start, start]
        while not self._stop.is_set():
            close_old_connections()
            now = time.monotonic()
            for index, (task, every) in enumerate(jobs):
                if now < due[index]:
                    continue
                due[index] = now + every
                try:
                    enqueue_if_idle(task)
                except Exception:
                    logger.exception("periodic job error")
            self._stop.wait(max(0.01, min(due) - time.monotonic()))
        connections.close_all()

    def start(self) -> None:
        """Start the three loops in background threads."""
        loops = (
            (self._envelope_loop, "envelopes"),
            (self._task_loop, "tasks"),
            (self._periodic_loop, "periodic"),
        )
        for target, name in loops:
            thread = threading.Thread(target=target, name=f"worker-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10) -> None:
        """Ask the loops to finish their current item and wait for them."""
        self._stop.set()
        if self._task_worker is not None:
            self._task_worker.running = False  # type: ignore[attr-defined]
        for thread in self._threads:
            thread.join(timeout)

    def run_forever(self) -> None:
        """Start, then block until interrupted (Ctrl-C / SIGTERM), then stop cleanly."""
        self.start()
        try:
            while not self._stop.is_set():
                self._stop.wait(1)
        finally:
            self.stop()
