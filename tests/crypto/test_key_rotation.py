"""Rotation: a new active keypair; old values stay readable, blind indexes and receipts
stay valid, and a pre-rotation keyring cannot read what is sealed afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.errors import NotARecipient
from safepassage.crypto.keyfile import load_keyring, load_public_keyfile, rotate_keyfile
from safepassage.crypto.keys import Keyring, with_new_generation
from safepassage.crypto.receipts import derive_receipt_keys, new_receipt
from safepassage.crypto.sealing import open_text, recipients, seal

from .support import KeyFile


def test_rotate_keyfile(keyfile: KeyFile) -> None:
    before = keyfile.keyring
    old_value = seal("sealed before rotation", to=before.public)

    after = rotate_keyfile(keyfile.path, keyfile.passphrase)

    assert after.public.active_key_id != before.public.active_key_id
    assert set(after.secret_keys) == set(before.secret_keys) | {after.public.active_key_id}
    assert open_text(old_value, after) == "sealed before rotation"

    new_value = seal("sealed after rotation", to=after.public)
    assert recipients(new_value) == [after.public.active_key_id]
    assert open_text(new_value, after) == "sealed after rotation"
    with pytest.raises(NotARecipient):
        open_text(new_value, before)


def test_rotation_is_persisted(keyfile: KeyFile) -> None:
    rotated = rotate_keyfile(keyfile.path, keyfile.passphrase)
    assert load_keyring(keyfile.path, keyfile.passphrase) == rotated
    assert load_public_keyfile(keyfile.path) == rotated.public


def test_rotation_keeps_index_key_signing_key_and_receipts(keyfile: KeyFile) -> None:
    before = keyfile.keyring
    receipt = new_receipt()
    after = rotate_keyfile(keyfile.path, keyfile.passphrase)
    assert after.index_key == before.index_key
    assert after.signing_key == before.signing_key
    assert after.public.receipt_salt == before.public.receipt_salt
    assert after.public.receipt_params == before.public.receipt_params
    assert blind_index(after, "name", "Иванов Иван") == blind_index(before, "name", "Иванов Иван")
    assert derive_receipt_keys(receipt, after.public) == derive_receipt_keys(receipt, before.public)


def test_three_generations_all_readable(keyring: Keyring) -> None:
    generations = [keyring]
    for _ in range(2):
        generations.append(with_new_generation(generations[-1]))
    values = [seal(f"generation {n}", to=kr.public) for n, kr in enumerate(generations)]
    newest = generations[-1]
    assert len(newest.secret_keys) == 3
    assert [open_text(value, newest) for value in values] == [
        "generation 0",
        "generation 1",
        "generation 2",
    ]


def test_rotating_one_file_leaves_another_alone(
    make_keyfile: Callable[[str], KeyFile],
) -> None:
    first, second = make_keyfile("a.json"), make_keyfile("b.json")
    rotate_keyfile(first.path, first.passphrase)
    assert load_keyring(second.path, second.passphrase) == second.keyring
