"""Receipts: generation, typing them back in, and the keys derived from them."""

from __future__ import annotations

import dataclasses
import re

import pytest

from safepassage.crypto.errors import MalformedReceipt
from safepassage.crypto.keys import Keyring, ReceiptParams
from safepassage.crypto.receipts import (
    LEGACY_RECEIPT_DIGITS,
    RECEIPT_DIGITS,
    derivation_cost,
    derive_receipt_keys,
    format_receipt,
    new_receipt,
    parse_receipt,
)
from safepassage.crypto.sealing import open_text_as_applicant, seal

VALID = "4111111111111111"  # a well-known Luhn-valid 16-digit number
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_new_receipts_are_20_luhn_valid_digits() -> None:
    receipts = {new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    for receipt in receipts:
        assert re.fullmatch(r"[0-9]{20}", receipt)
        assert parse_receipt(receipt) == receipt


def test_a_20_digit_receipt_reads_back_in_five_groups() -> None:
    receipt = new_receipt()
    shown = format_receipt(receipt)
    assert shown.count(" ") == 4
    assert parse_receipt(shown) == receipt


def test_receipts_of_both_lengths_derive_under_their_own_cost(keyring: Keyring) -> None:
    """A 16-digit receipt keeps the deployment's cost (its keys must not change); a
    20-digit one costs half the memory and one pass fewer, never below libsodium's floor."""
    production = ReceiptParams()
    assert derivation_cost(VALID, production) == production
    cheaper = derivation_cost(new_receipt(), production)
    assert (cheaper.opslimit, cheaper.memlimit) == (2, 32 * 1024 * 1024)
    floor = ReceiptParams(opslimit=1, memlimit=8192)
    assert derivation_cost(new_receipt(), floor) == floor
    assert len(VALID) == LEGACY_RECEIPT_DIGITS
    assert RECEIPT_DIGITS == 20


def test_the_same_digits_padded_to_20_give_other_keys(keyring: Keyring) -> None:
    """The two formats derive in separate domains: no 16-digit receipt's keys can be
    reached by a 20-digit one."""
    longer = "0000" + VALID  # still Luhn-valid: leading zeros add nothing to the sum
    assert parse_receipt(longer) == longer
    assert (
        derive_receipt_keys(longer, keyring.public).lookup_hash
        != derive_receipt_keys(VALID, keyring.public).lookup_hash
    )


def test_format_receipt() -> None:
    assert format_receipt("1234567890123452") == "1234 5678 9012 3452"
    with pytest.raises(MalformedReceipt):
        format_receipt("123")
    with pytest.raises(MalformedReceipt):
        format_receipt("４１１１１１１１１１１１１１１１")


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        "4111 1111 1111 1111",
        "  4111-1111-1111-1111 ",
        "4111.1111.1111.1111",
        "4111 - 1111 . 1111  1111",
        "4111\u20131111\u20141111\u20111111",  # en dash, em dash, non-breaking hyphen
        "4111\u30001111\u00a01111\t1111",  # ideographic and no-break spaces
        "4111 1111 1111 1111".translate(FULL_WIDTH),  # typed on a Korean keypad
        "4111 1111 1111 1111".translate(ARABIC_INDIC),
        "４１１１－１１１１－１１１１－１１１１",
    ],
)
def test_parse_accepts_how_people_type(typed: str) -> None:
    assert parse_receipt(typed) == VALID


@pytest.mark.parametrize(
    "typed",
    [
        "4111 1111 1111 1112",  # wrong check digit
        "4111 1111 1111 111",  # 15 digits
        "4111 1111 1111 11111",  # 17 digits
        "4111 1111 1111 1111 111",  # 19 digits
        "4111 1111 1111 1111 11111",  # 21 digits
        "4111 1111 1111 111O",  # letter O
        "4111/1111/1111/1111",
        "",
        "1" * 500,
    ],
)
def test_parse_rejects(typed: str) -> None:
    with pytest.raises(MalformedReceipt) as caught:
        parse_receipt(typed)
    assert "4111" not in str(caught.value)


def test_every_single_digit_typo_is_caught() -> None:
    receipt = new_receipt()
    for position in range(len(receipt)):
        for digit in "0123456789":
            if digit == receipt[position]:
                continue
            typo = receipt[:position] + digit + receipt[position + 1 :]
            with pytest.raises(MalformedReceipt):
                parse_receipt(typo)


def test_derivation_is_deterministic(keyring: Keyring) -> None:
    first = derive_receipt_keys(VALID, keyring.public)
    second = derive_receipt_keys("4111 1111 1111 1111", keyring.public)
    assert first == second
    assert re.fullmatch(r"[0-9a-f]{64}", first.lookup_hash)
    assert first.public_key == first.private_key.public_key
    assert "private_key" not in repr(first)


def test_derivation_differs_by_salt_and_by_receipt(
    keyring: Keyring, other_keyring: Keyring
) -> None:
    mine = derive_receipt_keys(VALID, keyring.public)
    other_salt = derive_receipt_keys(VALID, other_keyring.public)
    other_receipt = derive_receipt_keys(new_receipt(), keyring.public)
    assert len({mine.lookup_hash, other_salt.lookup_hash, other_receipt.lookup_hash}) == 3
    assert len({bytes(mine.public_key), bytes(other_salt.public_key)}) == 2


def test_derivation_refuses_malformed_receipt(keyring: Keyring) -> None:
    with pytest.raises(MalformedReceipt):
        derive_receipt_keys("4111 1111 1111 1112", keyring.public)


def test_applicant_reads_replies_with_the_receipt_alone(keyring: Keyring) -> None:
    receipt = new_receipt()
    stored_public_key = derive_receipt_keys(receipt, keyring.public).public_key
    reply = seal("Мы на связи.", to=keyring.public, applicant=stored_public_key)
    # Later, a new session: the applicant types the receipt again.
    typed = format_receipt(receipt).translate(FULL_WIDTH)
    keys = derive_receipt_keys(typed, keyring.public)
    assert open_text_as_applicant(reply, keys.private_key) == "Мы на связи."


def test_production_receipt_parameters(keyring: Keyring) -> None:
    production = dataclasses.replace(keyring.public, receipt_params=ReceiptParams())
    assert production.receipt_params == ReceiptParams(opslimit=3, memlimit=64 * 1024 * 1024)
    keys = derive_receipt_keys(VALID, production)
    assert keys == derive_receipt_keys(VALID, production)
    assert keys.lookup_hash != derive_receipt_keys(VALID, keyring.public).lookup_hash


def test_receipt_params_are_bounded() -> None:
    with pytest.raises(ValueError, match="opslimit"):
        ReceiptParams(opslimit=0)
    with pytest.raises(ValueError, match="memlimit"):
        ReceiptParams(memlimit=1024)
