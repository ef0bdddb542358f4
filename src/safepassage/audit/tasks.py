"""Background task wrapper (Django's tasks API): the worker signs the chain head."""

from __future__ import annotations

from django_tasks import task

from safepassage.audit.signing import sign_head


@task()
def sign_audit_head_task() -> int:
    """Verify the chain and sign its head; returns the number of events signed for.

    Enqueued on a timer by the worker (``SAFEPASSAGE_AUDIT_SIGN_EVERY`` seconds).
    """
    return sign_head().seq
