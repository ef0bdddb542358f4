"""Sealing and opening values: round trips, recipients, applicants, re-sealing."""

from __future__ import annotations

import copy
import pickle

import pytest
from nacl.public import PrivateKey

from safepassage.crypto.errors import CryptoError, NotARecipient
from safepassage.crypto.keys import Keyring, key_id
from safepassage.crypto.sealing import (
    ENTRY_SIZE,
    PREFIX_SIZE,
    TAG_SIZE,
    Sealed,
    open_as_applicant,
    open_envelope_body,
    open_sealed,
    open_text,
    open_text_as_applicant,
    recipients,
    reseal_for_applicant,
    seal,
    seal_envelope_body,
)

from .support import SAMPLE_TEXTS


@pytest.mark.parametrize("text", SAMPLE_TEXTS)
def test_text_round_trips(keyring: Keyring, text: str) -> None:
    assert open_text(seal(text, to=keyring.public), keyring) == text


def test_bytes_round_trip(keyring: Keyring) -> None:
    data = bytes(range(256)) * 3
    assert open_sealed(seal(data, to=keyring.public), keyring) == data


def test_sealing_twice_gives_different_blobs(keyring: Keyring) -> None:
    # A fresh data key and nonce each time: equal plaintexts must not be linkable.
    assert seal("same", to=keyring.public) != seal("same", to=keyring.public)


def test_blob_layout_and_recipients(keyring: Keyring, applicant_key: PrivateKey) -> None:
    programme_only = seal("abc", to=keyring.public)
    both = seal("abc", to=keyring.public, applicant=applicant_key.public_key)
    assert programme_only.blob.startswith(b"SP1\x01")
    assert both.blob.startswith(b"SP1\x02")
    assert len(both) - len(programme_only) == ENTRY_SIZE
    assert recipients(programme_only) == [keyring.public.active_key_id]
    assert recipients(both) == [keyring.public.active_key_id, key_id(applicant_key.public_key)]


def test_other_programme_is_not_a_recipient(keyring: Keyring, other_keyring: Keyring) -> None:
    with pytest.raises(NotARecipient):
        open_sealed(seal("secret", to=keyring.public), other_keyring)


def test_applicant_opens_own_messages(keyring: Keyring, applicant_key: PrivateKey) -> None:
    value = seal("ответ оператора", to=keyring.public, applicant=applicant_key.public_key)
    assert open_text_as_applicant(value, applicant_key) == "ответ оператора"
    assert open_text(value, keyring) == "ответ оператора"


def test_applicant_cannot_open_others_messages(keyring: Keyring, applicant_key: PrivateKey) -> None:
    someone_else = PrivateKey.generate()
    for_other = seal("not yours", to=keyring.public, applicant=someone_else.public_key)
    for_programme = seal("internal note", to=keyring.public)
    with pytest.raises(NotARecipient):
        open_as_applicant(for_other, applicant_key)
    with pytest.raises(NotARecipient):
        open_as_applicant(for_programme, applicant_key)


def test_reseal_keeps_body_bytes(keyring: Keyring, applicant_key: PrivateKey) -> None:
    original = seal("первое сообщение", to=keyring.public)
    resealed = reseal_for_applicant(original, keyring, applicant_key.public_key)
    body_offset = PREFIX_SIZE + ENTRY_SIZE + TAG_SIZE
    assert resealed.blob[body_offset + ENTRY_SIZE :] == original.blob[body_offset:]
    assert recipients(resealed) == [keyring.public.active_key_id, key_id(applicant_key.public_key)]
    assert open_text_as_applicant(resealed, applicant_key) == "первое сообщение"
    assert open_text(resealed, keyring) == "первое сообщение"


def test_reseal_needs_the_programme_key(
    keyring: Keyring, other_keyring: Keyring, applicant_key: PrivateKey
) -> None:
    with pytest.raises(NotARecipient):
        reseal_for_applicant(seal("x", to=keyring.public), other_keyring, applicant_key.public_key)


def test_envelope_body_round_trip(keyring: Keyring) -> None:
    data: dict[str, object] = {"message": "도와주세요", "n": 3, "reach_back": {"phone": "+7"}}
    sealed = seal_envelope_body(data, to=keyring.public)
    assert open_envelope_body(sealed, keyring) == data
    # Compact JSON, text kept as UTF-8 rather than \u escapes: smaller envelopes.
    assert (
        open_text(sealed, keyring) == '{"message":"도와주세요","n":3,"reach_back":{"phone":"+7"}}'
    )


def test_envelope_body_must_be_a_json_object(keyring: Keyring) -> None:
    with pytest.raises(CryptoError):
        open_envelope_body(seal("[1, 2]", to=keyring.public), keyring)
    with pytest.raises(CryptoError):
        open_envelope_body(seal("not json", to=keyring.public), keyring)


def test_open_text_refuses_non_utf8(keyring: Keyring) -> None:
    with pytest.raises(CryptoError):
        open_text(seal(b"\xff\xfe", to=keyring.public), keyring)


@pytest.mark.parametrize("plaintext", [None, 42, bytearray(b"x"), ["list"]])
def test_seal_refuses_other_types(keyring: Keyring, plaintext: object) -> None:
    with pytest.raises(TypeError):
        seal(plaintext, to=keyring.public)  # type: ignore[arg-type]


def test_seal_refuses_lone_surrogates_without_echoing_them(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="surrogate") as caught:
        seal("name\ud800", to=keyring.public)
    assert "name" not in str(caught.value)


def test_sealed_repr_shows_only_length(keyring: Keyring) -> None:
    value = seal("Иванов Иван", to=keyring.public)
    assert repr(value) == f"<Sealed {len(value)} bytes>"
    assert str(value) == repr(value)


def test_sealed_is_immutable_hashable_and_copyable(keyring: Keyring) -> None:
    value = seal("x", to=keyring.public)
    with pytest.raises(AttributeError):
        value._blob = b"other"
    with pytest.raises(AttributeError):
        del value._blob
    same = Sealed(value.blob)
    assert same == value
    assert hash(same) == hash(value)
    assert {value, same} == {value}
    assert value != value.blob
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own bytes
    assert bytes(value) == value.blob


def test_sealed_refuses_plain_bytes_and_str() -> None:
    with pytest.raises(CryptoError):
        Sealed(b"Ivanov Ivan, 3rd motor rifle")
    with pytest.raises(TypeError):
        Sealed("text")  # type: ignore[arg-type]
