"""Information-bureau batches: prepared, reviewed, signed; verified with the public key."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.crypto.keys import Keyring
from safepassage.register.domain import (
    ExportRefused,
    approve_bureau_export,
    open_bureau_export,
    prepare_bureau_export,
    programme_verify_key,
    record_wish,
    records_due_for_transmission,
    reject_bureau_export,
    signed_bureau_export,
    verify_bureau_export,
    verify_key_pem,
)
from safepassage.register.models import BureauExport, CapturedPerson

from .support import days_ago, log, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas: dict[str, Account]) -> CapturedPerson:
    roman = personas["roman"]
    record = registered(personas["kim"], roman, captured_days_ago=30)
    log(record, roman, "arrival", days_ago(20), place="Табір № 1", prisoner_number="0173")
    log(record, roman, "food", days_ago(19), note="Трёхразовое питание")
    record_wish(record, by=roman, wish="not_exchanged", stated_on=days_ago(10))
    record.refresh_from_db()
    return record


def _approved(personas: dict[str, Account]) -> BureauExport:
    export = prepare_bureau_export(by=personas["roman"])
    return approve_bureau_export(export, by=personas["sofia"])


def test_batch_carries_identity_and_movements_but_never_the_wish(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    export = prepare_bureau_export(by=personas["roman"])
    assert export.status == "pending"
    document = json.loads(open_bureau_export(export))
    assert document["format"] == "safepassage-bureau-export"
    (entry,) = document["records"]
    assert entry["register_number"] == record.number
    assert entry["identity"]["surname"] == "김"
    assert entry["identity"]["service_number"] == "KPA-7731-0042"
    assert entry["internment"] == {
        "status": "interned",
        "location": "camp",
        "camp": "Табір № 1",
        "prisoner_number": "0173",
        "hospital": "",
    }
    # His wish about repatriation never travels towards the power of origin.
    assert "repatriation_wish" not in entry
    assert "not_exchanged" not in open_bureau_export(export).decode()
    assert document["version"] == 2
    # Movements go to the bureau; food and other welfare notes stay in the programme.
    assert [event["kind"] for event in entry["events"]] == ["arrival"]
    assert "Трёхразовое" not in open_bureau_export(export).decode()
    # The case reference does not travel: the register number identifies the record.
    assert record.case.reference not in open_bureau_export(export).decode()
    audit = AuditEvent.objects.get(action="register.export_prepared")
    assert audit.detail == {"records": 1, "events": 1, "held_back": 0}


def test_export_verifies_with_the_public_key_and_tampering_does_not(
    record: CapturedPerson, personas: dict[str, Account], installed_keys: Keyring
) -> None:
    export = _approved(personas)
    data, signature = signed_bureau_export(export)
    public = verify_key_pem(programme_verify_key())
    assert verify_bureau_export(data, signature, public)
    assert verify_bureau_export(data, signature, bytes(installed_keys.signing_key.verify_key))
    tampered = data.replace(b"0173", b"0174")  # his prisoner number
    assert tampered != data
    assert not verify_bureau_export(tampered, signature, public)
    assert not verify_bureau_export(data + b" ", signature, public)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify_bureau_export(data, flipped, public)
    assert not verify_bureau_export(data, b"short", public)
    other = SigningKey.generate()
    assert not verify_bureau_export(data, other.sign(data).signature, public)
    assert verify_bureau_export(data, other.sign(data).signature, bytes(other.verify_key))


def test_a_malformed_verify_key_is_an_error_not_a_pass(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    data, signature = signed_bureau_export(_approved(personas))
    with pytest.raises(ValueError, match=r"32 bytes|base64"):
        verify_bureau_export(data, signature, "not a key")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="OpenSSL 3 is not installed")
def test_stock_openssl_verifies_the_batch(
    record: CapturedPerson, personas: dict[str, Account], tmp_path: Path
) -> None:
    data, signature = signed_bureau_export(_approved(personas))
    (tmp_path / "batch.json").write_bytes(data)
    (tmp_path / "batch.json.sig").write_bytes(signature)
    (tmp_path / "key.pem").write_text(verify_key_pem(programme_verify_key()))
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "key.pem",
        "-rawin",
        "-in",
        "batch.json",
        "-sigfile",
        "batch.json.sig",
    ]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, check=False)  # noqa: S603
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "batch.json").write_bytes(data.replace(b"0173", b"0174"))
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, check=False)  # noqa: S603
    assert bad.returncode != 0


def test_approval_marks_everything_sent_and_only_changes_are_due_again(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    roman = personas["roman"]
    assert [r.pk for r in records_due_for_transmission()] == [record.pk]
    export = _approved(personas)
    assert export.reviewed_by == personas["sofia"]
    assert records_due_for_transmission() == []
    with pytest.raises(ExportRefused, match="Nothing is due"):
        prepare_bureau_export(by=roman)
    # A transfer makes him due again, with only the new movement.
    log(record, roman, "transfer", days_ago(2), place="Табір № 4")
    second = prepare_bureau_export(by=roman)
    (entry,) = json.loads(open_bureau_export(second))["records"]
    assert [event["kind"] for event in entry["events"]] == ["transfer"]
    assert entry["internment"]["camp"] == "Табір № 4"
    assert "repatriation_wish" not in entry
    # A new wish alone does not make him due: a batch cut for it would tell that it changed.
    approve_bureau_export(second, by=personas["sofia"])
    record_wish(record, by=roman, wish="join_defence", stated_on=days_ago(1))
    assert records_due_for_transmission() == []


def test_a_rejected_batch_leaves_everything_due(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    export = prepare_bureau_export(by=personas["roman"])
    reject_bureau_export(export, by=personas["sofia"])
    with pytest.raises(ExportRefused, match="Only an approved batch"):
        signed_bureau_export(BureauExport.objects.get(pk=export.pk))
    again = prepare_bureau_export(by=personas["roman"])
    assert again.number == export.number + 1
    assert json.loads(open_bureau_export(again))["records"][0]["events"][0]["kind"] == "arrival"


def test_one_batch_at_a_time_and_each_reviewed_once(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    export = prepare_bureau_export(by=personas["roman"])
    with pytest.raises(ExportRefused, match="waiting for a supervisor"):
        prepare_bureau_export(by=personas["roman"])
    approve_bureau_export(export, by=personas["sofia"])
    with pytest.raises(ExportRefused, match="already reviewed"):
        reject_bureau_export(export, by=personas["sofia"])


@pytest.mark.parametrize("persona", ["kim", "sofia", "anna", "adam"])
def test_only_a_registrar_prepares_a_batch(
    record: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    with pytest.raises(ExportRefused, match="registrar"):
        prepare_bureau_export(by=personas[persona])
    assert not BureauExport.objects.exists()


@pytest.mark.parametrize("persona", ["kim", "roman", "anna", "adam"])
def test_only_a_supervisor_approves(
    record: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    export = prepare_bureau_export(by=personas["roman"])
    with pytest.raises(ExportRefused, match="supervisor"):
        approve_bureau_export(export, by=personas[persona])
    export.refresh_from_db()
    assert (export.status, export.signature) == ("pending", None)


def test_incomplete_identity_is_held_back_and_named(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    incomplete = registered(personas["kim"], personas["roman"], identity={"surname": "박"})
    export = prepare_bureau_export(by=personas["roman"])
    assert export.record_count == 1
    assert export.items["held_back"] == [
        {
            "record": incomplete.number,
            "missing": ["first_names", "rank", "date_of_birth", "service_number"],
        }
    ]
    assert incomplete.number not in open_bureau_export(export).decode()
