"""Signing information-bureau batches with the programme's Ed25519 key, and checking them.

The signature is detached (64 raw bytes) over the exact bytes of the JSON file, and the
verify key is offered as a standard PEM public key, so the bureau can check a batch
with stock tools, e.g. OpenSSL 3::

    openssl pkeyutl -verify -pubin -inkey safepassage-signing-key.pem -rawin \\
        -in bureau-export-7.json -sigfile bureau-export-7.json.sig
"""

from __future__ import annotations

import base64
import binascii
import hashlib

import nacl.exceptions
from nacl.signing import VerifyKey

from safepassage.crypto.runtime import get_keyring

SIGNATURE_SIZE = 64
VERIFY_KEY_SIZE = 32
# DER SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410): the raw key follows.
_ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
_PEM_BEGIN = "-----BEGIN PUBLIC KEY-----"
_PEM_END = "-----END PUBLIC KEY-----"


def programme_verify_key() -> VerifyKey:
    """The public half of the programme's signing key (console and worker only)."""
    return get_keyring().signing_key.verify_key


def programme_verify_keys() -> list[VerifyKey]:
    """Every verify key the programme has published: the current one first, then those of
    signing keys retired by ``safepassage keys rotate-signing`` (newest first)."""
    keyring = get_keyring()
    return [keyring.signing_key.verify_key, *keyring.previous_verify_keys]


def programme_key_that_signed(data: bytes, signature: bytes) -> VerifyKey | None:
    """The programme verify key (current or retired) under which ``signature`` over
    ``data`` verifies, or None: a batch approved before a signing rotation is checked
    with the key that signed it."""
    for key in programme_verify_keys():
        if verify_bureau_export(data, signature, key):
            return key
    return None


def sign_bureau_export(payload: bytes) -> bytes:
    """The detached Ed25519 signature of ``payload`` with the programme signing key."""
    return bytes(get_keyring().signing_key.sign(payload).signature)


def verify_key_pem(key: VerifyKey) -> str:
    """``key`` as a PEM "PUBLIC KEY" block (what OpenSSL and most libraries read)."""
    body = base64.b64encode(_ED25519_SPKI_PREFIX + bytes(key)).decode("ascii")
    return f"{_PEM_BEGIN}\n{body}\n{_PEM_END}\n"


def verify_key_fingerprint(key: VerifyKey) -> str:
    """SHA-256 of the raw key in groups of four hex digits, to compare by phone."""
    digest = hashlib.sha256(bytes(key)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def _decode_text(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None


def parse_verify_key(value: VerifyKey | bytes | str) -> VerifyKey:
    """A verify key from a ``VerifyKey``, 32 raw bytes, a PEM block or base64 text.

    ValueError if it is none of these.
    """
    if isinstance(value, VerifyKey):
        return value
    if isinstance(value, bytes) and len(value) == VERIFY_KEY_SIZE:
        return VerifyKey(value)
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    if text.startswith(_PEM_BEGIN):
        if _PEM_END not in text:
            raise ValueError("incomplete PEM block")
        der = _decode_text(text[len(_PEM_BEGIN) : text.index(_PEM_END)])
        if len(der) != len(_ED25519_SPKI_PREFIX) + VERIFY_KEY_SIZE or not der.startswith(
            _ED25519_SPKI_PREFIX
        ):
            raise ValueError("the PEM block is not an Ed25519 public key")
        return VerifyKey(der[len(_ED25519_SPKI_PREFIX) :])
    raw = _decode_text(text)
    if len(raw) != VERIFY_KEY_SIZE:
        raise ValueError("an Ed25519 verify key is 32 bytes")
    return VerifyKey(raw)


def _signature_bytes(signature: bytes | str) -> bytes | None:
    if isinstance(signature, bytes) and len(signature) == SIGNATURE_SIZE:
        return signature
    text = signature.decode("ascii", "replace") if isinstance(signature, bytes) else signature
    try:
        raw = _decode_text(text)
    except ValueError:
        return None
    return raw if len(raw) == SIGNATURE_SIZE else None


def verify_bureau_export(
    data: bytes, signature: bytes | str, verify_key: VerifyKey | bytes | str
) -> bool:
    """Whether ``signature`` (64 raw bytes, or base64) is the programme's over ``data``.

    False for a changed file, a changed or malformed signature, or another key's
    signature; ValueError only if ``verify_key`` itself is not a key.
    """
    key = parse_verify_key(verify_key)
    raw = _signature_bytes(signature)
    if raw is None:
        return False
    try:
        key.verify(data, raw)
    except nacl.exceptions.BadSignatureError:
        return False
    return True
