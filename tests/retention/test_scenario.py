"""Cases aged past each rule are purged: gone from the console, the database and the
envelope table, statistics unchanged, the audit chain intact; copies of their sealed
values taken before the purge no longer open with the programme's keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.analytics.counters import squash_counters
from safepassage.analytics.models import DailyCount
from safepassage.analytics.public import public_summary
from safepassage.analytics.rebuild import rebuild_counters
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.casekeys.keys import forget_cached_keys
from safepassage.casekeys.models import CaseKey
from safepassage.cases.models import Case, Contact, Message, Note
from safepassage.crypto.errors import KeyShredded
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_text, seal_envelope_body
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.register.models import CapturedPerson
from safepassage.retention.tasks import run_retention

from ..cases.casework import reload
from ..console.helpers import force_verified_login
from .scenario import OLD, World, build_world, closed_case

pytestmark = pytest.mark.django_db


def _copy_sealed(world: World) -> None:
    """What a backup taken now holds of each case's sealed values."""
    for label, case in {**world.purged, **world.kept}.items():
        blobs = [m.body.blob for m in Message.objects.filter(case=case)]
        blobs += [c.identity.blob for c in Contact.objects.filter(case=case) if c.identity]
        blobs += [n.body.blob for n in Note.objects.filter(case=case)]
        stored = reload(case)
        blobs += [stored.name.blob] if stored.name else []
        record = CapturedPerson.objects.filter(case=case).first()
        world.record_blobs[label] = [record.surname.blob] if record and record.surname else []
        world.blobs[label] = blobs


def _counters() -> list[tuple[Any, ...]]:
    squash_counters()
    return sorted(
        DailyCount.objects.values_list("metric", "dimension", "day", "value", "key", "count")
    )


def _raw_database_bytes() -> list[bytes]:
    """Every value of every table, as bytes: what a stolen dump would contain."""
    values: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the DB
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode())
    return values


def test_aged_cases_are_purged_everywhere(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    world = build_world(personas, installed_keys)
    envelope_done = InboundEnvelope.objects.create(
        kind="web_submission",
        channel="web",
        received_at=timezone.now() - OLD,
        body=seal_envelope_body({"message": world.texts["withdrawn"]}, to=installed_keys.public),
        status=EnvelopeStatus.PROCESSED,
    )
    envelope_waiting = InboundEnvelope.objects.create(
        kind="web_submission",
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body({"message": "не обработано"}, to=installed_keys.public),
    )
    Message.objects.filter(case=world.purged["withdrawn"]).update(envelope=envelope_done)
    _copy_sealed(world)
    rebuild_counters()
    counters_before = _counters()
    public_before = public_summary(timezone.localdate())
    indexes = [i for c in world.purged.values() if (i := reload(c).name_index)]

    run_retention()
    forget_cached_keys()  # as in a process started after the purge

    purged_ids = [c.pk for c in world.purged.values()]
    assert not Message.objects.filter(case_id__in=purged_ids).exists()
    assert not Contact.objects.filter(case_id__in=purged_ids).exists()
    assert not Note.objects.filter(case_id__in=purged_ids).exists()
    assert not CaseKey.objects.filter(case_id__in=purged_ids, scope="case").exists()
    # The register record of the released-long-ago prisoner is gone with its key; the
    # recently released one keeps his record, only the conversation went.
    assert not CapturedPerson.objects.filter(case=world.purged["register"]).exists()
    record = CapturedPerson.objects.get(case=world.purged["surrendered"])
    assert record.surname is not None
    assert open_text(record.surname, installed_keys) == "Фамилия surrendered"
    for case in world.purged.values():
        tombstone = reload(case)
        assert (tombstone.name, tombstone.name_index, tombstone.reference) == (
            None,
            None,
            case.reference,
        )
    # Kept: still complete and readable.
    for label in ("held", "open", "interned"):
        body = Message.objects.filter(case=world.kept[label]).first()
        assert body is not None
        assert open_text(body.body, installed_keys) == world.texts[label]
    kept_bodies = {
        open_text(m.body, installed_keys)
        for m in Message.objects.filter(case=world.kept["kept_merge"])
    }
    # The duplicate's messages moved to the kept case at the merge: they survive the
    # duplicate's purge, re-wrapped under the kept case's key.
    assert kept_bodies == {world.texts["kept_merge"], world.texts["duplicate"]}

    # The raw database: no ciphertext, blind index or text of a purged case is left.
    raw = _raw_database_bytes()
    needles = [blob for label in world.purged for blob in world.blobs[label]]
    needles += world.record_blobs["register"]
    needles += [index.encode() for index in indexes]
    needles += [world.texts[label].encode() for label in world.purged]
    assert needles
    leaks = [n[:12] for n in needles if any(n in value for value in raw)]
    assert leaks == []

    # The envelope table: the processed envelope is gone, the waiting one is not.
    assert list(InboundEnvelope.objects.values_list("pk", flat=True)) == [envelope_waiting.pk]

    # Statistics: counters and public totals unchanged, and a rebuild gives the same.
    assert _counters() == counters_before
    assert public_summary(timezone.localdate()) == public_before
    rebuild_counters()
    assert _counters() == counters_before

    # The audit trail: intact, with the purge recorded by counts and references only.
    assert verify_chain().ok
    purge_events = AuditEvent.objects.filter(action="retention.purge")
    referenced = {ref for e in purge_events for ref in e.detail["references"]}
    assert referenced == {c.reference for c in world.purged.values()}
    for event in purge_events:
        assert set(event.detail) == {"cases", "rows", "references", "keys_destroyed"}

    # The console: the supervisor's page shows nothing more to purge; a purged case's
    # page shows none of its content, a kept case's page shows its messages.
    client = Client()
    force_verified_login(client, personas["sofia"])
    page = client.get(reverse("console:retention"))
    assert page.status_code == 200
    for case in world.purged.values():
        response = client.get(reverse("console:case", args=[case.reference]))
        content = response.content.decode()
        assert response.status_code == 200
        assert case.reference in content
        assert "7734" not in content
    kept_page = client.get(reverse("console:case", args=[world.kept["held"].reference]))
    assert world.texts["held"] in kept_page.content.decode()

    # Crypto-shredding: the copies taken before the purge no longer open, whatever
    # programme key is at hand; copies of the kept cases still do.
    for label in world.purged:
        for blob in world.blobs[label]:
            with pytest.raises(KeyShredded):
                open_text(Sealed(blob), installed_keys)
    (register_surname,) = world.record_blobs["register"]
    with pytest.raises(KeyShredded):
        open_text(Sealed(register_surname), installed_keys)
    # The recently released prisoner's record keeps its key: his copy still opens.
    (surrendered_surname,) = world.record_blobs["surrendered"]
    assert open_text(Sealed(surrendered_surname), installed_keys) == "Фамилия surrendered"
    for label in ("held", "open", "interned"):
        assert all(open_text(Sealed(blob), installed_keys) for blob in world.blobs[label])


def test_the_guarantee_does_not_cover_an_old_copy_of_the_key_table(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    """The documented limit: a copy of crypto_casekey from before the purge reopens it.

    This is why key-table backups must be kept no longer than the documented window.
    """
    case = closed_case(World(), "withdrawn", "withdrawn", personas["sofia"], reply=True)
    Case.objects.filter(pk=case.pk).update(state_changed_at=timezone.now() - OLD)
    body = Message.objects.filter(case=case).first()
    assert body is not None
    copied_body = body.body.blob
    copied_keys = list(CaseKey.objects.filter(case_id=case.pk).values())
    run_retention()
    forget_cached_keys()
    with pytest.raises(KeyShredded):
        open_text(Sealed(copied_body), installed_keys)
    CaseKey.objects.bulk_create([CaseKey(**row) for row in copied_keys])
    assert open_text(Sealed(copied_body), installed_keys) == "секрет withdrawn 7734"
