"""Signed heads: who can sign, what is written where, and old chains still verifying."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.audit.chain import record_event, verify_chain
from safepassage.audit.hashing import GENESIS_HASH, legacy_hash
from safepassage.audit.heads import read_witness, signed_message
from safepassage.audit.models import AuditEvent, AuditHead, AuditSignedHead
from safepassage.audit.signing import AuditChainBroken, sign_head
from safepassage.audit.tasks import sign_audit_head_task
from safepassage.crypto.errors import SecretKeyUnavailable
from safepassage.crypto.keys import Keyring
from safepassage.worker.runner import WorkerRunner

pytestmark = pytest.mark.django_db


def test_a_signed_head_is_witnessed_in_the_file_and_the_database(
    tmp_path: Path, installed_keys: Keyring
) -> None:
    record_event("case.opened", object_type="case", object_ref="REF-1")
    path = tmp_path / "witness.log"
    head = sign_head(witness=path)
    assert path.stat().st_mode & 0o777 == 0o600
    line = json.loads(path.read_text())
    assert line["seq"] == 1
    assert line["hash"] == AuditEvent.objects.get(seq=1).hash
    stored = AuditSignedHead.objects.get()
    assert (stored.seq, stored.hash, stored.signature) == (1, head.hash, head.signature)
    # The signature is the programme key's, over the tagged message.
    installed_keys.signing_key.verify_key.verify(
        signed_message(1, head.hash, head.signed_at), base64.b64decode(head.signature)
    )


def test_signing_appends_and_tightens_a_loose_witness_file(tmp_path: Path) -> None:
    path = tmp_path / "witness.log"
    path.write_text("")
    path.chmod(0o644)
    sign_head(witness=path)
    record_event("case.opened", object_type="case", object_ref="REF-1")
    sign_head(witness=path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert [head.seq for head in read_witness(path)] == [0, 1]


def test_the_intake_tier_cannot_sign(settings: object, tmp_path: Path) -> None:
    settings.SAFEPASSAGE_ROLE = "intake"  # type: ignore[attr-defined]
    path = tmp_path / "witness.log"
    with pytest.raises(SecretKeyUnavailable):
        sign_head(witness=path)
    assert not path.exists()
    assert not AuditSignedHead.objects.exists()


def test_a_broken_chain_is_never_signed(tmp_path: Path) -> None:
    record_event("case.opened", object_type="case", object_ref="REF-1")
    AuditEvent.objects.filter(seq=1).update(object_ref="REF-2")
    with pytest.raises(AuditChainBroken, match="event #1"):
        sign_head(witness=tmp_path / "witness.log")
    assert not AuditSignedHead.objects.exists()


def test_events_hashed_with_the_old_formula_still_verify_and_new_ones_follow() -> None:
    previous = GENESIS_HASH
    for seq in (1, 2):
        created = timezone.now()
        digest = legacy_hash(
            seq=seq,
            created_at=created,
            actor_label="system",
            action="case.opened",
            object_type="case",
            object_ref=f"OLD-{seq}",
            detail={"n": seq},
            prev_hash=previous,
        )
        AuditEvent.objects.create(
            seq=seq,
            created_at=created,
            actor_label="system",
            action="case.opened",
            object_type="case",
            object_ref=f"OLD-{seq}",
            detail={"n": seq},
            prev_hash=previous,
            hash=digest,
            hash_version=1,
        )
        previous = digest
    AuditHead.objects.create(id=1, seq=2, hash=previous)
    new = record_event("case.opened", object_type="case", object_ref="NEW-3")
    assert new.hash_version == 2
    assert new.prev_hash == previous
    report = verify_chain()
    assert report.ok, report.describe()
    assert report.checked == 3


def test_the_new_formula_covers_the_row_id() -> None:
    record_event("case.opened", object_type="case", object_ref="REF-1")
    record_event("case.opened", object_type="case", object_ref="REF-2")
    AuditEvent.objects.filter(seq=2).update(id=999)
    report = verify_chain()
    assert (report.ok, report.broken_at_seq) == (False, 2)


@pytest.mark.django_db(transaction=True)
def test_the_worker_signs_the_head_on_its_timer(tmp_path: Path, settings: object) -> None:
    settings.SAFEPASSAGE_AUDIT_WITNESS_FILE = tmp_path / "witness.log"  # type: ignore[attr-defined]
    record_event("case.opened", object_type="case", object_ref="REF-1")
    runner = WorkerRunner(interval=0.05, squash_every=60, sign_every=0.2)
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and AuditSignedHead.objects.count() < 2:
            time.sleep(0.1)
    finally:
        runner.stop()
    assert AuditSignedHead.objects.count() >= 2
    assert len(read_witness(tmp_path / "witness.log")) >= 2
    signs = DBTaskResult.objects.filter(task_path=sign_audit_head_task.module_path)
    assert (
        not signs.exclude(status=TaskResultStatus.SUCCESSFUL)
        .exclude(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .exists()
    )
