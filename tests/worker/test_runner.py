"""The worker process: its periodic timer folds the analytics counters while it runs,
with at most one squash task waiting at a time."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from safepassage.analytics.counters import event_rows, total
from safepassage.analytics.models import DailyCount, Dimension, Metric
from safepassage.analytics.tasks import squash_counters_task
from safepassage.worker.runner import WorkerRunner, enqueue_if_idle

DAY = datetime.date(2026, 5, 1)


def _count_openings(n: int) -> None:
    for _ in range(n):
        DailyCount.objects.bulk_create(event_rows(DAY, Metric.OPENED, channel="web", language="ru"))


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _squash_tasks() -> DBTaskResultQuerySet:
    return DBTaskResult.objects.filter(task_path=squash_counters_task.module_path)


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_squashes_counters_again_and_again() -> None:
    _count_openings(3)
    runner = WorkerRunner(interval=0.05, squash_every=0.2)
    runner.start()
    try:
        assert _wait_for(lambda: not DailyCount.objects.filter(squashed=False).exists())
        # Rows counted while it runs are folded by a later run of the timer.
        _count_openings(2)
        assert _wait_for(lambda: not DailyCount.objects.filter(squashed=False).exists())
    finally:
        runner.stop()
    assert all(not thread.is_alive() for thread in runner._threads)
    # One row per breakdown, the sums unchanged.
    assert DailyCount.objects.count() == len(event_rows(DAY, Metric.OPENED))
    assert total(Metric.OPENED) == 5
    assert total(Metric.OPENED, Dimension.CHANNEL, "web") == 5
    assert _squash_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() >= 2
    assert not _squash_tasks().exclude(status=TaskResultStatus.SUCCESSFUL).exists()


@pytest.mark.django_db
def test_only_one_squash_task_waits_at_a_time() -> None:
    assert enqueue_if_idle(squash_counters_task) is True
    assert enqueue_if_idle(squash_counters_task) is False
    assert _squash_tasks().count() == 1

    # Running (claimed by a worker): still no second one.
    _squash_tasks().update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert enqueue_if_idle(squash_counters_task) is False

    # A run started long ago belonged to a worker that died: the fold must not stop.
    _squash_tasks().update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert enqueue_if_idle(squash_counters_task) is True
    assert _squash_tasks().filter(status=TaskResultStatus.READY).count() == 1

    # Once done, the next one is enqueued.
    _squash_tasks().update(status=TaskResultStatus.SUCCESSFUL)
    assert enqueue_if_idle(squash_counters_task) is True


@pytest.mark.django_db(transaction=True)
def test_a_runner_stopped_at_once_ends_all_its_threads() -> None:
    runner = WorkerRunner(interval=0.05, squash_every=60)
    runner.start()
    runner.stop(timeout=5)
    assert all(not thread.is_alive() for thread in runner._threads)
