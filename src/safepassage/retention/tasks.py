"""The worker's periodic retention job (Django's tasks API); thin, it calls the modules."""

from __future__ import annotations

from django_tasks import task

from safepassage.audit.chain import record_event
from safepassage.retention.conversion import convert_pending
from safepassage.retention.housekeeping import housekeeping
from safepassage.retention.purge import purge_due


def run_retention() -> dict[str, object]:
    """Housekeeping, then the case-key sweep, then the purge of due cases.

    Housekeeping is audited when it deleted anything (counts only); each purge batch is
    audited by ``purge_due`` itself (counts and references).
    """
    cleaned = housekeeping()
    if cleaned:
        record_event("retention.housekeeping", object_type="retention", detail=dict(cleaned))
    converted = convert_pending()
    report = purge_due()
    return {
        "housekeeping": dict(cleaned),
        "converted": converted,
        "purged": dict(report.cases),
    }


@task()
def retention_task() -> dict[str, object]:
    """Enqueued by the worker every ``SAFEPASSAGE_RETENTION_EVERY_SECONDS``."""
    return run_retention()
