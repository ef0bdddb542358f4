"""The running worker purges due cases and cleans up processed envelopes on its timer."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Account
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.casekeys.models import CaseKey
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case, Message
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.retention.tasks import retention_task
from safepassage.worker.runner import WorkerRunner, enqueue_if_idle

from ..cases.casework import make_case


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_purges_due_cases(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    due = transition_case(
        make_case(language="ru"), to="closed", by=personas["sofia"], reason="withdrawn"
    )
    kept = make_case(language="ru")
    Case.objects.filter(pk__in=[due.pk, kept.pk]).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=400)
    )
    InboundEnvelope.objects.create(
        kind="web_submission",
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body({"message": "x"}, to=installed_keys.public),
        status=EnvelopeStatus.PROCESSED,
    )
    runner = WorkerRunner(interval=0.05, squash_every=0.2)
    runner.start()
    try:
        assert _wait_for(lambda: not Message.objects.filter(case=due).exists())
        assert _wait_for(lambda: not InboundEnvelope.objects.exists())
    finally:
        runner.stop()
    assert Message.objects.filter(case=kept).exists()
    assert not CaseKey.objects.filter(case_id=due.pk).exists()
    assert CaseKey.objects.filter(case_id=kept.pk).exists()
    event = AuditEvent.objects.get(action="retention.purge")
    assert event.detail["references"] == [due.reference]
    assert verify_chain().ok
    assert DBTaskResult.objects.filter(
        task_path=retention_task.module_path, status=TaskResultStatus.SUCCESSFUL
    ).exists()


@pytest.mark.django_db
def test_only_one_retention_task_waits_at_a_time() -> None:
    assert enqueue_if_idle(retention_task) is True
    assert enqueue_if_idle(retention_task) is False
    assert DBTaskResult.objects.filter(task_path=retention_task.module_path).count() == 1
