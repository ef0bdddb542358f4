"""The web applicant's receipt and the keys derived from it.

A receipt is random digits plus a Luhn check digit: typed on any keypad, no language
needed, and a mistyped digit is caught before it costs an Argon2id run.  New receipts
have 20 digits (19 random, about 63 bits) derived at half the deployment's memory and
one pass fewer; receipts issued before them have 16 (15 random) at the full cost, and
keep working.  Every guess against a stolen database costs one derivation under the
deployment's salt and tests every stored receipt at once (one salt): the four extra
digits make a search 10,000 times longer, which is why the derivation may be cheaper
(the arithmetic: docs/decisions.md, "receipt cost arithmetic").  Length tells the two
formats apart.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, field

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey

from safepassage.crypto.errors import MalformedReceipt
from safepassage.crypto.keys import PublicKeyring, ReceiptParams

RECEIPT_DIGITS = 20
LEGACY_RECEIPT_DIGITS = 16
_LENGTHS = frozenset({RECEIPT_DIGITS, LEGACY_RECEIPT_DIGITS})
_DOMAIN = b"safepassage-receipt-v1:"
_DOMAIN_V2 = b"safepassage-receipt-v2:"
_SEPARATORS = frozenset(" -.")
# Nobody types a receipt of hundreds of characters; refuse before normalising.
_MAX_INPUT = 64


def _luhn_check_digit(payload: str) -> str:
    total = 0
    # Double every second digit counting from the right of the payload, i.e. the
    # digits that sit in even positions once the check digit is appended.
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def new_receipt() -> str:
    """A fresh receipt: 19 random digits from ``secrets`` and a Luhn check digit."""
    payload = "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_DIGITS - 1))
    return payload + _luhn_check_digit(payload)


def format_receipt(digits: str) -> str:
    """Show a receipt in groups of four: ``1234 5678 9012 3456 7890``."""
    if len(digits) not in _LENGTHS or not digits.isascii() or not digits.isdigit():
        raise MalformedReceipt("a receipt has 20 (or 16) digits")
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))


def parse_receipt(text: str) -> str:
    """Read a receipt as typed: spaces, dashes and dots are ignored, and digits of any
    script Unicode knows (full-width, Arabic-Indic, ...) count.  Returns 20 (or, for a
    receipt issued before them, 16) ASCII digits, or raises MalformedReceipt (whose
    message never repeats the input).
    """
    if len(text) > _MAX_INPUT:
        raise MalformedReceipt("a receipt has 20 (or 16) digits")
    digits: list[str] = []
    for char in unicodedata.normalize("NFKC", text):
        if char in _SEPARATORS or char.isspace() or unicodedata.category(char) == "Pd":
            continue
        value = unicodedata.digit(char, None)
        if value is None:
            raise MalformedReceipt("a receipt contains only digits")
        digits.append(str(value))
    if len(digits) not in _LENGTHS:
        raise MalformedReceipt("a receipt has 20 (or 16) digits")
    receipt = "".join(digits)
    if _luhn_check_digit(receipt[:-1]) != receipt[-1]:
        raise MalformedReceipt("the receipt's check digit does not match; a digit is mistyped")
    return receipt


@dataclass(frozen=True)
class ReceiptKeys:
    """What a receipt unlocks.  Only ``lookup_hash`` and ``public_key`` are ever stored."""

    lookup_hash: str
    private_key: PrivateKey = field(repr=False)
    public_key: PublicKey


def derive_receipt_keys(digits: str, public: PublicKeyring) -> ReceiptKeys:
    """Derive the lookup hash and the applicant keypair from a receipt.

    Argon2id(domain + receipt, deployment salt) gives 64 bytes: the first 32 are the
    lookup token (stored only as its SHA-256), the last 32 seed the applicant's X25519
    keypair.  ``digits`` may be formatted; it is parsed (and Luhn-checked) first.
    New receipts use the current salt.
    """
    return _derive(parse_receipt(digits), public.receipt_salt, public)


def derive_receipt_keys_all(digits: str, public: PublicKeyring) -> list[ReceiptKeys]:
    """The receipt's keys under every salt still honoured, the current salt first.

    A receipt issued before a salt rotation was registered under an older salt.  All
    salts are always derived, found or not, so the time a sign-in takes says nothing
    about which generation (if any) the receipt belongs to.
    """
    receipt = parse_receipt(digits)
    return [_derive(receipt, salt, public) for salt in public.receipt_salts]


def derivation_cost(receipt: str, params: ReceiptParams) -> ReceiptParams:
    """The Argon2id cost for ``receipt``: the deployment's for a 16-digit one; half its
    memory and one pass fewer (within libsodium's minimums) for a 20-digit one."""
    if len(receipt) == LEGACY_RECEIPT_DIGITS:
        return params
    return ReceiptParams(
        opslimit=max(argon2id.OPSLIMIT_MIN, params.opslimit - 1),
        memlimit=max(argon2id.MEMLIMIT_MIN, params.memlimit // 2),
    )


def _derive(receipt: str, salt: bytes, public: PublicKeyring) -> ReceiptKeys:
    cost = derivation_cost(receipt, public.receipt_params)
    domain = _DOMAIN if len(receipt) == LEGACY_RECEIPT_DIGITS else _DOMAIN_V2
    out = argon2id.kdf(
        64,
        domain + receipt.encode("ascii"),
        salt,
        opslimit=cost.opslimit,
        memlimit=cost.memlimit,
    )
    private_key = PrivateKey.from_seed(out[32:])
    return ReceiptKeys(
        lookup_hash=hashlib.sha256(out[:32]).hexdigest(),
        private_key=private_key,
        public_key=private_key.public_key,
    )
