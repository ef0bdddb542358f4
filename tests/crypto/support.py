"""Constants and small helpers shared by the crypto tests."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import nacl.pwhash

from safepassage.crypto.keys import Keyring, ReceiptParams
from safepassage.crypto.sealing import Sealed

# Argon2id at its minimum: tests exercise the format, not the cost (one test in
# test_receipts uses the production receipt parameters).
FAST_KDF_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN
FAST_KDF_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN
FAST_RECEIPTS = ReceiptParams(opslimit=1, memlimit=8 * 1024 * 1024)
PASSPHRASE = "crypto tests: пароль 비밀번호"

SAMPLE_TEXTS = [
    "Хочу сдаться. Я в Курской области, со мной ещё двое.",
    "항복하고 싶습니다. 저는 혼자입니다.",
    "Хочу жити 🙏🏻 — emoji, ZWJ 👨‍👩‍👧 and combining é",
    "",
    "x",
]


@dataclass(frozen=True)
class KeyFile:
    """A key file written by a test, with what unlocks it and what it holds."""

    path: Path
    passphrase: str
    keyring: Keyring


def flip_byte(value: Sealed, index: int, mask: int = 0x01) -> Sealed:
    """``value`` with one byte altered, wrapped without the structural check."""
    blob = bytearray(value.blob)
    blob[index] ^= mask
    return Sealed.from_storage(bytes(blob))


def secret_encodings(keyring: Keyring) -> list[bytes]:
    """Every secret of ``keyring`` as raw bytes, base64 and hex (to scan files for)."""
    raw = [bytes(key) for key in keyring.secret_keys.values()]
    raw += [keyring.index_key, bytes(keyring.signing_key)]
    encoded: list[bytes] = []
    for secret in raw:
        encoded += [
            secret,
            base64.b64encode(secret),
            base64.urlsafe_b64encode(secret),
            secret.hex().encode(),
        ]
    return encoded
