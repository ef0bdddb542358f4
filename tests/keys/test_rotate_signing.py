"""``keys rotate-signing``: new batches are signed with the new key, and a batch approved
before the rotation still verifies against the old key, which stays published."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.cli import main
from safepassage.crypto.keyfile import load_verify_keys
from safepassage.register.domain import (
    approve_bureau_export,
    prepare_bureau_export,
    programme_key_that_signed,
    programme_verify_key,
    signed_bureau_export,
    verify_bureau_export,
    verify_key_pem,
)
from safepassage.register.models import BureauExport

from ..console.helpers import force_verified_login
from ..register.support import days_ago, log, registered
from .conftest import Deployment

pytestmark = pytest.mark.django_db


def approved_batch(personas: dict[str, Account]) -> BureauExport:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=30)
    log(record, personas["roman"], "arrival", days_ago(20), place="Табір № 1")
    export = prepare_bureau_export(by=personas["roman"])
    return approve_bureau_export(export, by=personas["sofia"])


def test_old_batches_verify_with_the_published_old_key(
    deployment: Deployment,
    personas: dict[str, Account],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_batch = approved_batch(personas)
    old_data, old_signature = signed_bureau_export(old_batch)
    old_key = deployment.keyring.signing_key.verify_key

    assert main(["keys", "rotate-signing"]) == 0
    assert "1 earlier verify keys stay published" in capsys.readouterr().out
    ring = deployment.restart()
    assert ring.signing_key.verify_key != old_key
    assert ring.previous_verify_keys == (old_key,)

    new_batch = approved_batch(personas)
    new_data, new_signature = signed_bureau_export(new_batch)
    assert verify_bureau_export(new_data, new_signature, programme_verify_key())
    assert not verify_bureau_export(new_data, new_signature, old_key)
    assert not verify_bureau_export(old_data, old_signature, programme_verify_key())

    # What the programme publishes: the public key file names both keys.
    public_file = tmp_path / "public-keys.json"
    assert main(["keys", "show-public", "--output", str(public_file)]) == 0
    published = load_verify_keys(public_file)
    assert published == [ring.signing_key.verify_key, old_key]
    assert verify_bureau_export(old_data, old_signature, verify_key_pem(published[1]))
    assert verify_bureau_export(new_data, new_signature, verify_key_pem(published[0]))
    assert programme_key_that_signed(old_data, old_signature) == old_key
    assert programme_key_that_signed(old_data, old_signature + b"") == old_key
    assert programme_key_that_signed(old_data + b" ", old_signature) is None

    # The console hands out, for each batch, the key that signed it.
    supervisor = Client()
    force_verified_login(supervisor, personas["sofia"])
    url = reverse("console:register-verify-key")
    for batch, data, signature in (
        (old_batch, old_data, old_signature),
        (new_batch, new_data, new_signature),
    ):
        pem = supervisor.get(f"{url}?batch={batch.number}").content.decode()
        assert verify_bureau_export(data, signature, pem)
    assert supervisor.get(url).content.decode() == verify_key_pem(ring.signing_key.verify_key)
    assert supervisor.get(f"{url}?batch=999").status_code == 404
    page = supervisor.get(reverse("console:register-export", kwargs={"batch": old_batch.number}))
    assert f"{url}?batch={old_batch.number}" in page.content.decode()


def test_a_second_rotation_keeps_both_old_keys_newest_first(deployment: Deployment) -> None:
    first = deployment.keyring.signing_key.verify_key
    assert main(["keys", "rotate-signing"]) == 0
    second = deployment.restart().signing_key.verify_key
    assert main(["keys", "rotate-signing"]) == 0
    ring = deployment.restart()
    assert ring.previous_verify_keys == (second, first)
    assert load_verify_keys(deployment.path) == [ring.signing_key.verify_key, second, first]
