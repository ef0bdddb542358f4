"""``keys rotate-index``: a new blind-index key, every index recomputed from the sealed
values, so cases, contacts and flood marks made before the rotation are still found."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.cases.domain.search import CaseSearch, search_cases
from safepassage.cases.models import Case, Contact, Message
from safepassage.cli import main, reindex
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.generations import with_new_index_key
from safepassage.crypto.keyfile import load_keyring, update_keyfile
from safepassage.floods.fingerprint import fingerprint
from safepassage.floods.models import CaseMark, MarkKind

from .conftest import PASSPHRASE, Deployment
from .support import FIRST_MESSAGE, make_data

pytestmark = pytest.mark.django_db


def found(**criteria: str) -> list[str]:
    result = search_cases(CaseSearch(**criteria), within=Case.objects.all())  # type: ignore[arg-type]
    return list(result.values_list("reference", flat=True))


def band_digests(case: Case) -> list[int]:
    marks = CaseMark.objects.filter(case=case, kind=MarkKind.BAND)
    return sorted(marks.values_list("digest", flat=True))


def test_every_blind_index_column_is_known_to_the_rotation() -> None:
    assert reindex.unknown_index_columns() == []


def test_old_cases_are_found_and_linked_after_the_rotation(
    client: Client, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    old = make_data(client, deployment.keyring).case
    old_key = deployment.keyring.index_key
    # A provider message id, as a channel's inbound message carries one.
    message = Message.objects.filter(case=old).first()
    assert message is not None
    dedup = blind_index(deployment.keyring, "provider_message", "7:in:5501")
    Message.objects.filter(pk=message.pk).update(provider_message_index=dedup)
    assert band_digests(old), "the first message left no flood marks"
    old_indexes = set(Contact.objects.values_list("identity_index", flat=True)) - {None}

    assert main(["keys", "rotate-index"]) == 0
    out = capsys.readouterr().out
    assert "new index key" in out
    assert "the old index key is destroyed" in out
    ring = deployment.restart()
    assert ring.index_key != old_key
    assert ring.previous_index_key is None

    for typed in ("Иванов Иван", "ivan ivanov", "IVANOV IVAN"):
        assert found(name=typed) == [old.reference]
    assert found(unit="3-я мотострелковая бригада") == [old.reference]
    assert found(service_number="аб-123456") == [old.reference]
    assert found(date_of_birth="1999-03-21") == [old.reference]
    new_indexes = set(Contact.objects.values_list("identity_index", flat=True)) - {None}
    assert len(new_indexes) == len(old_indexes) == 3
    assert not new_indexes & old_indexes
    assert blind_index(ring, "phone", "+380677654321") in new_indexes
    assert blind_index(ring, "telegram_handle", "ivan_in_forest") in new_indexes
    assert band_digests(old) == sorted(fingerprint(FIRST_MESSAGE, ring))
    # The provider id is stored nowhere, so its index cannot be rebuilt: it is cleared.
    assert Message.objects.get(pk=message.pk).provider_message_index == ""

    # New data made under the new key meets the old: same phone, same text.
    new = make_data(client, ring, name="Петров Пётр", relative="+380 50 111 22 33").case
    new.refresh_from_db()
    assert f"shared_contact:{old.reference}" in new.risk_flags
    assert f"near_duplicate:{old.reference}" in new.risk_flags


def test_an_interrupted_rotation_continues_with_the_same_new_key(
    client: Client, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    old = make_data(client, deployment.keyring).case
    rotating = update_keyfile(deployment.path, PASSPHRASE, with_new_index_key)
    assert rotating.previous_index_key == deployment.keyring.index_key

    class Interrupted(Exception):
        pass

    def stop(_count: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        reindex.reindex_all(rotating, stop)
    deployment.restart()
    # Half-way, the name index is rebuilt but the contacts are not yet.
    assert found(name="Иванов Иван") == [old.reference]
    assert blind_index(rotating, "phone", "+380677654321") not in set(
        Contact.objects.values_list("identity_index", flat=True)
    )

    assert main(["keys", "rotate-index"]) == 0
    assert "continuing the index rotation" in capsys.readouterr().out
    done = deployment.restart()
    assert done.index_key == rotating.index_key
    assert done.previous_index_key is None
    assert blind_index(done, "phone", "+380677654321") in set(
        Contact.objects.values_list("identity_index", flat=True)
    )
    assert band_digests(old) == sorted(fingerprint(FIRST_MESSAGE, done))
    assert load_keyring(deployment.path, PASSPHRASE).index_key == rotating.index_key
