"""``keys rotate --rewrap`` and ``keys retire``: every stored value moves to the new key
without its body being touched, applicants keep reading theirs, and the old key can go
only once nothing names it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safepassage.casekeys.models import CaseKey
from safepassage.cli import main
from safepassage.crypto import stored
from safepassage.crypto.keyfile import load_keyring, rotate_keyfile
from safepassage.crypto.sealing import (
    ENTRY_SIZE,
    PREFIX_SIZE,
    TAG_SIZE,
    Sealed,
    is_case_sealed,
    recipients,
)

from ..intake.helpers import html, post_form
from .conftest import PASSPHRASE, Deployment
from .support import make_data, open_everything

pytestmark = pytest.mark.django_db


def snapshot() -> dict[tuple[str, object], bytes]:
    """Every stored sealed blob by (column, primary key)."""
    return {
        (column.label, pk): value.blob
        for column in stored.sealed_columns()
        for pk, value in column.stored().values_list("pk", column.name)
    }


def body_of(blob: bytes) -> bytes:
    return blob[PREFIX_SIZE + blob[3] * ENTRY_SIZE + TAG_SIZE :]


def sign_in_and_read(client: Client, receipt: str) -> str:
    response = post_form(client, "/ru/inbox", {"receipt": receipt})
    assert response.status_code == 303, html(response)
    return html(client.get("/ru/inbox"))


def test_every_sealed_column_is_found() -> None:
    labels = {column.label for column in stored.sealed_columns()}
    assert {
        "cases.Message.body",
        "cases.Case.name",
        "cases.Contact.identity",
        "cases.Note.body",
        "envelopes.InboundEnvelope.body",
        "channels.MediaAttachment.content",
        "channels.ChatSession.identity",
        "channels.OutboundDelivery.body",
        "register.BureauExport.payload",
        "register.CapturedPerson.surname",
        "accounts.Account.totp_secret",
        "casekeys.CaseKey.wrapped",
    } <= labels


def test_rewrap_then_retire_leaves_every_value_readable(
    client: Client, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    made = make_data(client, deployment.keyring)
    old_kid = deployment.keyring.public.active_key_id
    before = snapshot()
    # Case values are sealed under their case key (SP2); the case keys themselves, staff
    # secrets and the other programme-owned values are sealed to the programme key.
    programme_sealed = {key for key, blob in before.items() if not is_case_sealed(Sealed(blob))}
    case_sealed = before.keys() - programme_sealed
    assert case_sealed, "no value sealed under a case key"
    assert {key[0] for key in programme_sealed} >= {"casekeys.CaseKey.wrapped"}
    applicant_ids = {
        key: [kid for kid in recipients(Sealed(blob)) if kid != old_kid]
        for key, blob in before.items()
    }
    assert any(applicant_ids.values()), "no value sealed to the applicant"

    rotate_keyfile(deployment.path, PASSPHRASE)
    ring = deployment.restart()
    new_kid = ring.public.active_key_id

    assert main(["keys", "retire", old_kid.hex()]) == 1
    refusal = capsys.readouterr().err.strip().splitlines()
    assert len(refusal) == 1
    assert refusal[0].startswith("safepassage: error: refused:")
    assert "rotate --rewrap" in refusal[0]

    assert main(["keys", "rotate", "--rewrap", "--batch-size", "3"]) == 0
    out = capsys.readouterr().out
    assert "continuing" in out
    assert f"re-wrapped {len(programme_sealed)} values; {len(case_sealed)} were already" in out
    assert load_keyring(deployment.path, PASSPHRASE).public.active_key_id == new_kid

    after = snapshot()
    assert after.keys() == before.keys()
    for key in programme_sealed:
        assert recipients(Sealed(after[key])) == [new_kid, *applicant_ids[key]], key
        # The body is not re-encrypted: the same bytes, under a new header.
        assert body_of(after[key]) == body_of(before[key]), key
    for key in case_sealed:
        # Nothing in a case value names the programme key: re-wrapping its case key
        # row is all a rotation needs.
        assert after[key] == before[key], key

    assert main(["keys", "retire", old_kid.hex()]) == 0
    assert f"retired key {old_kid.hex()}" in capsys.readouterr().out
    retired = deployment.restart()
    assert set(retired.secret_keys) == {new_kid}
    assert open_everything(retired) == len(before)
    page = sign_in_and_read(client, made.receipt)
    assert "Оставайтесь на месте." in page
    assert "товарищами" in page


def test_an_interrupted_rewrap_continues_on_the_next_run(
    client: Client, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    make_data(client, deployment.keyring)
    rotated = rotate_keyfile(deployment.path, PASSPHRASE)
    deployment.restart()

    class Interrupted(Exception):
        pass

    def stop_after_first_batch(_count: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        stored.rewrap_all(rotated, batch_size=2, advance=stop_after_first_batch)
    # The first batch was committed; the rest still names the old key.
    assert stored.needs_any_rewrap(rotated)
    first = stored.sealed_columns()[0]
    assert not any(
        kid != rotated.public.active_key_id and kid in rotated.secret_keys
        for value in first.stored().order_by("pk").values_list(first.name, flat=True)[:2]
        for kid in recipients(value)
    )

    assert main(["keys", "rotate", "--rewrap"]) == 0
    assert "continuing" in capsys.readouterr().out
    assert not stored.needs_any_rewrap(rotated)
    assert load_keyring(deployment.path, PASSPHRASE).public.active_key_id == (
        rotated.public.active_key_id
    )
    # Nothing left to continue: the next run is a new rotation.
    assert main(["keys", "rotate", "--rewrap"]) == 0
    assert "rotated: new active key" in capsys.readouterr().out
    newest = deployment.restart()
    assert newest.public.active_key_id != rotated.public.active_key_id
    assert stored.values_naming(rotated.public.active_key_id) == {}


def test_a_value_that_fails_authentication_is_reported_not_rewrapped(
    client: Client, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    made = make_data(client, deployment.keyring)
    old_kid = deployment.keyring.public.active_key_id
    # The case's own key row: the value every case value of it depends on.
    case_key = CaseKey.objects.filter(case_id=made.case.pk).order_by("id").first()
    assert case_key is not None
    blob = bytearray(case_key.wrapped.blob)
    blob[PREFIX_SIZE + 20] ^= 1  # inside the wrapped data key
    CaseKey.objects.filter(pk=case_key.pk).update(wrapped=Sealed.from_storage(bytes(blob)))
    rotate_keyfile(deployment.path, PASSPHRASE)
    deployment.restart()

    assert main(["keys", "rotate", "--rewrap"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [
        "safepassage: error: 1 values could not be re-wrapped (casekeys.CaseKey.wrapped: 1)"
    ]
    # That value still needs the old key, so the old key cannot be retired.
    assert main(["keys", "retire", old_kid.hex()]) == 1
    assert "refused: 1 stored values" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("key_id", "fragment"),
    [("zz", "16 hex digits"), ("0123456789abcdef", "has no key 0123456789abcdef")],
)
def test_retire_refuses_what_it_cannot_retire(
    deployment: Deployment, capsys: pytest.CaptureFixture[str], key_id: str, fragment: str
) -> None:
    assert main(["keys", "retire", key_id]) == 1
    assert fragment in capsys.readouterr().err


def test_retire_refuses_the_active_key(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    active = deployment.keyring.public.active_key_id.hex()
    assert main(["keys", "retire", active]) == 1
    assert "is the active key" in capsys.readouterr().err


def test_progress_bar_counts_every_stored_value(client: Client, deployment: Deployment) -> None:
    make_data(client, deployment.keyring)
    rotated = rotate_keyfile(deployment.path, PASSPHRASE)
    seen: list[int] = []
    advance: Callable[[int], object] = seen.append
    report = stored.rewrap_all(rotated, batch_size=4, advance=advance)
    assert sum(seen) == stored.count_stored() == report.rewrapped + report.current
    assert report.rewrapped == sum(
        not is_case_sealed(value)
        for column in stored.sealed_columns()
        for value in column.stored().values_list(column.name, flat=True)
    )
    assert max(seen) <= 4
