"""Runtime key objects: the public keyring (all the intake may hold) and the full keyring."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey

KEY_ID_SIZE = 8
RECEIPT_SALT_SIZE = 16
INDEX_KEY_SIZE = 32


def key_id(public_key: PublicKey) -> bytes:
    """The 8-byte tag naming ``public_key`` among a sealed value's recipients.

    A truncated BLAKE2b-256 of the raw key: short enough to keep sealed values small,
    long enough that a keyring's few generations and applicant keys never collide.
    """
    return hashlib.blake2b(bytes(public_key), digest_size=32).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class ReceiptParams:
    """Argon2id cost of deriving keys from a receipt (production: t=3, 64 MiB)."""

    opslimit: int = 3
    memlimit: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        if not argon2id.OPSLIMIT_MIN <= self.opslimit <= argon2id.OPSLIMIT_MAX:
            raise ValueError("receipt opslimit out of range")
        if not argon2id.MEMLIMIT_MIN <= self.memlimit <= argon2id.MEMLIMIT_MAX:
            raise ValueError("receipt memlimit out of range")


@dataclass(frozen=True)
class PublicKeyring:
    """Everything the intake tier may hold: public keys, receipt salt and cost.

    ``public_keys`` holds every generation by key id; new values are sealed to the
    active one only.
    """

    active_key_id: bytes
    public_keys: dict[bytes, PublicKey]
    receipt_salt: bytes
    receipt_params: ReceiptParams

    def __post_init__(self) -> None:
        # Copy so a caller mutating its dict later cannot change a "frozen" keyring.
        object.__setattr__(self, "public_keys", dict(self.public_keys))
        if len(self.receipt_salt) != RECEIPT_SALT_SIZE:
            raise ValueError("receipt salt must be 16 bytes")
        for kid, public_key in self.public_keys.items():
            if key_id(public_key) != kid:
                raise ValueError("public key filed under the wrong key id")
        if self.active_key_id not in self.public_keys:
            raise ValueError("active key id is not among the public keys")

    @property
    def active_public_key(self) -> PublicKey:
        """The key new values are sealed to."""
        return self.public_keys[self.active_key_id]


@dataclass(frozen=True)
class Keyring:
    """The full keyring held by console and worker.

    Secret fields are excluded from ``repr`` so a keyring in a traceback or log line
    shows no key material.
    """

    public: PublicKeyring
    secret_keys: dict[bytes, PrivateKey] = field(repr=False)
    index_key: bytes = field(repr=False)
    signing_key: SigningKey = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret_keys", dict(self.secret_keys))
        if len(self.index_key) != INDEX_KEY_SIZE:
            raise ValueError("index key must be 32 bytes")
        if set(self.secret_keys) != set(self.public.public_keys):
            raise ValueError("secret and public keys name different key ids")
        for kid, secret_key in self.secret_keys.items():
            if secret_key.public_key != self.public.public_keys[kid]:
                raise ValueError("a secret key does not match its public key")


def new_keyring(receipt_params: ReceiptParams | None = None) -> Keyring:
    """Generate a fresh keyring: one X25519 keypair, index key, signing key, receipt salt."""
    secret_key = PrivateKey.generate()
    kid = key_id(secret_key.public_key)
    public = PublicKeyring(
        active_key_id=kid,
        public_keys={kid: secret_key.public_key},
        receipt_salt=secrets.token_bytes(RECEIPT_SALT_SIZE),
        receipt_params=receipt_params if receipt_params is not None else ReceiptParams(),
    )
    return Keyring(
        public=public,
        secret_keys={kid: secret_key},
        index_key=secrets.token_bytes(INDEX_KEY_SIZE),
        signing_key=SigningKey.generate(),
    )


def with_new_generation(keyring: Keyring) -> Keyring:
    """A copy of ``keyring`` with a new active X25519 keypair; older ones stay for reading.

    The index key, signing key and receipt salt are kept, so blind indexes and
    receipts issued before the rotation stay valid.
    """
    secret_key = PrivateKey.generate()
    kid = key_id(secret_key.public_key)
    public = PublicKeyring(
        active_key_id=kid,
        public_keys={**keyring.public.public_keys, kid: secret_key.public_key},
        receipt_salt=keyring.public.receipt_salt,
        receipt_params=keyring.public.receipt_params,
    )
    return Keyring(
        public=public,
        secret_keys={**keyring.secret_keys, kid: secret_key},
        index_key=keyring.index_key,
        signing_key=keyring.signing_key,
    )
