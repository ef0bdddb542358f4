"""JSON encoding of key files.

Decoders read untrusted JSON: every helper raises ``ValueError`` on anything
unexpected, and ``keyfile`` turns that into ``KeyFileCorrupt`` naming only the path.
"""

from __future__ import annotations

import base64
import re

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from safepassage.crypto.keys import (
    INDEX_KEY_SIZE,
    RECEIPT_SALT_SIZE,
    RECOVERY_KEY_SIZE,
    Keyring,
    PublicKeyring,
    ReceiptParams,
)

FORMAT = "safepassage-keyfile"
PUBLIC_FORMAT = "safepassage-public-keyfile"
VERSION = 1
KEY_SIZE = 32

JsonObject = dict[str, object]

_HEX_KEY_ID = re.compile(r"[0-9a-f]{16}")


def b64(data: bytes) -> str:
    """Standard base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def get_object(container: JsonObject, name: str) -> JsonObject:
    """``container[name]`` as a JSON object with string keys."""
    value = container.get(name)
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ValueError(name)
    return value


def get_str(container: JsonObject, name: str) -> str:
    """``container[name]`` as a string."""
    value = container.get(name)
    if not isinstance(value, str):
        raise ValueError(name)
    return value


def get_int(container: JsonObject, name: str, low: int, high: int) -> int:
    """``container[name]`` as an int within [low, high] (bools refused)."""
    value = container.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(name)
    return value


def decode_b64(text: object, size: int | None = None) -> bytes:
    """Strict base64 (no stray characters), optionally of an exact decoded size."""
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    data = base64.b64decode(text.encode("ascii", "strict"), validate=True)
    if size is not None and len(data) != size:
        raise ValueError("wrong length")
    return data


def get_list(container: JsonObject, name: str) -> list[object]:
    """``container[name]`` as a JSON array; ``[]`` when absent (files written before the
    member existed)."""
    value = container.get(name, [])
    if not isinstance(value, list):
        raise ValueError(name)
    return value


def decode_key_id(text: str) -> bytes:
    """A key id written as 16 lowercase hex digits."""
    if not _HEX_KEY_ID.fullmatch(text):
        raise ValueError("key id")
    return bytes.fromhex(text)


def encode_public(public: PublicKeyring) -> JsonObject:
    """The public part of a key file: what the intake tier is allowed to read."""
    return {
        "active_key_id": public.active_key_id.hex(),
        "public_keys": {kid.hex(): b64(bytes(key)) for kid, key in public.public_keys.items()},
        "receipt_salt": b64(public.receipt_salt),
        "previous_receipt_salts": [b64(salt) for salt in public.previous_receipt_salts],
        "receipt_params": {
            "alg": "argon2id",
            "opslimit": public.receipt_params.opslimit,
            "memlimit": public.receipt_params.memlimit,
        },
    }


def decode_public(obj: JsonObject) -> PublicKeyring:
    """Inverse of :func:`encode_public`; extra members (the verify key) are ignored."""
    params = get_object(obj, "receipt_params")
    if params.get("alg") != "argon2id":
        raise ValueError("receipt_params.alg")
    public_keys = {
        decode_key_id(kid): PublicKey(decode_b64(key, KEY_SIZE))
        for kid, key in get_object(obj, "public_keys").items()
    }
    return PublicKeyring(
        active_key_id=decode_key_id(get_str(obj, "active_key_id")),
        public_keys=public_keys,
        receipt_salt=decode_b64(obj.get("receipt_salt"), RECEIPT_SALT_SIZE),
        previous_receipt_salts=tuple(
            decode_b64(salt, RECEIPT_SALT_SIZE) for salt in get_list(obj, "previous_receipt_salts")
        ),
        receipt_params=ReceiptParams(
            opslimit=get_int(params, "opslimit", argon2id.OPSLIMIT_MIN, argon2id.OPSLIMIT_MAX),
            memlimit=get_int(params, "memlimit", argon2id.MEMLIMIT_MIN, argon2id.MEMLIMIT_MAX),
        ),
    )


def encode_verify_keys(current: VerifyKey, previous: tuple[VerifyKey, ...]) -> JsonObject:
    """The signing verify keys: the current one and retired ones (newest first)."""
    return {
        "verify_key": b64(bytes(current)),
        "previous_verify_keys": [b64(bytes(key)) for key in previous],
    }


def decode_previous_verify_keys(obj: JsonObject) -> tuple[VerifyKey, ...]:
    """The retired signing verify keys named in a public part (``()`` if none)."""
    return tuple(
        VerifyKey(decode_b64(key, KEY_SIZE)) for key in get_list(obj, "previous_verify_keys")
    )


def encode_full_public(keyring: Keyring) -> JsonObject:
    """The public part of a full key file, which also names the signing verify keys."""
    return {
        **encode_public(keyring.public),
        **encode_verify_keys(keyring.signing_key.verify_key, keyring.previous_verify_keys),
    }


def encode_secrets(keyring: Keyring) -> JsonObject:
    """The secret part, sealed in the key file.

    It carries a copy of the public part so that editing the plaintext public part
    (say, lowering the receipt cost or swapping the salt) is detected on unlock.
    """
    encoded: JsonObject = {
        "public": encode_full_public(keyring),
        "secret_keys": {kid.hex(): b64(bytes(key)) for kid, key in keyring.secret_keys.items()},
        "index_key": b64(keyring.index_key),
        "signing_key": b64(bytes(keyring.signing_key)),
    }
    if keyring.recovery_key is not None:
        encoded["recovery_key"] = b64(keyring.recovery_key)
    if keyring.previous_index_key is not None:
        encoded["previous_index_key"] = b64(keyring.previous_index_key)
    return encoded


def _optional_b64(obj: JsonObject, name: str, size: int) -> bytes | None:
    return None if obj.get(name) is None else decode_b64(obj.get(name), size)


def decode_secrets(obj: JsonObject) -> Keyring:
    """Inverse of :func:`encode_secrets`; ``Keyring`` checks that the parts agree."""
    public_obj = get_object(obj, "public")
    signing_key = SigningKey(decode_b64(obj.get("signing_key"), KEY_SIZE))
    if decode_b64(public_obj.get("verify_key"), KEY_SIZE) != bytes(signing_key.verify_key):
        raise ValueError("verify key does not match the signing key")
    secret_keys = {
        decode_key_id(kid): PrivateKey(decode_b64(key, KEY_SIZE))
        for kid, key in get_object(obj, "secret_keys").items()
    }
    return Keyring(
        public=decode_public(public_obj),
        secret_keys=secret_keys,
        index_key=decode_b64(obj.get("index_key"), INDEX_KEY_SIZE),
        signing_key=signing_key,
        recovery_key=_optional_b64(obj, "recovery_key", RECOVERY_KEY_SIZE),
        previous_index_key=_optional_b64(obj, "previous_index_key", INDEX_KEY_SIZE),
        previous_verify_keys=decode_previous_verify_keys(public_obj),
    )
