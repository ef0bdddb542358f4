"""Background task wrappers (Django's tasks API); thin, they call the counters module."""

from __future__ import annotations

from django_tasks import task

from safepassage.analytics.counters import squash_counters


@task()
def squash_counters_task() -> int:
    """Fold new counter rows; enqueue every few minutes from the worker."""
    return squash_counters()
