"""Any change to a stored sealed value is reported as TamperedValue, never as a raw
libsodium error and never as a successful open."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey

from safepassage.crypto.errors import TamperedValue
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_as_applicant, open_sealed, seal

from .support import flip_byte

# Long enough that a recipient count flipped upwards still parses, so the header tag
# (not only the length check) has to catch it.
TEXT = "Я хочу жить. Позывной и номер части пришлю позже." * 4


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_flipping_any_byte_of_a_programme_value(keyring: Keyring, mask: int) -> None:
    value = seal(TEXT, to=keyring.public)
    for index in range(len(value)):
        with pytest.raises(TamperedValue):
            open_sealed(flip_byte(value, index, mask), keyring)


def test_flipping_any_byte_of_a_two_recipient_value(
    keyring: Keyring, applicant_key: PrivateKey
) -> None:
    # Each recipient detects changes to the other's entry too (the header tag covers
    # the whole header), so a thief cannot silently cut the applicant off.
    value = seal(TEXT, to=keyring.public, applicant=applicant_key.public_key)
    for index in range(len(value)):
        tampered = flip_byte(value, index)
        with pytest.raises(TamperedValue):
            open_sealed(tampered, keyring)
        with pytest.raises(TamperedValue):
            open_as_applicant(tampered, applicant_key)


def test_dropping_the_applicant_entry_is_detected(
    keyring: Keyring, applicant_key: PrivateKey
) -> None:
    value = seal(TEXT, to=keyring.public, applicant=applicant_key.public_key).blob
    without_applicant = value[:3] + b"\x01" + value[4 : 4 + 88] + value[4 + 2 * 88 :]
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(without_applicant), keyring)


@pytest.mark.parametrize("keep", [0, 2, 3, 4, 50, 4 + 88 + 16 + 39])
def test_truncated_values(keyring: Keyring, keep: int) -> None:
    short = seal("", to=keyring.public).blob[:keep]
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(short), keyring)
    with pytest.raises(TamperedValue):
        Sealed(short)


def test_truncated_body(keyring: Keyring) -> None:
    value = seal(TEXT, to=keyring.public).blob
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(value[:-1]), keyring)
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(value + b"\x00"), keyring)


@pytest.mark.parametrize("magic", [b"SP2", b"sp1", b"\x00\x00\x00"])
def test_wrong_magic(keyring: Keyring, magic: bytes) -> None:
    value = seal(TEXT, to=keyring.public).blob
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(magic + value[3:]), keyring)


@pytest.mark.parametrize("count", [0, 5, 255])
def test_invalid_recipient_count(keyring: Keyring, count: int) -> None:
    value = seal(TEXT, to=keyring.public).blob
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(value[:3] + bytes([count]) + value[4:]), keyring)


def test_body_swapped_between_values(keyring: Keyring) -> None:
    first = seal("first", to=keyring.public).blob
    second = seal("other", to=keyring.public).blob
    body_offset = 4 + 88 + 16
    with pytest.raises(TamperedValue):
        open_sealed(Sealed.from_storage(first[:body_offset] + second[body_offset:]), keyring)
