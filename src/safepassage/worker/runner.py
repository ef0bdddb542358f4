"""The worker's main loop: sealed envelopes first, then queued background tasks.

Envelopes are polled rather than enqueued as one task each: the intake then writes a
single row per submission (half the writes under a flood), and the worker drains them
in arrival order.  Everything else (outbound sends with retries, periodic jobs) runs
through Django's tasks API on the database backend, in a second thread of the same
process.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string

from safepassage.worker.envelopes import process_pending

logger = logging.getLogger(__name__)
IDLE_INTERVAL = 0.5


class WorkerRunner:
    """Runs the envelope loop and a django-tasks database worker until ``stop()``."""

    def __init__(self, *, interval: float = IDLE_INTERVAL) -> None:
        self.interval = interval
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
        close_old_connections()

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
        while not self._stop.is_set():
            try:
                worker.run()
                return
            except Exception:
                logger.exception("task worker error; restarting in 1 s")
                time.sleep(1)

    def start(self) -> None:
        """Start both loops in background threads."""
        for target, name in ((self._envelope_loop, "envelopes"), (self._task_loop, "tasks")):
            thread = threading.Thread(target=target, name=f"worker-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10) -> None:
        """Ask both loops to finish their current item and wait for them."""
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
