"""The worker's periodic coverage sweep (Django's tasks API); thin, it calls the domain."""

from __future__ import annotations

from django_tasks import task

from safepassage.rota.domain.alerts import raise_coverage_alerts


@task()
def coverage_alerts_task() -> dict[str, object]:
    """Enqueued by the worker every ``SAFEPASSAGE_COVERAGE_CHECK_EVERY`` seconds."""
    report = raise_coverage_alerts()
    return {
        "gaps": [gap.language for gap in report.gaps],
        "late": report.late,
        "resolved": report.resolved,
        "mailed": report.mailed,
    }
